"""Writing the audit log. Every view of patient data, every change and every refusal goes through
``audit_record``.

Services take the acting user and an ``AuditContext`` (where the action came from), never the HTTP request;
views build the context from their request (core.web.audit_context) or write their own rows with
core.web.audit_request. Commands and jobs pass no context.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from core.models import AuditEvent

logger = logging.getLogger(__name__)

Action = AuditEvent.Action


@dataclass(frozen=True)
class AuditContext:
    """Where an action came from: the client's address and agent, the request line, the API token used."""

    ip_address: str | None = None
    user_agent: str = ""
    method: str = ""
    path: str = ""
    api_token_prefix: str = ""


NO_CONTEXT = AuditContext()  # a command or a background job: no client


def audit_record(
    *,
    action: str,
    user=None,
    username: str | None = None,
    audit: AuditContext | None = None,
    object_type: str = "",
    object_id: object = "",
    department_code: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one event, in the caller's transaction when there is one.

    Requests are not wrapped in a transaction (no ATOMIC_REQUESTS), so a
    refusal recorded just before a view raises 403/404 is kept.
    """
    if user is not None and not user.is_authenticated:
        user = None
    audit = audit or NO_CONTEXT
    return AuditEvent.objects.create(
        user=user,
        username=username if username is not None else (user.get_username() if user else ""),
        api_token_prefix=audit.api_token_prefix,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        department_code=department_code,
        ip_address=audit.ip_address,
        user_agent=audit.user_agent,
        method=audit.method,
        path=audit.path,
        details=details or {},
    )
