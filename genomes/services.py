"""Writing cases, and opening one: the department boundary with its audit trail."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.access import departments_with_patient_access
from core.audit import Action, AuditContext, audit_record
from core.errors import NotFound
from core.models import ApiToken, Department, Membership
from genomes.models import Case, CaseShare
from genomes.selectors import cases_visible_to


class CaseNotFound(NotFound):
    """No such case, or another department's: the same answer, so that a case's existence is not disclosed."""


def case_open(*, user, case_id, token: ApiToken | None = None, audit: AuditContext | None = None) -> Case:
    """The case whose patient data ``user`` opens, with the view audited; or the refusal audited and raised.

    A case of another department raises CaseNotFound (404 on the web) rather than a refusal, so that its
    existence is not disclosed; a member of the owning department without a clinical role (e.g. a researcher)
    gets PermissionDenied.
    """
    case = cases_visible_to(user, token=token).filter(pk=case_id).first()
    if case is None:
        owner = Case.objects.filter(pk=case_id).values_list("department__code", flat=True).first()
        audit_record(action=Action.ACCESS_DENIED, user=user, audit=audit, object_type="case", object_id=case_id,
                     department_code=owner or "",
                     details={"reason": "case not visible to the user" if owner else "no such case"})
        if owner and token is None and Membership.objects.filter(user=user, department__code=owner).exists():
            refusal = PermissionDenied("Your role in this department does not include patient data.")
        else:
            refusal = CaseNotFound("No such case")
        refusal.audited = True  # written above, with the case it was about
        raise refusal
    audit_record(action=Action.VIEW, user=user, audit=audit, object_type="case", object_id=case.pk,
                 department_code=case.department.code, details={"identifier": case.identifier})
    return case


@transaction.atomic
def case_share(*, case: Case, department: Department, granted_by, reason: str,
               audit: AuditContext | None = None) -> CaseShare:
    """Let another department see a case. Only clinical members of the owning department may share."""
    if case.department_id not in departments_with_patient_access(granted_by):
        raise PermissionDenied("Only clinical members of the owning department can share a case.")
    if not reason.strip():
        raise ValidationError("Sharing a case needs a reason")
    share, _ = CaseShare.objects.get_or_create(
        case=case, department=department, defaults={"granted_by": granted_by, "reason": reason}
    )
    audit_record(action=Action.SHARE, user=granted_by, audit=audit, object_type="case", object_id=case.pk,
                 department_code=case.department.code, details={"shared_with": department.code, "reason": reason})
    return share


class CaseWithdrawError(Exception):
    """A case's variants cannot be withdrawn now (an import of it is running)."""


def case_variants_withdraw(*, case: Case, by, reason: str, audit: AuditContext | None = None) -> dict:
    """Take a case's variants out of the national store (consent withdrawn, a sample found to be wrong): its
    case variants go, with their national observations, in one transaction; its imports stay as history (none
    current) and the case awaits data again. National variants nobody carries or refers to any more go too.

    Only clinical members of the owning department may; the withdrawal is audited with its reason."""
    from core.models import Job
    from genomes.importing.storage import lock_national_variants, national_variants_forget
    from genomes.observations import observations_add, observations_snapshot, observations_withdraw
    from genomes.persons import families_of_case, families_split

    if case.department_id not in departments_with_patient_access(by):
        raise PermissionDenied("Only clinical members of the owning department can withdraw a case's variants.")
    if not reason.strip():
        raise ValidationError("Withdrawing a case's variants needs a reason")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.imports.filter(job__state__in=[Job.State.QUEUED, Job.State.RUNNING]).exists():
            raise CaseWithdrawError(f"an import into case {case.identifier} is queued or running; wait for it")
        with transaction.get_connection().cursor() as cursor:
            lock_national_variants(cursor, wait=True)
            # The case's families as they count now, then as they count without it: its persons move to their
            # other cases' samples, and a family it alone linked falls apart again.
            families = families_of_case(cursor, case.pk)
            observations_snapshot(cursor, families)
            cursor.execute("DROP TABLE IF EXISTS withdrawn_variants")
            cursor.execute("CREATE TEMPORARY TABLE withdrawn_variants ON COMMIT DROP AS "
                           "SELECT DISTINCT variant_id FROM genomes_casevariant WHERE case_id = %s", [case.pk])
            cursor.execute("DELETE FROM genomes_casevariant WHERE case_id = %s", [case.pk])
            deleted = cursor.rowcount
            cursor.execute("UPDATE genomes_caseimport SET is_current = false WHERE case_id = %s AND is_current",
                           [case.pk])
            # its structural and copy-number calls go with it (their files stay as history, none current), and
            # the national SV clusters they were counted in are counted again without them
            from genomes.sv.national import cluster_observations_recount, clusters_of_case

            sv_clusters = clusters_of_case(cursor, case.pk)
            cursor.execute("DELETE FROM genomes_structuralvariant WHERE case_id = %s", [case.pk])
            structural = cursor.rowcount
            cursor.execute("UPDATE genomes_structuralvariantimport SET is_current = false "
                           "WHERE case_id = %s AND is_current", [case.pk])
            cluster_observations_recount(cursor, sv_clusters)
            from genomes.mt.national import mt_alleles_of_case, mt_observations_recount
            from genomes.str.national import str_loci_of_case, str_observations_recount

            str_loci, mt_alleles = str_loci_of_case(cursor, case.pk), mt_alleles_of_case(cursor, case.pk)
            cursor.execute("DELETE FROM genomes_strcall WHERE case_id = %s", [case.pk])  # its repeat calls too
            repeats = cursor.rowcount
            cursor.execute("DELETE FROM genomes_mtvariant WHERE case_id = %s", [case.pk])  # and mitochondrial ones
            mitochondrial = cursor.rowcount
            str_observations_recount(cursor, str_loci)
            mt_observations_recount(cursor, mt_alleles)
            cursor.execute("UPDATE genomes_mtimport SET is_current = false WHERE case_id = %s AND is_current",
                           [case.pk])
            cursor.execute("UPDATE genomes_strimport SET is_current = false WHERE case_id = %s AND is_current",
                           [case.pk])
            withdrawn = observations_withdraw(cursor)
            observations_add(cursor, families_split(cursor, families))
            national_variants_forget(cursor, "withdrawn_variants")
        Case.objects.filter(pk=case.pk).update(import_state=Case.ImportState.AWAITING_DATA)
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="case", object_id=case.pk,
                     department_code=case.department.code,
                     details={"withdrawn": "case variants", "rows": deleted, "structural_calls": structural,
                              "repeat_calls": repeats, "mitochondrial_calls": mitochondrial,
                              "reason": reason})
    return {"case": case.identifier, "case_variants_removed": deleted, "structural_calls_removed": structural,
            "repeat_calls_removed": repeats, "mitochondrial_calls_removed": mitochondrial,
            "observation_rows_changed": withdrawn}
