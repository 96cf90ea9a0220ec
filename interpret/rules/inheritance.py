"""Inheritance modes of a proband's variants from the pedigree: de novo, autosomal recessive homozygous,
compound heterozygous, X-linked and autosomal dominant, as the trio rules of clinical genome analysis state them
(e.g. ACMG/AMP 2015, Richards et al.; the de novo and compound-het criteria of Scout and seqr).

Genotype codes as stored (genomes.genotypes): -1 missing, 0 hom-ref, 1 het, 2 hom-alt (also a hemizygous call),
3 het with another ALT. A parent who was not sequenced is None: nothing is concluded from them, so a duo
degrades to "not contradicted", and a singleton to what the proband's genotype alone allows.

Each mode is written twice on purpose: as an SQL predicate that narrows millions of stored rows inside
PostgreSQL, and as a Python check that decides per row (and is the one the tests and the ranking read). The SQL
is a superset filter; the Python check has the last word.
"""
from __future__ import annotations

from genomes.case_variant_filters import (
    Condition,
    all_of,
    any_of,
    carries,
    heterozygous,
    homozygous_alternate,
    homozygous_reference,
    on_chromosome,
    popmax_at_most_or_missing,
)
from genomes.family import Family
from genomes.genotypes import CARRIER, HETEROZYGOUS
from genomes.variant_identity import in_pseudoautosomal_region

MODES = ("de_novo", "ar_hom", "comp_het", "x_linked", "ad")
MODE_LABELS = {"de_novo": "de novo", "ar_hom": "AR homozygous", "comp_het": "compound het",
               "possible_comp_het": "possible compound het", "x_linked": "X-linked", "ad": "AD",
               "x_de_novo": "X-linked de novo"}
HET = HETEROZYGOUS
X_CONTIGS = ("X",)

# A parent's hom-ref call counts for de novo only with this much evidence (a confident hom-ref: depth and GQ).
PARENT_MIN_DEPTH = 10
PARENT_MIN_GQ = 20
DE_NOVO_MIN_AB, DE_NOVO_MAX_AB = 0.2, 0.8
DE_NOVO_MAX_POPMAX = 0.0001  # "absent from population databases", allowing for a singleton in gnomAD
COMP_HET_MAX_POPMAX = 0.01


def _gt(row, position):
    return None if position is None else row["genotypes"][position]


def _confident_ref(row, position) -> bool:
    depth = row["depth"][position]
    quality = row["genotype_quality"][position]
    return (row["genotypes"][position] == 0 and (depth is None or depth >= PARENT_MIN_DEPTH)
            and (quality is None or quality >= PARENT_MIN_GQ))


def _on_x(row, family: Family | None = None) -> bool:
    """On X outside the pseudoautosomal regions, where a male has one copy; in PAR1/PAR2 X pairs with Y and the
    autosomal rules apply (a het de novo in a male's PAR is an ordinary de novo; compound het applies)."""
    if row["chrom"] not in X_CONTIGS:
        return False
    build = family.build if family is not None and family.build else "GRCh38"
    return not in_pseudoautosomal_region(build, "X", row["pos"])


def flags_of_row(row, family: Family) -> list[str]:
    """Warnings about a row's calls: ``x_ploidy_conflict`` for a heterozygous call of a male on X outside the
    PARs (one copy expected: an artefact, XXY or mosaicism), never silently taken as hemizygous."""
    flags = []
    if family.proband_male and _on_x(row, family) and _gt(row, family.proband) in HET:
        flags.append("x_ploidy_conflict")
    return flags


def is_de_novo(row, family: Family) -> bool:
    if family.father is None or family.mother is None:
        return False
    child = _gt(row, family.proband)
    hemizygous = _on_x(row, family) and family.proband_male and child == 2
    if child not in HET and not hemizygous:
        return False
    if not (_confident_ref(row, family.father) and _confident_ref(row, family.mother)):
        return False
    if not hemizygous:
        balance = row["allele_fraction"][family.proband]
        if balance is not None and not DE_NOVO_MIN_AB <= balance <= DE_NOVO_MAX_AB:
            return False
    popmax = row["gnomad_popmax"]
    return popmax is None or popmax <= DE_NOVO_MAX_POPMAX


def is_ar_hom(row, family: Family) -> bool:
    if _gt(row, family.proband) != 2 or (_on_x(row, family) and family.proband_male):
        return False
    for position, affected in ((family.father, family.father_affected), (family.mother, family.mother_affected)):
        genotype = _gt(row, position)
        if genotype is None or genotype == -1:
            continue
        if genotype == 0 or (genotype == 2 and not affected):
            return False
    return True


def is_x_linked(row, family: Family) -> bool:
    """Hemizygous in an affected male with a het or hom-ref mother and an unaffected hom-ref father (or an
    affected carrier father)."""
    if not (_on_x(row, family) and family.proband_male and family.proband_affected):
        return False
    if _gt(row, family.proband) not in CARRIER:
        return False
    mother = _gt(row, family.mother)
    if mother == 2 and not family.mother_affected:
        return False
    father = _gt(row, family.father)
    if father not in (None, -1) and (father != 0) != family.father_affected:
        return False
    return True


def is_dominant(row, family: Family) -> bool:
    """Het in the affected proband, carried by affected parents and absent from unaffected ones."""
    if _gt(row, family.proband) not in HET:
        return False
    known = 0
    for position, affected in ((family.father, family.father_affected), (family.mother, family.mother_affected)):
        genotype = _gt(row, position)
        if genotype is None or genotype == -1:
            continue
        known += 1
        if affected != (genotype in CARRIER):
            return False
    # Both parents known, unaffected and without it: that is a de novo, not a transmitted dominant allele.
    return known < 2 or family.father_affected or family.mother_affected


def parent_of_origin(row, family: Family) -> str | None:
    """For a het proband call: "father", "mother", "de_novo", "both" or None (cannot tell)."""
    father, mother = _gt(row, family.father), _gt(row, family.mother)
    from_father = father in CARRIER
    from_mother = mother in CARRIER
    if from_father and from_mother:
        return "both"
    if from_father and (mother == 0 or mother is None):
        return "father" if mother == 0 else "father?"
    if from_mother and (father == 0 or father is None):
        return "mother" if father == 0 else "mother?"
    if father == 0 and mother == 0:
        return "de_novo"
    return None


def is_comp_het_candidate(row, family: Family) -> bool:
    popmax = row["gnomad_popmax"]
    if _gt(row, family.proband) not in HET or (_on_x(row, family) and family.proband_male):
        return False
    if popmax is not None and popmax > COMP_HET_MAX_POPMAX:
        return False
    return parent_of_origin(row, family) != "both"


def compound_het_pairs(rows: list[dict], family: Family) -> dict[int, list[tuple[int, str]]]:
    """Row id -> [(partner row id, "comp_het" | "possible_comp_het")]. Two rare het variants in one gene,
    one from each parent, are compound het; with a de novo partner, a missing parent or no parents (unphased),
    a pair is a possible compound het. The file's read-backed phase of the proband's calls comes first: phased
    in cis, never a pair; phased in trans, compound het without parents."""
    by_gene: dict[str, list[dict]] = {}
    for row in rows:
        if is_comp_het_candidate(row, family):
            for gene in row["genes"]:
                by_gene.setdefault(gene, []).append(row)
    pairs: dict[int, list[tuple[int, str]]] = {}
    for gene_rows in by_gene.values():
        if len(gene_rows) < 2:
            continue
        origins = {row["id"]: parent_of_origin(row, family) for row in gene_rows}
        for i, first in enumerate(gene_rows):
            for second in gene_rows[i + 1:]:
                phase = pair_phase(first, second, family.proband)
                if phase == "cis":
                    continue  # the reads put both on one haplotype: never compound het, whatever the family
                kind = "comp_het" if phase == "trans" else _pair_kind(origins[first["id"]], origins[second["id"]],
                                                                         family)
                if kind:
                    pairs.setdefault(first["id"], []).append((second["id"], kind))
                    pairs.setdefault(second["id"], []).append((first["id"], kind))
    # Two variants that share two genes (overlapping genes) pair once: the surer kind is kept.
    return {row_id: _one_per_partner(partners) for row_id, partners in pairs.items()}


def pair_phase(first: dict, second: dict, position: int) -> str | None:
    """"cis" or "trans" when the file phased both calls of the person at ``position`` in one phase set (rows
    carry it as row["phase"] = {position: (phase set, haplotype)}, genomes.phase); None: phase unknown."""
    a, b = (first.get("phase") or {}).get(position), (second.get("phase") or {}).get(position)
    if a is None or b is None or a[0] != b[0]:
        return None
    return "cis" if a[1] == b[1] else "trans"


def pair_evidence(first: dict, second: dict, family: Family, kind: str) -> str:
    """What a compound-het pair rests on, as the table says it: the reads' phase, the parents, or nothing."""
    if pair_phase(first, second, family.proband) == "trans":
        return "phased in trans"
    if kind == "comp_het":
        return "one from each parent"
    return "phase unknown"


def _one_per_partner(partners: list[tuple[int, str]]) -> list[tuple[int, str]]:
    best: dict[int, str] = {}
    for partner_id, kind in partners:
        if best.get(partner_id) != "comp_het":
            best[partner_id] = kind
    return list(best.items())


def _pair_kind(a: str | None, b: str | None, family: Family) -> str | None:
    if {a, b} == {"father", "mother"}:
        return "comp_het"
    if family.parents == 0:
        return "possible_comp_het"  # singleton: unphased
    sure = {"father", "mother"}
    if a == b and a in sure:
        return None  # both from one parent: in cis
    if "de_novo" in (a, b) and ({a, b} - {"de_novo"}) <= sure | {"de_novo"}:
        return "possible_comp_het"
    if family.parents == 1 and a != b and {a, b} <= {"father", "mother", "father?", "mother?", None}:
        return "possible_comp_het"
    return None


def modes_of_row(row, family: Family) -> list[str]:
    modes = []
    if is_de_novo(row, family):
        modes.append("x_de_novo" if _on_x(row, family) and family.proband_male else "de_novo")
    if is_ar_hom(row, family):
        modes.append("ar_hom")
    if is_x_linked(row, family):
        modes.append("x_linked")
    if is_dominant(row, family):
        modes.append("ad")
    return modes


def inheritance_superset(modes: list[str], family: Family) -> Condition:
    """A condition keeping every row that could match any of ``modes``: a superset of the exact rules above,
    cheap for the database; the rules decide on what it returns."""
    child = family.proband
    possible = []
    for mode in modes:
        if mode == "de_novo" and family.father is not None and family.mother is not None:
            possible.append(all_of(carries(child), homozygous_reference(family.father),
                                   homozygous_reference(family.mother)))
        elif mode == "ar_hom":
            possible.append(homozygous_alternate(child))
        elif mode == "comp_het":
            possible.append(all_of(heterozygous(child), popmax_at_most_or_missing(COMP_HET_MAX_POPMAX)))
        elif mode == "x_linked" and family.proband_male:
            possible.append(all_of(on_chromosome("X"), carries(child)))
        elif mode == "ad":
            possible.append(heterozygous(child))
    return any_of(*possible)
