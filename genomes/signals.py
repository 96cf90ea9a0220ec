"""Signals genomes sends for the layers above it (which genomes does not import)."""
from django.dispatch import Signal

# A case's variants were stored (an import committed): the national observations changed. Sent with case_id.
case_variants_stored = Signal()

# A dosage table was loaded and some genes became established dosage-sensitive (ClinGen score 3) for the build.
# Sent with build and genes: {symbol: ["haploinsufficiency" and/or "triplosensitivity"]}.
dosage_genes_established = Signal()

# A case's phenotype (HPO terms of its individuals) changed, committed. Sent with case_id.
case_phenotypes_changed = Signal()

# A repeat catalog was replaced and some loci's thresholds changed, committed. Sent with build and loci (ids).
str_catalog_changed = Signal()
