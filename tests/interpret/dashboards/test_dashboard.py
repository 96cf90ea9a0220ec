"""Programme figures: counts and genome equivalents per month and group, the funnel, turnaround, diagnostic yield
from the signed reports, database growth; aggregates for researchers, CSV for aggregate export roles."""
from datetime import datetime, timedelta
from datetime import timezone as tz

import pytest
from django.utils import timezone

from core.models import AuditEvent, PatientGroup, Role
from genomes.models import Case, Individual, Sample
from interpret.dashboards.selectors import Period, cases_per_month, diagnostic_yield, funnel, turnaround
from interpret.reporting.models import Report
from tests.factories import make_user


def a_case(dept, identifier, group="RARE", *, ready, reported=None, status="ready", samples=("germline",) * 3,
           finding=None, author=None):
    case = Case.objects.create(identifier=identifier, patient_group=PatientGroup.objects.get(code=group),
                               department=dept, analysis_type="trio", status=status, import_state="imported",
                               data_ready_at=ready,
                               reported_at=reported)
    for number, role in enumerate(samples):
        person = Individual.objects.create(case=case, family_id=identifier, individual_id=f"{identifier}-{number}",
                                           sex="unknown", affection="unknown")
        Sample.objects.create(case=case, individual=person, position=number, role=role,
                              vcf_sample_name=f"S{number}")
    if reported:
        variants = [{"classification": {"code": finding}}] if finding else []
        Report.objects.create(case=case, version=1, author=author, status="signed", signed_by=author,
                              signed_at=reported, facts={"variants": variants})
    return case


@pytest.mark.django_db
def test_the_figures_count_what_happened(dept_a, alice):
    may = datetime(2026, 5, 10, tzinfo=tz.utc)
    a_case(dept_a, "R1", ready=may, reported=may + timedelta(days=10), status="reported", finding="pathogenic",
           author=alice)
    a_case(
        dept_a,
        "R2",
        ready=may,
        reported=may + timedelta(days=30),
        status="closed",
        finding="uncertain_significance",
        author=alice,
    )
    a_case(dept_a, "R3", ready=may + timedelta(days=25), status="in_analysis")
    a_case(dept_a, "T1", "CANCER-ADULT", ready=may, samples=("tumour", "normal"), status="ready")
    period = Period(datetime(2026, 5, 1).date(), datetime(2026, 7, 1).date())
    months = {(r["month"], r["patient_group"]): (r["cases"], r["genome_equivalents"]) for r in cases_per_month(period)}
    assert months == {("2026-05", "RARE"): (2, 6), ("2026-06", "RARE"): (1, 3), ("2026-05", "CANCER-ADULT"): (1, 4)}
    assert {r["status"]: r["cases"] for r in funnel(period)} == {"ready": 1, "in_analysis": 1, "in_review": 0,
                                                                 "reported": 1, "closed": 1}
    (rare,) = turnaround(period)
    assert (rare["patient_group"], rare["reported"], float(rare["median_days"]), float(rare["p90_days"])) == (
        "RARE", 2, 20.0, 28.0)
    assert diagnostic_yield(period) == [{"patient_group": "RARE", "reported": 2, "diagnosed": 1}]
    elsewhere = Period(period.start, period.end, (dept_a.pk + 1000,))
    assert cases_per_month(elsewhere) == []


@pytest.mark.django_db
def test_researchers_see_and_download_aggregates_tumour_board_members_see_only(client, dept_a, rita):
    # an identifier no nonce or token could spell by chance (a random "R1" in the CSP nonce once failed this)
    a_case(dept_a, "PRIVATE-CASE-IDENTIFIER", ready=timezone.now() - timedelta(days=3))
    client.force_login(rita)
    page = client.get("/dashboard/")
    assert page.status_code == 200 and b"figure-data-cases" in page.content
    assert b"PRIVATE-CASE-IDENTIFIER" not in page.content
    csv = client.get("/dashboard/cases.csv")
    assert csv.status_code == 200 and csv.content.startswith(b"month,patient_group,cases,genome_equivalents")
    assert AuditEvent.objects.filter(username="rita", action="export", object_type="dashboard").exists()
    tina = make_user("tina", department=dept_a, role=Role.TUMOR_BOARD_MEMBER)
    client.force_login(tina)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/dashboard/cases.csv").status_code == 403
    assert client.get("/dashboard/nothing.csv").status_code == 404
