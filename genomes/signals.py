"""Signals genomes sends for the layers above it (which genomes does not import)."""
from django.dispatch import Signal

# A case's variants were stored (an import committed): the national observations changed. Sent with case_id.
case_variants_stored = Signal()
