"""Reanalysis: every trigger (a published panel version through the outbox, a final classification, an import
that lifts a variant's cohort frequency over a case's threshold, the schedule, on demand from the command line
and the API) raises the alerts a geneticist needs, once: running again creates no duplicates, and changed
evidence is noted and reopens a dismissed alert. Cases are re-run with the settings they were last analysed with."""
import json
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied

from core.jobs import job_run
from core.models import Department, PatientGroup, Role
from core.tokens import api_token_create
from genomes.models import Case, Variant
from interpret.analysis.engine import run_analysis
from interpret.classification.models import Classification
from interpret.reanalysis.models import Alert, Reanalysis
from interpret.reanalysis.services import (
    classification_finalised,
    panel_events_consume,
    reanalysis_request,
    scheduled_reanalysis,
)
from panels.models import PanelEvent
from panels.services import (
    panel_create,
    panel_entry_set,
    panel_version_draft,
    panel_version_publish,
    panel_version_submit,
)
from tests.factories import make_user
from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.processes import ROOT, process_env

HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr1,length=248956422>
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID
"""  # noqa: E501 (a VCF header line as VEP writes it)
AGRN = ("chr1\t1051352\t.\tG\tA\t50\tPASS\tCSQ=A|missense_variant|MODERATE|AGRN|ENSG00000188157|Transcript|"
        "ENST00000379370|protein_coding|ENST00000379370.2:c.5353G>A|ENSP00000368678.2:p.Asp1785Asn|YES\tGT\t0/1\n")
NOC2L = ("chr1\t959240\t.\tT\tC\t50\tPASS\tCSQ=C|missense_variant|MODERATE|NOC2L|ENSG00000188976|Transcript|"
         "ENST00000327044|protein_coding|ENST00000327044.7:c.1A>G|ENSP00000317992.6:p.Met1?|YES\tGT\t0/1\n")


def import_singleton(department, tmp_path, identifier, *records, group="RARE"):
    vcf = tmp_path / f"{identifier}.vcf"
    vcf.write_text(HEADER + "".join(records))
    case_import, job = import_case(department, write_ped(tmp_path, f"{identifier}\tKID\t0\t0\t1\t2\n",
                                                         f"{identifier}.ped"), vcf, group=group,
                                   case_identifier=identifier)
    assert job.state == "done", job.error
    return case_import.case


def run(reanalysis: Reanalysis) -> dict:
    assert job_run(reanalysis.job_id).state == "done"
    return Reanalysis.objects.get(pk=reanalysis.pk).summary


@pytest.fixture
def panel(dept_a):
    """A GenNet panel for the rare disease group, v0.1 with NOC2L green (published, the group's default)."""
    network = Department.objects.create(code="gn-neuro", name="GenNet neuro", kind=Department.Kind.EXPERT_NETWORK)
    author = make_user("panel-author", department=network, role=Role.VARIANT_CURATOR)
    signer = make_user("panel-signer", department=network, role=Role.VARIANT_CURATOR)
    rare = PatientGroup.objects.get(code="RARE")
    version = panel_create(code="neuromuscular", name="Neuromuscular", network=network, created_by=author,
                           patient_groups=[rare])
    version.panel.default_for.add(rare)
    panel_entry_set(version=version, symbol="NOC2L", by=author, confidence="green")
    panel_version_submit(version=version, by=author)
    panel_version_publish(version=version, signed_off_by=signer)
    PanelEvent.objects.update(consumed_at=version.published_at)  # its first publication: nothing analysed yet
    return version.panel, author, signer


@pytest.mark.django_db
def test_a_published_panel_version_alerts_the_cases_with_candidates_in_its_new_green_genes(dept_a, alice, panel,
                                                                                           tmp_path):
    panel_object, author, signer = panel
    case = import_singleton(dept_a, tmp_path, "RE-PANEL", AGRN, NOC2L)
    analysed = run_analysis(case, {}, user=alice)  # with v0.1: only NOC2L's variant is a candidate
    assert [c.row["genes"] for c in analysed.candidates] == [["NOC2L"]]
    other = import_singleton(dept_a, tmp_path, "RE-PANEL-NO-AGRN", NOC2L)
    run_analysis(other, {}, user=alice)

    draft = panel_version_draft(panel=panel_object, created_by=author)
    panel_entry_set(version=draft, symbol="AGRN", by=author, confidence="green")
    panel_version_submit(version=draft, by=author)
    panel_version_publish(version=draft, signed_off_by=signer)
    (started,) = panel_events_consume()  # the outbox: consumed once
    assert panel_events_consume() == [] and PanelEvent.objects.get(version=draft).consumed_at is not None
    summary = run(started)
    assert summary["cases_rerun"] == 2 and summary["alerts_created"] == 1
    alert = Alert.objects.get()
    assert alert.case_id == case.pk and alert.kind == "panel_gene" and alert.department_id == dept_a.pk
    assert "AGRN newly green on panel Neuromuscular v0.2" in alert.title and "1 candidate" in alert.title
    assert alert.evidence["variants"] == [Variant.objects.get(pos=1051352).pk]

    # on demand, again: the same alert, not a second one
    again = run(reanalysis_request(by=alice, checks="panel", send_to_worker=False))
    assert (again["alerts_created"], again["alerts_unchanged"]) == (0, 1)
    assert Alert.objects.count() == 1 and Alert.objects.get().first_raised_at == alert.first_raised_at


@pytest.mark.django_db
def test_a_final_classification_alerts_every_carrying_case_and_conflicts_between_departments(dept_a, dept_b, alice,
                                                                                          bob, tmp_path):
    case_a = import_singleton(dept_a, tmp_path, "RE-CLASS-A", AGRN)
    case_b = import_singleton(dept_b, tmp_path, "RE-CLASS-B", AGRN, group="NEURO")
    variant = Variant.objects.get(pos=1051352)
    old = Classification.objects.create(
        variant=variant, gene="AGRN", condition="CMS8", department=dept_b, status="superseded", version=1,
        rule_set="ACMG/AMP 2015", rule_set_version="1", result_class="uncertain_significance", result_system="points")
    final_b = Classification.objects.create(
        variant=variant, gene="AGRN", condition="CMS8", department=dept_b, status="final", version=2, previous=old,
        rule_set="ACMG/AMP 2015", rule_set_version="1", result_class="likely_pathogenic", result_system="points",
        approved_at=old.created_at.replace(year=2100))
    summary = run(classification_finalised(final_b))
    assert summary["alerts_created"] == 2
    titles = {a.case_id: a.title for a in Alert.objects.filter(kind="classification")}
    assert set(titles) == {case_a.pk, case_b.pk}
    assert "now likely pathogenic (was VUS) in case RE-CLASS-A" in titles[case_a.pk]
    assert Alert.objects.get(case=case_a).department_id == dept_a.pk  # the responsible department of that case

    # department A classifies it benign: a conflict, raised for both departments (no case, no patient)
    final_a = Classification.objects.create(
        variant=variant, gene="AGRN", condition="CMS8", department=dept_a, status="final", version=1,
        rule_set="ACMG/AMP 2015", rule_set_version="1", result_class="likely_benign", result_system="points",
        approved_at=old.created_at.replace(year=2100))
    run(classification_finalised(final_a))
    conflicts = {a.department_id: a.title for a in Alert.objects.filter(kind="conflict")}
    assert set(conflicts) == {dept_a.pk, dept_b.pk}
    assert "Clinical Genetics B (likely pathogenic)" in conflicts[dept_a.pk]
    before = Alert.objects.count()
    assert run(classification_finalised(final_a))["alerts_created"] == 0 and Alert.objects.count() == before


@pytest.mark.django_db
def test_alerts_note_changed_evidence_and_reopen_when_dismissed(dept_a, alice, rita, panel, tmp_path, client):
    case = import_singleton(dept_a, tmp_path, "RE-ACT", AGRN)
    variant = Variant.objects.get(pos=1051352)
    final = Classification.objects.create(
        variant=variant, gene="AGRN", condition="CMS8", department=dept_a, status="final", version=1,
        rule_set="ACMG/AMP 2015", rule_set_version="1", result_class="pathogenic", result_system="points",
        approved_at=variant.classifications.model._meta.get_field("created_at").default().replace(year=2100))
    run(classification_finalised(final))
    alert = Alert.objects.get(case=case)
    _, secret = api_token_create(user=alice, name="inbox", department_codes=["kg-a"])
    listed = client.get("/api/alerts/", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert [a["id"] for a in listed["results"]] == [alert.pk]
    dismissed = client.post(f"/api/alerts/{alert.pk}/", {"action": "dismiss"}, content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert dismissed.status_code == 200 and dismissed.json()["state"] == "dismissed"
    client.force_login(rita)  # a researcher of the department: no patient data, no alerts
    assert client.post(f"/alerts/{alert.pk}/", {"action": "reopen"}).status_code == 404

    # the classification is revised: same alert, evidence changed, open again
    Classification.objects.filter(pk=final.pk).update(result_class="likely_pathogenic")
    summary = run(classification_finalised(final))
    assert (summary["alerts_created"], summary["alerts_updated"]) == (0, 1)
    alert.refresh_from_db()
    assert alert.state == "open" and alert.evidence_changed_at > alert.first_raised_at


@pytest.mark.django_db
def test_an_import_that_lifts_a_variant_over_a_cases_cohort_threshold_alerts_it(dept_a, dept_b, alice, tmp_path,
                                                                                django_capture_on_commit_callbacks):
    case = import_singleton(dept_a, tmp_path, "RE-FREQ", AGRN)
    run_analysis(case, {"max_cohort_families": 1, "genome_wide": True}, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        import_singleton(dept_b, tmp_path, "RE-FREQ-2", AGRN, group="NEURO")  # now 2 families carry it
    started = Reanalysis.objects.get(trigger="frequency")
    run(started)
    alert = Alert.objects.get(kind="frequency")
    assert alert.case_id == case.pk and "carried by 2 families nationally, above case RE-FREQ's threshold of 1" \
        in alert.title


@pytest.mark.django_db
def test_the_schedule_and_on_demand_requests_cover_the_right_cases(dept_a, dept_b, alice, bob, tmp_path, settings):
    first = import_singleton(dept_a, tmp_path, "RE-SCHED", AGRN)
    second = import_singleton(dept_a, tmp_path, "RE-SCHED-2", AGRN)
    import_singleton(dept_a, tmp_path, "RE-SCHED-3", AGRN, group="NEURO")
    settings.REANALYSIS_JOB_CASES = 1  # jobs of one case each: several workers share a patient group's cases
    scheduled = scheduled_reanalysis()
    assert sorted((r.scope["patient_groups"], r.scope["cases"]) for r in scheduled) == [
        (["NEURO"], [Case.objects.get(identifier="RE-SCHED-3").pk]), (["RARE"], [first.pk]), (["RARE"], [second.pk])]
    assert [run(r)["cases_rerun"] for r in scheduled] == [1, 1, 1]
    with pytest.raises(PermissionDenied):
        reanalysis_request(by=bob, department="kg-a")
    assert run(reanalysis_request(by=bob, send_to_worker=False))["cases_rerun"] == 0  # bob's own: none imported


@pytest.mark.django_db(transaction=True)
def test_the_command_waits_and_prints_the_summary(patient_groups, tmp_path):
    from tests.factories import make_department

    department = make_department("kg-cmd", name="Command department")
    make_user("re-geneticist", department=department, role=Role.CLINICAL_GENETICIST)
    import_singleton(department, tmp_path, "RE-CMD", AGRN)
    done = subprocess.run([sys.executable, "manage.py", "reanalyse", "--trigger", "all", "--wait", "--user",
                           "re-geneticist"], cwd=ROOT, env=process_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["cases_rerun"] == 1 and {"alerts_created", "alerts_unchanged", "seconds"} <= set(summary)
    refused = subprocess.run([sys.executable, "manage.py", "reanalyse", "--department", "kg-a", "--user",
                              "re-geneticist"], cwd=ROOT, env=process_env(), capture_output=True, text=True)
    assert refused.returncode == 1 and "your own departments" in refused.stderr


@pytest.mark.django_db
def test_a_classification_made_final_starts_a_reanalysis_once_committed(dept_a, tmp_path,
                                                                        django_capture_on_commit_callbacks):
    import_singleton(dept_a, tmp_path, "RE-HOOK", AGRN)
    variant = Variant.objects.get(pos=1051352)
    with django_capture_on_commit_callbacks(execute=True):
        draft = Classification.objects.create(
            variant=variant, gene="AGRN", condition="CMS8", department=dept_a, status="draft",
            rule_set="ACMG/AMP 2015", rule_set_version="1", result_class="pathogenic", result_system="points")
    assert not Reanalysis.objects.exists()  # a draft is not knowledge yet
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = "final"
        draft.save()
    (started,) = Reanalysis.objects.all()
    assert started.trigger == "classification" and started.scope == {"variants": [variant.pk]}


@pytest.mark.django_db
def test_a_case_not_yet_analysed_is_compared_with_the_version_before_the_published_one(dept_a, panel, tmp_path):
    panel_object, author, signer = panel
    case = import_singleton(dept_a, tmp_path, "RE-NEVER", AGRN, NOC2L)  # no analysis recorded
    draft = panel_version_draft(panel=panel_object, created_by=author)
    panel_entry_set(version=draft, symbol="AGRN", by=author, confidence="green")
    panel_version_submit(version=draft, by=author)
    panel_version_publish(version=draft, signed_off_by=signer)
    (started,) = panel_events_consume()
    assert run(started)["alerts_created"] == 1
    alert = Alert.objects.get()
    assert alert.case_id == case.pk and alert.evidence["previous_version"] == "0.1"
