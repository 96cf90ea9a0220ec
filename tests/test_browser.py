"""Main user journeys in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""
import shutil

import pytest

from interpret.models import PatientGroup, Role
from tests.factories import PASSWORD, make_case, make_user, scramble_patient_group_storage

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        yield context.new_page()
        context.close()
        browser.close()
        # ORM calls made while Playwright's event loop runs get connections of their own; close them here.
        from django.db import connections

        connections.close_all()


@pytest.mark.browser
def test_a_geneticist_logs_in_and_sees_the_17_patient_groups(live_server, page, dept_a):
    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    scramble_patient_group_storage()
    make_case(department=dept_a, identifier="A-TRIO-777")

    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.fill("#id_username", "gita")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.wait_for_selector("[data-testid=patient-groups]")
    cards = page.locator(".patient-group-card")
    assert cards.count() == 17
    shown = cards.evaluate_all("cards => cards.map(c => c.dataset.code)")
    assert shown == list(PatientGroup.objects.order_by("number").values_list("code", flat=True))

    page.click("nav[aria-label='Patient groups'] >> text=RARE")
    page.wait_for_selector("[data-testid=case-table]")
    assert page.locator("text=A-TRIO-777").is_visible()
    # vendored assets load (no CDN): Bootstrap styles the navbar
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"


@pytest.mark.browser
@pytest.mark.worker
def test_a_geneticist_uploads_a_trio_watches_the_import_and_opens_the_case(live_server, page, dept_a, worker):
    from tests.shared_data import shared

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "gita")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/groups/RARE/")
    page.click("text=Import a case")
    page.select_option("#id_department", "kg-a")
    page.set_input_files("#id_pedigree", str(shared("scout-demo/643594.ped")))
    page.set_input_files("#id_vcf", str(shared("scout-demo/643594.clinical.vcf.gz")))
    page.fill("#id_case_identifier", "UPLOAD-643594")
    page.click("text=Upload and import")

    page.wait_for_selector("#job-status[data-state=done]", timeout=60_000)
    assert "680 of ~680" in page.inner_text("[data-testid=job-progress]")
    page.click("[data-testid=open-case]")
    page.wait_for_selector("[data-testid=pedigree] svg")
    assert page.locator("[data-testid=pedigree] [data-individual=ADM1059A2]").count() == 1
    assert "680 records read, 680 variants kept" in page.inner_text("[data-testid=qc-summary]")
    page.wait_for_selector("#qc-types .main-svg")  # plotly drew the chart from the vendored library


@pytest.mark.browser
def test_an_upload_with_samples_missing_from_the_vcf_is_refused_on_the_form(live_server, page, dept_a, tmp_path):
    from tests.shared_data import shared

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    ped = tmp_path / "wrong.ped"
    ped.write_text("643594\tSOMEONE_ELSE\t0\t0\t1\t2\n")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "gita")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/cases/import/?group=RARE")
    page.select_option("#id_department", "kg-a")
    page.set_input_files("#id_pedigree", str(ped))
    page.set_input_files("#id_vcf", str(shared("scout-demo/643594.clinical.vcf.gz")))
    page.click("text=Upload and import")
    error = page.wait_for_selector("[data-testid=import-error]").inner_text()
    assert "643594.clinical.vcf.gz" in error and "SOMEONE_ELSE not in the VCF" in error
    assert "/uploads/" not in error
