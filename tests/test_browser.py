"""Main user journeys in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""
import shutil

import pytest

from core.models import PatientGroup, Role
from tests.factories import PASSWORD, make_case, make_user, scramble_patient_group_storage

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def page():
    """A page whose scripts from the test (wait_for_function evaluates strings) pass the Content Security
    Policy; the policy itself is tested with a page that does not bypass it (test_security_headers_in_a_browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(bypass_csp=True)
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
    from tests.public_data import public_file

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "gita")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/groups/RARE/")
    page.click("text=Import a case")
    page.select_option("#id_department", "kg-a")
    page.set_input_files("#id_pedigree", str(public_file("scout-demo/643594.ped")))
    page.set_input_files("#id_vcf", str(public_file("scout-demo/643594.clinical.vcf.gz")))
    page.fill("#id_case_identifier", "UPLOAD-643594")
    page.click("text=Upload and import")

    page.wait_for_selector("#job-status[data-state=done]", timeout=60_000)
    assert "680 of ~680" in page.inner_text("[data-testid=job-progress]")
    page.click("[data-testid=open-case]")
    page.wait_for_selector("[data-testid=pedigree] svg")
    assert page.locator("[data-testid=pedigree] [data-individual=ADM1059A2]").count() == 1
    # Scout/MIP's frequencies are read: the records above the group's 5% retention are counted, not stored
    qc = page.inner_text("[data-testid=qc-summary]")
    assert "680 records read, 393 variants kept" in qc and "287 common by retention policy" in qc
    page.wait_for_selector("#qc-types .main-svg")  # plotly drew the chart from the vendored library


@pytest.mark.browser
def test_an_upload_with_samples_missing_from_the_vcf_is_refused_on_the_form(live_server, page, dept_a, tmp_path):
    from tests.public_data import public_file

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
    page.set_input_files("#id_vcf", str(public_file("scout-demo/643594.clinical.vcf.gz")))
    page.click("text=Upload and import")
    error = page.wait_for_selector("[data-testid=import-error]").inner_text()
    assert "643594.clinical.vcf.gz" in error and "SOMEONE_ELSE not in the VCF" in error
    assert "/uploads/" not in error


def htmx_idle(page):
    """Wait until htmx has finished every request, swap and settle, so the next action reaches live content."""
    page.wait_for_function("() => !document.querySelector("
                           "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]")


@pytest.mark.browser
def test_a_curator_edits_a_draft_panel_a_second_curator_publishes_and_the_diff_shows_the_change(
        live_server, page, patient_groups):
    from core.models import Department
    from panels.services import panel_create, panel_entry_set, panel_version_publish, panel_version_submit

    network = Department.objects.create(code="gennet-heart", name="GenNet Heart", kind=Department.Kind.EXPERT_NETWORK)
    ada = make_user("ada", department=network, role=Role.VARIANT_CURATOR, first_name="Ada", last_name="Author")
    rob = make_user("rob", department=network, role=Role.VARIANT_CURATOR, first_name="Rob", last_name="Reviewer")
    version = panel_create(code="cardiomyopathy", name="Cardiomyopathy", network=network, created_by=ada,
                           patient_groups=[PatientGroup.objects.get(code="HEART")])
    panel_entry_set(version=version, symbol="MYH7", by=ada, confidence="green", mode_of_inheritance="monoallelic")
    panel_entry_set(version=version, symbol="TTN", by=ada, confidence="amber", mode_of_inheritance="monoallelic")
    panel_version_submit(version=version, by=ada)
    panel_version_publish(version=version, signed_off_by=rob)

    log_in(page, live_server, "ada")
    page.click("text=Gene panels")
    page.select_option("#group-filter", "HEART")
    page.click("text=Cardiomyopathy")
    page.fill("input[name=comment]", "ISG15 for review")
    page.click("text=New draft")
    page.wait_for_selector("[data-testid=add-gene-form]")
    assert page.inner_text("[data-testid=version-status]") == "Draft"
    # htmx: add a gene, change a confidence, remove a gene; the table updates in place
    page.fill("[data-testid=add-gene-form] input[name=symbol]", "ISG15")
    page.select_option("[data-testid=add-gene-form] select[name=confidence]", "amber")
    page.click("text=Add gene")
    page.wait_for_selector("tr[data-symbol=ISG15]")
    htmx_idle(page)
    page.select_option("select[aria-label='Confidence of TTN']", "green")
    page.wait_for_selector("tr[data-symbol=TTN].confidence-green")
    htmx_idle(page)
    page.click("button[aria-label='Remove MYH7']")
    page.wait_for_selector("tr[data-symbol=MYH7]", state="detached")
    htmx_idle(page)
    page.click("text=Submit for review")
    page.wait_for_selector("[data-testid=awaiting-sign-off]")
    assert page.locator("text=Sign off and publish").count() == 0
    page.click("text=Log out")

    log_in(page, live_server, "rob")
    page.goto(f"{live_server.url}/panels/cardiomyopathy/v/0.2/")
    page.click("text=Sign off and publish")
    diff = page.wait_for_selector("[data-testid=panel-diff]").inner_text()
    assert "+ ISG15" in diff and "− MYH7" in diff and "TTN: amber → green" in diff.replace("\n", " ")
    page.click("text=Cardiomyopathy")
    versions = page.inner_text("[data-testid=version-table]")
    assert "Ada Author" in versions and "Rob Reviewer" in versions


@pytest.mark.browser
def test_a_geneticist_opens_a_trio_applies_a_preset_opens_a_variant_and_tags_it(live_server, page, dept_a):
    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare
    from interpret.analysis.presets import preset_save
    from tests.public_data import public_file

    gita = make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
        ped_path=public_file("scout-demo/643594.ped"), vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"))
    job_run(case_import.job_id)
    # The demo trio is a healthy CEPH family: the department's broad preset shows its rare coding variants.
    preset_save(user=gita, department=dept_a, name="Coding, genome-wide, any quality",
                filters={"genome_wide": True, "max_popmax": None, "pass_only": False, "inheritance": []})
    log_in(page, live_server, "gita")
    page.goto(f"{live_server.url}/cases/{case_import.case_id}/")
    page.click("[data-testid=analyse-variants]")
    page.wait_for_selector("[data-testid=variant-table]")
    page.select_option("#preset", label="Coding, genome-wide, any quality (kg-a)")
    page.wait_for_function("document.querySelector('#preset').value !== '' && "
                           "document.location.search.includes('preset=')")
    page.wait_for_selector("[data-testid=result-summary]:has-text('genome-wide')")
    htmx_idle(page)
    summary = page.inner_text("[data-testid=result-summary]")
    count = int(summary.split()[0])
    assert count > 0
    rows = page.locator("[data-testid=variant-table] tbody tr[data-variant]")
    assert rows.count() == min(count, 50)
    assert page.locator("[data-testid=variant-table] .inheritance-tag").count() > 0
    first = rows.first.get_attribute("data-variant")
    rows.first.locator("a").first.click()
    page.wait_for_selector("[data-testid=variant-title]")
    chrom, pos = first.split("-")[:2]
    assert f"{chrom}:{pos}" in page.inner_text("[data-testid=variant-title]")
    page.click("[data-testid=variant-tags] [data-tag=candidate]")
    page.wait_for_selector("[data-testid=variant-tags] [data-tag=candidate][aria-pressed=true]")
    htmx_idle(page)
    from interpret.analysis.models import VariantTag

    assert VariantTag.objects.filter(case_id=case_import.case_id, tag="candidate").count() == 1
    page.go_back()
    page.reload()
    page.wait_for_selector(f"tr[data-variant='{first}'] .badge:has-text('candidate')")


ANNOTATED_SINGLETON_VCF = """##fileformat=VCFv4.2
##contig=<ID=chr1,length=248956422>
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL">
##INFO=<ID=gnomAD_AF_popmax,Number=A,Type=Float,Description="gnomAD popmax allele frequency">
##INFO=<ID=REVEL,Number=A,Type=Float,Description="REVEL score">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID
chr1\t1000\t.\tG\tA\t50\tPASS\tREVEL=0.93;CSQ=A|missense_variant|MODERATE|AGRN|ENSG00000188157|Transcript|ENST00000379370|protein_coding|ENST00000379370.7:c.100G>A|ENSP00000368678.2:p.Gly34Ser|YES\tGT:AD:DP:GQ\t0/1:10,10:20:99
chr1\t2000\t.\tC\tT\t50\tPASS\tgnomAD_AF_popmax=0.0003;REVEL=0.1;CSQ=T|missense_variant|MODERATE|AGRN|ENSG00000188157|Transcript|ENST00000379370|protein_coding|ENST00000379370.7:c.105C>T|ENSP00000368678.2:p.Ala35Val|YES\tGT:AD:DP:GQ\t0/1:10,10:20:99
"""  # noqa: E501 (a VCF header line as VEP writes it)


@pytest.mark.browser
def test_a_curator_accepts_suggestions_adds_pp4_submits_and_a_second_user_approves(live_server, page, dept_a,
                                                                                   tmp_path):
    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare
    from genomes.models import Variant

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST, first_name="Gita", last_name="Geneticist")
    make_user("cora", department=dept_a, role=Role.VARIANT_CURATOR, first_name="Cora", last_name="Curator")
    # A file with gnomAD and REVEL (the Scout trio has no frequencies: nothing frequency-based is suggested there)
    vcf, ped = tmp_path / "annotated.vcf", tmp_path / "annotated.ped"
    vcf.write_text(ANNOTATED_SINGLETON_VCF)
    ped.write_text("f\tKID\t0\t0\t1\t2\n")
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
        ped_path=ped, vcf_path=vcf, build="GRCh38")
    assert job_run(case_import.job_id).state == "done"
    variant = Variant.objects.get(build="GRCh38", chrom="1", pos=1000, ref="G", alt="A")  # AGRN p.Gly34Ser
    variant_url = f"{live_server.url}/cases/{case_import.case_id}/variants/{variant.pk}/"

    log_in(page, live_server, "gita")
    page.goto(variant_url)
    page.fill("[data-testid=classification-start] input[name=condition]", "Congenital myasthenic syndrome 8")
    page.select_option("[data-testid=classification-start] select[name=mode_of_inheritance]", "AD")
    page.click("text=Classify (ACMG/AMP)")
    page.wait_for_selector("[data-testid=criteria]")
    suggested = page.locator("[data-testid=criteria] .badge.bg-info").count()
    assert suggested > 0
    page.click("[data-testid=accept-all]")
    page.wait_for_selector("[data-testid=criteria] tr[data-decision=applied]")
    htmx_idle(page)
    assert page.locator("[data-testid=criteria] tr[data-decision=applied]").count() == suggested
    points_before = int(page.inner_text("[data-testid=live-points]"))
    row = page.locator("tr[data-criterion=PP4]")
    row.locator("select[name=strength]").select_option("moderate")
    row.locator("input[name=justification]").fill("Phenotype highly specific: night blindness, ERG")
    row.locator("button[aria-label='Apply PP4']").click()
    page.wait_for_selector("tr[data-criterion=PP4][data-decision=applied]")
    htmx_idle(page)
    assert int(page.inner_text("[data-testid=live-points]")) == points_before + 2   # live points
    live_class = page.inner_text("[data-testid=live-class]")
    page.click("[data-testid=submit-classification]")
    page.wait_for_selector("[data-testid=awaiting-approval]")
    assert page.locator("[data-testid=approve-classification]").count() == 0    # never the author
    classification_url = page.url
    page.click("text=Log out")

    log_in(page, live_server, "cora")
    page.goto(classification_url)
    page.click("[data-testid=approve-classification]")
    page.wait_for_selector("[data-testid=classification-status]:has-text('Final')")
    page.goto(variant_url)
    final_row = page.locator("[data-testid=classifications] tr[data-status=final]")
    assert final_row.count() == 1
    assert final_row.locator("[data-testid=classification-class]").inner_text() == live_class


@pytest.mark.browser
def test_security_headers_in_a_browser(live_server, dept_a):
    """The Content Security Policy as a browser enforces it: the case page's plots, the htmx variant table and
    the variant page work with no violation reported, and patient pages are not stored by the browser."""
    from playwright.sync_api import sync_playwright

    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare
    from tests.public_data import public_file

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
        ped_path=public_file("scout-demo/643594.ped"), vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"))
    job_run(case_import.job_id)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()  # the policy enforced, unlike the other journeys' pages
        page = context.new_page()
        violations = []
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text or "Refused to" in message.text else None)
        page.on("pageerror", lambda error: violations.append(str(error)))
        try:
            log_in(page, live_server, "gita")
            response = page.goto(f"{live_server.url}/cases/{case_import.case_id}/")
            headers = response.headers
            assert "no-store" in headers["cache-control"]
            policy = headers["content-security-policy"]
            assert (
                "default-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
            )
            page.wait_for_selector("#qc-types .main-svg")  # plotly drew from data-plotly, no inline script
            page.click("[data-testid=analyse-variants]")
            page.wait_for_selector("[data-testid=variant-table]")
            htmx_idle(page)
            page.fill("#max_popmax", "1")
            page.locator("#max_popmax").dispatch_event("change")
            htmx_idle(page)
            page.wait_for_selector("[data-testid=result-summary]")
            assert violations == []
            # an inline script injected now is refused, and the refusal is reported: the policy is live
            page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1';"
                          " document.body.appendChild(s); }")
            assert page.evaluate("() => window.pwned") is None
        finally:
            context.close()
            browser.close()
            from django.db import connections

            connections.close_all()
    assert violations and all("inline script" in v for v in violations), violations  # the probe, reported


SCREENSHOTS = __import__("pathlib").Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


@pytest.mark.browser
def test_the_main_pages_at_1440x900_fit_the_screen_and_are_kept_as_screenshots(live_server, dept_a, tmp_path):
    """A laptop screen: no page scrolls sideways and the variant table's columns fit without its own scrollbar.
    The screenshots are kept under test-artifacts/screenshots/ for a person to look at."""
    from playwright.sync_api import sync_playwright

    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare
    from genomes.models import CaseVariant
    from tests.public_data import public_file

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    # long sample ids, as laboratories write them, in the pedigree drawing
    ped = tmp_path / "long.ped"
    ped.write_text(
        "".join(
            f"643594\t{name}\t{father}\t{mother}\t{sex}\t{pheno}\n"
            for name, father, mother, sex, pheno in (
                ("ADM1059A2-WGS-2026-000123", "ADM1059A1-WGS-2026-000124", "ADM1059A3-WGS-2026-000125", 1, 2),
                ("ADM1059A1-WGS-2026-000124", 0, 0, 1, 1),
                ("ADM1059A3-WGS-2026-000125", 0, 0, 2, 1),
            )
        )
    )
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
        ped_path=ped, vcf_path=public_file("scout-demo/643594.research.vcf.gz"),
        sample_map={"ADM1059A2-WGS-2026-000123": "ADM1059A2", "ADM1059A1-WGS-2026-000124": "ADM1059A1",
                    "ADM1059A3-WGS-2026-000125": "ADM1059A3"})
    job = job_run(case_import.job_id)
    assert job.state == "done", job.error
    case_id = case_import.case_id
    variant_id = CaseVariant.objects.filter(case_id=case_id).exclude(genes=[]).first().variant_id
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {"patient-groups": "/", "case": f"/cases/{case_id}/",
             "variant-table": f"/cases/{case_id}/variants/?genome_wide=true&max_popmax=&impacts=&pass_only=false",
             "variant": f"/cases/{case_id}/variants/{variant_id}/", "import-form": "/cases/import/",
             "job": f"/jobs/{job.pk}/"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
        page = context.new_page()
        log_in(page, live_server, "gita")
        overflowing = {}
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            htmx_idle(page)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-1440x900.png"), full_page=False)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 1440:
                overflowing[name] = width
        page.goto(f"{live_server.url}{pages['variant-table']}")
        page.wait_for_selector("[data-testid=variant-table] tbody tr[data-variant]")
        print(
            "WIDTHS",
            page.evaluate(
                "[...document.querySelectorAll('[data-testid=variant-table] th')]"
                ".map(t => [t.innerText.slice(0,12), Math.round(t.getBoundingClientRect().width)])"
            ),
            page.evaluate(
                "[...document.querySelectorAll('[data-testid=variant-table] tbody tr:first-child td')]"
                ".map(t => t.innerText.slice(0,80))"
            ),
        )
        table = page.evaluate("(() => { const t = document.querySelector('[data-testid=variant-table]'); "
                              "const box = t.parentElement; return [box.scrollWidth, box.clientWidth]; })()")
        # the pedigree drawing's labels do not overlap one another
        page.goto(f"{live_server.url}{pages['case']}")
        boxes = page.evaluate("(() => [...document.querySelectorAll('svg text')].filter(t => t.closest("
                              "'[data-testid=pedigree]')).map(t => { const b = t.getBoundingClientRect(); "
                              "return [b.left, b.top, b.right, b.bottom]; }))()")
        context.close()
        browser.close()
    from django.db import connections

    connections.close_all()
    assert overflowing == {}, overflowing
    assert table[0] <= table[1], f"the variant table scrolls sideways: {table[0]} px of content in {table[1]} px"
    assert boxes, "no pedigree labels found"
    overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    assert overlaps == [], overlaps


@pytest.mark.browser
def test_a_case_from_analysis_to_a_signed_report_and_its_amendment(live_server, page, dept_a):
    """Gita takes the trio, tags and classifies SEMA4A (Cora approves the classification), drafts the report and
    sends the case to Gwen, who signs it out; the PDF holds the HGVS and the class; an amendment is version 2."""
    import io

    from pypdf import PdfReader

    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare
    from genomes.models import Variant
    from tests.public_data import public_file

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST, first_name="Gita", last_name="Geneticist")
    make_user("gwen", department=dept_a, role=Role.CLINICAL_GENETICIST, first_name="Gwen", last_name="Reviewer")
    make_user("cora", department=dept_a, role=Role.VARIANT_CURATOR, first_name="Cora", last_name="Curator")
    # every record stored: the journey classifies SEMA4A p.Arg713Gln, common enough for retention to drop
    PatientGroup.objects.filter(code="RARE").update(retention_popmax=None)
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
        ped_path=public_file("scout-demo/643594.ped"), vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"))
    assert job_run(case_import.job_id).state == "done"
    case_url = f"{live_server.url}/cases/{case_import.case_id}/"
    variant = Variant.objects.get(build="GRCh37", chrom="1", pos=156146640, ref="G", alt="A")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    log_in(page, live_server, "gita")
    page.click("[data-testid=nav-worklist]")
    page.click("[data-testid=worklist-views] [data-view=department]")
    page.click("[data-testid=worklist] tr[data-case='643594'] a")
    page.click("[data-testid=start-analysis]")
    page.wait_for_selector("[data-testid=case-status]:has-text('In analysis')")
    page.click("[data-testid=analyse-variants]")
    page.wait_for_selector("[data-testid=variant-table]")
    page.select_option("#preset", label="Rare disease trio default")
    page.wait_for_function("document.location.search.includes('preset=')")
    htmx_idle(page)
    page.goto(f"{case_url}variants/{variant.pk}/")
    page.click("[data-testid=variant-tags] [data-tag=causative]")
    page.wait_for_selector("[data-testid=variant-tags] [data-tag=causative][aria-pressed=true]")
    page.fill("[data-testid=classification-start] input[name=condition]", "Retinitis pigmentosa 35")
    page.select_option("[data-testid=classification-start] select[name=mode_of_inheritance]", "AD")
    page.click("text=Classify (ACMG/AMP)")
    page.wait_for_selector("[data-testid=criteria]")
    row = page.locator("tr[data-criterion=PP4]")
    row.locator("select[name=strength]").select_option("moderate")
    row.locator("input[name=justification]").fill("Night blindness, ERG: highly specific")
    row.locator("button[aria-label='Apply PP4']").click()
    page.wait_for_selector("tr[data-criterion=PP4][data-decision=applied]")
    htmx_idle(page)
    live_class = page.inner_text("[data-testid=live-class]")
    page.click("[data-testid=submit-classification]")
    page.wait_for_selector("[data-testid=awaiting-approval]")
    classification_url = page.url
    page.click("text=Log out")
    log_in(page, live_server, "cora")
    page.goto(classification_url)
    page.click("[data-testid=approve-classification]")
    page.wait_for_selector("[data-testid=classification-status]:has-text('Final')")
    page.click("text=Log out")

    log_in(page, live_server, "gita")
    page.goto(case_url)
    page.click("[data-testid=draft-report]")
    page.wait_for_selector("[data-testid=report-form]")
    page.fill("#indication", "Night blindness from childhood")
    page.fill("#conclusion", "The SEMA4A variant explains the retinal dystrophy.")
    page.click("[data-testid=save-report]")
    page.wait_for_selector("text=Draft saved.")
    assert page.locator("[data-testid=sign-out-report]").count() == 0  # never the author
    page.goto(case_url)
    page.select_option("[data-testid=reviewer-choice]", "gwen")
    page.click("[data-testid=submit-for-review]")
    page.wait_for_selector("[data-testid=case-status]:has-text('In review')")
    page.click("text=Log out")

    log_in(page, live_server, "gwen")
    page.goto(f"{live_server.url}/worklist/?view=review")
    page.screenshot(path=str(SCREENSHOTS / "worklist-1440x900.png"))
    page.click("[data-testid=worklist] tr[data-case='643594'] a")
    page.click("[data-testid=case-reports] [data-testid=report-link]")
    # the reviewer reads the draft before signing it: the preview shows the report as it will print
    preview = page.frame_locator("[data-testid=report-preview]")
    reported = preview.locator("[data-testid=report-variants]").inner_text()
    assert "SEMA4A" in reported and "p.Arg713Gln" in reported, reported
    assert "Night blindness from childhood" in preview.locator("body").inner_text()
    page.click("[data-testid=sign-out-report]")
    page.wait_for_selector("[data-testid=report-status]:has-text('Signed out')")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "report-1440x900.png"))
    pdf = page.request.get(live_server.url + page.locator("[data-testid=download-pdf]").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).split())
    assert "p.Arg713Gln" in text and live_class in text, text[:2000]

    page.goto(case_url)
    page.wait_for_selector("[data-testid=case-status]:has-text('Report signed out')")
    page.fill("[data-testid=case-workflow] input[name=text]", "Sister affected")
    page.click("text=Reopen")
    page.wait_for_selector("[data-testid=case-status]:has-text('In analysis')")
    page.fill("[data-testid=case-reports] input[name=reason]", "Segregation in the affected sister")
    page.click("[data-testid=amend-report]")
    page.wait_for_selector("[data-testid=report-form]")
    assert "replaces version 1" in page.inner_text("[data-testid=report-versions]")
    page.click("[data-testid=nav-dashboard]")
    page.wait_for_selector("[data-testid=figure-funnel] .js-plotly-plot")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-1440x900.png"))


@pytest.mark.browser
def test_a_geneticist_looks_a_variant_up_nationally_and_acts_on_a_reanalysis_alert(live_server, page, dept_a,
                                                                                   dept_b, tmp_path):
    """A variant found by its HGVS c. with the national counts and the own case; then the alert a final
    classification raised for that case, acknowledged from the inbox."""
    from core.jobs import job_run
    from genomes.models import Variant
    from interpret.classification.models import Classification
    from interpret.reanalysis.models import Alert
    from interpret.reanalysis.services import classification_finalised
    from tests.genomes.importing.test_import_case import import_case, write_ped
    from tests.interpret.national.test_variant_lookup import AGRN_SNV, write_vcf

    make_user("gina", department=dept_a, role=Role.CLINICAL_GENETICIST)
    for department, name, genotype in ((dept_a, "BROWSER-A", "0/1"), (dept_b, "BROWSER-B", "1/1")):
        vcf = write_vcf(tmp_path, f"{name}.vcf", ["S"], [(*AGRN_SNV, genotype)])
        _, job = import_case(department, write_ped(tmp_path, f"{name}\tS\t0\t0\t1\t2\n", f"{name}.ped"), vcf,
                             case_identifier=name)
        assert job.state == "done", job.error
    variant = Variant.objects.get(pos=AGRN_SNV[1])
    final = Classification.objects.create(
        variant=variant, gene="AGRN", condition="CMS8", department=dept_b, status="final", version=1,
        rule_set="ACMG/AMP 2015", rule_set_version="1", result_class="likely_pathogenic", result_system="points",
        approved_at=variant.classifications.model._meta.get_field("created_at").default().replace(year=2100))
    assert job_run(classification_finalised(final).job_id).state == "done"

    log_in(page, live_server, "gina")
    page.click("[data-testid=nav-variant-search]")
    page.fill("#variant-query", "ENST00000379370:c.5353G>A")
    page.click("[data-testid=variant-search-form] button[type=submit]")
    card = page.wait_for_selector("[data-testid=national-variant]")
    assert "GRCh38-1-1051352-G-A" in card.inner_text()
    assert "2 families" in page.inner_text("[data-testid=germline-summary]")
    assert [e.inner_text() for e in page.query_selector_all("[data-testid=own-case]")] == ["BROWSER-A"]

    page.click("[data-testid=nav-alerts]")
    row = page.wait_for_selector("[data-testid=alert-row]")
    assert "now likely pathogenic" in row.inner_text() and "BROWSER-A" in row.inner_text()
    row.query_selector("button[value=acknowledge]").click()
    page.wait_for_selector("[data-testid=alerts] >> text=No alerts.")
    assert Alert.objects.get(case__identifier="BROWSER-A").state == "acknowledged"
    # the state filter (a select that submits itself: no inline handler, the CSP would block one)
    page.select_option("select[name=state]", "acknowledged")
    page.wait_for_url("**state=acknowledged**")
    assert "BROWSER-A" in page.inner_text("[data-testid=alert-row]")


@pytest.mark.browser
def test_a_tumor_board_prepares_a_meeting_discusses_a_case_records_a_decision_and_prints_it(
        live_server, page, dept_a, tumour_case):
    """An oncologist of the case's department and of the board: creates the meeting, refers the tumour case, sets
    the participants, opens the case summary (tiers, TMB), records the recommendation and prints the summary."""
    from core.models import Department, Membership
    from interpret.tumor_board.models import BoardRecommendation

    board = Department.objects.create(code="mtb", name="National molecular tumor board",
                                      kind=Department.Kind.TUMOR_BOARD)
    otto = make_user("otto", department=dept_a, role=Role.TUMOR_BOARD_MEMBER)
    Membership.objects.create(user=otto, department=board, role=Role.TUMOR_BOARD_MEMBER)
    make_user("petra", department=board, role=Role.TUMOR_BOARD_MEMBER, first_name="Petra", last_name="Pathologist")

    log_in(page, live_server, "otto")
    page.click("[data-testid=nav-board]")
    page.fill("#m-title", "MTB week 49")
    page.click("[data-testid=meeting-form] button")
    page.wait_for_selector("[data-testid=refer-form]")
    page.fill("#r-case", tumour_case.identifier)
    page.fill("#r-diagnosis", "Acute myeloid leukaemia")
    page.fill("#r-question", "Targeted therapy?")
    page.click("[data-testid=refer-form] button")
    page.wait_for_selector("[data-testid=agenda-case]")
    page.check("text=Petra Pathologist")
    page.click("[data-testid=participants-form] button")
    page.click("[data-testid=agenda-case]")
    summary = page.wait_for_selector("[data-testid=case-summary]")
    text = summary.inner_text()
    assert "IDH2" in text and "IA" in text and "Enasidenib" in text
    # an amplicon panel's 0.14 Mb cannot carry a TMB: said so, with the territory
    tmb = page.inner_text("[data-testid=summary-tmb]")
    assert "not assessable" in tmb and "0.14 Mb" in tmb and "mut/Mb" not in tmb
    page.check("input[name=kinds][value=therapy]")
    page.fill("textarea[name=text]", "Enasidenib for IDH2 R140Q (tier IA)")
    page.click("[data-testid=record-decision]")
    page.wait_for_selector("[data-testid=recommendation]")
    assert "Enasidenib for IDH2 R140Q" in page.inner_text("[data-testid=recommendation]")
    recommendation = BoardRecommendation.objects.get()
    assert sorted(u.username for u in recommendation.agreed_by.all()) == ["otto", "petra"]
    page.click("[data-testid=print-case]")
    page.wait_for_load_state()
    printed = page.content()
    assert "Molecular tumor board: MTB week 49" in printed and "Enasidenib for IDH2 R140Q" in printed
    pdf = page.request.get(page.url + "?format=pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # the somatic view's preset selector (a select that submits itself) changes the filters
    page.goto(f"{live_server.url}/cases/{tumour_case.pk}/somatic/")
    selector = page.wait_for_selector("[data-testid=somatic-preset]")
    assert selector.evaluate("s => s.options[s.selectedIndex].text") == "Haematological cancer somatic"  # an AML
    page.select_option("[data-testid=somatic-preset]", label="Solid tumour somatic")
    page.wait_for_url("**preset=**")
    chosen = page.wait_for_selector("[data-testid=somatic-preset]")
    assert chosen.evaluate("s => s.options[s.selectedIndex].text") == "Solid tumour somatic"


@pytest.mark.browser
def test_a_geneticist_opens_the_sv_tab_and_narrows_it_with_its_controls(live_server, page, dept_a):
    """Issue 26: from the case page to the SV tab of Scout's trio; each filter control is used (type, size, region,
    genes, overlap, FILTER, population and national frequency, dosage, inheritance, all calls, panels, sort)."""
    import io

    from django.core.management import call_command

    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare
    from tests.public_data import public_file

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
        ped_path=public_file("scout-demo/643594.ped"), vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"))
    job_run(case_import.job_id)
    call_command("import_variants", "643594", "--kind", "sv", "--wait", "--vcf",
                 public_file("sv-cnv/scout-643594.clinical.SV.vcf.gz"), stdout=io.StringIO())
    log_in(page, live_server, "gita")
    page.goto(f"{live_server.url}/cases/{case_import.case_id}/")
    page.click("[data-testid=sv-tab]")
    page.wait_for_selector("[data-testid=sv-table]")
    rows = page.locator("[data-testid=sv-row]")

    def apply():
        page.click("[data-testid=sv-filter-form] button[type=submit]")
        htmx_idle(page)

    page.check("#mode-de_novo")
    apply()
    assert rows.count() == 2 and page.locator("[data-testid=sv-low-confidence]").count() == 2
    page.uncheck("#mode-de_novo")
    page.check("#all_calls")
    page.check("#type-INS")
    apply()
    assert rows.count() == 5
    page.uncheck("#type-INS")
    page.check("#type-DEL")
    page.fill("#min_length", "1000")
    page.fill("#max_length", "100000000")
    page.check("#pass_only")
    page.fill("#max_population_af", "1")
    page.fill("#max_national_families", "5")
    page.select_option("#sort", "length")
    apply()
    shown = rows.count()
    assert 0 < shown < 13 and "DEL" in rows.first.inner_text()
    page.fill("#min_length", "")  # the region's deletion is 26 bases
    page.fill("#region", "4")
    apply()
    assert rows.count() == 1 and "4:861262" in rows.first.inner_text()
    for control in ("#overlap-exons", "#dosage_sensitive", "#panel_genes"):
        page.check(control)
    page.fill("#genes", "NOSUCHGENE")
    page.fill("#panels", "")
    apply()
    assert rows.count() == 0 and page.locator("text=No call meets these filters").count() == 1
    page.fill("#min_length", "abc")
    apply()
    assert "min_length" in page.inner_text("[data-testid=sv-error]")


@pytest.mark.browser
def test_two_curators_classify_a_deletion_from_the_sv_tab(live_server, page, dept_a):
    """Issue 26: from the variant table's SV tab, a geneticist starts a CNV classification of the trio's de novo
    deletion on chromosome 4, applies a code with its justification and submits; she cannot approve it, a curator
    of her department does, and the SV tab then shows its class."""
    import io

    from django.core.management import call_command

    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare
    from tests.public_data import public_file

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    make_user("carl", department=dept_a, role=Role.VARIANT_CURATOR)
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
        ped_path=public_file("scout-demo/643594.ped"), vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"))
    job_run(case_import.job_id)
    call_command("import_variants", "643594", "--kind", "sv", "--wait", "--vcf",
                 public_file("sv-cnv/scout-643594.clinical.SV.vcf.gz"), stdout=io.StringIO())
    log_in(page, live_server, "gita")
    page.goto(f"{live_server.url}/cases/{case_import.case_id}/variants/")
    page.click("[data-testid=variant-table-sv-tab]")
    page.wait_for_selector("[data-testid=sv-table]")
    page.goto(f"{live_server.url}/cases/{case_import.case_id}/structural-variants/?region=4&all_calls=1")
    row = page.locator("[data-testid=sv-row]")
    assert row.count() == 1 and "DEL" in row.inner_text()
    row.locator("input[name=condition]").fill("Developmental delay")
    row.locator("[data-testid=sv-classify]").click()
    page.wait_for_selector("[data-testid=cnv-scoresheet]")
    assert page.inner_text("[data-testid=cnv-classification-title]").startswith("Copy-number loss · NC_000004.11:g.")
    code_row = page.locator("[data-testid=cnv-code-3A]")
    code_row.locator("input[name=justification]").fill("one gene included")
    code_row.locator("[data-testid=cnv-apply-3A]").click()
    page.wait_for_selector("[data-testid=cnv-applied]")
    page.click("[data-testid=cnv-submit]")
    page.wait_for_selector("[data-testid=cnv-awaiting-approval]")
    assert page.locator("[data-testid=cnv-approve]").count() == 0
    classification_url = page.url
    page.click("text=Log out")

    log_in(page, live_server, "carl")
    page.goto(classification_url)
    page.click("[data-testid=cnv-approve]")
    assert page.wait_for_selector("[data-testid=cnv-classification-status]").inner_text() == "Final"
    page.goto(f"{live_server.url}/cases/{case_import.case_id}/structural-variants/?region=4&all_calls=1")
    assert "Uncertain significance (final)" in page.inner_text("[data-testid=sv-cnv-classification]")


@pytest.mark.browser
def test_a_geneticist_enters_hpo_terms_by_synonym_and_the_fitting_candidate_comes_first(live_server, page, dept_a,
                                                                                       tmp_path):
    """Issue 27: on the case page the geneticist finds terms by a synonym ("nearsightedness" is Myopia) and by
    label, adds them, sees the genes they rank; the variant table then puts COL11A1's variant first with its
    phenotype match, and the HPO version is acknowledged."""
    from tests.genomes.importing.test_import_case import import_case, write_ped
    from tests.interpret.phenotype.conftest import GENES, HEADER, record

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    vcf = tmp_path / "kid.vcf"
    vcf.write_text(HEADER + "".join(record(gene, pos) for gene, pos in GENES))
    case_import, job = import_case(dept_a, write_ped(tmp_path, "PH-B\tKID\t0\t0\t2\t2\n", "ph.ped"), vcf,
                                   case_identifier="PH-B")
    assert job.state == "done"
    log_in(page, live_server, "gita")
    page.goto(f"{live_server.url}/cases/{case_import.case_id}/")
    page.wait_for_selector("[data-testid=phenotype-form]")
    for query, label in (("nearsighted", "Myopia"), ("cleft palate", "Cleft palate"),
                         ("hearing impairment", "Hearing impairment"), ("joint hypermobility", "Joint hypermobility")):
        page.fill("[data-testid=hpo-search]", query)
        page.locator("[data-testid=hpo-suggestion]", has_text=label).first.click()
        page.click("[data-testid=phenotype-add]")
        page.wait_for_selector(f"[data-testid=phenotype-term]:has-text('{label}')")
        htmx_idle(page)
    assert page.locator("[data-testid=ranked-gene]").count() == 15
    assert "Human Phenotype Ontology (version" in page.inner_text("[data-testid=case-phenotype]")
    page.goto(f"{live_server.url}/cases/{case_import.case_id}/variants/?genome_wide=true&inheritance=")
    first = page.locator("tbody tr").first
    assert "COL11A1" in first.inner_text()
    assert "#8" in first.locator("[data-testid=phenotype-cell]").inner_text()
    assert "Myopia ~ " in first.locator("[data-testid=phenotype-cell]").get_attribute("title")
    assert "4 HPO terms" in page.inner_text("[data-testid=phenotype-summary]")


@pytest.mark.browser
def test_a_geneticist_reads_the_repeat_and_mitochondrial_tabs_with_their_controls_and_classifies_an_allele(
        live_server, page, dept_a):
    """Issue 28: from the case page to Scout's trio's repeat expansions (status, disagreements) and to its
    mitochondrial variants from the main VCF (level, genes, PASS), then a classification of m.16023G>A."""
    from core.jobs import job_run
    from genomes.importing.prepare import case_import_prepare
    from genomes.str.catalog import catalog_load
    from genomes.str.importing import str_file_import
    from tests.public_data import public_file

    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    catalog_load(public_file("str/stranger-variant_catalog_grch37.json"), build="GRCh37")
    case_import = case_import_prepare(
        patient_group=PatientGroup.objects.get(code="RARE"), department=dept_a, send_to_worker=False,
        ped_path=public_file("scout-demo/643594.ped"), vcf_path=public_file("scout-demo/643594.clinical.vcf.gz"))
    job_run(case_import.job_id)
    str_file_import(case=case_import.case, path=public_file("str/scout-643594.clinical.str.stranger.vcf.gz"))
    log_in(page, live_server, "gita")
    page.goto(f"{live_server.url}/cases/{case_import.case_id}/")
    page.click("[data-testid=str-tab]")
    rows = page.locator("[data-testid=str-row]")
    every = rows.count()
    assert every > 30
    page.select_option("#min_status", "full_mutation")
    page.click("[data-testid=str-filter-form] button")
    page.wait_for_load_state()
    assert rows.count() == 1 and "RFC1" in rows.first.inner_text()
    page.select_option("#min_status", "any")
    page.check("#disagreements_only")
    page.click("[data-testid=str-filter-form] button")
    page.wait_for_load_state()
    assert rows.count() == 1 and page.locator("[data-testid=str-disagreement]").count() == 1
    # issue 29: the relatives' affection (the parents are unaffected): the filter keeps the loci nobody contradicts
    page.uncheck("#disagreements_only")
    page.click("[data-testid=str-filter-form] button")
    page.wait_for_load_state()
    judged = page.locator("[data-testid=str-segregation]")
    contradicted = judged.filter(has_text="against").count()
    assert rows.count() == every and judged.count() >= 1
    page.check("#segregating_only")
    page.click("[data-testid=str-filter-form] button")
    page.wait_for_load_state()
    assert page.is_checked("#segregating_only") and rows.count() == every - contradicted
    page.check("#reduced_penetrance")
    page.click("[data-testid=str-filter-form] button")
    page.wait_for_load_state()
    assert page.is_checked("#reduced_penetrance") and every - contradicted <= rows.count() <= every

    page.goto(f"{live_server.url}/cases/{case_import.case_id}/")
    page.click("[data-testid=mt-tab]")
    alleles = page.locator("[data-testid=mt-row]")
    assert alleles.count() == 3
    page.fill("#min_heteroplasmy", "0.95")
    page.click("[data-testid=mt-filter-form] button")
    page.wait_for_load_state()
    assert alleles.count() == 2 and "homoplasmic" in alleles.first.inner_text()
    page.fill("#min_heteroplasmy", "0.05")
    page.fill("#genes", "MT-TP")
    page.check("#pass_only")
    page.click("[data-testid=mt-filter-form] button")
    page.wait_for_load_state()
    assert alleles.count() == 1 and "m.16023G>A" in alleles.first.inner_text()
    assert "0.522" in alleles.first.inner_text()
    contradicted = page.locator("[data-testid=mt-segregation]", has_text="against").count()
    page.check("#segregating_only")
    page.click("[data-testid=mt-filter-form] button")
    page.wait_for_load_state()
    assert page.is_checked("#segregating_only") and alleles.count() == 1 - contradicted
    page.check("#reduced_penetrance")
    page.click("[data-testid=mt-filter-form] button")
    page.wait_for_load_state()
    assert page.is_checked("#reduced_penetrance") and alleles.count() >= 1 - contradicted
    page.uncheck("#segregating_only")
    page.uncheck("#reduced_penetrance")
    page.click("[data-testid=mt-filter-form] button")
    page.wait_for_load_state()
    alleles.first.locator("input[name=condition]").fill("mitochondrial disease")
    alleles.first.locator("[data-testid=mt-classify]").click()
    page.wait_for_load_state()
    assert "/classifications/" in page.url and "MT-TP" in page.content()
    from interpret.classification.models import Classification

    made = Classification.objects.get(condition="mitochondrial disease")
    # the main VCF annotated MT-TP's transcript: the classification is made on it (else on the m. HGVS)
    assert made.mode_of_inheritance == "MT" and made.hgvsc.endswith(":n.1C>T")  # MT-TP is on the minus strand


@pytest.mark.browser
def test_igv_shows_na12878s_chrm_reads_from_this_site_alone_under_the_real_content_security_policy(
        live_server, dept_a, tmp_path):
    """Issue 29: the read view loads chrM:100-800 of NA12878 (GATK's test BAM) with its reads and the chrM
    reference while every other host is blocked (and none is asked for), under the pages' own CSP; a screenshot
    is kept."""
    import io
    from pathlib import Path

    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    from genomes.models import Case

    demo = Path(__file__).resolve().parents[1] / "genomes" / "demo_data"
    (tmp_path / "na12878.ped").write_text("NA12878\tNA12878\t0\t0\t2\t2\n")
    call_command("import_case", "--patient-group", "NEURO", "--department", dept_a.code, "--ped",
                 str(tmp_path / "na12878.ped"), "--vcf", str(demo / "NA12878.chrM.mutect2.vcf"), "--build", "GRCh38",
                 "--wait", "--alignment", f"NA12878={demo / 'NA12878.chrM.bam'}", stdout=io.StringIO())
    case = Case.objects.get(identifier="NA12878")
    make_user("gita", department=dept_a, role=Role.CLINICAL_GENETICIST)
    elsewhere, failures = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})  # the CSP applies

        def only_this_site(route):
            if route.request.url.startswith(live_server.url):
                route.continue_()
            else:
                elsewhere.append(route.request.url)
                route.abort()

        context.route("**/*", only_this_site)
        page = context.new_page()
        page.on("pageerror", lambda error: failures.append(str(error)))
        log_in(page, live_server, "gita")
        page.goto(f"{live_server.url}/cases/{case.pk}/mitochondrial-variants/?min_heteroplasmy=0")
        page.click("[data-testid=mt-view-reads] >> nth=0")
        page.fill("#locus", "chrM:100-800")
        page.click("[data-testid=reads-form] button")
        page.wait_for_selector("[data-testid=read-view][data-ready=true]", timeout=30_000)
        page.wait_for_timeout(1500)  # the alignment track draws after its slice has arrived
        loaded = page.evaluate("""() => {
            const tracks = window.readViewBrowser.findTracks(t => t.type === 'alignment');
            return {tracks: tracks.length, name: tracks.length ? tracks[0].name : null,
                    locus: [].concat(window.readViewBrowser.currentLoci())[0]};
        }""")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "read-view-chrM-1440x900.png"))
        canvases = page.locator("[data-testid=read-view] canvas").count()
        context.close()
        browser.close()
    from django.db import connections

    connections.close_all()
    assert failures == [] and elsewhere == []
    assert loaded["tracks"] == 1 and loaded["name"] == "NA12878" and loaded["locus"] == "chrM:100-800"
    assert canvases > 3
    assert AuditEvent_count("read_slice") >= 1


def AuditEvent_count(object_type):  # noqa: N802 - read as a phrase
    from core.models import AuditEvent

    return AuditEvent.objects.filter(object_type=object_type).count()
