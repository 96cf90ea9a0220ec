"""Segregation of a candidate over the proband's other sequenced relatives (siblings, half-siblings,
grandparents, children, others; the parents are the inheritance rules' own, interpret.rules.inheritance).

For each inheritance mode a candidate was given, every relative whose affection and genotype are known either
supports it or contradicts it:
- dominant (AD, de novo's affected relatives): an affected relative carries the allele; an unaffected one does
  not, unless penetrance is reduced (the analysis setting ``reduced_penetrance``), when an unaffected carrier is
  allowed and counted apart;
- de novo: no sibling or other relative carries it (one who does makes it inherited, or parental mosaicism);
- autosomal recessive homozygous: an affected relative is homozygous too; an unaffected one is not;
- compound heterozygous: an affected relative carries this allele; an unaffected one is not homozygous for it
  (the pair is judged by both rows; an unaffected relative carrying both partners contradicts the pair);
- X-linked: an affected man carries it, an unaffected man does not; an affected woman carries it; an unaffected
  woman may carry it (a carrier).
A mode any relative contradicts is taken from the candidate (with full penetrance), so an inheritance filter
drops it; the counts are shown with every candidate. Plain Python over genotype codes (genomes.genotypes)."""
from __future__ import annotations

from dataclasses import dataclass, field

from genomes.family import Family
from genomes.genotypes import CARRIER, HOM_ALT, MISSING

DOMINANT = ("ad",)
DE_NOVO = ("de_novo", "x_de_novo")
RECESSIVE_HOM = ("ar_hom",)
COMPOUND = ("comp_het", "possible_comp_het")
X_LINKED = ("x_linked",)


@dataclass
class Segregation:
    support: list[str] = field(default_factory=list)
    contradict: list[str] = field(default_factory=list)
    unaffected_carriers: list[str] = field(default_factory=list)  # allowed with reduced penetrance
    contradicted_modes: set[str] = field(default_factory=set)

    def as_dict(self) -> dict:
        return {"support": self.support, "contradict": self.contradict,
                "unaffected_carriers": self.unaffected_carriers, "contradicted_modes": sorted(self.contradicted_modes)}


def _code(row, position: int) -> int:
    genotypes = row["genotypes"]
    return genotypes[position] if position < len(genotypes) and genotypes[position] is not None else MISSING


def _verdict(mode: str, code: int, affected: bool, male: bool | None, reduced_penetrance: bool) -> str | None:
    """"support", "contradict", "unaffected_carrier" or None (uninformative) for one relative and mode."""
    carrier = code in CARRIER
    if mode in DE_NOVO:
        return "contradict" if carrier else "support"
    if mode in DOMINANT:
        if affected:
            return "support" if carrier else "contradict"
        if carrier:
            return "unaffected_carrier" if reduced_penetrance else "contradict"
        return "support"
    if mode in RECESSIVE_HOM:
        if affected:
            return "support" if code == HOM_ALT else "contradict"
        return "contradict" if code == HOM_ALT else "support"
    if mode in COMPOUND:
        if affected:
            return "support" if carrier else "contradict"
        return "contradict" if code == HOM_ALT else None
    if mode in X_LINKED:
        if male:
            if affected:
                return "support" if carrier else "contradict"
            return ("unaffected_carrier" if reduced_penetrance else "contradict") if carrier else "support"
        if male is False and affected:
            return "support" if carrier else "contradict"
        return None
    return None


def segregation(row: dict, family: Family, modes: list[str], *, reduced_penetrance: bool = False,
                partner: dict | None = None) -> Segregation:
    """The relatives' verdicts on ``modes`` of ``row`` (``partner``: a compound-het partner's row, whose
    carriers among the unaffected relatives contradict the pair)."""
    found = Segregation()
    for relative in family.relatives:
        if relative.affected is None:
            continue
        code = _code(row, relative.position)
        if code == MISSING:
            continue
        label = f"{relative.individual} ({relative.relation}, {'affected' if relative.affected else 'unaffected'})"
        verdicts = {}
        for mode in modes:
            verdict = _verdict(mode, code, relative.affected, relative.male, reduced_penetrance)
            if mode in COMPOUND and partner is not None and not relative.affected and code in CARRIER \
                    and _code(partner, relative.position) in CARRIER:
                verdict = "contradict"  # an unaffected relative with both alleles of the pair
            if verdict is not None:
                verdicts[mode] = verdict
        if not verdicts:
            continue
        contradicted = {mode for mode, verdict in verdicts.items() if verdict == "contradict"}
        found.contradicted_modes |= contradicted
        if contradicted:
            found.contradict.append(label)
        elif any(verdict == "unaffected_carrier" for verdict in verdicts.values()):
            found.unaffected_carriers.append(label)
        else:
            found.support.append(label)
    return found
