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
