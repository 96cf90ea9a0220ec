"""Oncogenicity of somatic variants: the ClinGen/CGC/VICC standard (Horak et al., Genet Med 2022;24:986-998).

Each criterion has fixed points (the SOP does not modify strengths); the sum gives the class. The engine suggests
what the stored data allow (OVS1 from a null consequence in a listed tumour suppressor, OS3/OM3/OP3 from hotspot
counts, OP4/SBS1/SBVS1 from population frequency, OP1/SBP1 from REVEL, SBP2 from a synonymous call with a low
SpliceAI score) and says why it suggests nothing where the data are missing; the rest is curator entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from genomes.vcf.consequences import IN_FRAME, LOSS_OF_FUNCTION
from interpret.acmg.classes import class_label
from interpret.acmg.criteria import Strength

RULE_SET = "oncogenicity"
RULE_SET_VERSION = "ClinGen/CGC/VICC 2022"


@dataclass(frozen=True)
class OncogenicityCriterion:
    code: str
    points: int
    strength: Strength
    title: str
    automatic: bool = False
    retired: bool = False  # for the shared criteria table template

    @property
    def direction(self) -> str:
        return "benign" if self.points < 0 else "pathogenic"

    @property
    def default(self) -> Strength:
        return self.strength


_C = OncogenicityCriterion
ONCOGENICITY_CRITERIA = {c.code: c for c in (
    _C("OVS1", 8, Strength.VERY_STRONG, "Null variant (nonsense, frameshift, canonical splice site, initiation "
                                        "codon, single or multi-exon deletion) in a bona fide tumour suppressor gene",
       True),
    _C("OS1", 4, Strength.STRONG, "Same amino acid change as a previously established oncogenic variant, "
                                  "regardless of nucleotide change"),
    _C("OS2", 4, Strength.STRONG, "Well-established in vitro or in vivo functional studies supportive of an "
                                  "oncogenic effect"),
    _C("OS3", 4, Strength.STRONG, "Located in a hotspot with >= 50 samples with a somatic variant at the same amino "
                                  "acid position, and the same change in >= 10 samples", True),
    _C("OM1", 2, Strength.MODERATE, "Located in a critical and well-established functional domain without benign "
                                    "variation"),
    _C("OM2", 2, Strength.MODERATE, "Protein length change from an in-frame deletion/insertion in an oncogene or "
                                    "tumour suppressor, or a stop-loss in a tumour suppressor", True),
    _C("OM3", 2, Strength.MODERATE, "Located in a hotspot with < 50 samples at the amino acid position, and the "
                                    "same change in >= 10 samples", True),
    _C("OM4", 2, Strength.MODERATE, "Missense at a residue where a different missense change was determined "
                                    "oncogenic"),
    _C("OP1", 1, Strength.SUPPORTING, "All used computational evidence supports an oncogenic effect", True),
    _C("OP2", 1, Strength.SUPPORTING, "Somatic variant in a gene in a malignancy with a single genetic etiology"),
    _C("OP3", 1, Strength.SUPPORTING, "Located in a hotspot, with the same change in < 10 samples", True),
    _C("OP4", 1, Strength.SUPPORTING, "Absent from controls in population databases (gnomAD)", True),
    _C("SBVS1", -8, Strength.VERY_STRONG, "Minor allele frequency > 5% in gnomAD in any population", True),
    _C("SBS1", -4, Strength.STRONG, "Minor allele frequency > 1% in gnomAD in any population", True),
    _C("SBS2", -4, Strength.STRONG, "Well-established functional studies show no oncogenic effect"),
    _C("SBP1", -1, Strength.SUPPORTING, "All used computational evidence suggests no effect", True),
    _C("SBP2", -1, Strength.SUPPORTING, "Synonymous variant with no predicted splicing impact", True),
)}

# (least points, class); the first whose floor the sum reaches.
CLASS_FLOORS = ((10, "oncogenic"), (6, "likely_oncogenic"), (0, "uncertain_significance"),
                (-6, "likely_benign"))

REVEL_ONCOGENIC, REVEL_NO_EFFECT = 0.75, 0.15
SPLICEAI_NO_EFFECT = 0.1


def oncogenicity_class(points: int) -> str:
    for floor, name in CLASS_FLOORS:
        if points >= floor:
            return name
    return "benign"


def combine(codes: list[str]) -> dict:
    """Points and class of the applied criteria (a code applied twice counts once)."""
    applied = sorted(set(codes))
    unknown = [c for c in applied if c not in ONCOGENICITY_CRITERIA]
    if unknown:
        raise ValueError(f"{unknown[0]} is not an oncogenicity criterion")
    points = sum(ONCOGENICITY_CRITERIA[c].points for c in applied)
    name = oncogenicity_class(points)
    notes = []
    if len({"OS3", "OM3", "OP3"} & set(applied)) > 1:
        notes.append("OS3, OM3 and OP3 are alternatives for one hotspot: apply only the one its counts meet")
    if {"SBVS1", "SBS1"} <= set(applied):
        notes.append("SBVS1 and SBS1 both read population frequency: apply only the stronger")
    return {"class": name, "class_label": class_label(name), "points": points, "applied": applied,
            "notes": notes, "system": RULE_SET_VERSION, "kind": "oncogenicity"}


@dataclass
class OncogenicityFacts:
    """What the data say about a somatic variant, each None where the file or the tables do not tell."""
    gene: str
    consequence: str | None          # worst consequence; None: not annotated
    gene_role: str | None            # CancerGene role; None: the gene is not on the cancer gene list
    protein_change: str | None       # 1-letter, e.g. V617F; None: not annotated
    hotspot: dict | None             # {"residue_samples", "change_samples", "residue"}; None: no hotspot there
    frequencies_annotated: bool
    popmax: float | None
    revel: float | None
    revel_annotated: bool
    spliceai: float | None
    spliceai_annotated: bool


def suggest(facts: OncogenicityFacts) -> tuple[list[dict], list[dict]]:
    """(suggestions, considered): each suggestion {code, strength, justification, criterion}; each considered
    criterion {criterion, reason} says why nothing was suggested."""
    suggestions, considered = [], []

    def add(code, justification):
        suggestions.append({"criterion": code, "code": code, "strength": ONCOGENICITY_CRITERIA[code].strength.value,
                            "justification": justification, "values": {}})

    def skip(code, reason):
        considered.append({"criterion": code, "reason": reason})

    consequence = facts.consequence
    if consequence is None:
        skip("OVS1", "consequence not annotated")
        skip("OM2", "consequence not annotated")
    else:
        if consequence in LOSS_OF_FUNCTION:
            if facts.gene_role in ("tsg", "both"):
                add("OVS1", f"{consequence.replace('_', ' ')} in {facts.gene}, a tumour suppressor on the cancer "
                            "gene list")
            else:
                skip("OVS1", f"{facts.gene} is not a listed tumour suppressor")
        if consequence in IN_FRAME and facts.gene_role:
            add("OM2", f"{consequence.replace('_', ' ')} in {facts.gene}, a listed cancer gene")
        elif consequence == "stop_lost" and facts.gene_role in ("tsg", "both"):
            add("OM2", f"stop-loss in {facts.gene}, a listed tumour suppressor")
    if facts.protein_change is None:
        skip("OS3", "protein change not annotated: hotspots cannot be looked up")
    elif facts.hotspot is None:
        skip("OS3", f"{facts.protein_change} is not at a listed hotspot residue")
    else:
        at_residue, same_change = facts.hotspot["residue_samples"], facts.hotspot["change_samples"]
        counts = f"{at_residue} samples at {facts.hotspot['residue']}, {same_change} with {facts.protein_change}"
        if same_change >= 10 and at_residue >= 50:
            add("OS3", f"hotspot: {counts}")
        elif same_change >= 10:
            add("OM3", f"hotspot: {counts}")
        else:
            add("OP3", f"hotspot: {counts}")
    if not facts.frequencies_annotated:
        skip("OP4", "population frequencies not annotated")
    elif facts.popmax is None:
        add("OP4", "absent from gnomAD")
    elif facts.popmax > 0.05:
        add("SBVS1", f"gnomAD popmax {facts.popmax:.4g} > 5%")
    elif facts.popmax > 0.01:
        add("SBS1", f"gnomAD popmax {facts.popmax:.4g} > 1%")
    else:
        skip("OP4", f"present in gnomAD (popmax {facts.popmax:.4g})")
    if consequence == "missense_variant":
        if not facts.revel_annotated:
            skip("OP1", "REVEL not annotated")
        elif facts.revel is None:
            skip("OP1", "no REVEL score for this variant")
        elif facts.revel >= REVEL_ONCOGENIC:
            add("OP1", f"REVEL {facts.revel:.3g} >= {REVEL_ONCOGENIC}")
        elif facts.revel <= REVEL_NO_EFFECT:
            add("SBP1", f"REVEL {facts.revel:.3g} <= {REVEL_NO_EFFECT}")
    if consequence == "synonymous_variant":
        if not facts.spliceai_annotated:
            skip("SBP2", "SpliceAI not annotated")
        elif facts.spliceai is not None and facts.spliceai < SPLICEAI_NO_EFFECT:
            add("SBP2", f"synonymous, SpliceAI {facts.spliceai:.2g} < {SPLICEAI_NO_EFFECT}")
    return suggestions, considered


_THREE_TO_ONE = {"Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E", "Gly": "G",
                 "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F", "Pro": "P", "Ser": "S",
                 "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*", "Sec": "U"}
_PROTEIN = re.compile(r"p\.\(?([A-Z][a-z]{2}|[A-Z*])(\d+)([A-Z][a-z]{2}|[A-Z*=]|fs|del|dup|ins|delins)?"
                      r"(?:([A-Z][a-z]{2}|[A-Z*])?(fs))?")


def protein_change(hgvsp: str | None) -> tuple[str, int, str] | None:
    """(residue "V617", position 617, change "V617F" / "W288fs") from an HGVS p. (1- or 3-letter); None if none."""
    if not hgvsp:
        return None
    match = _PROTEIN.search(hgvsp.split(":")[-1])
    if not match:
        return None
    ref, position, alt, _, frameshift = match.groups()
    ref = _THREE_TO_ONE.get(ref, ref)
    residue = f"{ref}{position}"
    if frameshift or alt == "fs":
        return residue, int(position), f"{residue}fs"
    if alt is None:
        return residue, int(position), residue
    alt = _THREE_TO_ONE.get(alt, alt)
    return residue, int(position), f"{residue}{alt}"
