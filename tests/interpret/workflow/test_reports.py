"""Clinical reports: drafted from the data, signed out by a second geneticist (never the author), frozen in the
database, amended as a new version naming the old; secondary findings only with recorded consent; the PDF holds
what the data say; viewing is audited and downloading is an export."""
import io
import json
import subprocess
import sys

import pytest
from django.db import transaction

from core.models import AuditEvent, Role
from genomes.models import Case, Variant
from interpret.analysis.models import VariantTag
from interpret.reporting import services
from interpret.reporting.models import Report
from interpret.workflow import services as workflow
from tests.factories import make_user
from tests.processes import ROOT, process_env

SEMA4A = dict(build="GRCh37", chrom="1", pos=156146640, ref="G", alt="A")  # p.Arg713Gln in the Scout trio


@pytest.fixture
def gwen(dept_a):
    return make_user("gwen", department=dept_a, role=Role.CLINICAL_GENETICIST, first_name="Gwen", last_name="Reviewer")


@pytest.fixture
def classified(trio, alice, gwen, dept_a):
    """The Scout trio in analysis by alice, SEMA4A tagged causative and finally classified (alice drafts, carl
    approves)."""
    from interpret.classification.services import (
        classification_approve,
        classification_criterion_set,
        classification_start,
        classification_submit,
    )

    carl = make_user("carl", department=dept_a, role=Role.VARIANT_CURATOR)
    variant = Variant.objects.get(**SEMA4A)
    case = workflow.case_start_analysis(case=trio, by=alice)
    VariantTag.objects.create(case=case, variant=variant, tag="causative", created_by=alice)
    draft = classification_start(variant=variant, gene="SEMA4A", condition="Retinitis pigmentosa 35",
                                 mode_of_inheritance="AD", by=alice, department=dept_a, case=case)
    draft = classification_criterion_set(classification_id=draft.pk, lock_version=draft.lock_version, by=alice,
                                         criterion="PS3", decision="applied", strength="strong",
                                         justification="Functional study")
    draft = classification_submit(classification_id=draft.pk, lock_version=draft.lock_version, by=alice)
    classification_approve(classification_id=draft.pk, by=carl)
    return case, variant


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.django_db
def test_a_report_is_drafted_from_the_data_signed_by_a_second_geneticist_and_frozen(classified, alice, gwen):
    case, variant = classified
    report = services.report_draft_start(case=case, by=alice)
    assert report.version == 1 and report.variant_ids == [variant.pk]
    fact = report.facts["variants"][0]
    assert (fact["gene"], fact["hgvsp"].split(":")[-1], fact["zygosity"]) == ("SEMA4A", "p.Arg713Gln", "heterozygous")
    assert fact["classification"]["criteria"] == ["PS3_Strong"] and fact["classification"]["version"] == 1
    report = services.report_draft_update(report=report, by=alice, lock_version=report.lock_version,
                                          fields={"indication": "Night blindness", "conclusion": "Likely diagnosis",
                                                  "recommendations": "Cascade testing of the siblings"})
    with pytest.raises(workflow.WorkflowError, match="changed by someone else"):
        services.report_draft_update(report=report, by=alice, lock_version=1, fields={"conclusion": "lost"})
    with pytest.raises(workflow.WorkflowError, match="from review"):
        services.report_sign_out(report=report, by=gwen)
    workflow.case_submit_for_review(case=case, by=alice, reviewer=gwen)
    with pytest.raises(workflow.WorkflowError, match="never its author") as refused:
        services.report_sign_out(report=report, by=alice)
    assert refused.value.status == 403
    signed = services.report_sign_out(report=report, by=gwen)
    assert signed.status == "signed" and Case.objects.get(pk=case.pk).status == "reported"
    text = pdf_text(bytes(signed.pdf))
    assert "p.Arg713Gln" in text and fact["classification"]["class"] in text and "PS3_Strong" in text
    assert "Case 643594" in text and "Page 1 of" in text and "Clinical Genetics A" in text
    assert "Signed out by Gwen Reviewer" in text
    import hashlib
    assert hashlib.sha256(bytes(signed.pdf)).hexdigest() == signed.pdf_sha256
    # frozen in the database, whatever asks
    for change in (lambda: Report.objects.filter(pk=signed.pk).update(conclusion="rewritten"),
                   lambda: Report.objects.filter(pk=signed.pk).delete()):
        with pytest.raises(Exception, match="frozen"), transaction.atomic():
            change()
    assert Report.objects.get(pk=signed.pk).conclusion == "Likely diagnosis"
    with pytest.raises(workflow.WorkflowError, match="frozen"):
        services.report_draft_update(report=signed, by=alice, lock_version=signed.lock_version, fields={})


@pytest.mark.django_db
def test_an_amendment_is_version_2_naming_version_1_and_goes_through_review(classified, alice, gwen):
    case, _ = classified
    first = services.report_draft_start(case=case, by=alice)
    workflow.case_submit_for_review(case=case, by=alice, reviewer=gwen)
    services.report_sign_out(report=first, by=gwen)
    case = Case.objects.get(pk=case.pk)
    with pytest.raises(workflow.WorkflowError, match="amend"):
        services.report_draft_start(case=case, by=alice)
    with pytest.raises(workflow.WorkflowError, match="reopen the case first"):
        services.report_amend(case=case, by=alice, reason="Segregation in the sister")
    case = workflow.case_reopen(case=case, by=alice, reason="new_evidence", text="Sister tested positive")
    amended = services.report_amend(case=case, by=alice, reason="Segregation in the sister added")
    assert (amended.version, amended.replaces_id, amended.indication) == (2, first.pk, first.indication)
    workflow.case_submit_for_review(case=case, by=alice, reviewer=gwen)
    signed = services.report_sign_out(report=amended, by=gwen)
    text = pdf_text(bytes(signed.pdf))
    assert "replaces version 1" in text and "Segregation in the sister added" in text
    assert Report.objects.filter(case=case).count() == 2  # nothing deleted


@pytest.mark.django_db
def test_secondary_findings_only_where_consent_is_recorded(classified, alice):
    case, variant = classified
    report = services.report_draft_start(case=case, by=alice)
    report = services.report_draft_update(report=report, by=alice, lock_version=report.lock_version, fields={},
                                          secondary_variant_ids=[variant.pk])
    assert report.facts["secondary_findings"] == []
    assert "Secondary findings" not in services.report_preview_html(report)
    report = services.report_draft_update(report=report, by=alice, lock_version=report.lock_version,
                                          fields={"secondary_findings_consent": "Consent form 2026-03-04, journal"})
    assert [v["gene"] for v in report.facts["secondary_findings"]] == ["SEMA4A"]
    assert "Consent recorded: Consent form 2026-03-04" in services.report_preview_html(report)


@pytest.mark.django_db(transaction=True)
def test_pages_audit_views_downloads_follow_export_roles_and_export_report_writes_the_pdf(
        classified, alice, gwen, dept_a, client, tmp_path):
    case, _ = classified
    client.force_login(alice)
    assert client.post(f"/cases/{case.pk}/reports/").status_code == 302
    report = Report.objects.get(case=case)
    page = client.get(f"/reports/{report.pk}/")
    assert page.status_code == 200 and b"report-preview" in page.content and b"sign-out-report" not in page.content
    assert AuditEvent.objects.filter(object_type="report", action="view", username="alice").exists()
    assert client.get(f"/reports/{report.pk}/report.pdf").status_code == 404  # not signed out
    workflow.case_submit_for_review(case=case, by=alice, reviewer=gwen)
    client.force_login(gwen)
    assert client.post(f"/reports/{report.pk}/sign/").status_code == 302
    assert Report.objects.get(pk=report.pk).status == "signed"
    download = client.get(f"/reports/{report.pk}/report.pdf")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(object_type="report", action="export", username="gwen").exists()
    tina = make_user("tina", department=dept_a, role=Role.TUMOR_BOARD_MEMBER)
    client.force_login(tina)
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    assert client.get(f"/reports/{report.pk}/report.pdf").status_code == 403
    from tests.factories import make_department
    bob = make_user("bobby", department=make_department("kg-other"), role=Role.CLINICAL_GENETICIST)
    client.force_login(bob)
    assert client.get(f"/reports/{report.pk}/").status_code == 404

    out = tmp_path / "archive.pdf"
    reopened = workflow.case_reopen(case=Case.objects.get(pk=case.pk), by=alice, reason="new_evidence", text="x")
    services.report_amend(case=reopened, by=alice, reason="y")  # version 2, a draft
    unsigned = subprocess.run([sys.executable, "manage.py", "export_report", case.identifier, "--version", "2",
                               "--out", str(out), "--user", "gwen"], cwd=ROOT, env=process_env(),
                              capture_output=True, text=True, timeout=120)
    assert unsigned.returncode == 1 and "version 2 of case 643594 is not signed out" in unsigned.stderr
    assert not out.exists()
    done = subprocess.run([sys.executable, "manage.py", "export_report", case.identifier, "--out", str(out),
                           "--user", "gwen"], cwd=ROOT, env=process_env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["version"] == 1 and out.read_bytes() == bytes(Report.objects.get(pk=report.pk).pdf)
    assert AuditEvent.objects.filter(object_type="report", action="export", username="gwen",
                                     path="manage.py export_report").exists()
    refused = subprocess.run([sys.executable, "manage.py", "export_report", case.identifier, "--out", str(out),
                              "--user", "tina"], cwd=ROOT, env=process_env(), capture_output=True, text=True,
                             timeout=120)
    assert refused.returncode == 1 and "export roles" in refused.stderr


@pytest.mark.django_db
def test_a_reported_case_exports_as_a_valid_ga4gh_phenopacket(classified, alice, gwen, client, dept_a):
    from google.protobuf import json_format
    from phenopackets import Phenopacket

    case, variant = classified
    workflow.case_note_add(case=case, by=alice, kind="hpo", text="Nyctalopia HP:0000662, reduced ERG HP:0000654")
    report = services.report_draft_start(case=case, by=alice)
    workflow.case_submit_for_review(case=case, by=alice, reviewer=gwen)
    services.report_sign_out(report=report, by=gwen)
    client.force_login(alice)
    response = client.get(f"/cases/{case.pk}/phenopacket.json")
    assert response.status_code == 200
    packet = json_format.Parse(response.content.decode(), Phenopacket())  # the schema validates it
    assert packet.subject.id == "ADM1059A2" and packet.meta_data.phenopacket_schema_version == "2.0"
    assert [f.type.id for f in packet.phenotypic_features] == ["HP:0000654", "HP:0000662"]
    # labels from the pinned HPO, not the ids again; the HPO version named in the resources
    assert [f.type.label for f in packet.phenotypic_features] == [
        "Decreased light- and dark-adapted electroretinogram amplitude", "Nyctalopia"]
    assert next(r for r in packet.meta_data.resources if r.id == "hp").version not in ("", "unknown")
    # the condition was named in words only: kept in words, not coded as a generic "disease"
    diagnosis = packet.interpretations[0].diagnosis
    assert diagnosis.disease.label == "Retinitis pigmentosa 35" and diagnosis.disease.id != "NCIT:C2991"
    (finding,) = packet.interpretations[0].diagnosis.genomic_interpretations
    descriptor = finding.variant_interpretation.variation_descriptor
    assert (descriptor.vcf_record.chrom, descriptor.vcf_record.pos, descriptor.gene_context.symbol) == (
        "1", 156146640, "SEMA4A")
    assert any(e.syntax == "hgvs.p" and e.value.endswith("p.Arg713Gln") for e in descriptor.expressions)
    assert descriptor.allelic_state.id == "GENO:0000135"
    assert AuditEvent.objects.filter(object_type="phenopacket", action="export", username="alice").exists()
    client.force_login(make_user("tina", department=dept_a, role=Role.TUMOR_BOARD_MEMBER))
    assert client.get(f"/cases/{case.pk}/phenopacket.json").status_code == 403


@pytest.mark.django_db
def test_a_department_uploads_its_letterhead_and_texts_and_the_report_uses_them(classified, alice, gwen, client):
    import base64

    case, _ = classified
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    )
    client.force_login(alice)
    assert client.post("/report-template/", {"letterhead": "Rigshospitalet\nKlinisk Genetisk Klinik",
                                             "methods": "Our methods text.", "limitations": "",
                                             "letterhead_image": io.BytesIO(b"not an image")}).status_code == 302
    from interpret.reporting.models import ReportTemplate
    assert not ReportTemplate.objects.filter(letterhead_image_type="image/png").exists()
    upload = io.BytesIO(png)
    upload.name = "logo.png"
    client.post("/report-template/", {"letterhead": "Rigshospitalet\nKlinisk Genetisk Klinik",
                                      "methods": "Our methods text.", "limitations": "", "letterhead_image": upload})
    template = ReportTemplate.objects.get(department=case.department)
    assert template.letterhead_image_type == "image/png" and bytes(template.letterhead_image) == png
    report = services.report_draft_start(case=case, by=alice)
    workflow.case_submit_for_review(case=case, by=alice, reviewer=gwen)
    text = pdf_text(bytes(services.report_sign_out(report=report, by=gwen).pdf))
    assert "Rigshospitalet" in text and "Our methods text." in text and "Short-read genome sequencing" in text
    client.force_login(make_user("carla", department=case.department, role=Role.VARIANT_CURATOR))
    assert client.get("/report-template/").status_code == 403


def test_report_templates_have_one_channel_the_departments_page_not_the_admin_site():
    from django.contrib import admin

    from interpret.reporting.models import ReportTemplate

    assert ReportTemplate not in admin.site._registry  # administrators would otherwise bypass the geneticist rule


@pytest.mark.django_db
def test_the_report_names_the_classified_transcript_and_an_amendment_may_correct_it_with_its_reason(
        classified, alice, gwen, client):
    from core.models import AuditEvent
    from interpret.classification.models import Classification

    case, variant = classified
    final = Classification.objects.get(variant=variant, status="final")
    report = services.report_draft_start(case=case, by=alice)
    fact = report.facts["variants"][0]
    assert (fact["gene"], fact["transcript"], fact["hgvsc"]) == (final.gene, final.transcript, final.hgvsc)
    assert fact["named_by"] == "the transcript the classification was made on"
    other = next(t for t in fact["transcripts"] if t != fact["transcript"])
    # a first report cannot rename it: the classification names it
    with pytest.raises(workflow.WorkflowError, match="corrected in an amendment"):
        services.report_draft_update(report=report, by=alice, lock_version=report.lock_version, fields={},
                                     transcript_corrections={str(variant.pk): {"transcript": other, "reason": "x"}})
    workflow.case_submit_for_review(case=case, by=alice, reviewer=gwen)
    services.report_sign_out(report=report, by=gwen)
    case = workflow.case_reopen(case=Case.objects.get(pk=case.pk), by=alice, reason="new_evidence",
                                text="The clinician asks for the RefSeq transcript")
    amended = services.report_amend(case=case, by=alice, reason="Transcript corrected")
    with pytest.raises(workflow.WorkflowError, match="say why"):
        services.report_draft_update(report=amended, by=alice, lock_version=amended.lock_version, fields={},
                                     transcript_corrections={str(variant.pk): {"transcript": other, "reason": ""}})
    with pytest.raises(workflow.WorkflowError, match="not one of"):
        services.report_draft_update(report=amended, by=alice, lock_version=amended.lock_version, fields={},
                                     transcript_corrections={str(variant.pk): {"transcript": "ENST0000000",
                                                                               "reason": "typo"}})
    # through the page, as the amendment form posts it
    client.force_login(alice)
    client.post(f"/reports/{amended.pk}/", {"lock_version": amended.lock_version, "variant_ids": [variant.pk],
                                            f"transcript_{variant.pk}": other,
                                            f"transcript_reason_{variant.pk}": "the lab reports on this transcript"})
    amended.refresh_from_db()
    fact = amended.facts["variants"][0]
    assert fact["transcript"] == other and fact["named_by"] == ("corrected in this amendment: the lab reports on "
                                                                "this transcript")
    assert AuditEvent.objects.filter(object_type="report", object_id=str(amended.pk),
                                     details__transcript_corrected__isnull=False).exists()
    assert "corrected in this amendment" in services.report_preview_html(amended)


@pytest.mark.django_db
def test_the_draft_preview_renders_and_the_report_states_its_methods_in_words(classified, alice, client):
    case, _ = classified
    from interpret.analysis.engine import run_analysis

    run = run_analysis(case, {"genome_wide": True, "inheritance": ["de_novo"]}, user=alice).filter_run
    report = services.report_draft_start(case=case, by=alice)
    report = services.report_draft_update(report=report, by=alice, lock_version=report.lock_version, fields={},
                                          filter_run_ids=[run.pk])
    html = services.report_preview_html(report)
    assert "Inheritance: de novo." in html and "Genome-wide" in html
    assert "min_tumour_vaf" not in html and "{'" not in html  # words, not a Python dict; no tumour filter
    client.force_login(alice)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    # the draft's HTML is escaped once into the iframe's srcdoc: it renders (a raw quote would end the attribute)
    srcdoc = page.split('srcdoc="', 1)[1].split('" data-testid="report-preview"', 1)[0]
    assert "&lt;table" in srcdoc and "<table" not in srcdoc and "Reported variants" in srcdoc


def test_identifiers_in_the_printed_page_margins_are_css_escaped_not_javascript_escaped():
    from interpret.templatetags.clinical import css_string

    assert css_string("DEMO-FOETAL-0001") == "DEMO-FOETAL-0001"
    assert css_string('A "quoted" <name>') == 'A \\22 quoted\\22  \\3C name\\3E '
