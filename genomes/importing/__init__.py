"""Importing a case: checks before anything is stored, the job that reads and stores the variants, uploads."""
