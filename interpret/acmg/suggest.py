"""Criteria the platform can suggest from stored data, each with the values that triggered it and a one-line
justification. A suggestion is never a decision: the curator accepts, rejects or changes it.

Inputs are plain values (VariantFacts) gathered by interpret.classification.facts from the case, the gene
models and the national store, so every rule here is unit-tested without a database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from genomes.vcf.consequences import LOSS_OF_FUNCTION, MISSENSE_LIKE, PROTEIN_LENGTH_CHANGING, SILENT_OR_INTRONIC
from interpret.acmg.criteria import Evidence, Strength
from interpret.acmg.pvs1 import pvs1_decide
from interpret.acmg.specifications import Specification, specification_get

# Pejaver et al. 2022, REVEL: calibrated PP3/BP4 strengths (thresholds inclusive).
REVEL_PP3 = [(0.932, Strength.STRONG), (0.773, Strength.MODERATE), (0.644, Strength.SUPPORTING)]
REVEL_BP4 = [(0.003, Strength.VERY_STRONG), (0.016, Strength.STRONG), (0.183, Strength.MODERATE),
             (0.290, Strength.SUPPORTING)]
# Walker et al. 2023: SpliceAI delta score >= 0.2 supports PP3, <= 0.1 supports BP4 (and BP7).
SPLICEAI_PP3, SPLICEAI_BP4 = 0.2, 0.1

# ClinGen SVI de novo points (PS2/PM6) per proband, by confirmation and phenotype consistency.
DE_NOVO_POINTS = {
    ("confirmed", "highly_specific"): 2.0, ("confirmed", "consistent"): 1.0, ("confirmed", "heterogeneous"): 0.5,
    ("assumed", "highly_specific"): 1.0, ("assumed", "consistent"): 0.5, ("assumed", "heterogeneous"): 0.25,
}
# ClinGen SVI PM3 points per observation: in trans with a pathogenic / likely pathogenic variant.
PM3_POINTS = {("confirmed", "P"): 1.0, ("confirmed", "LP"): 0.5, ("unknown", "P"): 0.5, ("unknown", "LP"): 0.25}
PM3_HOMOZYGOUS, PM3_HOMOZYGOUS_MAX = 0.5, 1.0


def strength_of_points(points: float) -> Strength | None:
    """SVI points tables (de novo, PM3): >= 0.5 supporting, >= 1 moderate, >= 2 strong, >= 4 very strong."""
    for threshold, strength in ((4, Strength.VERY_STRONG), (2, Strength.STRONG), (1, Strength.MODERATE),
                                (0.5, Strength.SUPPORTING)):
        if points >= threshold:
            return strength
    return None


@dataclass
class Partner:
    """Another variant in the same gene of the same proband, with its classification (P or LP)."""

    label: str
    classification: str          # "P" or "LP"
    phase: str                   # "trans" (confirmed by the parents), "cis", or "unknown"
    source: str = ""             # where the classification comes from (national store, ClinVar)


@dataclass
class VariantFacts:
    gene: str = ""
    consequences: list[str] = field(default_factory=list)
    pos: int = 0
    hgvsp: str = ""
    popmax: float | None = None
    af: float | None = None
    annotated: bool = True
    revel: float | None = None
    spliceai: float | None = None
    transcript_model: object = None
    lof_mechanism: bool | None = None
    mode_of_inheritance: str = ""  # e.g. "AD", "AR", "XL" (the classification's)
    de_novo: str | None = None  # "confirmed" (both parents sequenced, parentage confirmed) or "assumed"
    de_novo_basis: str = ""                       # why confirmed or assumed (sample identity QC, parents sequenced)
    de_novo_caution: str = ""                     # e.g. maternal contamination of a foetal sample
    # What the file carries (None: not recorded, as before the import recorded it): no suggestion is made from
    # evidence the file does not carry; the criterion is listed "not evaluated" instead.
    frequency_annotated: bool | None = None
    revel_annotated: bool | None = None
    spliceai_annotated: bool | None = None
    store_has_gene: bool | None = None            # the national store has a final classification in the gene
    # highly_specific / consistent / heterogeneous, as the curator judged it; not_assessed until then (the de novo
    # points depend on it, so no PS2/PM6 is suggested on a phenotype nobody assessed)
    phenotype_consistency: str = "not_assessed"
    frequency_source: str = "gnomAD"              # the databases the file's frequencies come from
    homozygous: bool = False
    partners: list[Partner] = field(default_factory=list)
    same_protein_change: list[str] = field(default_factory=list)    # P/LP in the store, same amino-acid change
    same_codon_pathogenic: list[str] = field(default_factory=list)  # P/LP missense, same codon, other change


@dataclass
class Suggestion:
    evidence: Evidence
    justification: str
    values: dict = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.evidence.code

    def as_dict(self) -> dict:
        return {"criterion": self.evidence.criterion, "strength": self.evidence.strength.value,
                "code": self.code, "justification": self.justification, "values": self.values}


@dataclass
class Considered:
    """A criterion the engine looked at and did not suggest, with why (shown so silence is explained)."""

    criterion: str
    reason: str


def protein_change(hgvsp: str) -> tuple[str, int, str] | None:
    """("Arg", 713, "Gln") from a missense HGVS p. (``ENSP...:p.Arg713Gln`` or ``p.(Arg713Gln)``), else None."""
    match = re.search(r"p\.\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})\)?$", (hgvsp or "").split(":")[-1])
    return (match.group(1), int(match.group(2)), match.group(3)) if match else None


def _is_ba1_exception(facts: VariantFacts, spec: Specification) -> bool:
    change = (facts.hgvsp or "").split(":")[-1]
    return any(item == f"{facts.gene}:{change}" for item in spec.ba1_exceptions)


class _Findings:
    """What the rules found: suggestions, and criteria looked at and not suggested (with why)."""

    def __init__(self):
        self.suggestions: list[Suggestion] = []
        self.considered: list[Considered] = []

    def add(self, code: str, strength: Strength, justification: str, **values) -> None:
        self.suggestions.append(Suggestion(Evidence(code, strength), justification, values))

    def not_suggested(self, criterion: str, reason: str) -> None:
        self.considered.append(Considered(criterion, reason))


def suggest(facts: VariantFacts, specification: Specification | None = None
            ) -> tuple[list[Suggestion], list[Considered]]:
    """Every evidence family's suggestions for one variant, under a rule set (default: the national one)."""
    spec = specification or specification_get("national")
    findings = _Findings()
    for rules in (_population_frequency, _null_variant, _predictors, _protein_length, _same_residue_in_store,
                  _de_novo, _recessive_and_phase):
        rules(facts, spec, findings)
    return _one_per_criterion(findings.suggestions), findings.considered


def _population_frequency(facts: VariantFacts, spec: Specification, findings: _Findings) -> None:
    """BA1 / BS1 / PM2_Supporting on popmax, at the gene's thresholds where the rule set gives them."""
    thresholds = spec.frequency_for(facts.gene)
    where = spec.label
    if thresholds is None:
        thresholds, where = specification_get("national").frequency, "national defaults"
    popmax = facts.popmax
    if facts.frequency_annotated is not True:
        why = ("no population frequency in this file" if facts.frequency_annotated is False
               else "the import did not record whether the file carries population frequencies")
        for criterion in ("BA1", "BS1", "PM2"):
            findings.not_suggested(criterion, f"not evaluated: {why}")
        return
    source = facts.frequency_source
    if popmax is not None and popmax > thresholds.ba1:
        if _is_ba1_exception(facts, spec):
            findings.not_suggested("BA1", f"{facts.gene} {facts.hgvsp} is on the BA1 exception list")
        else:
            findings.add("BA1", Strength.STAND_ALONE, f"popmax {popmax:.4g} ({source}) > {thresholds.ba1:g} "
                         f"({where}); check the population has >= 2,000 alleles", popmax=popmax,
                         threshold=thresholds.ba1)
    elif popmax is not None and thresholds.bs1 is not None and popmax > thresholds.bs1:
        findings.add("BS1", Strength.STRONG, f"popmax {popmax:.4g} ({source}) > {thresholds.bs1:g} ({where})",
                     popmax=popmax, threshold=thresholds.bs1)
    elif facts.annotated and thresholds.pm2 is not None and (popmax is None or popmax <= thresholds.pm2):
        what = (f"absent from {source}" if popmax is None
                else f"popmax {popmax:.4g} ({source}) <= {thresholds.pm2:g}")
        findings.add("PM2", Strength.SUPPORTING, f"{what} ({where}); ClinGen SVI 2020: PM2 at supporting",
                     popmax=popmax, threshold=thresholds.pm2)


def _null_variant(facts: VariantFacts, spec: Specification, findings: _Findings) -> None:
    """PVS1 through the ClinGen SVI decision tree (interpret.acmg.pvs1)."""
    decision = pvs1_decide(consequences=facts.consequences, pos=facts.pos, model=facts.transcript_model,
                           gene=facts.gene, lof_mechanism=facts.lof_mechanism)
    if decision is None:
        return
    if decision.strength is not None:
        findings.add("PVS1", decision.strength, decision.justification, **decision.values)
    else:
        findings.not_suggested("PVS1", decision.justification)


def _predictors(facts: VariantFacts, spec: Specification, findings: _Findings) -> None:
    """PP3 / BP4 (and BP7): one predictor chosen in advance: REVEL for missense, SpliceAI otherwise."""
    terms = set(facts.consequences)
    if facts.revel_annotated is False and facts.spliceai_annotated is False:
        for criterion in ("PP3", "BP4"):
            findings.not_suggested(criterion, "not evaluated: no REVEL or SpliceAI scores in this file")
        return
    if terms & MISSENSE_LIKE and facts.revel is None and facts.revel_annotated is False:
        findings.not_suggested("PP3", "REVEL not evaluated: no REVEL scores in this file"
                               + ("" if facts.spliceai is not None else "; no SpliceAI score for this variant"))
    if terms & MISSENSE_LIKE and facts.revel is not None:
        pp3 = next(((t, s) for t, s in REVEL_PP3 if facts.revel >= t), None)
        bp4 = next(((t, s) for t, s in REVEL_BP4 if facts.revel <= t), None)
        if pp3:
            findings.add("PP3", pp3[1], f"REVEL {facts.revel:.3f} >= {pp3[0]} (Pejaver 2022)", revel=facts.revel)
        elif bp4 and (facts.spliceai is None or facts.spliceai <= SPLICEAI_BP4):
            findings.add("BP4", bp4[1], f"REVEL {facts.revel:.3f} <= {bp4[0]} (Pejaver 2022)"
                         + ("" if facts.spliceai is None else f" and SpliceAI {facts.spliceai:.2f} <= 0.1"),
                         revel=facts.revel, spliceai=facts.spliceai)
        elif facts.spliceai is not None and facts.spliceai >= SPLICEAI_PP3:
            findings.add("PP3", Strength.SUPPORTING, f"SpliceAI {facts.spliceai:.2f} >= 0.2 (splicing; REVEL "
                         f"{facts.revel:.3f} indeterminate)", spliceai=facts.spliceai, revel=facts.revel)
        else:
            findings.not_suggested("PP3", f"REVEL {facts.revel:.3f} is in the indeterminate range")
    elif not terms & LOSS_OF_FUNCTION and facts.spliceai is not None:
        if facts.spliceai >= SPLICEAI_PP3:
            findings.add("PP3", Strength.SUPPORTING, f"SpliceAI {facts.spliceai:.2f} >= 0.2 (Walker 2023)",
                         spliceai=facts.spliceai)
        elif facts.spliceai <= SPLICEAI_BP4:
            if terms & SILENT_OR_INTRONIC and not terms & (MISSENSE_LIKE | PROTEIN_LENGTH_CHANGING):
                findings.add("BP7", Strength.SUPPORTING,
                             f"{'synonymous' if 'synonymous_variant' in terms else 'intronic'} with SpliceAI "
                             f"{facts.spliceai:.2f} <= 0.1 (Walker 2023); check the site is not conserved",
                             spliceai=facts.spliceai)
            else:
                findings.add("BP4", Strength.SUPPORTING, f"SpliceAI {facts.spliceai:.2f} <= 0.1 (Walker 2023)",
                             spliceai=facts.spliceai)


def _protein_length(facts: VariantFacts, spec: Specification, findings: _Findings) -> None:
    """PM4: protein length change by an in-frame indel or stop loss. BP3 needs a repeat-region annotation the
    pipeline does not deliver, so it is left to the curator."""
    changes = set(facts.consequences) & PROTEIN_LENGTH_CHANGING
    if changes:
        findings.add("PM4", Strength.MODERATE, f"{', '.join(sorted(changes))} changes the protein length; "
                     "check it is not in a repetitive region (then BP3 instead)", consequences=sorted(changes))


def _same_residue_in_store(facts: VariantFacts, spec: Specification, findings: _Findings) -> None:
    """PS1 / PM5 from pathogenic classifications of the national store at the same residue."""
    change = protein_change(facts.hgvsp)
    if not (set(facts.consequences) & MISSENSE_LIKE and change):
        return
    if facts.store_has_gene is False:
        for criterion in ("PS1", "PM5"):
            findings.not_suggested(criterion, f"not evaluated: the national store has no final classification in "
                                              f"{facts.gene} yet")
        return
    if facts.same_protein_change:
        findings.add("PS1", Strength.STRONG, f"same amino-acid change {change[0]}{change[1]}{change[2]} is "
                     f"classified pathogenic/likely pathogenic in the national store "
                     f"({', '.join(facts.same_protein_change[:3])})", variants=facts.same_protein_change)
    elif facts.same_codon_pathogenic:
        findings.add("PM5", Strength.MODERATE, f"another missense at codon {change[1]} is classified pathogenic/"
                     f"likely pathogenic in the national store ({', '.join(facts.same_codon_pathogenic[:3])})",
                     variants=facts.same_codon_pathogenic)


def _de_novo(facts: VariantFacts, spec: Specification, findings: _Findings) -> None:
    """PS2 / PM6 from the trio, with the ClinGen SVI points table for one proband."""
    if not facts.de_novo:
        return
    code = "PS2" if facts.de_novo == "confirmed" else "PM6"
    if (facts.de_novo, facts.phenotype_consistency) not in DE_NOVO_POINTS:
        findings.not_suggested(code, f"de novo ({facts.de_novo}), but the phenotype's consistency with the gene is "
                                     "not assessed: set it on the classification to score the de novo points")
        return
    points = DE_NOVO_POINTS[(facts.de_novo, facts.phenotype_consistency)]
    strength = strength_of_points(points)
    basis = facts.de_novo_basis or ("both parents sequenced, parentage confirmed" if facts.de_novo == "confirmed"
                                    else "parentage not confirmed")
    if strength is not None:
        findings.add(code, strength, f"de novo in the proband, {facts.de_novo} ({basis}), phenotype "
                     f"{facts.phenotype_consistency.replace('_', ' ')}: {points:g} point(s) (ClinGen SVI de novo "
                     "table)" + (f". {facts.de_novo_caution}" if facts.de_novo_caution else ""), points=points)


def _recessive_and_phase(facts: VariantFacts, spec: Specification, findings: _Findings) -> None:
    """PM3 (recessive: in trans with, or homozygous for, a pathogenic variant) and BP2 (in trans in a dominant
    gene, or in cis in any) from this case's partners in the gene."""
    recessive = facts.mode_of_inheritance.upper() in ("AR", "BIALLELIC", "XLR")
    dominant = facts.mode_of_inheritance.upper() in ("AD", "MONOALLELIC", "XLD")
    if recessive:
        points, used = 0.0, []
        for partner in facts.partners:
            if partner.phase in ("trans", "unknown"):
                value = PM3_POINTS[("confirmed" if partner.phase == "trans" else "unknown", partner.classification)]
                points += value
                used.append(f"{partner.label} ({partner.classification}, "
                            f"{'in trans' if partner.phase == 'trans' else 'phase unknown'}, {value:g})")
        if facts.homozygous:
            points += min(PM3_HOMOZYGOUS, PM3_HOMOZYGOUS_MAX)
            used.append(f"homozygous ({PM3_HOMOZYGOUS:g})")
        strength = strength_of_points(points)
        if strength is not None:
            findings.add("PM3", strength, f"recessive disorder; {'; '.join(used)}: {points:g} point(s) "
                         "(ClinGen SVI PM3 table)", points=points)
    for partner in facts.partners:
        if partner.phase == "cis" or (dominant and partner.phase == "trans"):
            findings.add("BP2", Strength.SUPPORTING,
                         f"{'in cis' if partner.phase == 'cis' else 'in trans in a dominant gene'}"
                         f" with {partner.classification} variant {partner.label}", partner=partner.label)
            break


def _one_per_criterion(suggestions: list[Suggestion]) -> list[Suggestion]:
    """The first suggestion made for each criterion (each rule above adds at most one, BP2 excepted)."""
    unique: dict[str, Suggestion] = {}
    for item in suggestions:
        if item.evidence.criterion not in unique:
            unique[item.evidence.criterion] = item
    return list(unique.values())
