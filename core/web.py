"""What views and API views share: the audit context of a request, and writing a view's own audit rows.

The HTTP side of core.audit; services below never see a request.
"""
from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import Http404

from core.audit import AuditContext, audit_record
from core.errors import NotFound
from core.models import ApiToken

_FROM_REQUEST = object()


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


def request_token(request) -> ApiToken | None:
    """The API token a DRF request authenticated with, if any (a page request has none)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def audit_context(request) -> AuditContext:
    """The audit context of a Django or DRF request."""
    if request is None:
        return AuditContext()
    token = request_token(request)
    return AuditContext(
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        method=request.method or "",
        path=request.get_full_path()[:500],
        api_token_prefix=token.prefix if token else "",
    )


def audit_request(request, *, action: str, user=_FROM_REQUEST, **fields):
    """A view's own audit row: the request's user (unless given) and its context."""
    if user is _FROM_REQUEST:
        user = getattr(request, "user", None)
    return audit_record(action=action, user=user, audit=audit_context(request), **fields)


def api_exception_handler(exc, context):
    """DRF's handler, with a domain NotFound answered as 404 like Django's Http404."""
    # Imported here: DRF's views module loads the authentication classes, which import this module.
    from rest_framework.views import exception_handler

    if isinstance(exc, NotFound):
        exc = Http404(str(exc))
    return exception_handler(exc, context)
