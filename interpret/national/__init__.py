"""The national variant database as its users meet it: lookups across the store (page, API, command line)."""
