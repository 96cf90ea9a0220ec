"""What a case's file carries, as the analysis must say it: "not annotated" where the file has no such field,
"absent from gnomAD" only where it has the field and this variant has no value, and what each filter does when
its evidence is missing (a frequency filter on a file without frequencies keeps everything, and says so).

The sources come from the import (genomes.vcf.evidence_fields.evidence_sources, stored in the import's
statistics); an import made before they were recorded gives None: "not recorded".
"""
from __future__ import annotations

from genomes.vcf.evidence_fields import EVIDENCE_GROUPS, EVIDENCE_LABELS, carries, frequency_databases, missing_evidence

NOT_ANNOTATED = "not annotated"
NOT_RECORDED = "not recorded"


def case_evidence(case_import) -> dict | None:
    """Each evidence field -> its source in the file (None: not annotated); None: not recorded (old import)."""
    if case_import is None:
        return None
    return (case_import.statistics or {}).get("evidence_sources")


def frequency_text(value, evidence: dict | None, field: str = "gnomad_popmax") -> str:
    """A population frequency as the pages show it: "absent from gnomAD" only where the file carries the
    field this figure comes from (and names the databases that were looked in), "not annotated" where not."""
    if value is not None:
        return f"{value:.4g}"
    known = carries(evidence, field)
    if known is None:
        return NOT_RECORDED
    return f"absent from {frequency_databases(evidence.get(field))}" if known else NOT_ANNOTATED


def score_text(value, evidence: dict | None, field: str, digits: str = ".3g") -> str:
    if value is not None:
        return format(value, digits)
    known = carries(evidence, field)
    if known is None:
        return NOT_RECORDED
    return "no score" if known else NOT_ANNOTATED


def banner(evidence: dict | None) -> list[str]:
    """The case banner: each group of evidence the file lacks, and what the platform then does."""
    if evidence is None:
        return ["This import was made before the platform recorded which evidence a file carries: re-import it to "
                "see what is annotated."]
    effects = {
        "population frequency": "gnomAD filters keep every variant, and BA1, BS1 and PM2 are not evaluated",
        "ClinVar": "no ClinVar significance is shown or filtered on",
        "ClinVar review status": "ClinVar (likely) pathogenic variants are kept whatever their review status",
        "missense predictors (REVEL, CADD)": "REVEL and CADD filters keep nothing, and PP3/BP4 by REVEL are not "
                                             "evaluated",
        "splicing predictor (SpliceAI)": "the SpliceAI filter keeps nothing, and PP3/BP4/BP7 by SpliceAI are not "
                                         "evaluated",
        "consequences": "consequence and impact filters keep only ClinVar (likely) pathogenic variants, and PVS1 "
                        "is not evaluated",
    }
    return [f"Not annotated in this file: {group}. {effects[group][0].upper()}{effects[group][1:]}."
            for group in missing_evidence(evidence)]


def filter_notes(settings: dict, evidence: dict | None) -> list[str]:
    """What the run's filters did for want of evidence, in the run's summary."""
    if evidence is None:
        return []
    notes = []
    if (settings.get("max_popmax") is not None or settings.get("max_af") is not None) \
            and not carries(evidence, "gnomad_af", "gnomad_popmax"):
        notes.append("The file carries no population frequencies: the gnomAD filter kept every variant.")
    for key, field in (("min_revel", "revel"), ("min_cadd", "cadd_phred"), ("min_spliceai", "spliceai")):
        if settings.get(key) is not None and not carries(evidence, field):
            notes.append(f"The file carries no {EVIDENCE_LABELS[field]} scores: the {EVIDENCE_LABELS[field]} "
                         "filter kept nothing.")
    if settings.get("include_clinvar_pathogenic") and carries(evidence, "clinvar") \
            and not carries(evidence, "clinvar_review"):
        notes.append("ClinVar review status is not annotated: every ClinVar (likely) pathogenic variant was kept "
                     "whatever its review.")
    if settings.get("clinvar") and not carries(evidence, "clinvar"):
        notes.append("The file carries no ClinVar significance: the ClinVar filter kept nothing.")
    if (settings.get("impacts") or settings.get("consequences")) and not carries(evidence, "consequence"):
        notes.append("The file carries no consequence annotation: the consequence filter kept only ClinVar "
                     "(likely) pathogenic variants.")
    return notes


__all__ = ["EVIDENCE_GROUPS", "banner", "carries", "case_evidence", "filter_notes", "frequency_text", "score_text"]
