from django.shortcuts import get_object_or_404, render

from genomes.selectors import case_get_for_view, cases_visible_to
from interpret.audit import Action, audit_record
from interpret.models import PatientGroup


def patient_group_cases(request, code: str):
    group = get_object_or_404(PatientGroup, code=code)
    cases = cases_visible_to(request.user).filter(patient_group=group).order_by("-created_at")
    # The list names pseudonymous case ids of patients: a view of patient data.
    audit_record(action=Action.VIEW, request=request, object_type="case_list", object_id=group.code)
    return render(request, "genomes/case_list.html", {"group": group, "cases": cases, "active_group": group.code})


def case_detail(request, case_id: int):
    case = case_get_for_view(request=request, case_id=case_id)
    return render(request, "genomes/case_detail.html", {"case": case, "shares": case.shares.select_related("department")})
