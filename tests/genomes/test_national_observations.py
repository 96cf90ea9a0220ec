"""National observations stay exact under import, replace and withdrawal: the incremental counts equal a
recomputation from all stored cases after every step, zygosity is read right (hemizygous males outside the
pseudoautosomal regions), a family is counted once, and somatic observations are kept apart by tumour type."""
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from core.models import Department, Membership, PatientGroup, Role, User
from genomes.models import Case, CaseVariant, Variant, VariantObservation
from genomes.observations import observations_rebuild, variant_observations
from genomes.services import case_variants_withdraw
from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.processes import ROOT, process_env

CONTIGS = "".join(f"##contig=<ID=chr{c},length={n}>\n" for c, n in
                  [("1", 248956422), ("2", 242193529), ("X", 156040895), ("Y", 57227415)])
HEADER = ("##fileformat=VCFv4.2\n" + CONTIGS +
          '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
          "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{samples}\n")
TRIO_PED = "FAM\tP\tF\tM\t1\t2\nFAM\tF\t0\t0\t1\t1\nFAM\tM\t0\t0\t2\t1\n"


def write_vcf(tmp_path, name, samples, records):
    path = tmp_path / name
    lines = [HEADER.format(samples="\t".join(samples))]
    for chrom, pos, ref, alt, *genotypes in records:
        lines.append(f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT\t" + "\t".join(genotypes) + "\n")
    path.write_text("".join(lines))
    return path


def incremental_and_recomputed():
    """The observation rows as the imports left them, and as a recomputation from all cases makes them."""
    from genomes.observations import COUNT_COLUMNS, KEY_COLUMNS

    columns = (*KEY_COLUMNS, *COUNT_COLUMNS)
    kept = set(VariantObservation.objects.values_list(*columns))
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT recompute")
        observations_rebuild(cursor)
        recomputed = set(VariantObservation.objects.values_list(*columns))
        cursor.execute("ROLLBACK TO SAVEPOINT recompute")
    return kept, recomputed


def observed(chrom, pos, ref, alt):
    variant = Variant.objects.get(build="GRCh38", chrom=chrom, pos=pos, ref=ref, alt=alt)
    return variant_observations(variant)


@pytest.fixture
def department(patient_groups):
    return Department.objects.create(code="kg-obs", name="Observations test")


@pytest.mark.django_db
def test_observations_are_exact_under_import_replace_and_withdrawal(department, tmp_path):
    trio_vcf = write_vcf(tmp_path, "trio.vcf", ["P", "F", "M"], [
        ("chr1", 1000000, "A", "G", "0/1", "0/1", "0/0"),   # the affected son and his unaffected father
        ("chr1", 2000000, "C", "T", "1/1", "0/1", "0/1"),   # son hom, both parents het
        ("chrX", 5000000, "G", "A", "1/1", "1/1", "0/1"),   # males outside PAR1: hemizygous
        ("chrX", 100000, "G", "A", "1/1", "0/0", "0/1"),    # inside PAR1: a male has two copies
        ("chr2", 3000000, "T", "C", "0/0", "0/0", "0/1"),   # only the mother
    ])
    trio, job = import_case(department, write_ped(tmp_path, TRIO_PED, "trio.ped"), trio_vcf,
                            case_identifier="OBS-TRIO")
    assert job.state == "done", job.error
    kept, recomputed = incremental_and_recomputed()
    assert kept == recomputed and kept

    shared_site = observed("1", 1000000, "A", "G")["germline"]
    assert (shared_site["het"], shared_site["hom"], shared_site["individuals"], shared_site["families"]) == (2, 0, 2, 1)
    assert shared_site["by_affection"]["affected"] == {"individuals": 1, "families": 1}
    assert shared_site["by_affection"]["unaffected"] == {"individuals": 1, "families": 1}
    # Three individuals (two male): 6 alleles on an autosome, 2 of them this ALT
    assert (shared_site["allele_count"], shared_site["allele_number"]) == (2, 6)
    assert shared_site["allele_frequency"] == pytest.approx(2 / 6, abs=1e-6)
    hom_site = observed("1", 2000000, "C", "T")["germline"]
    assert (hom_site["het"], hom_site["hom"], hom_site["allele_count"], hom_site["families"]) == (2, 1, 4, 1)
    x_site = observed("X", 5000000, "G", "A")["germline"]
    assert (x_site["het"], x_site["hom"], x_site["hemi"], x_site["allele_count"]) == (1, 0, 2, 3)
    assert x_site["allele_number"] == 2 * 1 + 1 * 2  # outside PAR: the mother's two X, one per male
    par_site = observed("X", 100000, "G", "A")["germline"]
    assert (par_site["het"], par_site["hom"], par_site["hemi"], par_site["allele_number"]) == (1, 1, 0, 6)
    mother_only = observed("2", 3000000, "T", "C")["germline"]
    assert mother_only["by_affection"] == {"affected": {"individuals": 0, "families": 0},
                                           "unaffected": {"individuals": 1, "families": 1},
                                           "unknown": {"individuals": 0}}

    # A second family, an affected woman carrying the shared site: two families now
    single_vcf = write_vcf(tmp_path, "single.vcf", ["S"], [("chr1", 1000000, "A", "G", "0/1"),
                                                          ("chr2", 4000000, "G", "T", "1/1")])
    single, job = import_case(department, write_ped(tmp_path, "FAM2\tS\t0\t0\t2\t2\n", "single.ped"), single_vcf,
                              case_identifier="OBS-SINGLE", group="NEURO")
    assert job.state == "done", job.error
    kept, recomputed = incremental_and_recomputed()
    assert kept == recomputed
    shared_site = observed("1", 1000000, "A", "G")["germline"]
    assert (shared_site["families"], shared_site["individuals"], shared_site["allele_number"]) == (2, 3, 8)
    assert {g["patient_group"]: g["families"] for g in shared_site["by_patient_group"]} == {"RARE": 1, "NEURO": 1}

    # The trio's file replaced by one without the mother-only variant and with the son het at chr1:2000000
    replaced_vcf = write_vcf(tmp_path, "trio-v2.vcf", ["P", "F", "M"], [
        ("chr1", 1000000, "A", "G", "0/1", "0/1", "0/0"),
        ("chr1", 2000000, "C", "T", "0/1", "0/1", "0/0"),
        ("chrX", 5000000, "G", "A", "1/1", "1/1", "0/1"),
    ])
    trio, job = import_case(department, write_ped(tmp_path, TRIO_PED, "trio.ped"), replaced_vcf,
                            case_identifier="OBS-TRIO", replace=True)
    assert job.state == "done", job.error
    kept, recomputed = incremental_and_recomputed()
    assert kept == recomputed
    hom_site = observed("1", 2000000, "C", "T")["germline"]
    assert (hom_site["het"], hom_site["hom"], hom_site["families"]) == (2, 0, 1)
    assert not Variant.objects.filter(chrom="2", pos=3000000).exists()  # nobody carries it: forgotten
    assert not VariantObservation.objects.filter(carriers=0).exists()

    # Consent withdrawn for the singleton: its observations go with its variants, the trio's stay
    geneticist = User.objects.create_user("obs-geneticist")
    Membership.objects.create(user=geneticist, department=department, role=Role.CLINICAL_GENETICIST)
    outsider = User.objects.create_user("obs-outsider")
    with pytest.raises(PermissionDenied):
        case_variants_withdraw(case=Case.objects.get(identifier="OBS-SINGLE"), by=outsider, reason="consent")
    case_variants_withdraw(case=Case.objects.get(identifier="OBS-SINGLE"), by=geneticist, reason="consent withdrawn")
    kept, recomputed = incremental_and_recomputed()
    assert kept == recomputed
    shared_site = observed("1", 1000000, "A", "G")["germline"]
    assert (shared_site["families"], shared_site["individuals"], shared_site["allele_number"]) == (1, 2, 6)
    assert not CaseVariant.objects.filter(case_id=single.case_id).exists()
    assert Case.objects.get(identifier="OBS-SINGLE").import_state == "awaiting_data"


@pytest.mark.django_db
def test_a_replace_keeps_a_classified_variant_that_no_case_carries_any_more(department, tmp_path, dept_a):
    """Before, the orphan clean-up deleted national variants that a tag referred to and the replace failed at
    commit; a variant someone classified, tagged or commented on stays in the national database."""
    from interpret.analysis.models import VariantTag

    ped = write_ped(tmp_path, "FAM3\tS\t0\t0\t1\t2\n", "s.ped")
    first, job = import_case(department, ped, write_vcf(tmp_path, "a.vcf", ["S"], [
        ("chr1", 1500000, "A", "C", "0/1"), ("chr1", 1600000, "G", "A", "0/1")]), case_identifier="OBS-TAG")
    assert job.state == "done", job.error
    tagged = Variant.objects.get(chrom="1", pos=1500000)
    VariantTag.objects.create(case_id=first.case_id, variant=tagged, tag="candidate")
    again, job = import_case(department, ped, write_vcf(tmp_path, "b.vcf", ["S"], [
        ("chr1", 1600000, "G", "A", "0/1")]), case_identifier="OBS-TAG", replace=True)
    assert job.state == "done", job.error
    assert Variant.objects.filter(pk=tagged.pk).exists()
    assert observed("1", 1500000, "A", "C")["germline"]["individuals"] == 0


@pytest.mark.django_db
def test_somatic_observations_are_counted_apart_by_tumour_type(department, tmp_path):
    ped = write_ped(tmp_path, "T1\tTUMOR\t0\t0\t1\t2\nT1\tNORMAL\t0\t0\t1\t1\n", "tn.ped")
    vcf = write_vcf(tmp_path, "tn.vcf", ["TUMOR", "NORMAL"], [
        ("chr2", 25234373, "C", "T", "0/1", "0/0"),   # somatic
        ("chr2", 25300000, "A", "G", "0/1", "0/1"),   # germline: in the normal too
    ])
    case_import, job = import_case(department, ped, vcf, group="HAEM-CANCER", analysis_type="tumour_normal",
                                   case_identifier="OBS-AML", tumour_type="AML")
    assert job.state == "done", job.error
    somatic = observed("2", 25234373, "C", "T")
    assert somatic["germline"]["individuals"] == 0 and somatic["somatic"]["tumours"] == 1
    assert somatic["somatic"]["by_group_and_tumour_type"][0]["tumour_type"] == "AML"
    germline = observed("2", 25300000, "A", "G")
    assert germline["somatic"]["tumours"] == 0 and germline["germline"]["individuals"] == 1
    kept, recomputed = incremental_and_recomputed()
    assert kept == recomputed


@pytest.mark.django_db(transaction=True)
def test_the_withdrawal_command_prints_its_outcome_and_refuses_without_a_clinical_user(department, tmp_path):
    import json

    ped = write_ped(tmp_path, "FAM4\tS\t0\t0\t1\t2\n", "w.ped")
    import_case(department, ped, write_vcf(tmp_path, "w.vcf", ["S"], [("chr1", 1700000, "A", "T", "0/1")]),
                case_identifier="OBS-CMD")
    geneticist = User.objects.create_user("cmd-geneticist")
    Membership.objects.create(user=geneticist, department=department, role=Role.CLINICAL_GENETICIST)
    command = [sys.executable, "manage.py", "withdraw_case_variants", "OBS-CMD", "--department", "kg-obs",
               "--reason", "consent withdrawn"]
    refused = subprocess.run([*command, "--user", "nobody"], cwd=ROOT, env=process_env(), capture_output=True,
                             text=True)
    assert refused.returncode == 1 and "no active account" in refused.stderr
    done = subprocess.run([*command, "--user", "cmd-geneticist"], cwd=ROOT, env=process_env(), capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["case_variants_removed"] == 1
    assert not VariantObservation.objects.exists()
    assert PatientGroup.objects.filter(code="RARE").exists()


def renamed_trio(tmp_path, suffix):
    """The Scout demo trio under other sample and individual ids (another department's pseudonyms)."""
    import gzip

    from tests.public_data import public_file

    names = {"ADM1059A1": f"F-{suffix}", "ADM1059A2": f"P-{suffix}", "ADM1059A3": f"M-{suffix}"}
    text = gzip.open(public_file("scout-demo/643594.clinical.vcf.gz"), "rt").read()
    header_end = text.index("#CHROM")
    line_end = text.index("\n", header_end)
    columns = text[header_end:line_end].split("\t")
    columns = [names.get(c, c) for c in columns]
    vcf = tmp_path / f"trio-{suffix}.vcf"
    vcf.write_text(text[:header_end] + "\t".join(columns) + text[line_end:])
    ped = write_ped(tmp_path, f"FAM-{suffix}\tP-{suffix}\tF-{suffix}\tM-{suffix}\t1\t2\n"
                              f"FAM-{suffix}\tF-{suffix}\t0\t0\t1\t1\nFAM-{suffix}\tM-{suffix}\t0\t0\t2\t1\n",
                    f"trio-{suffix}.ped")
    return ped, vcf


def germline(chrom, pos, ref, alt, build="GRCh38"):
    variant = Variant.objects.get(build=build, chrom=chrom, pos=pos, ref=ref, alt=alt)
    return variant_observations(variant)["germline"]


@pytest.mark.django_db
def test_the_same_trio_imported_three_times_is_three_people_and_one_family(department, tmp_path, settings):
    vcf = write_vcf(tmp_path, "trio.vcf", ["P", "F", "M"], [
        ("chr1", 1000000, "A", "G", "0/1", "0/1", "0/0"),
        ("chr1", 2000000, "C", "T", "1/1", "0/1", "0/1"),
    ])
    for copy in ("A", "B", "C"):  # the same people, re-sequenced or analysed again as new cases
        _, job = import_case(department, write_ped(tmp_path, TRIO_PED, f"trio{copy}.ped"), vcf,
                             case_identifier=f"SAME-TRIO-{copy}")
        assert job.state == "done", job.error
        kept, recomputed = incremental_and_recomputed()
        assert kept == recomputed
    site = germline("1", 1000000, "A", "G")
    assert (site["individuals"], site["families"], site["het"]) == (2, 1, 2)
    assert site["allele_number"] == 6  # three people, not nine
    hom = germline("1", 2000000, "C", "T")
    assert (hom["individuals"], hom["families"], hom["hom"], hom["het"]) == (3, 1, 1, 2)
    from genomes.beacon import g_variants

    settings.BEACON_MIN_COUNT = 1  # the count itself is what is tested here
    PatientGroup.objects.filter(code="RARE").update(beacon_shared=True)
    found = g_variants({"referenceName": "1", "start": 999999, "referenceBases": "A", "alternateBases": "G"})
    assert found["info"]["germlineFamilies"] == 1


@pytest.mark.django_db
def test_one_child_in_three_family_cases_is_counted_once_and_the_cases_are_one_family(department, tmp_path):
    trio = write_vcf(tmp_path, "t.vcf", ["P", "F", "M"], [("chr1", 1000000, "A", "G", "0/1", "0/0", "0/1")])
    duo = write_vcf(tmp_path, "d.vcf", ["P", "M"], [("chr1", 1000000, "A", "G", "0/1", "0/1")])
    single = write_vcf(tmp_path, "s.vcf", ["P"], [("chr1", 1000000, "A", "G", "0/1")])
    for identifier, ped, vcf in (
            ("CHILD-TRIO", TRIO_PED, trio),
            ("CHILD-DUO", "FAM\tP\t0\tM\t1\t2\nFAM\tM\t0\t0\t2\t1\n", duo),
            ("CHILD-SINGLE", "FAM\tP\t0\t0\t1\t2\n", single)):
        _, job = import_case(department, write_ped(tmp_path, ped, f"{identifier}.ped"), vcf,
                             case_identifier=identifier)
        assert job.state == "done", job.error
    kept, recomputed = incremental_and_recomputed()
    assert kept == recomputed
    site = germline("1", 1000000, "A", "G")
    assert (site["individuals"], site["families"]) == (2, 1)  # the child and the mother, one family
    assert site["by_affection"]["affected"] == {"individuals": 1, "families": 1}
    from genomes.models import Person

    assert Person.objects.count() == 3 and Person.objects.values("family_id").distinct().count() == 1

    # Withdrawing the trio: the child and the mother are still counted (from the duo), once each
    geneticist = User.objects.create_user("persons-geneticist")
    Membership.objects.create(user=geneticist, department=department, role=Role.CLINICAL_GENETICIST)
    case_variants_withdraw(case=Case.objects.get(identifier="CHILD-TRIO"), by=geneticist, reason="consent withdrawn")
    kept, recomputed = incremental_and_recomputed()
    assert kept == recomputed
    site = germline("1", 1000000, "A", "G")
    assert (site["individuals"], site["families"], site["allele_number"]) == (2, 1, 4)


@pytest.mark.django_db
def test_the_same_people_in_another_department_are_found_by_their_genotypes_and_counted_once(patient_groups,
                                                                                          tmp_path):
    first = Department.objects.create(code="kg-north", name="North")
    second = Department.objects.create(code="kg-south", name="South")
    ped, vcf = renamed_trio(tmp_path, "north")
    _, job = import_case(first, ped, vcf, case_identifier="NORTH-1")
    assert job.state == "done", job.error
    before = list(VariantObservation.objects.filter(origin="germline").values_list("variant_id", "carriers",
                                                                                    "families"))
    assert before
    ped, vcf = renamed_trio(tmp_path, "south")  # other ids: only the genotypes say who they are
    _, job = import_case(second, ped, vcf, case_identifier="SOUTH-7")
    assert job.state == "done", job.error
    kept, recomputed = incremental_and_recomputed()
    assert kept == recomputed
    after = list(VariantObservation.objects.filter(origin="germline").values_list("variant_id", "carriers",
                                                                                   "families"))
    assert sorted(after) == sorted(before)  # nobody counted twice, no family twice
    from genomes.models import Individual

    persons = {i.individual_id: i.person_id for i in Individual.objects.all()}
    assert persons["P-north"] == persons["P-south"] and persons["F-north"] == persons["F-south"]
    assert len(set(persons.values())) == 3  # the son is not taken for his father: they share half of their calls


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_in_two_processes_keep_the_counts_exact(department, tmp_path):
    """Two families sharing most of their variants, imported at the same moment by two processes (two workers):
    the national insert lock serialises their national steps, and the counts equal a recomputation (also on the
    Citus cluster of .ci/run's third pass, where the observations are distributed by variant)."""
    shared = [("chr1", 2_000_000 + 1000 * i, "A", "G") for i in range(40)]
    commands = []
    for family, genotype, start in (("FAMA", "0/1", 3_000_000), ("FAMB", "1/1", 4_000_000)):
        pedigree = (f"{family}\t{family}P\t{family}F\t{family}M\t1\t2\n{family}\t{family}F\t0\t0\t1\t1\n"
                    f"{family}\t{family}M\t0\t0\t2\t1\n")
        ped = write_ped(tmp_path, pedigree, f"{family}.ped")
        own = [("chr2", start + i, "C", "T") for i in range(10)]
        vcf = write_vcf(tmp_path, f"{family}.vcf", [f"{family}P", f"{family}F", f"{family}M"],
                        [(*site, genotype, "0/1", "0/0") for site in shared + own])
        commands.append([sys.executable, "manage.py", "import_case", "--patient-group", "RARE", "--department",
                         department.code, "--ped", str(ped), "--vcf", str(vcf), "--case-id", f"AT-ONCE-{family}",
                         "--wait"])
    running = [subprocess.Popen(command, cwd=ROOT, env=process_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for command in commands]
    for process in running:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert Case.objects.filter(identifier__startswith="AT-ONCE-").count() == 2
    from django.db import transaction

    with transaction.atomic():
        kept, recomputed = incremental_and_recomputed()
    assert kept == recomputed and kept
    carried = observed("1", 2_000_000, "A", "G")["germline"]
    assert carried["families"] == 2 and carried["individuals"] == 4, carried  # the probands and the fathers
