"""Writing cases."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from genomes.models import Case, CaseShare
from interpret.access import departments_with_patient_access
from interpret.audit import Action, audit_record
from interpret.models import Department, PatientGroup


@transaction.atomic
def case_create(
    *, identifier: str, patient_group: PatientGroup, department: Department, analysis_type: str, created_by=None
) -> Case:
    if analysis_type not in Case.AnalysisType.values:
        raise ValidationError(f"Unknown analysis type {analysis_type!r}; use one of {', '.join(Case.AnalysisType.values)}")
    if analysis_type in (Case.AnalysisType.TUMOUR_NORMAL, Case.AnalysisType.TUMOUR_ONLY) and (
        patient_group.kind == PatientGroup.Kind.GERMLINE
    ):
        raise ValidationError(f"Patient group {patient_group.code} is germline only; {analysis_type} is somatic")
    case = Case.objects.create(
        identifier=identifier, patient_group=patient_group, department=department,
        analysis_type=analysis_type, created_by=created_by,
    )
    audit_record(action=Action.CREATE, user=created_by, object_type="case", object_id=case.pk,
                 department_code=department.code, details={"identifier": identifier})
    return case


@transaction.atomic
def case_share(*, case: Case, department: Department, granted_by, reason: str, request=None) -> CaseShare:
    """Let another department see a case. Only clinical members of the owning department may share."""
    if case.department_id not in departments_with_patient_access(granted_by):
        raise PermissionDenied("Only clinical members of the owning department can share a case.")
    if not reason.strip():
        raise ValidationError("Sharing a case needs a reason")
    share, _ = CaseShare.objects.get_or_create(
        case=case, department=department, defaults={"granted_by": granted_by, "reason": reason}
    )
    audit_record(action=Action.SHARE, request=request, user=granted_by, object_type="case", object_id=case.pk,
                 department_code=case.department.code, details={"shared_with": department.code, "reason": reason})
    return share
