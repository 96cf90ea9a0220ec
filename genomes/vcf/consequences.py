"""Sequence Ontology consequence terms ranked by severity, and their impact classes.

Order and impact follow Ensembl VEP's consequence table (most severe first);
SnpEff's own terms are placed beside their VEP equivalents. Unknown terms rank
after all known ones, so a new term never hides a known severe one.
"""
from __future__ import annotations

# (term, impact) from most to least severe.
RANKED_CONSEQUENCES: tuple[tuple[str, str], ...] = (
    ("transcript_ablation", "HIGH"), ("exon_loss_variant", "HIGH"), ("splice_acceptor_variant", "HIGH"),
    ("splice_donor_variant", "HIGH"), ("stop_gained", "HIGH"), ("frameshift_variant", "HIGH"),
    ("stop_lost", "HIGH"), ("start_lost", "HIGH"), ("gene_fusion", "HIGH"), ("bidirectional_gene_fusion", "HIGH"),
    ("transcript_amplification", "HIGH"), ("feature_elongation", "HIGH"), ("feature_truncation", "HIGH"),
    ("inframe_insertion", "MODERATE"), ("disruptive_inframe_insertion", "MODERATE"),
    ("conservative_inframe_insertion", "MODERATE"), ("inframe_deletion", "MODERATE"),
    ("disruptive_inframe_deletion", "MODERATE"), ("conservative_inframe_deletion", "MODERATE"),
    ("missense_variant", "MODERATE"), ("protein_altering_variant", "MODERATE"),
    ("splice_donor_5th_base_variant", "LOW"), ("splice_region_variant", "LOW"),
    ("splice_donor_region_variant", "LOW"), ("splice_polypyrimidine_tract_variant", "LOW"),
    ("incomplete_terminal_codon_variant", "LOW"), ("start_retained_variant", "LOW"),
    ("stop_retained_variant", "LOW"), ("synonymous_variant", "LOW"),
    ("coding_sequence_variant", "MODIFIER"), ("mature_miRNA_variant", "MODIFIER"),
    ("5_prime_UTR_premature_start_codon_gain_variant", "LOW"), ("5_prime_UTR_variant", "MODIFIER"),
    ("3_prime_UTR_variant", "MODIFIER"), ("non_coding_transcript_exon_variant", "MODIFIER"),
    ("non_coding_exon_variant", "MODIFIER"), ("intron_variant", "MODIFIER"),
    ("NMD_transcript_variant", "MODIFIER"), ("non_coding_transcript_variant", "MODIFIER"),
    ("coding_transcript_variant", "MODIFIER"), ("intragenic_variant", "MODIFIER"),
    ("upstream_gene_variant", "MODIFIER"), ("downstream_gene_variant", "MODIFIER"),
    ("TFBS_ablation", "MODIFIER"), ("TFBS_amplification", "MODIFIER"), ("TF_binding_site_variant", "MODIFIER"),
    ("regulatory_region_ablation", "MODERATE"), ("regulatory_region_amplification", "MODIFIER"),
    ("regulatory_region_variant", "MODIFIER"), ("intergenic_region", "MODIFIER"),
    ("intergenic_variant", "MODIFIER"), ("sequence_variant", "MODIFIER"), ("sequence_feature", "LOW"),
)
CONSEQUENCE_RANK: dict[str, int] = {term: rank for rank, (term, _) in enumerate(RANKED_CONSEQUENCES)}
CONSEQUENCE_IMPACT: dict[str, str] = dict(RANKED_CONSEQUENCES)
IMPACT_RANK = {"HIGH": 0, "MODERATE": 1, "LOW": 2, "MODIFIER": 3}
UNKNOWN_RANK = len(RANKED_CONSEQUENCES)


def worst_consequence(terms) -> str:
    """The most severe term of an iterable of SO terms; '' for none."""
    best, best_rank = "", UNKNOWN_RANK + 1
    for term in terms:
        rank = CONSEQUENCE_RANK.get(term, UNKNOWN_RANK)
        if rank < best_rank:
            best, best_rank = term, rank
    return best


def highest_impact(impacts) -> str:
    best = ""
    for impact in impacts:
        if impact and IMPACT_RANK.get(impact, 9) < IMPACT_RANK.get(best, 9):
            best = impact
    return best
