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
        label = _label(relative)
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


def _label(person) -> str:
    return f"{person.individual} ({person.relation}, {'affected' if person.affected else 'unaffected'})"


def _tally(found: Segregation, person, verdict: str | None) -> None:
    if verdict == "contradict":
        found.contradict.append(_label(person))
    elif verdict == "unaffected_carrier":
        found.unaffected_carriers.append(_label(person))
    elif verdict == "support":
        found.support.append(_label(person))


REPEAT_RANK = {"normal": 0, "carrier": 0, "pre_mutation": 1, "full_mutation": 2}


def repeat_segregation(sample_calls: list[dict | None], family: Family, inheritance: str, *,
                       reduced_penetrance: bool = False) -> Segregation:
    """Every other sequenced person of known affection (parents too) on a repeat locus where the proband has a
    pre-mutation or a full mutation (a recessive locus's carrier is not a finding: nothing is judged):
    - an affected person has a status at least the proband's (a carrier of a recessive locus is not);
    - an unaffected person with a full mutation contradicts a proband's full mutation, unless penetrance is
      reduced (the setting) or the locus is X-linked and she is a woman (then an unaffected carrier);
    - a pre-mutation's phenotypes are incompletely penetrant: an unaffected person with one is a carrier, never
      against. Unclassified calls (no thresholds) and people without a call say nothing."""
    found = Segregation()
    own = sample_calls[family.proband] if family.proband < len(sample_calls) else None
    status = (own or {}).get("status")
    if status not in ("pre_mutation", "full_mutation"):
        return found
    x_linked = inheritance.upper().startswith("X")
    for person in family.everyone_else:
        theirs = sample_calls[person.position] if person.position < len(sample_calls) else None
        rank = REPEAT_RANK.get((theirs or {}).get("status"))
        if person.affected is None or rank is None:
            continue
        if person.affected:
            verdict = "support" if rank >= REPEAT_RANK[status] and theirs["status"] != "carrier" else "contradict"
        elif rank < REPEAT_RANK[status] or (status == "full_mutation" and rank < 2):
            verdict = "support"
        elif status == "pre_mutation" or reduced_penetrance or (x_linked and person.male is False):
            verdict = "unaffected_carrier"
        else:
            verdict = "contradict"
        _tally(found, person, verdict)
    return found


def mitochondrial_segregation(levels: dict[int, float | None], family: Family, threshold: float, *,
                              homoplasmic: float, reduced_penetrance: bool = False) -> Segregation:
    """Every other sequenced person of known affection on a mitochondrial allele the proband carries, by
    heteroplasmy (``levels``: position -> level, 0.0 for a person measured without the allele, missing for one
    not measured): an affected person carries it at ``threshold`` or more; an unaffected person carrying it at the
    proband's level or higher, or at ``homoplasmic`` or more, contradicts it (a lower load fits the threshold
    effect and supports it), unless penetrance is reduced (then an unaffected carrier: LHON's homoplasmic
    unaffected mothers)."""
    found = Segregation()
    own = levels.get(family.proband)
    if own is None or own < threshold:
        return found
    for person in family.everyone_else:
        level = levels.get(person.position)
        if person.affected is None or level is None:
            continue
        if person.affected:
            verdict = "support" if level >= threshold else "contradict"
        elif level >= threshold and (level >= own or level >= homoplasmic):
            verdict = "unaffected_carrier" if reduced_penetrance else "contradict"
        else:
            verdict = "support"
        _tally(found, person, verdict)
    return found
