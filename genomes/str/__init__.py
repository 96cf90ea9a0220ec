"""Repeat expansions (short tandem repeats): the repeat catalog, ExpansionHunter and TRGT calls, their status."""
