"""Whole families (issue 29): every sequenced relative counts. An affected sibling must share the candidate
genotype, an unaffected sibling who is homozygous rules a recessive candidate out, a carrier grandparent who is
unaffected rules out a dominant allele unless penetrance is reduced, a de novo is checked against the siblings,
and an unaffected sibling with both alleles of a compound-het pair rules the pair out; each candidate shows who
supports and who contradicts it. seqr's GATK-SV test pedigree is read by its column names, and its female
"father" is refused naming the line and field."""
import pytest

from core.errors import InputFileError
from genomes.models import Case
from genomes.pedigree import read_ped
from genomes.selectors import family_of_case
from interpret.analysis.engine import run_analysis
from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.interpret.analysis.test_phase import HEADER
from tests.interpret.analysis.test_phase import record as phased_record
from tests.public_data import public_file

pytestmark = pytest.mark.django_db


def record(pos, alt, *calls):
    return phased_record(pos, alt, *calls, fmt="GT")


def family_case(department, tmp_path, name, ped, samples, records):
    vcf = tmp_path / f"{name}.vcf"
    vcf.write_text(HEADER.format(samples="\t".join(samples)) + "".join(records))
    _, job = import_case(department, write_ped(tmp_path, ped, f"{name}.ped"), vcf, case_identifier=name)
    assert job.state == "done", job.error
    return Case.objects.get(identifier=name)


def candidates(case, **settings):
    result = run_analysis(case, {"genome_wide": True, "max_popmax": 1, **settings}, record=False)
    return {c.row["pos"]: c for c in result.candidates}


SIBLINGS = ("S\tKID\tDAD\tMUM\t1\t2\nS\tDAD\t0\t0\t1\t1\nS\tMUM\t0\t0\t2\t1\n"
            "S\tSIS\tDAD\tMUM\t2\t{sister}\n")


def test_an_affected_sibling_must_share_a_recessive_genotype_and_a_de_novo_is_checked_against_her(department,
                                                                                                   tmp_path):
    case = family_case(department, tmp_path, "AFFSIB", SIBLINGS.format(sister=2), ["KID", "DAD", "MUM", "SIS"], [
        record(1051000, "G", "1/1", "0/1", "0/1", "1/1"),   # shared by the affected sister: kept
        record(1052000, "T", "1/1", "0/1", "0/1", "0/1"),   # the affected sister is only a carrier: out
        record(1053000, "C", "0/1", "0/0", "0/0", "0/1"),   # "de novo" but the sister has it too
    ])
    family = family_of_case(case)
    (sister,) = family.relatives
    assert (sister.individual, sister.relation, sister.affected) == ("SIS", "sibling", True)
    found = candidates(case, inheritance=["ar_hom"])
    assert set(found) == {1051000}
    assert found[1051000].segregation["support"] == ["SIS (sibling, affected)"]
    every = candidates(case)
    assert "ar_hom" not in every[1052000].modes and every[1052000].segregation["contradict"]
    assert "de_novo" not in every[1053000].modes
    assert 1053000 not in candidates(case, inheritance=["de_novo"])


def test_an_unaffected_homozygous_sibling_rules_a_recessive_candidate_and_a_shared_pair_out(department, tmp_path):
    case = family_case(department, tmp_path, "UNAFFSIB", SIBLINGS.format(sister=1), ["KID", "DAD", "MUM", "SIS"], [
        record(1051000, "G", "1/1", "0/1", "0/1", "1/1"),   # the healthy sister is homozygous too: out
        record(1052000, "T", "1/1", "0/1", "0/1", "0/1"),   # the healthy sister is a carrier: kept
        record(1054000, "C", "0/1", "0/1", "0/0", "0/1"),   # a pair the healthy sister has both of: out
        record(1055000, "A", "0/1", "0/0", "0/1", "0/1"),
        record(1056000, "G", "0/1", "0/1", "0/0", "0/0"),   # a pair she has one of: compound het
        record(1057000, "T", "0/1", "0/0", "0/1", "0/1"),
    ])
    assert set(candidates(case, inheritance=["ar_hom"])) == {1052000}
    pairs = candidates(case, inheritance=["comp_het"])
    partners = {pos: {p["pos"] for p in c.partners} for pos, c in pairs.items()}
    assert 1056000 in pairs and 1054000 not in partners.get(1055000, set()) and 1055000 not in partners.get(
        1054000, set())
    assert partners[1056000] >= {1057000} or partners[1056000] >= {1055000}


def test_a_carrier_grandparent_who_is_unaffected_rules_a_dominant_allele_out_unless_penetrance_is_reduced(
        department, tmp_path, client):
    ped = ("G\tKID\tDAD\tMUM\t2\t2\nG\tDAD\tGRANDPA\t0\t1\t2\nG\tMUM\t0\t0\t2\t1\nG\tGRANDPA\t0\t0\t1\t1\n")
    case = family_case(department, tmp_path, "GRAND", ped, ["KID", "DAD", "MUM", "GRANDPA"], [
        record(1051000, "G", "0/1", "0/1", "0/0", "0/1"),   # from the affected father, whose healthy father has it
        record(1052000, "T", "0/1", "0/1", "0/0", "0/0"),   # arisen in the father: the grandfather has it not
    ])
    (grandpa,) = family_of_case(case).relatives
    assert grandpa.relation == "grandparent"
    assert set(candidates(case, inheritance=["ad"])) == {1052000}
    reduced = candidates(case, inheritance=["ad"], reduced_penetrance=True)
    assert set(reduced) == {1051000, 1052000}
    assert reduced[1051000].segregation["unaffected_carriers"] == ["GRANDPA (grandparent, unaffected)"]
    # the case page draws the three generations, and the table names who is for and against
    from core.models import Role
    from tests.factories import make_user

    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert all(f'data-individual="{who}"' in page for who in ("KID", "DAD", "MUM", "GRANDPA"))
    table = client.get(f"/cases/{case.pk}/variants/", {"genome_wide": "1", "max_popmax": "1"}).content.decode()
    assert 'data-testid="segregation"' in table and "1 against" in table


def test_seqrs_test_pedigree_is_read_by_column_names_and_its_female_father_is_refused(tmp_path):
    with pytest.raises(InputFileError) as refused:
        read_ped(public_file("sv-cnv/seqr-test_pedigree_5.tsv"))
    assert "line 4" in str(refused.value) and "father" in str(refused.value) and "female" in str(refused.value)
    fixed = tmp_path / "pedigree.tsv"
    fixed.write_text(public_file("sv-cnv/seqr-test_pedigree_5.tsv").read_text().replace(
        "RGP_164_1\t\t\tF", "RGP_164_1\t\t\tM").replace("RGP_164_2\t\t\tM", "RGP_164_2\t\t\tF"))
    people = {i.individual_id: i for i in read_ped(fixed).individuals}
    assert people["RGP_164_3"].father_id == "RGP_164_1" and people["RGP_164_4"].mother_id == "RGP_164_2"
    assert people["RGP_164_3"].affection == "unknown"  # the file has no affection column


def test_a_siblings_structural_calls_rule_a_de_novo_and_a_recessive_deletion_out_in_the_database_and_the_labels(
        department, tmp_path):
    """The SV tab's inheritance filter (SQL) and its labels (Python) both hear the other relatives: a de novo
    deletion the unaffected sister also has, and a homozygous deletion she has too, are not called."""
    from interpret.analysis.structural import INHERITANCE_MODES, SvSettings, structural_analysis
    from tests.genomes.sv.test_import import GRCH38, run, small_vcf

    samples = ["KID", "DAD", "MUM", "SIS"]
    svs = tmp_path / "family.sv.vcf"
    svs.write_text("\n".join([
        "##fileformat=VCFv4.2", "##contig=<ID=chr1,length=248956422>",
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples),
        "chr1\t10000000\tDEL1\tN\t<DEL>\t99\tPASS\tEND=10010000;SVTYPE=DEL\tGT\t0/1\t0/0\t0/0\t0/1",  # sister has it
        "chr1\t20000000\tDEL2\tN\t<DEL>\t99\tPASS\tEND=20010000;SVTYPE=DEL\tGT\t0/1\t0/0\t0/0\t0/0",  # de novo
        "chr1\t30000000\tDEL3\tN\t<DEL>\t99\tPASS\tEND=30010000;SVTYPE=DEL\tGT\t1/1\t0/1\t0/1\t1/1",  # sister hom
        "chr1\t40000000\tDEL4\tN\t<DEL>\t99\tPASS\tEND=40010000;SVTYPE=DEL\tGT\t1/1\t0/1\t0/1\t0/1",  # AR
    ]) + "\n")
    ped = write_ped(tmp_path, SIBLINGS.format(sister=1), "svfamily.ped")
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped", str(ped),
                       "--vcf", str(small_vcf(tmp_path, "svfamily.vcf", samples, GRCH38, "chr1")), "--wait",
                       "--sv-vcf", str(svs), "--case-id", "SVFAM")
    assert code == 0, err
    case = Case.objects.get(identifier="SVFAM")
    every = structural_analysis(case, SvSettings(proband_carries=False)).rows
    by_start = {row["start"] // 10_000_000 * 10_000_000: row for row in every}  # (POS or the base after it)
    assert "de_novo" not in by_start[10000000]["inheritance"] and "de_novo" in by_start[20000000]["inheritance"]
    assert "ar_hom" not in by_start[30000000]["inheritance"] and "ar_hom" in by_start[40000000]["inheritance"]
    for mode in INHERITANCE_MODES:  # the database's filter keeps exactly the calls labelled with the mode
        filtered = structural_analysis(case, SvSettings(inheritance=[mode]))
        assert [row["id"] for row in filtered.rows] == [row["id"] for row in every if mode in row["inheritance"]]
