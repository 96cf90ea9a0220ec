"""Combining applied evidence into a class: Tavtigian points and the Richards 2015 rules.

Both are always computed so a curator sees when they disagree; ``system`` chooses which one
decides. ``auto`` takes the expert panel's declared system, else points (ClinGen's direction
of travel, and the better fit to expert data: see docs/acmg.md).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from interpret.acmg.classes import PATHOGENICITY, class_label, class_short
from interpret.acmg.criteria import CRITERIA, STRENGTH_POINTS, Direction, Evidence, Strength

SYSTEMS = ("points", "rules2015", "auto")
DEFAULT_RULE_SET = "ACMG/AMP 2015 with ClinGen SVI"
DEFAULT_RULE_SET_VERSION = "2026.1"


class _ClassTerm(str):
    @property
    def label(self) -> str:
        return class_label(self.value)

    @property
    def short(self) -> str:
        return class_short(self.value)


# PATHOGENIC, LIKELY_PATHOGENIC, UNCERTAIN, LIKELY_BENIGN, BENIGN: the vocabulary's, not spelled out here
Classification = Enum("Classification", [(term.name, term.code) for term in PATHOGENICITY], type=_ClassTerm,
                      module=__name__)


# Tavtigian 2018: prior 0.10, OddsPath of very strong evidence 350; one point is an eighth of it.
PRIOR = 0.10
ODDS_VERY_STRONG = 350.0


def posterior_probability(points: float) -> float:
    """Posterior probability of pathogenicity for a points total (Tavtigian 2018 Bayesian framework)."""
    odds = ODDS_VERY_STRONG ** (points / 8.0)
    return odds * PRIOR / ((odds - 1.0) * PRIOR + 1.0)


def class_of_points(points: int) -> Classification:
    """Tavtigian 2020: P >= 10, LP 6..9, VUS 0..5, LB -1..-6, B <= -7."""
    if points >= 10:
        return Classification.PATHOGENIC
    if points >= 6:
        return Classification.LIKELY_PATHOGENIC
    if points >= 0:
        return Classification.UNCERTAIN
    if points >= -6:
        return Classification.LIKELY_BENIGN
    return Classification.BENIGN


def vus_temperature(points: int) -> str | None:
    """Sub-tiers of a VUS by points, as used in practice: 5 hot, 4 warm, 3 tepid, 1-2 cold, 0 ice cold."""
    if not 0 <= points <= 5:
        return None
    return {5: "hot", 4: "warm", 3: "tepid", 2: "cold", 1: "cold", 0: "ice cold"}[points]


@dataclass(frozen=True)
class RuleOptions:
    """How a rule set combines evidence beyond the published tables. Expert panels set these in their
    specification (interpret.acmg.specifications); the defaults are the national rule set's."""

    # A single supporting benign criterion (a lone BP4) stays uncertain, as Richards 2015 has it and as
    # every ClinGen expert panel in the erepo export classified it (100 of 100 such rows), although
    # its -1 point falls in Tavtigian's likely-benign band.
    likely_benign_needs_two_or_strong: bool = True
    # Richards 2015 needs a BS plus a BP for likely benign; several VCEPs accept one strong benign alone.
    lone_strong_benign_is_likely_benign: bool = False
    # "decides": BA1 makes a variant benign whatever else is applied (Richards 2015);
    # "weighed": BA1 counts -8 points like very strong evidence (some VCEPs with BA1 exceptions).
    stand_alone_benign: str = "decides"


PURE = RuleOptions(likely_benign_needs_two_or_strong=False)
DEFAULT_OPTIONS = RuleOptions()


def counted(evidence: list[Evidence]) -> list[Evidence]:
    """Evidence that counts: retired criteria (PP5, BP6) never do, and a criterion counts once, at its
    strongest applied strength (a criterion is applied once per classification)."""
    best: dict[str, Evidence] = {}
    for item in evidence:
        if CRITERIA[item.criterion].retired:
            continue
        if item.criterion not in best or item.strength.rank > best[item.criterion].strength.rank:
            best[item.criterion] = item
    return list(best.values())


def capped(evidence: list[Evidence]) -> tuple[list[Evidence], list[str]]:
    """Pejaver 2022 / ClinGen SVI: PP3 and PM1 together count at most as strong (4 points); PP3 gives way."""
    by_code = {item.criterion: item for item in evidence}
    pm1, pp3 = by_code.get("PM1"), by_code.get("PP3")
    if pm1 is None or pp3 is None or pm1.points + pp3.points <= 4:
        return evidence, []
    room = 4 - pm1.points
    allowed = next((s for s in (Strength.STRONG, Strength.MODERATE, Strength.SUPPORTING)
                    if STRENGTH_POINTS[s] <= room), None)
    kept = [item for item in evidence if item.criterion != "PP3"]
    note = f"PP3 + PM1 are capped at strong: {pp3.code} counted as "
    if allowed is None:
        return kept, [note + "nothing"]
    reduced = Evidence("PP3", allowed)
    return kept + [reduced], [note + reduced.code]


def points_of(evidence: list[Evidence]) -> int:
    """Tavtigian points; a stand-alone benign item counts -8 where a total is shown."""
    return sum(item.points for item in counted(evidence))


def has_stand_alone_benign(evidence: list[Evidence]) -> bool:
    return any(item.strength is Strength.STAND_ALONE for item in counted(evidence))


def _benign_items(evidence: list[Evidence]) -> list[Evidence]:
    return [item for item in counted(evidence) if item.direction is Direction.BENIGN]


def classify_points(evidence: list[Evidence], options: RuleOptions = DEFAULT_OPTIONS) -> Classification:
    """Tavtigian points class. A stand-alone benign criterion (BA1) makes the variant benign on its own
    unless the rule set weighs it as -8 points."""
    if options.stand_alone_benign == "decides" and has_stand_alone_benign(evidence):
        return Classification.BENIGN
    result = class_of_points(points_of(evidence))
    if result is Classification.LIKELY_BENIGN and options.likely_benign_needs_two_or_strong:
        benign = _benign_items(evidence)
        if len(benign) == 1 and benign[0].strength is Strength.SUPPORTING:
            return Classification.UNCERTAIN
    return result


def _strength_counts(evidence: list[Evidence], direction: Direction) -> Counter:
    return Counter(item.strength for item in counted(evidence) if item.direction is direction)


def pathogenic_rules_2015(evidence: list[Evidence]) -> Classification | None:
    """Richards 2015 Table 5, counting each criterion at its applied strength (so PM3_Very Strong is
    very strong evidence and PVS1_Strong is strong). Two very strong items count as very strong plus
    strong; a very strong item with one supporting item is likely pathogenic (ClinGen SVI 2020:
    PVS1 + PM2_Supporting)."""
    n = _strength_counts(evidence, Direction.PATHOGENIC)
    vs, s, m, p = n[Strength.VERY_STRONG], n[Strength.STRONG], n[Strength.MODERATE], n[Strength.SUPPORTING]
    if vs >= 2:
        vs, s = 1, s + vs - 1
    if vs >= 1 and (s >= 1 or m >= 2 or (m == 1 and p >= 1) or p >= 2):
        return Classification.PATHOGENIC
    if s >= 2:
        return Classification.PATHOGENIC
    if s == 1 and (m >= 3 or (m == 2 and p >= 2) or (m == 1 and p >= 4)):
        return Classification.PATHOGENIC
    if vs >= 1 and (m >= 1 or p >= 1):
        return Classification.LIKELY_PATHOGENIC
    if s == 1 and (m >= 1 or p >= 2):
        return Classification.LIKELY_PATHOGENIC
    if m >= 3 or (m == 2 and p >= 2) or (m == 1 and p >= 4):
        return Classification.LIKELY_PATHOGENIC
    return None


def benign_rules_2015(evidence: list[Evidence], options: RuleOptions = DEFAULT_OPTIONS) -> Classification | None:
    """Richards 2015: B = BA1 or >= 2 BS; LB = 1 BS + 1 BP or >= 2 BP. A stand-alone item is benign
    whatever else is applied (the BA1 + BS + BP = benign case some tools get wrong). Benign criteria
    raised to moderate count with the supporting ones."""
    n = _strength_counts(evidence, Direction.BENIGN)
    strong = n[Strength.STRONG] + n[Strength.VERY_STRONG]
    if n[Strength.STAND_ALONE] >= 1 or strong >= 2:
        return Classification.BENIGN
    supporting = n[Strength.SUPPORTING] + n[Strength.MODERATE]
    if (strong == 1 and supporting >= 1) or supporting >= 2:
        return Classification.LIKELY_BENIGN
    if strong == 1 and options.lone_strong_benign_is_likely_benign:
        return Classification.LIKELY_BENIGN
    return None


def classify_rules_2015(evidence: list[Evidence], options: RuleOptions = DEFAULT_OPTIONS) -> Classification:
    """Richards 2015: uncertain when no rule is met or when pathogenic and benign rules are both met."""
    pathogenic, benign = pathogenic_rules_2015(evidence), benign_rules_2015(evidence, options)
    if pathogenic and benign:
        return Classification.UNCERTAIN
    return pathogenic or benign or Classification.UNCERTAIN


@dataclass
class Combination:
    classification: Classification
    system: str
    points: int
    posterior: float
    temperature: str | None
    points_class: Classification
    rules_class: Classification
    rule_set: str = "ACMG/AMP 2015 with ClinGen SVI"
    rule_set_version: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def systems_disagree(self) -> bool:
        return self.points_class is not self.rules_class

    def as_dict(self) -> dict:
        return {
            "class": self.classification.value, "class_label": self.classification.label,
            "class_short": self.classification.short, "points": self.points,
            "posterior": round(self.posterior, 4), "vus_temperature": self.temperature, "system": self.system,
            "points_class": self.points_class.value, "rules2015_class": self.rules_class.value,
            "systems_disagree": self.systems_disagree, "rule_set": self.rule_set,
            "rule_set_version": self.rule_set_version, "notes": self.notes,
        }


def combine(evidence: list[Evidence], *, system: str = "auto", specification=None) -> Combination:
    """Class, points, posterior and VUS temperature of applied evidence.

    A specification (an expert panel's rules, interpret.acmg.specifications) may declare criteria not
    applicable, cap strengths, set rule options and choose the system; ``system`` other than ``auto``
    overrides its choice. Without one the national default applies: points.
    """
    if system not in SYSTEMS:
        raise ValueError(f"system must be one of {', '.join(SYSTEMS)}, not {system!r}")
    notes: list[str] = []
    options = DEFAULT_OPTIONS
    if specification is not None:
        evidence, notes = specification.apply(evidence)
        options = specification.options
    evidence, cap_notes = capped(counted(evidence))
    notes += cap_notes
    points = points_of(evidence)
    points_class = classify_points(evidence, options)
    rules_class = classify_rules_2015(evidence, options)
    used = system
    if system == "auto":
        used = specification.system if specification is not None else "points"
    chosen = points_class if used == "points" else rules_class
    if (chosen is Classification.UNCERTAIN and used == "points" and options.likely_benign_needs_two_or_strong
            and class_of_points(points) is Classification.LIKELY_BENIGN and not has_stand_alone_benign(evidence)):
        notes.append("One supporting benign criterion alone is not enough for likely benign")
    return Combination(
        classification=chosen, system=used, points=points, posterior=posterior_probability(points),
        temperature=vus_temperature(points) if chosen is Classification.UNCERTAIN else None,
        points_class=points_class, rules_class=rules_class,
        rule_set=specification.name if specification is not None else DEFAULT_RULE_SET,
        rule_set_version=specification.version if specification is not None else DEFAULT_RULE_SET_VERSION,
        notes=notes)
