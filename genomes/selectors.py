"""Reading cases with the department boundary applied."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from genomes.models import Case, CaseImport, Individual
from genomes.pedigree_drawing import pedigree_svg
from genomes.qc import mendelian_error_rate, sample_qc
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


def case_list_for_group(user, group) -> QuerySet[Case]:
    """Cases of a patient group the user may see, with proband and stored-variant count for the list."""
    current = CaseImport.objects.filter(case=OuterRef("pk"), is_current=True)
    proband = Individual.objects.filter(case=OuterRef("pk"), is_proband=True)
    return (cases_visible_to(user).filter(patient_group=group)
            .annotate(variant_count=Subquery(current.values("variants_stored")[:1]),
                      proband_id=Subquery(proband.values("individual_id")[:1]))
            .order_by("-created_at"))


def case_overview(case: Case) -> dict:
    """Everything the case page shows besides the case row: pedigree, samples, imports, QC."""
    individuals = list(case.individuals.all())
    by_pk = {i.pk: i.individual_id for i in individuals}
    drawing = pedigree_svg([
        {"id": i.individual_id, "sex": i.sex, "affection": i.affection, "proband": i.is_proband,
         "father": by_pk.get(i.father_id), "mother": by_pk.get(i.mother_id)} for i in individuals
    ]) if individuals else ""
    samples = list(case.samples.select_related("individual").order_by("position"))
    imports = list(case.imports.select_related("job").order_by("-created_at"))
    current = next((i for i in imports if i.is_current), None)
    qc = None
    if current and current.statistics:
        stats = current.statistics
        qc = {
            "samples": sample_qc(stats, [(s.vcf_sample_name, s.individual.individual_id, s.individual.sex)
                                         for s in samples]),
            "mendelian_error_rate": mendelian_error_rate(stats),
            "mendelian_sites": stats.get("mendelian_sites"),
            "ti_tv": stats.get("ti_tv"),
            "by_type": stats.get("by_type", {}),
            "by_consequence": stats.get("by_consequence", {}),
            "skipped": stats.get("skipped", {}),
            "records": stats.get("records"), "kept": stats.get("kept"),
        }
    sample_rows = list(zip(samples, qc["samples"] if qc else [None] * len(samples)))
    return {"pedigree_svg": drawing, "sample_rows": sample_rows, "imports": imports, "current_import": current,
            "qc": qc}
