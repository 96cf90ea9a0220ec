"""Genotype codes: how a sample's call of one ALT allele is stored in a case variant's ``genotypes`` array.

One code per sample (arrays follow Sample.position: proband, father, mother, others), after a multi-allelic
record is split into one row per ALT:

- -1 missing (no call, or a half-missing call)
- 0 homozygous reference
- 1 heterozygous: one copy of this ALT and the reference
- 2 homozygous (or hemizygous) for this ALT
- 3 heterozygous with another ALT on the other allele (a 1/2 call, seen from either ALT's row)

Plain Python, no database: the VCF reader, the record screen, the inheritance rules and the SQL over case
variants all read the codes from here.
"""
from __future__ import annotations

MISSING, HOM_REF, HET, HOM_ALT, HET_OTHER_ALT = -1, 0, 1, 2, 3

# Codes of a sample that carries the ALT (one or two copies).
CARRIER = (HET, HOM_ALT, HET_OTHER_ALT)
# Codes of a sample heterozygous for the ALT.
HETEROZYGOUS = (HET, HET_OTHER_ALT)

# As VCF genotype text, for display and export.
GENOTYPE_TEXT = {MISSING: "./.", HOM_REF: "0/0", HET: "0/1", HOM_ALT: "1/1", HET_OTHER_ALT: "1/2"}

_VECTOR_END = -2  # cyvcf2's filler after the last allele of a haploid call


def genotype_code(called_alleles: list[int], alt_index: int) -> int:
    """The code of one sample's allele indexes (cyvcf2's: -1 missing, -2 vector end) for ALT ``alt_index``."""
    called = [a for a in called_alleles if a != _VECTOR_END]
    if not called or any(a < 0 for a in called):
        return MISSING
    this = sum(1 for a in called if a == alt_index)
    other = sum(1 for a in called if a > 0 and a != alt_index)
    if this == 0:
        return HOM_REF
    if this == len(called):
        return HOM_ALT
    return HET_OTHER_ALT if other else HET


def codes_sql(codes: tuple[int, ...]) -> str:
    """``codes`` as an SQL IN list, e.g. "(1, 2, 3)"."""
    return "(" + ", ".join(str(code) for code in codes) + ")"


def _mendelian_consistent(child: int, father: int, mother: int) -> bool:
    """Biallelic inheritance on codes: can the parents pass on the ALT copies the child has?"""
    def copies(code):  # the ALT copies a parent can pass on
        return {HOM_REF: {0}, HET: {0, 1}, HET_OTHER_ALT: {0, 1}, HOM_ALT: {1}}[code]

    need = {HOM_REF: 0, HET: 1, HET_OTHER_ALT: 1, HOM_ALT: 2}[child]
    return any(f + m == need for f in copies(father) for m in copies(mother))


# (child, father, mother) -> consistent? for every informative combination of called codes (not all hom-ref).
MENDELIAN = {(c, f, m): _mendelian_consistent(c, f, m)
             for c in (0, 1, 2, 3) for f in (0, 1, 2, 3) for m in (0, 1, 2, 3) if (c, f, m) != (0, 0, 0)}
