"""The case workflow: who may move a case when, its timeline, work lists and case notes."""
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from core.models import AuditEvent, Role
from genomes.models import Case
from interpret.workflow import services
from interpret.workflow.models import CaseEvent, CaseNote
from interpret.workflow.selectors import case_timeline, work_list
from tests.factories import make_user

S = Case.Status


@pytest.fixture
def gwen(dept_a):
    return make_user("gwen", department=dept_a, role=Role.CLINICAL_GENETICIST)


@pytest.fixture
def carl(dept_a):
    return make_user("carl", department=dept_a, role=Role.VARIANT_CURATOR)


def refused(status, function, **arguments):
    with pytest.raises(services.WorkflowError) as caught:
        function(**arguments)
    assert caught.value.status == status, caught.value
    return str(caught.value)


@pytest.mark.django_db
def test_the_whole_path_with_who_may_move_what(trio, alice, gwen, carl, bob):
    trio.refresh_from_db()
    assert trio.status == S.READY and trio.data_ready_at is not None
    # only clinical geneticists of the case's own department move it
    assert "only a clinical geneticist of kg-a" in refused(403, services.case_start_analysis, case=trio, by=carl)
    refused(403, services.case_start_analysis, case=trio, by=bob)
    refused(400, services.case_start_analysis, case=trio, by=alice, assignee=carl)  # a curator is not an assignee
    case = services.case_start_analysis(case=trio, by=alice)
    assert (case.status, case.assigned_to) == (S.IN_ANALYSIS, alice)
    refused(409, services.case_start_analysis, case=case, by=alice)  # not from "in analysis"
    refused(409, services.case_close, case=case, by=alice)
    # sending for review: the assignee, to a second geneticist
    refused(403, services.case_submit_for_review, case=case, by=gwen, reviewer=alice)
    assert "second geneticist" in refused(400, services.case_submit_for_review, case=case, by=alice, reviewer=alice)
    refused(400, services.case_submit_for_review, case=case, by=alice, reviewer="carl")
    case = services.case_submit_for_review(case=case, by=alice, reviewer="gwen")
    assert (case.status, case.reviewer) == (S.IN_REVIEW, gwen)
    # back to analysis: the reviewer, saying why
    refused(403, services.case_return_to_analysis, case=case, by=alice, text="x")
    refused(400, services.case_return_to_analysis, case=case, by=gwen, text=" ")
    case = services.case_return_to_analysis(case=case, by=gwen, text="Check the SEMA4A call in IGV")
    assert case.status == S.IN_ANALYSIS
    case = services.case_submit_for_review(case=case, by=alice, reviewer=gwen)
    # a report's sign-out moves it to "report signed out"; there is no other way there
    with transaction.atomic():
        case = services.case_mark_reported(case=case, by=gwen, report_version=1)
    assert case.status == S.REPORTED and case.reported_at is not None
    refused(400, services.case_reopen, case=case, by=alice, reason="because", text="x")
    refused(400, services.case_reopen, case=case, by=alice, reason="new_evidence", text="")
    case = services.case_close(case=case, by=gwen)
    assert case.status == S.CLOSED
    case = services.case_reopen(case=case, by=gwen, reason="reanalysis_alert", text="SEMA4A now likely pathogenic")
    assert (case.status, case.assigned_to, case.reviewer) == (S.IN_ANALYSIS, gwen, None)

    kinds = [(e.kind, e.from_status, e.to_status, e.user.username) for e in CaseEvent.objects.filter(case=trio)]
    assert kinds == [("status", "ready", "in_analysis", "alice"), ("status", "in_analysis", "in_review", "alice"),
                     ("status", "in_review", "in_analysis", "gwen"), ("status", "in_analysis", "in_review", "alice"),
                     ("report", "in_review", "reported", "gwen"), ("status", "reported", "closed", "gwen"),
                     ("reopen", "closed", "in_analysis", "gwen")]
    reopened = CaseEvent.objects.filter(case=trio, kind="reopen").get()
    assert (reopened.reason, reopened.text) == ("reanalysis_alert", "SEMA4A now likely pathogenic")
    assert AuditEvent.objects.filter(object_type="case", object_id=str(trio.pk), action="change").count() == 7
    assert [e["kind"] for e in case_timeline(trio)][:2] == ["import", "workflow"]


@pytest.mark.django_db
def test_the_workflow_history_is_append_only_in_the_database(trio, alice):
    services.case_start_analysis(case=trio, by=alice)
    event = CaseEvent.objects.get(case=trio)
    for statement in ("UPDATE interpret_caseevent SET text = 'rewritten' WHERE id = %s",
                      "DELETE FROM interpret_caseevent WHERE id = %s"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).text == ""


@pytest.mark.django_db
def test_work_lists_mine_review_overdue_and_mentions(trio, alice, gwen, bob, dept_a):
    other = Case.objects.create(identifier="LATE-1", patient_group=trio.patient_group, department=dept_a,
                                analysis_type="singleton", status=S.READY, import_state="imported",
                                data_ready_at=timezone.now() - timedelta(days=90))
    services.case_start_analysis(case=trio, by=alice)
    assert [c.identifier for c in work_list(alice, "mine")] == ["643594"]
    assert list(work_list(gwen, "mine")) == []
    services.case_submit_for_review(case=trio, by=alice, reviewer=gwen)
    assert [c.identifier for c in work_list(gwen, "review")] == ["643594"]
    assert [c.identifier for c in work_list(alice, "overdue")] == ["LATE-1"]
    assert {c.identifier for c in work_list(alice, "department")} == {"643594", "LATE-1"}
    assert [c.identifier for c in work_list(alice, "department", analysis_type="singleton")] == ["LATE-1"]
    late = work_list(alice, "department", sort="-turnaround")[0]
    assert late.identifier == "LATE-1" and late.turnaround.days == 90
    assert list(work_list(bob, "department")) == []  # another department's cases are not listed
    note = services.case_note_add(case=other, by=alice, kind="hpo",
                                  text="Seizures HP:0001250, hypotonia HP:0001252; @gwen please look, @bob too")
    assert note.hpo_terms == ["HP:0001250", "HP:0001252"]
    assert [u.username for u in note.mentions.all()] == ["gwen"]  # bob may not open the case: not told
    assert [c.identifier for c in work_list(gwen, "mentions")] == ["LATE-1"]
    assert list(work_list(bob, "mentions")) == []


@pytest.mark.django_db
def test_the_case_page_offers_the_moves_and_the_api_answers_refusals(client, trio, alice, gwen, carl):
    client.force_login(alice)
    page = client.get(f"/cases/{trio.pk}/").content.decode()
    assert 'data-testid="start-analysis"' in page and 'data-testid="case-timeline"' in page
    response = client.post(f"/cases/{trio.pk}/workflow/", {"action": "start", "assignee": "alice"})
    assert response.status_code == 302 and Case.objects.get(pk=trio.pk).status == S.IN_ANALYSIS
    page = client.get(f"/cases/{trio.pk}/").content.decode()
    assert 'data-testid="submit-for-review"' in page and ">In analysis<" in page
    client.post(f"/cases/{trio.pk}/notes/", {"kind": "indication", "text": "Retinitis pigmentosa, @gwen"})
    assert CaseNote.objects.get(case=trio).mentions.get() == gwen
    client.force_login(carl)
    assert client.post(f"/cases/{trio.pk}/workflow/", {"action": "assign", "assignee": "carl"}).status_code == 403
    assert AuditEvent.objects.filter(username="carl", action="access_denied", object_type="case").exists()
    client.force_login(gwen)
    refusal = client.post(f"/api/cases/{trio.pk}/workflow/", {"action": "submit_for_review", "reviewer": "alice"},
                          content_type="application/json")
    assert refusal.status_code == 403 and "assigned to" in refusal.json()["error"]
    wrong = client.post(f"/api/cases/{trio.pk}/workflow/", {"action": "close"}, content_type="application/json")
    assert wrong.status_code == 409
    listed = client.get("/api/worklist/?view=department").json()
    assert [(c["identifier"], c["status"], c["assigned_to"]) for c in listed] == [("643594", "in_analysis", "alice")]
    assert client.get("/worklist/?view=mentions").status_code == 200
    assert AuditEvent.objects.filter(object_type="worklist", username="gwen").count() == 2


@pytest.mark.django_db
def test_a_replaced_file_keeps_the_cases_place_in_the_workflow(trio, alice):
    from core.jobs import job_run
    from core.models import PatientGroup
    from genomes.importing.prepare import case_import_prepare
    from tests.public_data import public_file

    services.case_start_analysis(case=trio, by=alice)
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"),
        department=trio.department,
        send_to_worker=False,
        ped_path=public_file("scout-demo/643594.ped"),
        vcf_path=public_file("scout-demo/643594.research.vcf.gz"),
        replace=True,
    )
    assert job_run(case_import.job_id).state == "done"
    case = Case.objects.get(pk=trio.pk)
    assert case.status == S.IN_ANALYSIS and case.assigned_to == alice


@pytest.mark.django_db
def test_the_import_and_the_workflow_each_write_their_own_state(dept_a, alice):
    """The import's state (genomes) and the workflow's (interpret.workflow) are two fields: a case awaiting its data
    is on no work list and cannot be started; a replaced file leaves the analysis where it is; a withdrawal leaves
    no data and the workflow's history as it was."""
    from core.jobs import job_run
    from core.models import PatientGroup
    from genomes.importing.prepare import case_import_prepare
    from genomes.services import case_variants_withdraw
    from tests.factories import make_case
    from tests.public_data import public_file

    PatientGroup.objects.filter(code="RARE").update(retention_popmax=None)
    case = make_case(department=dept_a, identifier="643594")  # registered before its data arrive
    assert (case.import_state, case.status, case.state) == ("awaiting_data", "ready", "new")
    assert case.pk not in {c.pk for c in work_list(alice, "department")}
    assert "awaiting data, not ready for analysis" in refused(409, services.case_start_analysis, case=case, by=alice)
    assert services.allowed_actions(case, alice) == []

    def import_file(**options):
        case_import = case_import_prepare(
            patient_group=case.patient_group, department=dept_a, send_to_worker=False,
            ped_path=public_file("scout-demo/643594.ped"), vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"),
            **options)
        case.refresh_from_db()
        importing = (case.import_state, case.status, case.state)
        assert job_run(case_import.job_id).state == "done"
        case.refresh_from_db()
        return importing

    assert import_file() == ("importing", "ready", "importing")
    assert (case.import_state, case.status, case.state) == ("imported", "ready", "ready")
    assert case.pk in {c.pk for c in work_list(alice, "department")}
    services.case_start_analysis(case=case, by=alice)
    # a replaced file: the import's state moves, the analysis stays in analysis and on the assignee's list
    assert import_file(replace=True) == ("importing", "in_analysis", "in_analysis")
    assert (case.import_state, case.status) == ("imported", "in_analysis")
    assert case.pk in {c.pk for c in work_list(alice, "mine")}
    events = CaseEvent.objects.filter(case=case).count()
    case_variants_withdraw(case=case, by=alice, reason="consent withdrawn")
    case.refresh_from_db()
    assert (case.import_state, case.status, case.state) == ("awaiting_data", "in_analysis", "new")
    assert CaseEvent.objects.filter(case=case).count() == events  # the import wrote no workflow event
