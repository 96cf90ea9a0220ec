"""Mitochondrial variants: heteroplasmy per sample, read from Mutect2, HmtNote or mtDNA-Server files."""
