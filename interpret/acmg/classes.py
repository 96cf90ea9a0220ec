"""The one vocabulary of classification classes: ACMG/AMP pathogenicity (P, LP, VUS, LB, B) and ClinGen/CGC/VICC
oncogenicity (O, LO, VUS, LB, B), their stored codes, labels, short forms, the words a sentence uses, and the
groups a conflict is counted between. The combiners, the Classification model's choices, the store's conflict
rule, reanalysis alerts, reports and the Phenopacket export all read these; none spells them out."""
from __future__ import annotations

from typing import NamedTuple


class ClassTerm(NamedTuple):
    code: str        # stored in interpret_classification.result_class
    name: str        # the enum/choice member name
    label: str       # "Likely pathogenic"
    short: str       # "LP"
    group: str       # the conflict group: a move between groups is a conflict or an alert


PATHOGENICITY = (
    ClassTerm("pathogenic", "PATHOGENIC", "Pathogenic", "P", "P/LP"),
    ClassTerm("likely_pathogenic", "LIKELY_PATHOGENIC", "Likely pathogenic", "LP", "P/LP"),
    ClassTerm("uncertain_significance", "UNCERTAIN", "Uncertain significance", "VUS", "VUS"),
    ClassTerm("likely_benign", "LIKELY_BENIGN", "Likely benign", "LB", "B/LB"),
    ClassTerm("benign", "BENIGN", "Benign", "B", "B/LB"),
)
ONCOGENICITY = (
    ClassTerm("oncogenic", "ONCOGENIC", "Oncogenic", "O", "O/LO"),
    ClassTerm("likely_oncogenic", "LIKELY_ONCOGENIC", "Likely oncogenic", "LO", "O/LO"),
    *PATHOGENICITY[2:],
)
# Every stored class once, in the order the model's choices list them
ALL_CLASSES = ONCOGENICITY[:2] + PATHOGENICITY
_BY_CODE = {term.code: term for term in ALL_CLASSES}

PATHOGENIC_CLASSES = ("pathogenic", "likely_pathogenic")
ONCOGENIC_CLASSES = ("oncogenic", "likely_oncogenic")


def class_label(code: str) -> str:
    return _BY_CODE[code].label


def class_short(code: str) -> str:
    return _BY_CODE[code].short


def class_in_words(code: str) -> str:
    """How a sentence names the class: "likely pathogenic", "VUS"."""
    term = _BY_CODE[code]
    return term.short if term.short == "VUS" else term.label.lower()


def conflict_group(code: str) -> str:
    return _BY_CODE[code].group
