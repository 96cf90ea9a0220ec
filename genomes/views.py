from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.access import departments_with_patient_access
from core.audit import Action
from core.errors import InputFileError
from core.models import Department, PatientGroup
from core.web import audit_request
from genomes.forms import CaseImportForm
from genomes.importing.prepare import CaseImportError
from genomes.importing.uploads import case_import_from_upload, upload_refusal
from genomes.selectors import case_list_for_group


def patient_group_cases(request, code: str):
    group = get_object_or_404(PatientGroup, code=code)
    cases = case_list_for_group(request.user, group)
    # The list names pseudonymous case ids of patients: a view of patient data.
    audit_request(request, action=Action.VIEW, object_type="case_list", object_id=group.code)
    return render(request, "genomes/case_list.html", {"group": group, "cases": cases, "active_group": group.code})


def case_import(request):
    departments = Department.objects.filter(pk__in=departments_with_patient_access(request.user))
    if not departments:
        audit_request(request, action=Action.ACCESS_DENIED, object_type="case_import")
        refusal = PermissionDenied("Importing cases needs a clinical or laboratory role in a department.")
        refusal.audited = True
        raise refusal
    initial = {"patient_group": request.GET.get("group")}
    if len(departments) == 1:  # the user's one department, preselected
        initial["department"] = departments[0].code
    form = CaseImportForm(request.POST or None, request.FILES or None, departments=departments, initial=initial)
    error = None
    refused = upload_refusal(request) if request.method == "POST" else None
    if refused is not None:
        error = str(refused)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case_import_obj = case_import_from_upload(data, created_by=request.user)
        except (InputFileError, CaseImportError) as exc:
            error = str(exc)
        else:
            url = reverse("job_detail", args=[case_import_obj.job_id])
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    template = "genomes/_import_form.html" if request.headers.get("HX-Request") else "genomes/case_import.html"
    return render(request, template, {"form": form, "error": error})

