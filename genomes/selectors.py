"""Reading cases with the department boundary applied."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from genomes.models import Case
from interpret.access import departments_with_patient_access
from interpret.audit import Action, audit_record
from interpret.models import ApiToken


def visible_case_filter(department_ids: list[int], *, prefix: str = "") -> Q:
    """Cases owned by, or explicitly shared with, one of these departments."""
    return Q(**{f"{prefix}department_id__in": department_ids}) | Q(
        **{f"{prefix}shares__department_id__in": department_ids}
    )


def cases_visible_to(user, *, token: ApiToken | None = None) -> QuerySet[Case]:
    department_ids = departments_with_patient_access(user, token=token)
    if not department_ids:
        return Case.objects.none()
    visible_ids = Case.objects.filter(visible_case_filter(department_ids)).values("id")
    return Case.objects.filter(id__in=visible_ids).select_related("patient_group", "department")


def case_get_for_view(*, request, case_id: int, token: ApiToken | None = None) -> Case:
    """Fetch a case for display and audit the view, or audit the refusal and raise.

    A case of another department answers 404 rather than 403, so that its
    existence is not disclosed; a member of the owning department without a
    clinical role (e.g. a researcher) gets 403.
    """
    case = cases_visible_to(request.user, token=token).filter(pk=case_id).first()
    if case is None:
        owner = Case.objects.filter(pk=case_id).values_list("department__code", flat=True).first()
        audit_record(
            action=Action.ACCESS_DENIED, request=request, object_type="case", object_id=case_id,
            department_code=owner or "",
            details={"reason": "case not visible to the user" if owner else "no such case"},
        )
        if owner and token is None and request.user.memberships.filter(department__code=owner).exists():
            raise PermissionDenied("Your role in this department does not include patient data.")
        raise Http404("No such case")
    audit_record(
        action=Action.VIEW, request=request, object_type="case", object_id=case.pk,
        department_code=case.department.code, details={"identifier": case.identifier},
    )
    return case
