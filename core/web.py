"""What views and API views share: the audit context of a request, and writing a view's own audit rows.

The HTTP side of core.audit; services below never see a request.
"""
from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from core.audit import Action, AuditContext, audit_record
from core.errors import NotFound, QuotaExceeded
from core.models import ApiToken

_FROM_REQUEST = object()


def client_ip(request) -> str | None:
    """The client's address, the same for the audit log and the login lockout (AXES_CLIENT_IP_CALLABLE).

    Behind TRUSTED_PROXY_COUNT reverse proxies (TRUST_X_FORWARDED_FOR), each proxy appends the address it
    received the request from to X-Forwarded-For, and a client can write anything in front of those: the
    client is the entry the outermost trusted proxy appended, counted from the right, never the first.
    """
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.TRUST_X_FORWARDED_FOR:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            candidate = hops[-min(settings.TRUSTED_PROXY_COUNT, len(hops))]
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


def local_next(request, default: str) -> str:
    """The ``next`` a form or link asks to go to after it, when it is a path on this site; else ``default``.

    Only a local path is followed: "/cases/1/" yes; "https://elsewhere", "//elsewhere", "/\\elsewhere" and
    anything with a scheme or host no, so no page of the platform sends a user on to another site."""
    target = (request.POST.get("next") if request.method == "POST" else None) or request.GET.get("next") or ""
    target = target.strip()
    if (target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target
            and url_has_allowed_host_and_scheme(target, allowed_hosts=set(), require_https=False)):
        return target
    return default


def posted_number(value, name: str) -> int:
    """A whole number a form or query sent (a lock version, a run, an id), or a ValidationError naming the field:
    "abc", "1e3", "²" and twenty digits are refused before they reach int() or the database."""
    from django.core.exceptions import ValidationError

    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdecimal() and len(text) <= 18):
        raise ValidationError(f"{name}: {text[:40]!r} is not a whole number")
    return int(text)


def posted_numbers(values, name: str) -> list[int]:
    return [posted_number(value, name) for value in values]


def error_text(error) -> str:
    """A refusal or a validation error as one line for the page (every message of a ValidationError)."""
    from django.core.exceptions import ValidationError

    return "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def audit_refusal(request, error, *, object_type: str = "", object_id: object = "") -> None:
    """Every refusal goes to the audit log, whichever layer said no and however the view answers it (a 403, a
    404, a message on the page). Written here, after the refused service's transaction rolled back, and once:
    a refusal already audited where it happened (genomes.services.case_open) is marked ``audited``."""
    from django.core.exceptions import PermissionDenied

    if getattr(error, "audited", False) or not isinstance(error, (PermissionDenied, NotFound, Http404)):
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    audit_record(action=Action.ACCESS_DENIED, user=user, audit=audit_context(request), object_type=object_type,
                 object_id=object_id, details={"reason": str(error)[:300]})
    try:
        error.audited = True
    except AttributeError:
        pass


def api_exception_handler(exc, context):
    """DRF's handler, with the domain errors answered like the pages: NotFound 404, QuotaExceeded 429."""
    # Imported here: DRF's views module loads the authentication classes, which import this module.
    from django.core.exceptions import PermissionDenied
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework.exceptions import NotFound as DrfNotFound
    from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
    from rest_framework.exceptions import Throttled
    from rest_framework.exceptions import ValidationError as DrfValidationError
    from rest_framework.views import exception_handler

    request = context.get("request")
    if isinstance(exc, (NotFound, Http404, PermissionDenied)):
        audit_refusal(request, exc)
    elif (isinstance(exc, (DrfNotFound, DrfPermissionDenied)) and not getattr(exc, "audited", False)
          and request is not None and request.user.is_authenticated):
        audit_refusal(request, PermissionDenied(str(exc.detail)))
    if isinstance(exc, NotFound):
        exc = Http404(str(exc))
    elif isinstance(exc, QuotaExceeded):
        exc = Throttled(detail=str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = DrfValidationError({"error": "; ".join(exc.messages)})
    elif isinstance(exc, (OperationalError, InterfaceError)):
        from rest_framework.exceptions import APIException

        unavailable = APIException("The database is not available at the moment; nothing was changed. Try again.")
        unavailable.status_code = 503
        exc = unavailable
    return exception_handler(exc, context)
