import re

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from genomes.errors import InputFileError
from genomes.forms import CaseImportForm
from genomes.importing import CaseImportError
from genomes.selectors import case_get_for_view, case_list_for_group, case_overview
from genomes.uploads import case_import_from_upload
from interpret.access import departments_with_patient_access
from interpret.audit import Action, audit_record
from interpret.models import Department, PatientGroup


def patient_group_cases(request, code: str):
    group = get_object_or_404(PatientGroup, code=code)
    cases = case_list_for_group(request.user, group)
    # The list names pseudonymous case ids of patients: a view of patient data.
    audit_record(action=Action.VIEW, request=request, object_type="case_list", object_id=group.code)
    return render(request, "genomes/case_list.html", {"group": group, "cases": cases, "active_group": group.code})


def case_detail(request, case_id: int):
    case = case_get_for_view(request=request, case_id=case_id)
    contamination = plot = None
    if case.analysis_type == "foetal" or case.patient_group.code == "FOETAL":
        import json

        from interpret.contamination import contamination_plot, estimate_contamination

        contamination = estimate_contamination(case)
        plot = json.dumps(contamination_plot(contamination)) if contamination else None
    return render(request, "genomes/case_detail.html", {
        "contamination": contamination, "contamination_plot": plot,
        "case": case, "shares": case.shares.select_related("department"), "active_group": case.patient_group.code,
        "filter_runs": case.filter_runs.select_related("user", "preset").prefetch_related(
            "panel_versions__panel")[:20],
        **case_overview(case),
    })


def case_import(request):
    departments = Department.objects.filter(pk__in=departments_with_patient_access(request.user))
    if not departments:
        audit_record(action=Action.ACCESS_DENIED, request=request, object_type="case_import")
        raise PermissionDenied("Importing cases needs a clinical or laboratory role in a department.")
    form = CaseImportForm(request.POST or None, request.FILES or None, departments=departments,
                          initial={"patient_group": request.GET.get("group")})
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case_import_obj = case_import_from_upload(data, created_by=request.user)
        except (InputFileError, CaseImportError) as exc:
            error = _without_upload_folder(str(exc))
        else:
            url = reverse("job_detail", args=[case_import_obj.job_id])
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    template = "genomes/_import_form.html" if request.headers.get("HX-Request") else "genomes/case_import.html"
    return render(request, template, {"form": form, "error": error})


def _without_upload_folder(message: str) -> str:
    """Name the uploaded file as the user knows it, not by its storage path."""
    return re.sub(r"\S*/uploads/[0-9a-f]{32}/", "", message)
