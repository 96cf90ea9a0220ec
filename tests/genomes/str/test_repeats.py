"""Repeat expansions (issue 28, the STR part): stranger's catalogs load; Scout's trio file (ExpansionHunter, merged,
split per allele, stranger-annotated, 80 records) reproduces 63 of its 64 STR_STATUS values, the one difference
(RFC1 <STR12> at PathologicMin 12: stranger says pre-mutation, the rule n >= PathologicMin a full mutation) flagged;
the raw proband file (68 records) has exactly one full mutation, RFC1 12/65, and RAPGEF2's sub-motif loci stay
unclassified; TRGT's file imports with its record count; the tab, API and analyse_case show them with the same
rights and audit; bad input is named and nothing stored; a withdrawal takes them."""
import io
import json

import pytest
from django.core.management import call_command

from core.errors import InputFileError
from core.models import AuditEvent, Role
from genomes.models import Case, StrCall, StrCatalogLocus
from genomes.str.catalog import catalog_load
from tests.factories import make_department, make_user
from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.genomes.sv.test_import import GRCH38, run, small_vcf
from tests.public_data import public_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def scout_trio(department):
    _, job = import_case(department, public_file("scout-demo/643594.ped"),
                         public_file("scout-demo/643594.clinical.vcf.gz"))
    assert job.state == "done", job.error
    catalog_load(public_file("str/stranger-variant_catalog_grch37.json"), build="GRCh37")
    return Case.objects.get(identifier="643594")


def test_both_stranger_catalogs_load_and_a_bad_entry_is_named(tmp_path):
    out = io.StringIO()
    call_command("load_str_catalog", "--build", "GRCh37", str(public_file("str/stranger-variant_catalog_grch37.json")),
                 stdout=out)
    assert json.loads(out.getvalue())["loci"] == 50
    assert catalog_load(public_file("str/stranger-variant_catalog_grch38.json"), build="GRCh38")["loci"] == 51
    rfc1 = StrCatalogLocus.objects.get(build="GRCh37", locus_id="RFC1")
    assert (rfc1.normal_max, rfc1.pathologic_min, rfc1.inheritance, rfc1.disease) == (11, 12, "AR", "CANVAS")
    entries = json.loads(public_file("str/stranger-variant_catalog_grch37.json").read_text())
    entries[3]["PathologicMin"] = entries[3]["NormalMax"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(entries))
    with pytest.raises(InputFileError, match=r"bad.json.*\[3\]\.PathologicMin"):
        catalog_load(bad, build="GRCh37")
    assert StrCatalogLocus.objects.filter(build="GRCh37").count() == 50  # nothing half loaded


def test_scouts_trio_file_reproduces_the_files_statuses_but_rfc1s_and_flags_that_one(scout_trio, department,
                                                                                    client):
    code, outcome, err = run("import_variants", "643594", "--kind", "str", "--vcf",
                             str(public_file("str/scout-643594.clinical.str.stranger.vcf.gz")))
    assert code == 0, err
    assert (outcome["records_read"], outcome["disagreements_with_the_file"]) == (80, 1)
    records = [r for call in StrCall.objects.filter(case=scout_trio) for r in call.records]
    classified = [r for r in records if r["file_status"]]
    assert len(records) == 80 and len(classified) == 64
    assert sum(r["file_status"] == r["status"] for r in classified) == 63
    (different,) = [r for r in classified if r["disagreement"]]
    assert (different["sizes"], different["file_status"], different["status"]) == ([12], "pre_mutation",
                                                                                   "full_mutation")
    rfc1 = StrCall.objects.get(case=scout_trio, locus_id="RFC1")
    people = {s.individual.individual_id: rfc1.sample_calls[s.position] for s in scout_trio.samples.all()}
    assert people["ADM1059A2"]["alleles"] == [12, 55] and people["ADM1059A2"]["status"] == "full_mutation"
    father = next(p for p, c in people.items() if c["alleles"] == [10, 52])
    assert people[father]["status"] == "carrier"  # a recessive locus: one full allele
    # the tab: the full mutations first, the disagreement shown; audited; another department learns nothing
    geneticist = make_user("gina", department=department, role=Role.CLINICAL_GENETICIST)
    client.force_login(geneticist)
    html = client.get(f"/cases/{scout_trio.pk}/repeat-expansions/", {"min_status": "full_mutation"}).content.decode()
    assert html.count('data-testid="str-row"') == 1 and "RFC1" in html and 'data-testid="str-disagreement"' in html
    assert AuditEvent.objects.filter(user=geneticist, action="view", object_type="repeat_expansions").exists()
    api = client.post(f"/api/cases/{scout_trio.pk}/repeat-expansions/", {"min_status": "pre_mutation"},
                      content_type="application/json").json()
    assert {row["locus"] for row in api["loci"]} >= {"RFC1"} and api["filter_run"]
    assert client.post(f"/api/cases/{scout_trio.pk}/repeat-expansions/", {"min_status": "huge"},
                       content_type="application/json").status_code == 400
    out = io.StringIO()
    call_command("analyse_case", "643594", "--kind", "str", "--set", "min_status=full_mutation", "--user", "gina",
                 "--json", stdout=out)
    assert [row["locus"] for row in json.loads(out.getvalue())] == ["RFC1"]
    assert AuditEvent.objects.filter(user=geneticist, action="export", object_type="repeat_expansions").exists()
    client.force_login(make_user("bo", department=make_department("kg-y"), role=Role.CLINICAL_GENETICIST))
    assert client.get(f"/cases/{scout_trio.pk}/repeat-expansions/").status_code == 404
    # a consent withdrawal takes the repeat calls with the case's variants
    from genomes.services import case_variants_withdraw

    withdrawn = case_variants_withdraw(case=scout_trio, by=geneticist, reason="consent withdrawn")
    assert withdrawn["repeat_calls_removed"] == 38 and not StrCall.objects.filter(case=scout_trio).exists()


def test_the_raw_proband_file_has_exactly_one_full_mutation_and_sub_motif_loci_stay_unclassified(scout_trio):
    path = str(public_file("str/scout-justhusky_exphun_hugelymodelbat.vcf"))
    code, _, err = run("import_variants", "643594", "--kind", "str", "--vcf", path)
    assert code == 1 and "hugelymodelbat_lanes_1_sorted_md" in err and "--sample" in err
    assert not StrCall.objects.exists()
    code, outcome, err = run("import_variants", "643594", "--kind", "str", "--vcf", path,
                             "--sample", "ADM1059A2=hugelymodelbat_lanes_1_sorted_md")
    assert code == 0, err
    assert outcome["records_read"] == 68
    (full,) = StrCall.objects.filter(case=scout_trio, status="full_mutation")
    proband = scout_trio.samples.get(individual__individual_id="ADM1059A2").position
    assert full.locus_id == "RFC1" and full.sample_calls[proband]["alleles"] == [12, 65]
    for locus in ("RAPGEF2_TTTTA_5P", "RAPGEF2_TTTTA_3P", "SAMD12_TTTTA_3P", "TNRC6A_TTTTA_5P"):
        assert StrCall.objects.get(case=scout_trio, locus_id=locus).status == "unclassified"
    assert StrCall.objects.get(case=scout_trio, locus_id="RAPGEF2").status == "normal"


def test_trgts_file_imports_with_its_record_count_and_a_file_without_locus_ids_is_refused(department, tmp_path):
    ped = write_ped(tmp_path, "NIST\tACC16382A1\t0\t0\t2\t2\n")
    vcf = small_vcf(tmp_path, "small.vcf", ["ACC16382A1"], GRCH38, "chr1")
    code, outcome, err = run("import_case", "--patient-group", "RARE", "--department", department.code, "--ped",
                             str(ped), "--vcf", str(vcf), "--wait", "--str-vcf",
                             str(public_file("str/scout-NIST.trgt.stranger.vcf.gz")))
    assert code == 0, err
    (repeats,) = outcome["repeat_expansions"]
    assert (repeats["caller"], repeats["records_read"]) == ("trgt", 70)
    case = Case.objects.get(identifier="NIST")
    assert StrCall.objects.filter(case=case).count() == repeats["loci"] > 0
    broken = tmp_path / "no_repid.vcf"
    broken.write_text(public_file("str/scout-justhusky_exphun_hugelymodelbat.vcf").read_text().replace(
        ";REPID=RFC1", "", 1))
    before = StrCall.objects.filter(case=case).count()
    code, _, err = run("import_variants", "NIST", "--kind", "str", "--vcf", str(broken), "--sample",
                       "ACC16382A1=hugelymodelbat_lanes_1_sorted_md")
    assert code == 1 and "no_repid.vcf" in err and "INFO/REPID" in err
    assert StrCall.objects.filter(case=case).count() == before  # the previous calls stay


def test_a_catalog_whose_thresholds_change_reclassifies_stored_calls_and_alerts_a_new_full_mutation(
        scout_trio, department, tmp_path, django_capture_on_commit_callbacks):
    from core.jobs import job_run
    from interpret.reanalysis.models import Alert, Reanalysis

    code, _, err = run("import_variants", "643594", "--kind", "str", "--vcf",
                       str(public_file("str/scout-643594.clinical.str.stranger.vcf.gz")))
    assert code == 0, err
    entries = json.loads(public_file("str/stranger-variant_catalog_grch37.json").read_text())
    atn1 = next(e for e in entries if e["LocusId"] == "ATN1")  # DRPLA: normal <= 35, pathologic >= 48
    atn1["NormalMax"], atn1["PathologicMin"] = 10, 18  # a catalog under which the proband's 19 is pathologic
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(entries))
    with django_capture_on_commit_callbacks(execute=True):
        assert catalog_load(changed, build="GRCh37")["thresholds_changed"] == ["ATN1"]
    (started,) = Reanalysis.objects.filter(trigger="str_catalog")
    assert started.scope["repeat_loci"] == ["ATN1"]
    assert job_run(started.job_id).state == "done"
    alert = Alert.objects.get(kind="repeat")
    assert alert.case_id == scout_trio.pk and "ATN1" in alert.title and "now a full mutation" in alert.title
    call = StrCall.objects.get(case=scout_trio, locus_id="ATN1")
    assert (call.status, call.pathologic_min) == ("full_mutation", 18)
    # the report states the repeat findings with the thresholds they were judged by
    from interpret.reporting.facts import report_facts

    facts = report_facts(scout_trio, variant_ids=[], secondary_variant_ids=[], consent="", filter_run_ids=[])
    assert facts["repeat_expansions"]["loci_examined"] == 38
    assert {f["locus"] for f in facts["repeat_expansions"]["findings"]} >= {"ATN1", "RFC1"}
