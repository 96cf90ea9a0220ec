"""Giving and taking roles. Every change of a membership is in the append-only audit log, whatever the channel
(these services, the admin site, a shell: core.signals audits the Membership rows themselves). A privileged
role needs a second administrator's approval; taking a role away takes effect at once."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.access import user_is_administrator
from core.audit import Action, AuditContext, audit_record
from core.models import PATIENT_DATA_ROLES, Department, Membership, Role, RoleGrant

# Roles that open patient data, or that administer (and could otherwise approve their own next grant).
PRIVILEGED_ROLES = frozenset(PATIENT_DATA_ROLES | {Role.ADMINISTRATOR})


def _require_administrator(user) -> None:
    if not user_is_administrator(user):
        raise PermissionDenied("Only administrators give and take roles.")


def _audit(grant: RoleGrant, by, audit, what: str) -> None:
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="role_grant", object_id=grant.pk,
                 department_code=grant.department.code,
                 details={what: True, "user": grant.user.username, "role": grant.role, "reason": grant.reason})


def role_grant_problem(*, user, department: Department, role: str, reason: str) -> str | None:
    """Why a grant cannot be asked for, or None."""
    if role not in Role.values:
        return f"{role!r} is not a role"
    if not " ".join((reason or "").split()):
        return "Giving a role needs a reason"
    if Membership.objects.filter(user=user, department=department, role=role).exists():
        return f"{user.username} already has that role in {department.code}"
    if RoleGrant.objects.filter(user=user, department=department, role=role, status=RoleGrant.Status.PENDING).exists():
        return f"a grant of that role to {user.username} in {department.code} is already waiting"
    return None


@transaction.atomic
def role_grant_request(*, by, user, department: Department, role: str, reason: str,
                       audit: AuditContext | None = None) -> RoleGrant:
    """Ask for ``role`` for ``user`` in ``department``: granted at once if it is not privileged, else waiting for a
    second administrator."""
    _require_administrator(by)
    problem = role_grant_problem(user=user, department=department, role=role, reason=reason)
    if problem:
        raise ValidationError(problem)
    reason = " ".join(reason.split())
    grant = RoleGrant.objects.create(user=user, department=department, role=role, reason=reason, requested_by=by)
    _audit(grant, by, audit, "requested")
    if role not in PRIVILEGED_ROLES:
        _grant(grant, by)
    return grant


def _grant(grant: RoleGrant, by) -> None:
    grant.status, grant.decided_by, grant.decided_at = RoleGrant.Status.APPROVED, by, timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    Membership.objects.get_or_create(user=grant.user, department=grant.department, role=grant.role)


@transaction.atomic
def role_grant_approve(*, grant_id: int, by, audit: AuditContext | None = None) -> RoleGrant:
    """A second administrator, neither the one who asked nor the account itself, makes a waiting grant real."""
    _require_administrator(by)
    grant = RoleGrant.objects.select_for_update().select_related("user", "department").get(pk=grant_id)
    if grant.status != RoleGrant.Status.PENDING:
        raise ValidationError(f"this grant is already {grant.get_status_display().lower()}")
    if by.pk == grant.requested_by_id:
        raise PermissionDenied("A role is approved by a second administrator, not by the one who asked for it.")
    if by.pk == grant.user_id:
        raise PermissionDenied("No one approves a role for their own account.")
    _grant(grant, by)
    _audit(grant, by, audit, "approved")
    return grant


@transaction.atomic
def role_grant_reject(*, grant_id: int, by, audit: AuditContext | None = None) -> RoleGrant:
    _require_administrator(by)
    grant = RoleGrant.objects.select_for_update().select_related("user", "department").get(pk=grant_id)
    if grant.status != RoleGrant.Status.PENDING:
        raise ValidationError(f"this grant is already {grant.get_status_display().lower()}")
    grant.status, grant.decided_by, grant.decided_at = RoleGrant.Status.REJECTED, by, timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    _audit(grant, by, audit, "rejected")
    return grant


@transaction.atomic
def membership_revoke(*, membership_id: int, by, reason: str, audit: AuditContext | None = None) -> None:
    """Take a role away (at once: less access needs no second person)."""
    _require_administrator(by)
    membership = Membership.objects.select_related("user", "department").get(pk=membership_id)
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="membership", object_id=membership.pk,
                 department_code=membership.department.code,
                 details={"revoked": True, "user": membership.user.username, "role": membership.role,
                          "reason": " ".join((reason or "").split())})
    membership.delete()
