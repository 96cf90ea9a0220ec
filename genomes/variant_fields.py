"""Which INFO fields carry population frequency, ClinVar and predictor scores, per pipeline.

Pipelines name these fields differently (GNOMADAF, gnomAD_AF, CLINVAR_CLNSIG,
CLNSIG...). The mapping is configuration: these defaults, overridable with a
JSON file named by VARIANT_FIELD_MAP_FILE ({"gnomad_af": ["MY_AF"], ...}).
INFO/AF is deliberately absent: in a joint-called VCF it is the cohort's
allele frequency, not a population frequency.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

DEFAULT_INFO_FIELDS: dict[str, tuple[str, ...]] = {
    "gnomad_af": ("gnomAD_AF", "GNOMADAF", "gnomad_af", "gnomADg_AF", "gnomADe_AF", "AF_gnomad"),
    "gnomad_popmax": ("gnomAD_AF_popmax", "GNOMADAF_popmax", "gnomad_popmax", "AF_popmax", "gnomAD_popmax",
                      "gnomADg_AF_popmax", "popmax_af"),
    "clinvar": ("CLNSIG", "CLINVAR_CLNSIG", "clinvar_sig", "CLIN_SIG"),
    "cadd_phred": ("CADD_PHRED", "CADD", "cadd_phred", "CADD_phred"),
    "revel": ("REVEL", "REVEL_score", "revel"),
    "spliceai": ("SpliceAI", "spliceai"),
}


def load_field_map(path: str | None) -> dict[str, tuple[str, ...]]:
    if not path:
        return dict(DEFAULT_INFO_FIELDS)
    overrides = json.loads(Path(path).read_text())
    unknown = set(overrides) - set(DEFAULT_INFO_FIELDS)
    if unknown:
        raise ValueError(f"{path}: unknown variant field(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(DEFAULT_INFO_FIELDS)}")
    merged = dict(DEFAULT_INFO_FIELDS)
    merged.update({k: tuple(v) for k, v in overrides.items()})
    return merged


# ClinVar's numeric codes, as older ClinVar VCFs and Scout-style pipelines write them.
_CLINVAR_CODES = {
    "0": "uncertain_significance", "1": "not_provided", "2": "benign", "3": "likely_benign",
    "4": "likely_pathogenic", "5": "pathogenic", "6": "drug_response", "7": "histocompatibility",
    "255": "other",
}
_CLINVAR_TEXT = {
    "pathogenic": "pathogenic", "likely_pathogenic": "likely_pathogenic",
    "uncertain_significance": "uncertain_significance", "likely_benign": "likely_benign", "benign": "benign",
    "conflicting_interpretations_of_pathogenicity": "conflicting", "conflicting_classifications_of_pathogenicity": "conflicting",
    "conflicting": "conflicting", "drug_response": "drug_response", "risk_factor": "risk_factor",
    "association": "association", "protective": "protective", "affects": "affects", "not_provided": "not_provided",
    "other": "other", "low_penetrance": "low_penetrance", "established_risk_allele": "risk_factor",
    "likely_risk_allele": "risk_factor", "uncertain_risk_allele": "risk_factor",
}
PATHOGENIC_TERMS = frozenset({"pathogenic", "likely_pathogenic"})


def normalize_clinvar(value) -> tuple[str, ...]:
    """ClinVar significance as sorted unique terms, from text or numeric codes, however joined."""
    if value is None:
        return ()
    if isinstance(value, (tuple, list)):
        value = ",".join(str(v) for v in value)
    terms = set()
    for part in re.split(r"[,|/&;]", str(value)):
        token = part.strip().strip("_").lower().replace(" ", "_")
        if not token or token == ".":
            continue
        term = _CLINVAR_CODES.get(token) or _CLINVAR_TEXT.get(token)
        if term is None and token.startswith("conflicting"):
            term = "conflicting"
        terms.add(term or "other")
    return tuple(sorted(terms))


def spliceai_max(value) -> float | None:
    """Maximum delta score of an INFO/SpliceAI value 'ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_..'."""
    if value is None:
        return None
    best = None
    for entry in str(value).split(","):
        parts = entry.split("|")
        for raw in parts[2:6]:
            try:
                score = float(raw)
            except ValueError:
                continue
            best = score if best is None else max(best, score)
    return best
