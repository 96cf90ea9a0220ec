"""The one vocabulary of consequence terms: Sequence Ontology terms ranked by severity, their impact classes, and
the groups every rule reads (loss of function, in-frame, missense-like, splice, regulatory, coding changes), each
with the names other annotators use for the same (SnpEff's ``disruptive_inframe_deletion``,
``conservative_inframe_insertion``, ``exon_loss_variant``; older VEP's ``initiator_codon_variant``,
``nc_transcript_variant``; SnpEff joins several with '&' as VEP does: ``splice_region_variant&intron_variant`` is two
terms). ACMG suggestions, PVS1, oncogenicity, biomarker classes and the TMB read these groups, never their own sets.

Order and impact follow Ensembl VEP's consequence table (most severe first); SnpEff's own terms are placed beside
their VEP equivalents. Unknown terms rank after all known ones, so a new term never hides a known severe one.
"""
from __future__ import annotations

# (term, impact) from most to least severe.
RANKED_CONSEQUENCES: tuple[tuple[str, str], ...] = (
    ("transcript_ablation", "HIGH"), ("exon_loss_variant", "HIGH"), ("splice_acceptor_variant", "HIGH"),
    ("splice_donor_variant", "HIGH"), ("stop_gained", "HIGH"), ("frameshift_variant", "HIGH"),
    ("stop_lost", "HIGH"), ("start_lost", "HIGH"), ("initiator_codon_variant", "HIGH"), ("gene_fusion", "HIGH"),
    ("bidirectional_gene_fusion", "HIGH"),
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
    ("nc_transcript_variant", "MODIFIER"),
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


# The groups rules read. Each holds the Sequence Ontology term and the names other annotators give it.
STOP_OR_FRAMESHIFT = frozenset({"stop_gained", "frameshift_variant"})
SPLICE_SITE = frozenset({"splice_donor_variant", "splice_acceptor_variant"})
START_LOSS = frozenset({"start_lost", "initiator_codon_variant"})
# Loss of function: a premature stop, a frameshift, a canonical splice site, the start codon, the transcript or an
# exon gone (SnpEff's exon_loss_variant)
LOSS_OF_FUNCTION = STOP_OR_FRAMESHIFT | SPLICE_SITE | START_LOSS | frozenset({"transcript_ablation",
                                                                             "exon_loss_variant"})
# In-frame insertions and deletions (SnpEff splits them into conservative and disruptive)
IN_FRAME = frozenset({"inframe_insertion", "inframe_deletion", "disruptive_inframe_insertion",
                      "conservative_inframe_insertion", "disruptive_inframe_deletion",
                      "conservative_inframe_deletion"})
# Changes of the protein's length other than truncation: in-frame indels and a lost stop codon (ACMG PM4)
PROTEIN_LENGTH_CHANGING = IN_FRAME | frozenset({"stop_lost"})
MISSENSE_LIKE = frozenset({"missense_variant", "protein_altering_variant"})
SPLICE = SPLICE_SITE | frozenset({"splice_region_variant", "splice_donor_5th_base_variant",
                                  "splice_donor_region_variant", "splice_polypyrimidine_tract_variant"})
REGULATORY = frozenset({"regulatory_region_variant", "regulatory_region_ablation", "regulatory_region_amplification",
                        "TF_binding_site_variant", "TFBS_ablation", "TFBS_amplification"})
# Changes that leave the protein as it is, or lie outside the coding sequence (ACMG BP7 with SpliceAI)
SILENT_OR_INTRONIC = frozenset({"synonymous_variant", "intron_variant", "splice_region_variant",
                                "splice_polypyrimidine_tract_variant", "stop_retained_variant"})
# Coding, non-synonymous changes: what a tumour mutational burden counts
CODING_NON_SYNONYMOUS = LOSS_OF_FUNCTION | IN_FRAME | MISSENSE_LIKE | frozenset({
    "stop_lost", "coding_sequence_variant", "incomplete_terminal_codon_variant"})
# Terms of a feature a variant lies near, not in (a gene 3 kb away does not make the variant its own)
NEARBY = frozenset({"upstream_gene_variant", "downstream_gene_variant", "intergenic_variant", "intergenic_region",
                    "regulatory_region_variant", "TF_binding_site_variant"})
INTERGENIC = frozenset({"intergenic_variant", "intergenic_region"})
