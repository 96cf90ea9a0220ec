"""Reads of patient-level rows (variants with genotypes, depths and reads), whatever the channel: a page of the
variant table, an API answer, a CSV export, ``analyse_case``. One rule for all of them:

- a read of more rows than a page shows (VIEW_PAGE_ROWS) is an export: it needs an export role in the case's
  department and is audited as an export with its row count;
- every read counts against the user's daily quota (VIEW_ROWS_PER_DAY for pages, EXPORT_ROWS_PER_DAY for
  exports), so paging or walking regions cannot take out a genome by other means.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from core.access import user_may_export
from core.audit import Action, AuditContext, audit_record
from core.errors import QuotaExceeded
from core.models import Department, PatientDataReads


def is_bulk(rows: int) -> bool:
    return rows > settings.VIEW_PAGE_ROWS


def patient_rows_read(*, user, department: Department, rows: int, object_type: str, object_id,
                      audit: AuditContext | None = None, export: bool = False, details: dict | None = None) -> str:
    """Allow, count and audit a read of ``rows`` patient rows of ``department``; returns "view" or "export".

    Raises PermissionDenied (a bulk read without an export role) or QuotaExceeded, both audited."""
    kind = PatientDataReads.Kind.EXPORT if export or is_bulk(rows) else PatientDataReads.Kind.VIEW
    where = dict(object_type=object_type, object_id=object_id, department_code=department.code)
    if kind == PatientDataReads.Kind.EXPORT and not user_may_export(user, department):
        audit_record(action=Action.ACCESS_DENIED, user=user, audit=audit, **where,
                     details={**(details or {}), "rows": rows, "reason": "a bulk read needs an export role"})
        raise PermissionDenied(f"Reading more than {settings.VIEW_PAGE_ROWS} variant rows at once is an export, "
                               "and your role does not include exports.")
    limit = settings.EXPORT_ROWS_PER_DAY if kind == PatientDataReads.Kind.EXPORT else settings.VIEW_ROWS_PER_DAY
    try:
        with transaction.atomic():
            total = _count(user, kind, rows)
            if total > limit:
                raise QuotaExceeded(f"Today's quota of {limit:,} variant rows ({kind}s) is used up "
                                    f"({total - rows:,} read); ask your department's administrator if you need more.")
    except QuotaExceeded:
        audit_record(action=Action.ACCESS_DENIED, user=user, audit=audit, **where,
                     details={**(details or {}), "rows": rows, "reason": f"daily {kind} quota of {limit} rows"})
        raise
    audit_record(action=Action.EXPORT if kind == PatientDataReads.Kind.EXPORT else Action.VIEW, user=user,
                 audit=audit, **where, details={**(details or {}), "rows": rows})
    return kind


def _count(user, kind: str, rows: int) -> int:
    """Add today's rows and return the day's total (one statement: two requests at once both count)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PatientDataReads._meta.db_table} (user_id, day, kind, rows) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (user_id, day, kind) DO UPDATE SET rows = "
            f"{PatientDataReads._meta.db_table}.rows + EXCLUDED.rows RETURNING rows",
            [user.pk, timezone.localdate(), kind, rows])
        return cursor.fetchone()[0]
