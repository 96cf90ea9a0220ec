"""Report pages: draft, edit, preview, sign out, amend, view and download. Thin views over services."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.web import audit_context, audit_refusal, posted_number
from genomes.web import case_for_request
from interpret.analysis.models import FilterRun, VariantTag
from interpret.reporting import services
from interpret.reporting.models import Report
from interpret.workflow.services import WorkflowError


def _report_for_request(request, report_id: int) -> Report:
    """The report, if its case may be opened by the request's user (else 404/403, audited as the case's are)."""
    report = Report.objects.select_related("case", "author", "signed_by", "replaces").filter(pk=report_id).first()
    if report is None:
        raise Http404("no such report")
    case_for_request(request, report.case_id)
    return report


def _refused(request, error: WorkflowError, report=None):
    if error.status == 403:
        audit_refusal(request, PermissionDenied(str(error)), object_type="report",
                      object_id=report.pk if report else "")
        raise PermissionDenied(str(error))
    messages.error(request, str(error))


@require_POST
def report_start(request, case_id: int):
    case = case_for_request(request, case_id)
    try:
        if request.POST.get("amend"):
            report = services.report_amend(case=case, by=request.user, reason=request.POST.get("reason", ""),
                                           audit=audit_context(request))
        else:
            report = services.report_draft_start(case=case, by=request.user, audit=audit_context(request))
    except WorkflowError as error:
        _refused(request, error)
        return redirect("case_detail", case_id=case.pk)
    return redirect("report_detail", report_id=report.pk)


def report_detail(request, report_id: int):
    report = _report_for_request(request, report_id)
    if request.method == "POST":
        try:
            report = services.report_draft_update(
                report=report, by=request.user,
                lock_version=posted_number(request.POST.get("lock_version"), "lock_version"),
                fields={name: request.POST.get(name, "") for name in services.NARRATIVE if name in request.POST},
                variant_ids=request.POST.getlist("variant_ids"),
                secondary_variant_ids=request.POST.getlist("secondary_variant_ids"),
                structural_variant_ids=(request.POST.getlist("structural_variant_ids")
                                        if "structural_variants_shown" in request.POST else None),
                filter_run_ids=request.POST.getlist("filter_run_ids"),
                transcript_corrections=_transcript_corrections_posted(request.POST, report),
                audit=audit_context(request))
            messages.success(request, "Draft saved.")
        except WorkflowError as error:
            _refused(request, error, report)
        return redirect("report_detail", report_id=report.pk)
    services.report_viewed(report=report, by=request.user, audit=audit_context(request))
    case = report.case
    tagged = {}
    for tag in VariantTag.objects.filter(case=case).exclude(tag="dismissed").select_related("variant"):
        tagged.setdefault(tag.variant_id, {"variant": tag.variant, "tags": []})["tags"].append(tag.tag)
    return render(request, "interpret/report_detail.html", {
        "report": report, "case": case, "preview": services.report_preview_html(report),
        "versions": case.reports.order_by("-version"), "tagged": tagged.values(),
        "runs": FilterRun.objects.filter(case=case).select_related("preset").order_by("-created_at")[:20],
        "may_sign": report.status == Report.Status.DRAFT and request.user.pk not in report.edited_by,
        "active_group": case.patient_group.code})


def _transcript_corrections_posted(post, report: Report) -> dict:
    """The amendment form's transcript choices that differ from what the report names now."""
    named = {str(v["variant_id"]): v.get("transcript") for v in report.facts.get("variants", [])}
    corrections = {}
    for key, transcript in post.items():
        if key.startswith("transcript_") and key.removeprefix("transcript_").isdecimal():
            variant_id = key.removeprefix("transcript_")
            if transcript and transcript != named.get(variant_id):
                corrections[variant_id] = {"transcript": transcript,
                                           "reason": post.get(f"transcript_reason_{variant_id}", "")}
    return corrections


@require_POST
def report_sign(request, report_id: int):
    report = _report_for_request(request, report_id)
    try:
        services.report_sign_out(report=report, by=request.user, audit=audit_context(request))
        messages.success(request, f"Report version {report.version} signed out.")
    except WorkflowError as error:
        _refused(request, error, report)
    return redirect("report_detail", report_id=report.pk)


def report_pdf(request, report_id: int):
    report = _report_for_request(request, report_id)
    try:
        data = services.report_download(report=report, by=request.user, audit=audit_context(request))
    except WorkflowError as error:
        if error.status == 403:
            audit_refusal(request, PermissionDenied(str(error)), object_type="report", object_id=report.pk)
            raise PermissionDenied(str(error)) from None
        raise Http404(str(error)) from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="report-{report.case.identifier}-'
                                       f'v{report.version}.pdf"')
    return response


def case_phenopacket(request, case_id: int):
    """The case as a GA4GH Phenopacket v2 (JSON): an export, for the export roles."""
    from core.access import user_may_export
    from core.audit import Action
    from core.web import audit_request
    from interpret.reporting.phenopacket import case_phenopacket as build
    from interpret.reporting.phenopacket import phenopacket_json

    case = case_for_request(request, case_id)
    if not user_may_export(request.user, case.department):
        refusal = PermissionDenied("Exporting a case follows the export roles.")
        audit_refusal(request, refusal, object_type="phenopacket", object_id=case.pk)
        raise refusal
    text = phenopacket_json(build(case, created_by=request.user.get_username()))
    audit_request(request, action=Action.EXPORT, object_type="phenopacket", object_id=case.pk,
                  department_code=case.department.code, details={"format": "GA4GH Phenopacket v2"})
    response = HttpResponse(text, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{case.identifier}.phenopacket.json"'
    return response


def report_template_edit(request):
    """A department's report letterhead and fixed texts (its clinical geneticists keep them)."""
    from core.models import Department, Role
    from interpret.reporting import defaults
    from interpret.reporting.models import ReportTemplate

    departments = list(Department.objects.filter(memberships__user=request.user,
                                                 memberships__role=Role.CLINICAL_GENETICIST).distinct())
    if not departments:
        refusal = PermissionDenied("Report templates are kept by a department's clinical geneticists.")
        audit_refusal(request, refusal, object_type="report_template")
        raise refusal
    department = next((d for d in departments if d.code == request.GET.get("department")), departments[0])
    if request.method == "POST":
        upload = request.FILES.get("letterhead_image")
        try:
            services.report_template_save(
                department=department, by=request.user, letterhead=request.POST.get("letterhead", ""),
                methods=request.POST.get("methods", ""), limitations=request.POST.get("limitations", ""),
                footer=request.POST.get("footer", ""), image=upload.read(services.LETTERHEAD_IMAGE_MAX_BYTES + 1)
                if upload else None, remove_image=bool(request.POST.get("remove_image")),
                audit=audit_context(request))
            messages.success(request, f"Report template of {department.code} saved.")
        except WorkflowError as error:
            _refused(request, error)
        return redirect(f"{request.path}?department={department.code}")
    template = ReportTemplate.objects.filter(department=department).first()
    return render(request, "interpret/report_template.html", {
        "departments": departments, "department": department, "template": template, "defaults": defaults})
