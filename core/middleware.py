"""Request middleware of the platform: login everywhere but the API, an idle timeout, private answers with a
Content Security Policy, and domain errors as HTTP answers."""
import logging
import secrets
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse

from core.errors import NotFound, QuotaExceeded

logger = logging.getLogger(__name__)


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """Every page needs a logged-in user; the API authenticates itself.

    API requests carry bearer tokens that only DRF understands, so redirecting
    them to the login form would be wrong; DRF's IsAuthenticated default answers
    them with 401/403 instead.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class DomainErrorMiddleware:
    """Pages answer the domain errors raised below a view: NotFound (core.errors) as 404, QuotaExceeded as 429, and
    a ValidationError no view caught as 400 (never a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied

        from core.web import audit_refusal

        if isinstance(exception, (NotFound, Http404, PermissionDenied)):
            audit_refusal(request, exception)
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        if isinstance(exception, QuotaExceeded):
            return HttpResponse(str(exception), status=429, content_type="text/plain; charset=utf-8")
        if isinstance(exception, ValidationError):  # bad input a view did not catch: the caller's to mend
            return HttpResponseBadRequest("; ".join(exception.messages), content_type="text/plain; charset=utf-8")
        if isinstance(exception, DataError):  # a value longer or larger than its column: the caller's to mend
            return HttpResponseBadRequest("A value is too long or out of range for its field; shorten it.",
                                          content_type="text/plain; charset=utf-8")
        if isinstance(exception, (OperationalError, InterfaceError)):
            return database_unavailable(exception)
        return None


def database_unavailable(exception) -> HttpResponse:
    """The database went away during the request (a restart, a failover): the request's transaction was rolled
    back by the server, so nothing is half written; the user is told to try again."""
    logger.warning("database unavailable during a request: %s", exception)
    response = HttpResponse("The database is not available at the moment (restarting?). Nothing was changed; "
                            "try again in a minute.", status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "30"
    return response


class PrivateResponseMiddleware:
    """Every answer of the platform may carry patient data: no browser or proxy keeps a copy
    (Cache-Control: no-store), and pages run only the platform's own scripts (a Content Security Policy;
    static/js/platform.js holds every page's script, inline scripts carry the request's nonce).

    Static files are answered before this middleware runs (WhiteNoise), so they stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        response.setdefault("Content-Security-Policy", content_security_policy(request.csp_nonce))
        return response


def content_security_policy(nonce: str) -> str:
    # Inline style attributes stay allowed (Bootstrap progress bars, plotly's own drawing); scripts do not.
    return "; ".join((
        "default-src 'self'", f"script-src 'self' 'nonce-{nonce}'", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:", "font-src 'self'", "connect-src 'self'", "object-src 'none'",
        "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
    ))


class SessionIdleTimeoutMiddleware:
    """A browser session ends after SESSION_IDLE_MINUTES without a request, besides its SESSION_HOURS length:
    a workstation left open does not stay signed in to patient data."""

    # Touching the session on every request would write it on every request; a minute's precision is enough.
    TOUCH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get("last_activity")
            idle = settings.SESSION_IDLE_MINUTES * 60
            if last is not None and now - last > idle:
                from core.audit import Action
                from core.web import audit_request

                audit_request(request, action=Action.LOGOUT, user=user, object_type="session",
                              details={"reason": f"idle for more than {settings.SESSION_IDLE_MINUTES} minutes"})
                logout(request)
                if request.path_info.startswith("/api/"):
                    return self.get_response(request)  # DRF answers 401/403 for the anonymous caller
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= self.TOUCH_SECONDS:
                request.session["last_activity"] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """A signed-in user with an enrolled authenticator app enters a code before anything else; a clinical user or
    an administrator who must have one (REQUIRE_SECOND_FACTOR) enrols first. API tokens are not sessions and pass.
    The admin site is not an open path: its sign-in leads here too."""

    OPEN_PATHS = ("/otp/", "/logout/", "/login/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path_info
        # request.user is the session's user here: a bearer token is read later, by DRF.
        if (user is not None and user.is_authenticated and not path.startswith(self.OPEN_PATHS)
                and not user.is_verified()):
            from core.second_factor import confirmed_device, second_factor_required

            step = ("otp_verify" if confirmed_device(user) is not None
                    else "otp_setup" if second_factor_required(user) else None)
            if step is not None:
                if path.startswith("/api/"):
                    return JsonResponse({"detail": "This session needs its second factor: sign in again."},
                                        status=403)
                return redirect_to_login(request.get_full_path(), login_url=step)
        return self.get_response(request)


class ActingUserMiddleware:
    """Names the request as the actor of changes written below it without an explicit actor (core.signals)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core.audit import acting_request_reset, acting_request_set
        from core.web import audit_context

        marker = acting_request_set(lambda: (getattr(request, "user", None), audit_context(request)))
        try:
            return self.get_response(request)
        finally:
            acting_request_reset(marker)


class PasswordChangeRequiredMiddleware:
    """An account whose password someone else set (an administrator's reset) opens nothing but the password change
    until its owner picks a new one: whoever set the password cannot use it unseen."""

    OPEN_PATHS = ("/password/", "/logout/", "/login/", "/static/", "/healthz", "/otp/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.password_change_required
                and not request.path_info.startswith(self.OPEN_PATHS)):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": "This account's password was reset: sign in and choose a new one."},
                                    status=403)
            from django.shortcuts import redirect

            return redirect("password_change")  # the page says why (registration/password_change.html)
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """PostgreSQL text cannot hold a NUL byte, and no name, gene, filter or note has one: a request carrying one
    in its path, query, form fields or JSON body is answered 400 before any view reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return HttpResponseBadRequest("The request holds a NUL character, which no field accepts.",
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path_info or any("\x00" in key or any("\x00" in v for v in values)
                                                for key, values in request.GET.lists()):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH"):
            if content_type.startswith("application/json"):
                return b"\\u0000" in request.body or b"\x00" in request.body
            if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())
        return False
