"""API tokens for service accounts (batch jobs, curator tools)."""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import Action, AuditContext, audit_record
from core.models import ApiToken, Department, Membership

TOKEN_PREFIX_LENGTH = 8


@transaction.atomic
def api_token_create(
    *, user, name: str, department_codes: Iterable[str], expires_at: datetime | None = None, by=None,
    audit: AuditContext | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored and shown only now.

    A token can only narrow its user's access: every department it names must be
    one the user belongs to.
    """
    codes = sorted(set(department_codes))
    if not codes:
        raise ValidationError("An API token needs at least one department")
    departments = list(Department.objects.filter(code__in=codes))
    unknown = set(codes) - {d.code for d in departments}
    if unknown:
        raise ValidationError(f"Unknown department code(s): {', '.join(sorted(unknown))}")
    member_of = set(Membership.objects.filter(user=user).values_list("department__code", flat=True))
    outside = set(codes) - member_of
    if outside:
        raise ValidationError(f"{user.username} is not a member of: {', '.join(sorted(outside))}")
    prefix = secrets.token_hex(TOKEN_PREFIX_LENGTH // 2)
    raw = f"{prefix}.{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=ApiToken.digest_of(raw), expires_at=expires_at
    )
    token.departments.set(departments)
    audit_record(action=Action.CREATE, user=by, audit=audit, object_type="api_token", object_id=token.prefix,
                 details={"account": user.username, "name": name, "departments": codes,
                          "expires_at": expires_at.isoformat() if expires_at else None})
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by=None, audit: AuditContext | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="api_token", object_id=token.prefix,
                     details={"account": token.user.username, "revoked": True})
    return token


def api_token_find(raw: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    return token
