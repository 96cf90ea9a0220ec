"""Clinical reports: drafted from the case by a geneticist, signed out by a second one (never the author nor
anyone who edited the draft), then frozen; amended only by a new version that names the one it replaces.
Viewing a report is audited; downloading its PDF is an export (export roles). Services take the acting user."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.access import user_may_export
from core.audit import Action, AuditContext, audit_record
from genomes.models import Case, CaseVariant
from interpret.analysis.models import FilterRun, VariantTag
from interpret.reporting.facts import report_facts
from interpret.reporting.models import Report
from interpret.reporting.render import report_html, report_pdf, sha256
from interpret.workflow.services import WorkflowError, case_mark_reported, require_clinical_geneticist

S = Case.Status
NARRATIVE = ("indication", "conclusion", "recommendations", "secondary_findings_consent", "amendment_reason")
REPORTED_TAGS = ("causative", "candidate")


def classified_structural_variants(case: Case) -> list[int]:
    """The case's calls whose event the department has finally classified, other than benign or likely benign:
    a first draft reports them."""
    from interpret.classification.selectors import cnv_classifications_of_case

    return [call_id for call_id, classification in sorted(cnv_classifications_of_case(case).items())
            if classification.status == "final" and classification.result_class not in ("benign", "likely_benign")]


def _refresh_facts(report: Report) -> None:
    report.facts = report_facts(report.case, variant_ids=report.variant_ids,
                                structural_variant_ids=report.structural_variant_ids,
                                secondary_variant_ids=report.secondary_variant_ids,
                                consent=report.secondary_findings_consent, filter_run_ids=report.filter_run_ids,
                                transcript_corrections=report.transcript_corrections)


def report_draft_start(*, case: Case, by, audit: AuditContext | None = None) -> Report:
    """The case's open draft, or a new first draft: the variants tagged causative or candidate, the latest filter
    run. A case with a signed report is amended (report_amend), not drafted anew."""
    require_clinical_geneticist(by, case, "draft a report")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        draft = case.reports.filter(status=Report.Status.DRAFT).first()
        if draft is not None:
            return draft
        if case.reports.filter(status=Report.Status.SIGNED).exists():
            raise WorkflowError("this case has a signed report: amend it (a new version that names what changed)")
        if case.status not in (S.IN_ANALYSIS, S.IN_REVIEW):
            raise WorkflowError(f"case {case.identifier} is {case.get_status_display().lower()}: a report is drafted "
                                "in analysis or review")
        tagged = list(VariantTag.objects.filter(case=case, tag__in=REPORTED_TAGS).order_by("created_at")
                      .values_list("variant_id", flat=True))
        latest_runs = [FilterRun.objects.filter(case=case, kind=kind).order_by("-created_at").values_list(
            "pk", flat=True).first() for kind in FilterRun.Kind.values]
        report = Report(case=case, version=1, author=by, edited_by=[by.pk], variant_ids=list(dict.fromkeys(tagged)),
                        filter_run_ids=[run for run in latest_runs if run],
                        structural_variant_ids=classified_structural_variants(case))
        _refresh_facts(report)
        report.save()
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="report", object_id=report.pk,
                     department_code=case.department.code, details={"case": case.pk, "version": 1})
    return report


def report_amend(*, case: Case, by, reason: str, audit: AuditContext | None = None) -> Report:
    """A new version replacing the latest signed one, saying what changed; its narrative starts as the old one."""
    require_clinical_geneticist(by, case, "amend a report")
    if not (reason or "").strip():
        raise WorkflowError("say what the amendment changes", 400)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.reports.filter(status=Report.Status.DRAFT).exists():
            raise WorkflowError("a draft of this case's report is already open")
        previous = case.reports.filter(status=Report.Status.SIGNED).order_by("-version").first()
        if previous is None:
            raise WorkflowError("nothing to amend: this case has no signed report")
        if case.status not in (S.IN_ANALYSIS, S.IN_REVIEW):
            raise WorkflowError("reopen the case first (with its reason): an amendment goes through analysis and "
                                "review like the first report")
        version = (case.reports.aggregate(Max("version"))["version__max"] or 0) + 1
        report = Report(case=case, version=version, author=by, edited_by=[by.pk], replaces=previous,
                        amendment_reason=reason.strip(), variant_ids=previous.variant_ids,
                        secondary_variant_ids=previous.secondary_variant_ids, filter_run_ids=previous.filter_run_ids,
                        structural_variant_ids=previous.structural_variant_ids,
                        transcript_corrections=previous.transcript_corrections,
                        **{f: getattr(previous, f) for f in ("indication", "conclusion", "recommendations",
                                                             "secondary_findings_consent")})
        _refresh_facts(report)
        report.save()
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="report", object_id=report.pk,
                     department_code=case.department.code,
                     details={"case": case.pk, "version": version, "replaces": previous.version})
    return report


def report_draft_update(*, report: Report, by, lock_version: int, fields: dict, variant_ids=None,
                        secondary_variant_ids=None, filter_run_ids=None, transcript_corrections: dict | None = None,
                        structural_variant_ids=None,
                        audit: AuditContext | None = None) -> Report:
    """The narrative as written, and which variants and runs are reported; the facts are taken again from the
    data. A stale edit (someone saved in between) is refused, not lost. ``transcript_corrections`` ({variant id:
    {"transcript", "reason"}}): an amendment may name a reported variant by another of its annotated transcripts,
    with the reason, which is printed and audited."""
    require_clinical_geneticist(by, report.case, "edit a report")
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("case").get(pk=report.pk)
        if report.status != Report.Status.DRAFT:
            raise WorkflowError("a signed report is frozen: amend it instead")
        if report.lock_version != lock_version:
            raise WorkflowError("the draft was changed by someone else meanwhile: reload it", 409)
        for name in NARRATIVE:
            if name in fields:
                setattr(report, name, (fields[name] or "").strip())
        current = report.case.imports.filter(is_current=True).first()
        for attribute, ids in (("variant_ids", variant_ids), ("secondary_variant_ids", secondary_variant_ids)):
            if ids is not None:
                ids = [int(i) for i in ids]
                present = set(CaseVariant.objects.filter(case_id=report.case_id, case_import=current,
                                                         variant_id__in=ids).values_list("variant_id", flat=True))
                if set(ids) - present:
                    raise WorkflowError(f"variant(s) {sorted(set(ids) - present)} are not in this case's data", 400)
                setattr(report, attribute, list(dict.fromkeys(ids)))
        if structural_variant_ids is not None:
            ids = [int(i) for i in structural_variant_ids]
            present = set(report.case.structural_variants.filter(pk__in=ids).values_list("pk", flat=True))
            if set(ids) - present:
                raise WorkflowError(f"structural call(s) {sorted(set(ids) - present)} are not this case's", 400)
            report.structural_variant_ids = list(dict.fromkeys(ids))
        if filter_run_ids is not None:
            ids = [int(i) for i in filter_run_ids]
            if FilterRun.objects.filter(case=report.case, pk__in=ids).count() != len(set(ids)):
                raise WorkflowError("filter runs must be this case's", 400)
            report.filter_run_ids = list(dict.fromkeys(ids))
        corrected = _transcript_corrections(report, current, transcript_corrections or {})
        if corrected:
            report.transcript_corrections = {**report.transcript_corrections, **corrected}
        if by.pk not in report.edited_by:
            report.edited_by = [*report.edited_by, by.pk]
        report.lock_version += 1
        report.updated_at = timezone.now()
        _refresh_facts(report)
        report.save()
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="report", object_id=report.pk,
                     department_code=report.case.department.code,
                     details={"version": report.version, **({"transcript_corrected": corrected} if corrected else {})})
    return report


def _transcript_corrections(report: Report, current, corrections: dict) -> dict:
    """Checked corrections: an amendment's, of reported variants, to one of the variant's annotated transcripts,
    each with a reason."""
    if not corrections:
        return {}
    if not report.replaces_id:
        raise WorkflowError("the transcript a variant is named by is corrected in an amendment (the classification "
                            "names it in a first report)", 400)
    from genomes import case_variants

    checked = {}
    for variant_id, correction in corrections.items():
        variant_id = int(variant_id)
        transcript, reason = (correction.get("transcript") or "").strip(), (correction.get("reason") or "").strip()
        if variant_id not in [*report.variant_ids, *report.secondary_variant_ids]:
            raise WorkflowError(f"variant {variant_id} is not reported in this version", 400)
        if not reason:
            raise WorkflowError(f"say why the transcript of variant {variant_id} is corrected", 400)
        row = case_variants.row_of_variant(current, variant_id) if current else None
        annotated = (case_variants.transcripts_of(current.pk, current.case_id, [row["id"]]).get(row["id"], [])
                     if row else [])
        if transcript not in {t.get("transcript") for t in annotated}:
            raise WorkflowError(f"{transcript or 'no transcript'} is not one of variant {variant_id}'s annotated "
                                "transcripts", 400)
        checked[str(variant_id)] = {"transcript": transcript, "reason": reason}
    return checked


def report_sign_out(*, report: Report, by, audit: AuditContext | None = None) -> Report:
    """Freeze the draft: facts taken a last time, HTML and PDF stored with their SHA-256; the case moves to
    "report signed out". Never by the author or anyone who edited the draft."""
    case = report.case
    require_clinical_geneticist(by, case, "sign out a report")
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("case", "author", "replaces")
            .get(pk=report.pk)
        )
        if report.status != Report.Status.DRAFT:
            raise WorkflowError("this version is already signed out")
        if by.pk == report.author_id or by.pk in report.edited_by:
            raise WorkflowError("a report is signed out by a second geneticist, never its author or an editor", 403)
        if report.case.status != S.IN_REVIEW:
            raise WorkflowError("send the case for review first: a report is signed out from review")
        if report.replaces_id and not report.amendment_reason:
            raise WorkflowError("an amended report says what changed", 400)
        _refresh_facts(report)
        now = timezone.now()
        report.status, report.signed_by, report.signed_at = Report.Status.SIGNED, by, now
        signer = by.get_full_name() or by.get_username()
        html = report_html(report, report.facts, signed_by=signer, signed_at=timezone.localtime(now))
        pdf = report_pdf(html)
        report.html, report.pdf, report.html_sha256, report.pdf_sha256 = html, pdf, sha256(html), sha256(pdf)
        report.save()
        case_mark_reported(case=report.case, by=by, report_version=report.version, audit=audit)
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="report", object_id=report.pk,
                     department_code=report.case.department.code,
                     details={"signed_out": report.version, "pdf_sha256": report.pdf_sha256})
    return report


def report_viewed(*, report: Report, by, audit: AuditContext | None = None) -> None:
    audit_record(action=Action.VIEW, user=by, audit=audit, object_type="report", object_id=report.pk,
                 department_code=report.case.department.code, details={"version": report.version})


def report_download(*, report: Report, by, via: str = "page", audit: AuditContext | None = None) -> bytes:
    """The signed PDF, for export roles only; logged as an export."""
    if report.status != Report.Status.SIGNED:
        raise WorkflowError(f"report version {report.version} of case {report.case.identifier} is not signed out")
    if not user_may_export(by, report.case.department):
        raise WorkflowError("downloading a report follows the export roles", 403)
    audit_record(action=Action.EXPORT, user=by, audit=audit, object_type="report", object_id=report.pk,
                 department_code=report.case.department.code,
                 details={"version": report.version, "via": via, "pdf_sha256": report.pdf_sha256})
    return bytes(report.pdf)


def report_preview_html(report: Report) -> str:
    """A draft as it would print (facts as saved); a signed report is its stored HTML."""
    if report.status == Report.Status.SIGNED:
        return report.html
    return report_html(report, report.facts)


LETTERHEAD_IMAGE_MAX_BYTES = 512 * 1024
_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def report_template_save(*, department, by, letterhead: str, methods: str, limitations: str, footer: str,
                         image: bytes | None = None, remove_image: bool = False,
                         audit: AuditContext | None = None):
    """A department's letterhead and fixed texts, by one of its clinical geneticists; a logo is a PNG or JPEG of
    at most 512 KiB (checked by its bytes, not its name)."""
    from core.models import Membership, Role
    from interpret.reporting.models import ReportTemplate

    if not Membership.objects.filter(user=by, department=department, role=Role.CLINICAL_GENETICIST).exists():
        raise WorkflowError(f"a report template is kept by the clinical geneticists of {department.code}", 403)
    template, _ = ReportTemplate.objects.get_or_create(department=department)
    template.letterhead, template.methods = letterhead.strip(), methods.strip()
    template.limitations, template.footer = limitations.strip(), footer.strip()
    if image:
        if len(image) > LETTERHEAD_IMAGE_MAX_BYTES:
            raise WorkflowError("the letterhead image is larger than 512 KiB", 400)
        kind = next((t for magic, t in _IMAGE_TYPES.items() if image.startswith(magic)), None)
        if kind is None:
            raise WorkflowError("the letterhead image must be a PNG or JPEG file", 400)
        template.letterhead_image, template.letterhead_image_type = image, kind
    elif remove_image:
        template.letterhead_image, template.letterhead_image_type = None, ""
    template.updated_by, template.updated_at = by, timezone.now()
    template.save()
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="report_template",
                 object_id=template.pk, department_code=department.code,
                 details={"image": template.letterhead_image_type or "none"})
    return template
