"""Structural variants and copy-number variants: callers, reading, storage and analysis (issue 26)."""
