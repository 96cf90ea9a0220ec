"""Whole families (issue 29): every sequenced relative counts. An affected sibling must share the candidate
genotype, an unaffected sibling who is homozygous rules a recessive candidate out, a carrier grandparent who is
unaffected rules out a dominant allele unless penetrance is reduced, a de novo is checked against the siblings,
and an unaffected sibling with both alleles of a compound-het pair rules the pair out; each candidate shows who
supports and who contradicts it. seqr's GATK-SV test pedigree is read by its column names, and its female
"father" is refused naming the line and field."""
import io
import json

import pytest
from django.core.management import call_command

from core.errors import InputFileError
from core.models import Role
from genomes.models import Case
from genomes.pedigree import read_ped
from genomes.selectors import family_of_case
from interpret.analysis.engine import run_analysis
from tests.factories import make_user
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
        department, tmp_path, client):
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
    # who is for and who against, as the small-variant table says it
    sister = "SIS (sibling, unaffected)"
    assert by_start[10000000]["segregation"]["contradict"] == [sister]
    assert by_start[10000000]["segregation"]["contradicted_modes"] == ["ad", "de_novo"]
    assert by_start[20000000]["segregation"] == {"support": [sister], "contradict": [], "contradicted_modes": []}
    assert by_start[30000000]["segregation"]["contradict"] == [sister]
    assert by_start[40000000]["segregation"]["support"] == [sister]
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))
    html = client.get(f"/cases/{case.pk}/structural-variants/", {"all_calls": "1"}).content.decode()
    assert html.count('data-testid="sv-segregation"') == 4
    assert html.count('<span class="text-danger">1 against</span>') == 2 and html.count("relatives: 1 for</div>") == 2
    api = client.post(f"/api/cases/{case.pk}/structural-variants/", {"all_calls": True},
                      content_type="application/json").json()
    assert sorted(len(call["segregation"]["contradict"]) for call in api["calls"]) == [0, 0, 1, 1]


STR_HEADER = "\n".join([
    "##fileformat=VCFv4.2", "##contig=<ID=4,length=191154276>", "##contig=<ID=9,length=141213431>",
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
    '##INFO=<ID=REF,Number=1,Type=Integer,Description="Reference copy number">',
    '##INFO=<ID=RU,Number=1,Type=String,Description="Repeat unit">',
    '##INFO=<ID=REPID,Number=1,Type=String,Description="Repeat id">',
    '##INFO=<ID=STR_NORMAL_MAX,Number=1,Type=Integer,Description="Normal max">',
    '##INFO=<ID=STR_PATHOLOGIC_MIN,Number=1,Type=Integer,Description="Pathologic min">',
    '##INFO=<ID=InheritanceMode,Number=1,Type=String,Description="Inheritance">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID\tDAD\tMUM\tSIS\tBRO"])
# HTT (AD, Huntington: normal <= 35, pathologic >= 40): the proband 43; the father's 38 is intermediate; the
# affected sister 45; the unaffected brother 42 (against, or an unaffected carrier with reduced penetrance).
# FXN (AR, Friedreich: normal <= 33, pathologic >= 66): the proband biallelic 900/800; the carrier parents (for);
# the affected sister biallelic (for); the unaffected brother biallelic too (against).
STR_RECORDS = [
    "4\t3076604\t.\tC\t<STR43>,<STR17>,<STR38>,<STR19>,<STR45>,<STR42>\t.\tPASS\tEND=3076660;REF=19;RU=CAG;"
    "REPID=HTT;STR_NORMAL_MAX=35;STR_PATHOLOGIC_MIN=40;InheritanceMode=AD\tGT\t1/2\t3/2\t2/4\t5/2\t6/2",
    "9\t71652201\t.\tA\t<STR900>,<STR800>,<STR9>,<STR850>,<STR700>\t.\tPASS\tEND=71652220;REF=6;RU=GAA;"
    "REPID=FXN;STR_NORMAL_MAX=33;STR_PATHOLOGIC_MIN=66;InheritanceMode=AR\tGT\t1/2\t1/3\t2/3\t4/5\t1/2",
]
MT_FAMILY = """##fileformat=VCFv4.2
##contig=<ID=chrM,length=16569>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID\tDAD\tMUM\tSIS\tBRO
chrM\t3243\t.\tA\tG\t.\tPASS\t.\tGT:AF\t0/1:0.62\t0/0:0\t0/1:0.18\t0/1:0.55\t0/1:0.05
chrM\t8993\t.\tT\tG\t.\tPASS\t.\tGT:AF\t0/1:0.91\t0/0:0\t0/1:0.02\t0/0:0\t1:0.96
chrM\t11778\t.\tG\tA\t.\tPASS\t.\tGT:AF\t1:0.99\t0/0:0\t1:0.98\t1:0.99\t0/0:0
"""
FIVE = ("{family}\tKID\tDAD\tMUM\t1\t2\n{family}\tDAD\t0\t0\t1\t1\n{family}\tMUM\t0\t0\t2\t1\n"
        "{family}\tSIS\tDAD\tMUM\t2\t2\n{family}\tBRO\tDAD\tMUM\t1\t1\n")


def five_person_case(department, tmp_path, name, contigs, chrom):
    from tests.genomes.sv.test_import import run, small_vcf

    samples = ["KID", "DAD", "MUM", "SIS", "BRO"]
    code, _, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped",
                       str(write_ped(tmp_path, FIVE.format(family=name), f"{name}.ped")), "--vcf",
                       str(small_vcf(tmp_path, f"{name}.vcf", samples, contigs, chrom)), "--wait", "--case-id", name)
    assert code == 0, err
    return Case.objects.get(identifier=name)


def test_repeat_loci_are_judged_by_the_relatives_affection_on_every_channel(department, tmp_path, client):
    """A dominant full mutation and a recessive biallelic expansion the unaffected brother also has are
    contradicted (the filter drops them); an intermediate allele in an unaffected father, carrier parents of a
    recessive locus and an affected sister support; reduced penetrance makes the brother an unaffected carrier."""
    from tests.genomes.sv.test_import import GRCH37, run

    case = five_person_case(department, tmp_path, "STRFAM", GRCH37, "1")
    (tmp_path / "fam.str.vcf").write_text(STR_HEADER + "\n" + "\n".join(STR_RECORDS) + "\n")
    code, _, err = run("import_variants", "STRFAM", "--kind", "str", "--vcf", str(tmp_path / "fam.str.vcf"))
    assert code == 0, err
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))

    def loci(**settings):
        answer = client.post(f"/api/cases/{case.pk}/repeat-expansions/", settings, content_type="application/json")
        assert answer.status_code == 200, answer.content
        return {row["locus"]: row for row in answer.json()["loci"]}

    every = loci()
    htt, fxn = every["HTT"]["segregation"], every["FXN"]["segregation"]
    assert htt["support"] == ["DAD (father, unaffected)", "MUM (mother, unaffected)", "SIS (sibling, affected)"]
    assert htt["contradict"] == ["BRO (sibling, unaffected)"]
    assert fxn["contradict"] == ["BRO (sibling, unaffected)"]
    assert fxn["support"] == ["DAD (father, unaffected)", "MUM (mother, unaffected)", "SIS (sibling, affected)"]
    assert set(loci(segregating_only=True)) == set()
    reduced = loci(segregating_only=True, reduced_penetrance=True)
    assert set(reduced) == {"HTT", "FXN"} and reduced["HTT"]["segregation"]["unaffected_carriers"] == [
        "BRO (sibling, unaffected)"]
    html = client.get(f"/cases/{case.pk}/repeat-expansions/").content.decode()
    assert html.count('data-testid="str-segregation"') == 2 and html.count("1 against</span>") == 2
    out = io.StringIO()
    call_command("analyse_case", "STRFAM", "--kind", "str", "--set", "segregating_only=1", "--set",
                 "reduced_penetrance=1", "--user", "gina", "--json", stdout=out)
    assert sorted(row["locus"] for row in json.loads(out.getvalue())) == ["FXN", "HTT"]


def test_mitochondrial_alleles_are_judged_by_the_relatives_levels_and_affection(department, tmp_path, client):
    """m.3243A>G: an affected sister carries it, the unaffected mother and brother at lower levels (all for);
    m.8993T>G: the affected sister lacks it and the unaffected brother has more (against); m.11778G>A (LHON): the
    unaffected mother is homoplasmic (against, an unaffected carrier with reduced penetrance)."""
    from tests.genomes.sv.test_import import GRCH38, run

    case = five_person_case(department, tmp_path, "MTFAM", GRCH38, "chr1")
    (tmp_path / "fam.mt.vcf").write_text(MT_FAMILY)
    code, _, err = run("import_variants", "MTFAM", "--kind", "mt", "--vcf", str(tmp_path / "fam.mt.vcf"))
    assert code == 0, err
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))

    def alleles(**settings):
        answer = client.post(f"/api/cases/{case.pk}/mitochondrial-variants/", settings,
                             content_type="application/json")
        assert answer.status_code == 200, answer.content
        return {row["pos"]: row["segregation"] for row in answer.json()["alleles"]}

    every = alleles()
    assert every[3243] == {"support": ["DAD (father, unaffected)", "MUM (mother, unaffected)",
                                       "SIS (sibling, affected)", "BRO (sibling, unaffected)"],
                           "contradict": [], "unaffected_carriers": [], "contradicted_modes": []}
    assert every[8993]["contradict"] == ["SIS (sibling, affected)", "BRO (sibling, unaffected)"]
    assert every[11778]["contradict"] == ["MUM (mother, unaffected)"]
    assert set(alleles(segregating_only=True)) == {3243}
    reduced = alleles(segregating_only=True, reduced_penetrance=True)
    assert set(reduced) == {3243, 11778} and reduced[11778]["unaffected_carriers"] == ["MUM (mother, unaffected)"]
    html = client.get(f"/cases/{case.pk}/mitochondrial-variants/", {"segregating_only": "1"}).content.decode()
    assert html.count('data-testid="mt-row"') == 1 and "relatives: 4 for</div>" in html
