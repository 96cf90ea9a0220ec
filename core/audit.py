"""Writing the audit log. Every view of patient data, every change and every refusal goes through
``audit_record``.

Services take the acting user and an ``AuditContext`` (where the action came from), never the HTTP request;
views build the context from their request (core.web.audit_context) or write their own rows with
core.web.audit_request. Commands and jobs pass no context.
"""
from __future__ import annotations

import contextvars
import getpass
import json
import logging
import socket
import sys
from dataclasses import dataclass

from django.db import transaction

from core.models import AuditEvent

logger = logging.getLogger(__name__)
# Each committed audit row as one JSON line, for a copy off this host (settings.AUDIT_SYSLOG_ADDRESS): whoever
# takes over the server or the database cannot take back what was already shipped.
shipping = logging.getLogger("interpret.audit")

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

# Who is acting, for rows written where no service was handed the actor (core.signals: an account or a
# membership saved by the admin site, a shell, a command). Set per request by core.middleware.ActingUserMiddleware
# to a function of the request, read lazily: an API request's user is known only once DRF has read its token.
_acting: contextvars.ContextVar[object | None] = contextvars.ContextVar("acting", default=None)


def acting_request_set(actor):
    """``actor``: a function returning (user, AuditContext) of the request being served."""
    return _acting.set(actor)


def acting_request_reset(marker) -> None:
    _acting.reset(marker)


def acting_user() -> tuple[object | None, str, AuditContext]:
    """(user, username, context) of whoever acts now: the signed-in user of the request, else the operating-system
    account running this command or job, named so that no change is written with an empty actor."""
    actor = _acting.get()
    if actor is not None:
        user, audit = actor()
        if user is not None and user.is_authenticated:
            return user, user.get_username(), audit
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        os_user = "unknown"
    program = " ".join(sys.argv[:2])[-80:] if sys.argv else ""
    return None, f"system: {os_user}@{socket.gethostname()} ({program})"[:150], NO_CONTEXT


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
    event = AuditEvent.objects.create(
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
    if shipping.isEnabledFor(logging.INFO):
        line = json.dumps(audit_line(event), default=str, sort_keys=True)
        transaction.on_commit(lambda: shipping.info(line))  # a row rolled back was never in the log
    return event


def audit_line(event: AuditEvent) -> dict:
    return {"id": event.pk, "timestamp": event.timestamp.isoformat(), "username": event.username,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "department": event.department_code, "ip": event.ip_address, "method": event.method,
            "path": event.path, "token": event.api_token_prefix, "details": event.details}
