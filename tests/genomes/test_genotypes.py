"""Genotype codes after a multi-allelic record is split into one row per ALT."""
from genomes.genotypes import (
    CARRIER,
    HET,
    HET_OTHER_ALT,
    HETEROZYGOUS,
    HOM_ALT,
    HOM_REF,
    MENDELIAN,
    MISSING,
    codes_sql,
    genotype_code,
)


def test_splitting_a_multiallelic_genotype_keeps_other_alts_apart_from_the_reference():
    assert genotype_code([1, 2], 1) == HET_OTHER_ALT
    assert genotype_code([1, 2], 2) == HET_OTHER_ALT
    assert genotype_code([0, 1], 1) == HET and genotype_code([1, 0], 1) == HET
    assert genotype_code([2, 2], 2) == HOM_ALT
    assert genotype_code([0, 0], 1) == HOM_REF
    assert genotype_code([-1, -1], 1) == MISSING and genotype_code([0, -1], 1) == MISSING


def test_a_haploid_call_is_hemizygous_or_reference():
    assert genotype_code([1, -2], 1) == HOM_ALT
    assert genotype_code([0, -2], 1) == HOM_REF
    assert genotype_code([-1, -2], 1) == MISSING


def test_carriers_and_their_sql():
    assert set(CARRIER) == {HET, HOM_ALT, HET_OTHER_ALT} and set(HETEROZYGOUS) == {HET, HET_OTHER_ALT}
    assert codes_sql(CARRIER) == "(1, 2, 3)"


def test_mendelian_consistency_of_a_trio():
    assert MENDELIAN[(HET, HOM_REF, HOM_REF)] is False        # a de novo het is a Mendelian error
    assert MENDELIAN[(HOM_ALT, HET, HET)] is True
    assert MENDELIAN[(HOM_ALT, HOM_REF, HET)] is False
    assert (HOM_REF, HOM_REF, HOM_REF) not in MENDELIAN       # not informative
