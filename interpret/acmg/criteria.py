"""The 28 ACMG/AMP criteria, their strengths and the evidence codes that name them.

An evidence code is a criterion with an optional strength modifier, as ClinGen writes them:
``PVS1``, ``PM2_Supporting``, ``PM3_Very Strong``, ``BS1_Stand Alone``. A code without a
modifier has the criterion's default strength.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Direction(str, Enum):
    PATHOGENIC = "pathogenic"
    BENIGN = "benign"


class Strength(str, Enum):
    STAND_ALONE = "stand_alone"
    VERY_STRONG = "very_strong"
    STRONG = "strong"
    MODERATE = "moderate"
    SUPPORTING = "supporting"

    @property
    def label(self) -> str:
        return STRENGTH_LABELS[self]

    @property
    def rank(self) -> int:
        return STRENGTH_RANK[self]


STRENGTH_LABELS = {
    Strength.STAND_ALONE: "Stand Alone", Strength.VERY_STRONG: "Very Strong", Strength.STRONG: "Strong",
    Strength.MODERATE: "Moderate", Strength.SUPPORTING: "Supporting",
}
STRENGTH_RANK = {Strength.SUPPORTING: 1, Strength.MODERATE: 2, Strength.STRONG: 3, Strength.VERY_STRONG: 4,
                 Strength.STAND_ALONE: 5}
# Tavtigian 2020: supporting 1, moderate 2, strong 4, very strong 8 (benign negative). A stand-alone
# benign criterion (BA1) is not summed: it decides on its own; -8 is what it is worth where a sum is shown.
STRENGTH_POINTS = {Strength.SUPPORTING: 1, Strength.MODERATE: 2, Strength.STRONG: 4, Strength.VERY_STRONG: 8,
                   Strength.STAND_ALONE: 8}


@dataclass(frozen=True)
class Criterion:
    code: str
    direction: Direction
    default: Strength
    title: str
    automatic: bool = False     # the platform can suggest it from stored data
    retired: bool = False       # ClinGen SVI retired it; shown, never counted


P, B = Direction.PATHOGENIC, Direction.BENIGN
VS, S, M, SUP, SA = (Strength.VERY_STRONG, Strength.STRONG, Strength.MODERATE, Strength.SUPPORTING,
                     Strength.STAND_ALONE)

CRITERIA: dict[str, Criterion] = {c.code: c for c in [
    Criterion("PVS1", P, VS, "Null variant in a gene where loss of function is a known mechanism of disease", True),
    Criterion("PS1", P, S, "Same amino-acid change as an established pathogenic variant", True),
    Criterion("PS2", P, S, "De novo, maternity and paternity confirmed", True),
    Criterion("PS3", P, S, "Well-established functional studies show a damaging effect"),
    Criterion("PS4", P, S, "Prevalence in affected individuals significantly increased over controls"),
    Criterion("PM1", P, M, "Located in a mutational hot spot or critical functional domain"),
    # Default strengths are the 2015 ones, as evidence codes are written: a bare "PM2" is moderate.
    # ClinGen SVI 2020 applies it at supporting, so the platform suggests PM2_Supporting.
    Criterion("PM2", P, M, "Absent from (or extremely rare in) population databases", True),
    Criterion("PM3", P, M, "For recessive disorders, detected in trans with a pathogenic variant", True),
    Criterion("PM4", P, M, "Protein length change by an in-frame indel or stop loss", True),
    Criterion("PM5", P, M, "Novel missense change at a codon where another pathogenic missense is known", True),
    Criterion("PM6", P, M, "Assumed de novo, without confirmation of maternity and paternity", True),
    Criterion("PP1", P, SUP, "Co-segregation with disease in multiple affected family members"),
    Criterion("PP2", P, SUP, "Missense in a gene with a low rate of benign missense where missense is a mechanism"),
    Criterion("PP3", P, SUP, "Computational evidence supports a deleterious effect", True),
    Criterion("PP4", P, SUP, "Patient's phenotype or family history highly specific for the gene's disease"),
    Criterion("PP5", P, SUP, "Reputable source reports pathogenic (retired by ClinGen SVI 2018)", retired=True),
    Criterion("BA1", B, SA, "Allele frequency above 5% in a continental population", True),
    Criterion("BS1", B, S, "Allele frequency greater than expected for the disorder", True),
    Criterion("BS2", B, S, "Observed in a healthy adult, fully penetrant early-onset disorder"),
    Criterion("BS3", B, S, "Well-established functional studies show no damaging effect"),
    Criterion("BS4", B, S, "Lack of segregation in affected members of a family"),
    Criterion("BP1", B, SUP, "Missense in a gene where primarily truncating variants cause disease"),
    Criterion("BP2", B, SUP, "In trans with a pathogenic variant (dominant gene) or in cis with one", True),
    Criterion("BP3", B, SUP, "In-frame indel in a repetitive region without known function", True),
    Criterion("BP4", B, SUP, "Computational evidence suggests no impact", True),
    Criterion("BP5", B, SUP, "Variant found in a case with an alternate molecular basis for disease"),
    Criterion("BP6", B, SUP, "Reputable source reports benign (retired by ClinGen SVI 2018)", retired=True),
    Criterion("BP7", B, SUP, "Synonymous (or deep intronic) variant with no predicted splice impact", True),
]}
assert len(CRITERIA) == 28

_MODIFIERS = {
    "stand alone": SA, "standalone": SA, "stand_alone": SA, "very strong": VS, "very_strong": VS, "verystrong": VS,
    "vs": VS, "strong": S, "s": S, "moderate": M, "m": M, "supporting": SUP, "p": SUP, "sup": SUP,
}
_CODE = re.compile(r"^\s*(P[VSMP]S?\d|B[ASP]\d)(?:[_ ]+(.+?))?\s*$", re.IGNORECASE)


class EvidenceCodeError(ValueError):
    pass


@dataclass(frozen=True)
class Evidence:
    """One applied criterion at one strength."""

    criterion: str
    strength: Strength

    @property
    def direction(self) -> Direction:
        return CRITERIA[self.criterion].direction

    @property
    def points(self) -> int:
        value = STRENGTH_POINTS[self.strength]
        return value if self.direction is Direction.PATHOGENIC else -value

    @property
    def code(self) -> str:
        """ClinGen's spelling: the bare criterion at its default strength, else criterion_Modifier."""
        if self.strength is CRITERIA[self.criterion].default:
            return self.criterion
        return f"{self.criterion}_{self.strength.label}"

    def __str__(self):
        return self.code


def parse_code(text: str) -> Evidence:
    """``PM3_Very Strong`` -> Evidence('PM3', very strong). Raises EvidenceCodeError naming the bad part."""
    match = _CODE.match(text or "")
    if not match:
        raise EvidenceCodeError(
            f"{(text or '').strip()!r} is not an ACMG/AMP evidence code (e.g. PVS1, PM2_Supporting)")
    criterion = match.group(1).upper()
    if criterion not in CRITERIA:
        raise EvidenceCodeError(f"{text!r}: {criterion} is not one of the 28 ACMG/AMP criteria")
    modifier = match.group(2)
    if modifier is None:
        return Evidence(criterion, CRITERIA[criterion].default)
    strength = _MODIFIERS.get(modifier.strip().lower().replace("-", " "))
    if strength is None:
        raise EvidenceCodeError(f"{text!r}: unknown strength {modifier!r} (Supporting, Moderate, Strong, "
                                "Very Strong, Stand Alone)")
    if strength is SA and CRITERIA[criterion].direction is Direction.PATHOGENIC:
        raise EvidenceCodeError(f"{text!r}: only benign criteria can be stand-alone")
    return Evidence(criterion, strength)


def parse_codes(text: str | list[str]) -> list[Evidence]:
    """A comma- or semicolon-separated list (or a list of codes); blanks are ignored."""
    items = re.split(r"[,;]", text) if isinstance(text, str) else text
    return [parse_code(item) for item in items if item and item.strip()]
