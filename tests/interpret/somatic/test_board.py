"""Board meetings: referral shares the case with the board, decisions are versioned and audited, summaries print
as HTML and PDF, and only the right people do each step."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent, Department, Role
from interpret.tumor_board import board
from interpret.tumor_board.models import BoardRecommendation
from tests.factories import make_department, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tumor_board(patient_groups):
    department = make_department("mtb", name="National molecular tumor board")
    Department.objects.filter(pk=department.pk).update(kind=Department.Kind.TUMOR_BOARD)
    department.refresh_from_db()
    return department


@pytest.fixture
def chair(tumor_board):
    return make_user("chair", department=tumor_board, role=Role.TUMOR_BOARD_MEMBER)


@pytest.fixture
def pathologist(tumor_board):
    return make_user("patho", department=tumor_board, role=Role.TUMOR_BOARD_MEMBER)


@pytest.fixture
def meeting(chair, pathologist, tumor_board):
    return board.meeting_create(by=chair, board=tumor_board, title="MTB week 49", date="2026-12-03",
                                participants=[pathologist])


def test_referral_shares_the_case_and_the_board_sees_its_summary(meeting, tumour_case, alice, chair, bob):
    from genomes.selectors import cases_visible_to

    assert not cases_visible_to(chair).filter(pk=tumour_case.pk).exists()
    with pytest.raises(PermissionDenied):  # bob is of another department
        board.case_refer(by=bob, meeting=meeting, case=tumour_case)
    item = board.case_refer(by=alice, meeting=meeting, case=tumour_case, diagnosis="AML with NPM1",
                            question="Targeted therapy?")
    assert cases_visible_to(chair).filter(pk=tumour_case.pk).exists()
    summary = board.case_summary(tumour_case, user=chair, item=item)
    genes = {v["gene"] for v in summary["variants"]}
    assert {"IDH2", "NPM1", "JAK2"} <= genes
    assert summary["tmb"]["coding_mutations"] == 8
    assert summary["purity"] is None and summary["germline"] == []
    with pytest.raises(ValidationError):
        board.case_refer(by=alice, meeting=meeting, case=tumour_case)


def test_decisions_are_versioned_audited_and_agreed_by_participants(meeting, tumour_case, alice, chair, pathologist):
    item = board.case_refer(by=alice, meeting=meeting, case=tumour_case)
    with pytest.raises(PermissionDenied):  # a referring geneticist does not record the board's decision
        board.recommendation_record(by=alice, item=item, kinds=["therapy"], text="x", agreed_by=[chair])
    with pytest.raises(ValidationError):
        board.recommendation_record(by=chair, item=item, kinds=["therapy"], text="Enasidenib", agreed_by=[alice])
    first = board.recommendation_record(by=chair, item=item, kinds=["therapy", "trial"],
                                        text="Enasidenib (IDH2 R140Q, tier IA); screen for trial NCT-demo",
                                        agreed_by=[chair, pathologist])
    with pytest.raises(ValidationError):  # a revision needs its reason
        board.recommendation_record(by=chair, item=item, kinds=["therapy"], text="Gilteritinib", agreed_by=[chair])
    second = board.recommendation_record(by=chair, item=item, kinds=["further_testing"], text="FLT3 ITD ratio first",
                                         agreed_by=[chair, pathologist], reason="FLT3 allelic ratio needed")
    first.refresh_from_db()
    assert (first.status, second.status, second.version) == ("superseded", "current", 2)
    assert AuditEvent.objects.filter(object_type="board_recommendation", object_id=str(second.pk),
                                     user=chair).exists()
    assert BoardRecommendation.objects.filter(item=item).count() == 2
    # a later meeting shows it as an earlier recommendation
    later = board.meeting_create(by=chair, board=meeting.board, title="MTB week 51",
                                 date=datetime.date(2026, 12, 17))
    item2 = board.case_refer(by=alice, meeting=later, case=tumour_case)
    assert [r.pk for r in board.case_summary(tumour_case, user=chair, item=item2)["earlier"]] == [second.pk]


def test_only_board_members_prepare_meetings(tumor_board, alice):
    with pytest.raises(PermissionDenied):
        board.meeting_create(by=alice, board=tumor_board, title="x", date="2026-12-03")


def test_pages_print_html_and_pdf_and_refuse_others(meeting, tumour_case, alice, chair, bob, client):
    item = board.case_refer(by=alice, meeting=meeting, case=tumour_case, diagnosis="AML")
    client.force_login(chair)
    page = client.get(f"/board/meetings/{meeting.pk}/items/{item.pk}/")
    assert page.status_code == 200 and b"IDH2" in page.content
    printed = client.get(f"/board/meetings/{meeting.pk}/print/")
    assert printed.status_code == 200 and b"MTB week 49" in printed.content and b"IDH2" in printed.content
    pdf = client.get(f"/board/meetings/{meeting.pk}/items/{item.pk}/print/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", object_type="board_summary", user=chair).exists()
    client.force_login(bob)
    assert client.get(f"/board/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/board/meetings/{meeting.pk}/items/{item.pk}/print/").status_code == 404
    api = client.get(f"/api/board/meetings/{meeting.pk}/")
    assert api.status_code == 404


def test_a_meeting_shows_each_department_only_its_own_referrals_on_every_channel(meeting, tumour_case, alice, bob,
                                                                                  chair, dept_a, dept_b, client):
    """Issue 25, items 5 and 12: the page, the print and the API share one selector; a token scoped to another
    department sees neither the meeting nor its agenda."""
    from core.models import Membership
    from core.tokens import api_token_create
    from tests.factories import make_case

    bobs_case = make_case(department=dept_b, patient_group="HAEM-CANCER", analysis_type="tumour_normal",
                          identifier="B-TUMOUR-1")
    board.case_refer(by=alice, meeting=meeting, case=tumour_case, diagnosis="AML with NPM1 (dept A secret)",
                     question="Targeted therapy for A?")
    board.case_refer(by=bob, meeting=meeting, case=bobs_case, diagnosis="CML (dept B)", question="question of dept B")
    client.force_login(bob)
    page = client.get(f"/board/meetings/{meeting.pk}/").content.decode()
    assert "question of dept B" in page and "dept A secret" not in page and "Targeted therapy for A" not in page
    assert f">{tumour_case.identifier}<" not in page and "1 more case of other departments" in page
    printed = client.get(f"/board/meetings/{meeting.pk}/print/").content.decode()
    assert "CML (dept B)" in printed and "dept A secret" not in printed
    answer = client.get(f"/api/board/meetings/{meeting.pk}/").json()
    assert [a["case"] for a in answer["agenda"]] == ["B-TUMOUR-1"]
    # alice is also in department B, but her token is scoped to A: it lists and opens only A's view of meetings
    Membership.objects.create(user=alice, department=dept_b, role=Role.CLINICAL_GENETICIST)
    _, raw = api_token_create(user=alice, name="a-only", department_codes=[dept_a.code])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.logout()
    scoped = client.get(f"/api/board/meetings/{meeting.pk}/", **headers).json()
    assert [a["case"] for a in scoped["agenda"]] == [tumour_case.identifier]
    other_board_meeting = board.meeting_create(by=chair, board=meeting.board, title="B only", date="2026-12-10")
    board.case_refer(by=bob, meeting=other_board_meeting, case=bobs_case)
    listed = [m["id"] for m in client.get("/api/board/meetings/", **headers).json()["meetings"]]
    assert meeting.pk in listed and other_board_meeting.pk not in listed
    assert client.get(f"/api/board/meetings/{other_board_meeting.pk}/", **headers).status_code == 404
