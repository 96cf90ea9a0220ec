"""Reading patient rows in bulk is an export through every channel: export roles only, audited with the row
count, and within daily quotas; a page is a view."""
import io
import json

import pytest
from django.core.management import call_command

from core.models import AuditEvent, Role
from core.tokens import api_token_create
from tests.factories import make_user

LOOSE = {"genome_wide": True, "max_popmax": None, "impacts": [], "pass_only": False,
         "include_clinvar_pathogenic": False}


def analysis(client, case, token, **body):
    return client.post(f"/api/cases/{case.pk}/analysis/", {"filters": LOOSE, **body},
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db
def test_a_tumor_board_member_reads_pages_through_the_api_but_cannot_take_the_case_out(client, trio, dept_a):
    tina = make_user("tina", department=dept_a, role=Role.TUMOR_BOARD_MEMBER)
    token = api_token_create(user=tina, name="t", department_codes=["kg-a"])[1]
    refused = analysis(client, trio, token, page_size=1000)
    assert refused.status_code == 403 and "export" in refused.json()["detail"]
    denial = AuditEvent.objects.get(action="access_denied", username="tina", object_type="case_variants")
    assert denial.details["reason"] == "a bulk read needs an export role" and denial.details["rows"] > 50
    page = analysis(client, trio, token, page_size=50)
    assert page.status_code == 200 and len(page.json()["candidates"]) == 50
    view = AuditEvent.objects.get(action="view", username="tina", object_type="case_variants")
    assert view.details["rows"] == 50 and view.details["via"] == "api"


@pytest.mark.django_db
def test_a_bulk_read_by_an_export_role_is_an_export_with_its_row_count(client, trio, alice):
    token = api_token_create(user=alice, name="a", department_codes=["kg-a"])[1]
    response = analysis(client, trio, token, page_size=300)
    assert response.status_code == 200
    rows = len(response.json()["candidates"])
    assert rows > 50
    assert AuditEvent.objects.get(action="export", object_type="case_variants").details["rows"] == rows


@pytest.mark.django_db
def test_the_daily_quota_stops_walking_a_genome_page_by_page(client, trio, alice, settings):
    settings.VIEW_ROWS_PER_DAY = 120
    token = api_token_create(user=alice, name="a", department_codes=["kg-a"])[1]
    assert analysis(client, trio, token, page_size=50, page=1).status_code == 200
    assert analysis(client, trio, token, page_size=50, page=2).status_code == 200
    third = analysis(client, trio, token, page_size=50, page=3)
    assert third.status_code == 429 and "quota of 120 variant rows" in third.json()["detail"]
    assert AuditEvent.objects.filter(action="access_denied", details__reason="daily view quota of 120 rows").exists()
    client.force_login(alice)  # the same quota on the page
    page = client.get(f"/cases/{trio.pk}/variants/?genome_wide=true&max_popmax=&impacts=&pass_only=false")
    assert page.status_code == 429


@pytest.mark.django_db
def test_the_csv_export_follows_the_export_roles_and_neutralises_formulas(client, trio, alice, dept_a):
    from genomes.models import Individual

    Individual.objects.filter(case=trio, is_proband=True).update(individual_id="=HYPERLINK(\"x\")")
    client.force_login(alice)
    export = client.get(f"/cases/{trio.pk}/variants/export.csv?genome_wide=true&max_popmax=&impacts=")
    header = export.content.decode().splitlines()[0]
    assert export.status_code == 200 and "'=HYPERLINK" in header and ",=HYPERLINK" not in header
    exported = AuditEvent.objects.get(action="export", object_type="case_variants")
    assert exported.details["rows"] == len(export.content.decode().splitlines()) - 1
    rita = make_user("rita2", department=dept_a, role=Role.TUMOR_BOARD_MEMBER)
    client.force_login(rita)
    assert client.get(f"/cases/{trio.pk}/variants/export.csv").status_code == 403


@pytest.mark.django_db
def test_analyse_case_runs_as_an_account_with_access_and_is_an_export(trio, dept_a, bob):
    def analyse(*args):
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("analyse_case", trio.identifier, "--json", "--genome-wide", *args, stdout=out, stderr=err)
            return 0, out.getvalue(), err.getvalue()
        except SystemExit as exit_:
            return exit_.code, out.getvalue(), err.getvalue()

    assert analyse("--user", "nobody")[2].strip() == "analyse_case: --user: no active account 'nobody'"
    assert "no case '643594' among the cases bob may open" in analyse("--user", "bob")[2]
    make_user("tina", department=dept_a, role=Role.TUMOR_BOARD_MEMBER)
    code, _, err = analyse("--user", "tina")
    assert code == 1 and "your role does not include exports" in err
    make_user("lars", department=dept_a, role=Role.LAB_BIOINFORMATICIAN)
    code, out, _ = analyse("--user", "lars")
    assert code == 0
    export = AuditEvent.objects.get(action="export", username="lars")
    assert export.details["rows"] == len(json.loads(out)) and export.path == "manage.py analyse_case"
