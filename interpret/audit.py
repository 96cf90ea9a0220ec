"""Writing the audit log. Every view of patient data and every refusal goes through ``audit_record``."""
from __future__ import annotations

import ipaddress
import logging

from django.conf import settings

from interpret.models import ApiToken, AuditEvent

logger = logging.getLogger(__name__)

Action = AuditEvent.Action


def client_ip(request) -> str | None:
    """The client's address; X-Forwarded-For is believed only when TRUST_X_FORWARDED_FOR is set."""
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.TRUST_X_FORWARDED_FOR and request.META.get("HTTP_X_FORWARDED_FOR"):
        candidate = request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def audit_record(
    *,
    action: str,
    request=None,
    user=None,
    username: str | None = None,
    object_type: str = "",
    object_id: object = "",
    department_code: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one event, in the caller's transaction when there is one.

    Requests are not wrapped in a transaction (no ATOMIC_REQUESTS), so a
    refusal recorded just before a view raises 403/404 is kept.
    """
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    token = getattr(request, "auth", None) if request is not None else None
    event = AuditEvent.objects.create(
        user=user,
        username=username if username is not None else (user.get_username() if user else ""),
        api_token_prefix=token.prefix if isinstance(token, ApiToken) else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        department_code=department_code,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
        method=((request.method or "") if request is not None else ""),
        path=(request.get_full_path()[:500] if request is not None else ""),
        details=details or {},
    )
    return event
