"""ClinVar clinical significance: the terms as stored, and what counts as a (likely) pathogenic assertion.

Pipelines write ClinVar's significance as text (``Pathogenic/Likely_pathogenic``, ``Conflicting_...``) or as
the numeric codes of older ClinVar VCFs; ``normalize_clinvar`` turns either into sorted unique terms, and case
variants store those terms. Every rule that asks "does ClinVar call it pathogenic?" (retention at import, the
record screen, the analysis filter and score, the ACMG facts) asks here.
"""
from __future__ import annotations

import re

# ClinVar's numeric codes, as older ClinVar VCFs and Scout-style pipelines write them.
_CLINVAR_CODES = {
    "0": "uncertain_significance", "1": "not_provided", "2": "benign", "3": "likely_benign",
    "4": "likely_pathogenic", "5": "pathogenic", "6": "drug_response", "7": "histocompatibility",
    "255": "other",
}
_CLINVAR_TEXT = {
    "pathogenic": "pathogenic",
    "likely_pathogenic": "likely_pathogenic",
    "uncertain_significance": "uncertain_significance",
    "likely_benign": "likely_benign",
    "benign": "benign",
    "conflicting_interpretations_of_pathogenicity": "conflicting",
    "conflicting_classifications_of_pathogenicity": "conflicting",
    "conflicting": "conflicting",
    "drug_response": "drug_response",
    "risk_factor": "risk_factor",
    "association": "association",
    "protective": "protective",
    "affects": "affects",
    "not_provided": "not_provided",
    "other": "other",
    "low_penetrance": "low_penetrance",
    "established_risk_allele": "risk_factor",
    "likely_risk_allele": "risk_factor",
    "uncertain_risk_allele": "risk_factor",
}
# The stored terms of a (likely) pathogenic assertion; "conflicting" is not one.
PATHOGENIC_TERMS = ("pathogenic", "likely_pathogenic")
_PATHOGENIC = frozenset(PATHOGENIC_TERMS)
# In raw INFO or CSQ text, before it is parsed: every spelling of a (likely) pathogenic assertion contains this
# (also "...of_pathogenicity", which only sends a record to the full parse). The compiled record screen
# (genomes/vcf/_screen.c) tests the same bytes.
PATHOGENIC_TEXT_MARK = "athogenic"


# ClinVar's three tiers of significance: assertions in more than one of them for the same allele (numeric codes
# "5,255,2", or "Pathogenic|Benign" from several submissions) are a conflict, as ClinVar itself calls
# "Conflicting classifications of pathogenicity": read as "conflicting", never as pathogenic.
_SIGNIFICANCE_TIERS = ({"pathogenic", "likely_pathogenic"}, {"uncertain_significance"}, {"likely_benign", "benign"})
_TIERED = frozenset().union(*_SIGNIFICANCE_TIERS)


def normalize_clinvar(value) -> tuple[str, ...]:
    """ClinVar significance as sorted unique terms, from text or numeric codes, however joined; assertions of
    more than one tier (pathogenic, uncertain, benign) become "conflicting"."""
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
    if sum(1 for tier in _SIGNIFICANCE_TIERS if tier & terms) > 1:
        terms = (terms - _TIERED) | {"conflicting"}
    return tuple(sorted(terms))


def is_pathogenic(terms) -> bool:
    """Stored terms include a pathogenic or likely pathogenic assertion."""
    return not _PATHOGENIC.isdisjoint(terms or ())


def pathogenic_status(terms) -> str | None:
    """"P" when the terms assert pathogenic, "LP" when only likely pathogenic, else None."""
    found = _PATHOGENIC.intersection(terms or ())
    if not found:
        return None
    return "LP" if found == {"likely_pathogenic"} else "P"


def may_mention_pathogenic(text: str | None) -> bool:
    """Raw INFO/CSQ text that may hold a (likely) pathogenic assertion (then the record is parsed in full)."""
    return bool(text) and PATHOGENIC_TEXT_MARK in text


def pathogenic_sql(column: str = "clinvar") -> str:
    """An SQL predicate on a stored terms array: it holds a (likely) pathogenic assertion."""
    return f"{column} && ARRAY[{', '.join(repr(term) for term in PATHOGENIC_TERMS)}]::text[]"


# ClinVar's review status as gold stars (https://www.ncbi.nlm.nih.gov/clinvar/docs/review_status/).
_REVIEW_STARS = (
    ("practice_guideline", 4),
    ("reviewed_by_expert_panel", 3),
    ("criteria_provided,_multiple_submitters,_no_conflicts", 2),
    ("criteria_provided,_multiple_submitters", 2),
    ("criteria_provided,_conflicting", 1),
    ("criteria_provided,_single_submitter", 1),
    ("no_assertion_criteria_provided", 0),
    ("no_assertion_provided", 0),
    ("no_interpretation_for_the_single_variant", 0),
    ("no_classification", 0),
)
REVIEW_STAR_LABELS = {4: "practice guideline", 3: "expert panel", 2: "multiple submitters, no conflicts",
                      1: "single submitter or conflicting", 0: "no assertion criteria"}


def review_stars(value) -> int | None:
    """ClinVar review status (CLNREVSTAT, however joined) as 0-4 stars; None when not given."""
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        value = ",".join(str(v) for v in value)
    text = str(value).strip().lower().replace(" ", "_").replace("&", ",")
    if not text or text == ".":
        return None
    text = ",_".join(part.strip("_") for part in text.split(","))  # "criteria_provided,multiple..." spellings
    for status, stars in _REVIEW_STARS:
        if status in text:
            return stars
    return None
