"""PED files from real tools, with their edge cases, and clear errors for broken ones."""
import pytest

from genomes.pedigree import Affection, PedigreeError, Sex, parse_ped, read_ped
from tests.public_data import public_file


def test_the_scout_demo_trio_is_a_trio_with_its_affected_son_as_proband():
    pedigree = read_ped(public_file("scout-demo/643594.ped"))
    assert pedigree.ids == ["ADM1059A1", "ADM1059A2", "ADM1059A3"]
    proband = pedigree.proband()
    assert (proband.individual_id, proband.sex, proband.father_id, proband.mother_id) == (
        "ADM1059A2", Sex.MALE, "ADM1059A1", "ADM1059A3")
    assert pedigree.implied_analysis_type() == "trio"
    assert pedigree.warnings == []


def test_peddy_extra_columns_are_kept_by_their_header_names():
    pedigree = read_ped(public_file("scout-demo/643594.peddy.ped"))
    assert pedigree["ADM1059A2"].extra["ancestry-prediction"] == "EUR"
    assert pedigree["ADM1059A3"].extra["het_ratio"] == "0.475"


def test_gemini_unknown_sex_minus_one_and_parents_zero():
    pedigree = read_ped(public_file("gemini-inheritance/test.de_novo.ped"))
    kid = pedigree["1_kid"]
    assert kid.sex == Sex.UNKNOWN and kid.affection == Affection.AFFECTED
    assert (kid.father_id, kid.mother_id) == ("1_dad", "1_mom")
    assert pedigree["1_dad"].father_id is None


def test_gemini_parents_minus_nine_and_parents_listed_after_their_children():
    pedigree = read_ped(public_file("gemini-inheritance/test.comp_het.ped"))
    assert pedigree["dad_2"].father_id is None
    assert (pedigree["child_1"].father_id, pedigree["child_1"].mother_id) == ("dad_1", "mom_1")
    assert {i.family_id for i in pedigree.individuals} == {"1", "2", "3", "4"}
    assert pedigree["child_4"].extra["ethnicity"] == "caucasianNEuropean"
    assert pedigree.warnings == []


def test_a_parent_named_but_not_listed_is_treated_as_absent_with_a_warning():
    pedigree = parse_ped("f\tkid\tdad\tmom\t1\t2\nf\tmom\t0\t0\t2\t1\n", source="duo.ped")
    assert pedigree["kid"].father_id is None and pedigree["kid"].mother_id == "mom"
    assert pedigree.warnings == ["duo.ped, line 1: father 'dad' of 'kid' is not in the pedigree; treated as absent"]
    assert pedigree.implied_analysis_type() == "duo"


def test_gemini_none_parents_and_unknown_phenotype_minus_nine():
    somatic = read_ped(public_file("gemini-inheritance/test.somatic.ped"))
    assert all(i.father_id is None and i.mother_id is None for i in somatic.individuals)
    mendel = read_ped(public_file("gemini-inheritance/test.mendel.ped"))
    assert {i.affection for i in mendel.individuals} == {Affection.UNKNOWN}


def test_slivar_empty_parent_fields_and_phenotype_zero():
    siblings = read_ped(public_file("slivar/comphet-test-case.ped"))
    assert siblings["SID_1"].father_id is None and siblings["SID_3"].father_id == "SID_2"
    ashk = read_ped(public_file("slivar/ashk-trio.ped"))
    assert ashk["HG003"].affection == Affection.UNKNOWN
    assert ashk.proband().individual_id == "HG002" and ashk.implied_analysis_type() == "trio"


def test_cancer_ped_affected_is_the_tumour_and_unaffected_the_normal():
    pedigree = read_ped(public_file("scout-demo/cancer_test.ped"))
    tumour, normal = pedigree.tumour_and_normal()
    assert (tumour.individual_id, normal.individual_id) == ("999-99", "998-99")


@pytest.mark.parametrize("relative", [
    "gemini-inheritance/test.auto_dom.ped", "gemini-inheritance/test.auto_rec.ped",
    "gemini-inheritance/test.x-linked.ped", "slivar/comphet.csq.ped",
])
def test_every_shared_ped_file_parses(relative):
    assert read_ped(public_file(relative)).individuals


def test_a_header_without_hash_is_recognised_and_whitespace_separated_files_work():
    pedigree = parse_ped("FID IID PAT MAT SEX PHENOTYPE\nf1 kid dad mom 2 2\nf1 dad 0 0 1 1\nf1 mom 0 0 2 1\n")
    assert pedigree.implied_analysis_type() == "trio"
    assert pedigree["kid"].sex == Sex.FEMALE


def test_a_missing_parent_makes_a_duo_and_no_parents_a_singleton():
    assert parse_ped("f\tkid\t0\tmom\t1\t2\nf\tmom\t0\t0\t2\t1\n").implied_analysis_type() == "duo"
    assert parse_ped("f\tkid\t0\t0\t1\t2\n").implied_analysis_type() == "singleton"


@pytest.mark.parametrize("text,message", [
    ("f\tkid\t0\t0\t1\n", "line 1: expected at least 6 columns"),
    ("f\tkid\t0\t0\tX\t2\n", "line 1, field sex: 'X' is not a sex code"),
    ("f\tkid\t0\t0\t1\taffected\n", "line 1, field phenotype: 'affected'"),
    ("f\tkid\t0\t0\t1\t2\nf\tkid\t0\t0\t1\t2\n", "line 2, field individual_id: 'kid' is listed twice .first on line 1"),
    ("f\tkid\tmom\t0\t1\t2\nf\tmom\t0\t0\t2\t1\n", "line 1, field father_id: 'mom' is female"),
    ("f\tkid\tdad\t0\t1\t2\ng\tdad\t0\t0\t1\t1\n", "line 1, field father_id: 'dad' belongs to family 'g'"),
    ("f\tkid\tkid\t0\t1\t2\n", "own parent"),
    ("# only a header\n", "no individuals found"),
])
def test_broken_pedigrees_are_refused_naming_line_and_field(text, message):
    with pytest.raises(PedigreeError, match=message) as error:
        parse_ped(text, source="family.ped")
    assert str(error.value).startswith("family.ped")


def test_a_binary_file_is_refused_as_not_text(tmp_path):
    binary = tmp_path / "x.ped"
    binary.write_bytes(b"\x1f\x8b\x08\x00\xff\xfe")
    with pytest.raises(PedigreeError, match="not a text file"):
        read_ped(binary)
