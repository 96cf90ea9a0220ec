"""DRF authentication with department-scoped API tokens (``Authorization: Bearer <token>``), and the throttles
that come before any audit row: a failed token is audited, but a flood of them is refused (429) without
writing a row each, and anonymous calls are counted per address.

DRF checks its throttles after authentication and permissions, so a request that fails authentication never
reaches them; these counts therefore live here, in the authenticators, keyed by the client address
(core.web.client_ip) in the shared cache."""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.throttling import UserRateThrottle

from core.audit import Action
from core.models import ApiToken
from core.tokens import api_token_find
from core.web import audit_request, client_ip

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60


def count_in_window(kind: str, request) -> int:
    """Requests of ``kind`` from this client address in the current minute (the cache is the counter)."""
    key = f"throttle:{kind}:{client_ip(request) or 'unknown'}:{int(timezone.now().timestamp()) // WINDOW_SECONDS}"
    try:
        if cache.add(key, 1, WINDOW_SECONDS * 2):
            return 1
        return cache.incr(key)
    except Exception:  # noqa: BLE001 - a cache outage must not lock everyone out; the audit still records
        logger.warning("throttle counter unavailable", exc_info=True)
        return 0


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        try:
            header = authentication.get_authorization_header(request).split()
            keyword = header[0].lower().decode("ascii") if header else ""
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: not ASCII") from None
        if keyword not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: expected 'Bearer <token>'")
        raw = header[1].decode(errors="replace")
        token = api_token_find(raw)
        if token is None:
            failures = count_in_window("bad-token", request._request)
            if failures > settings.BAD_TOKENS_PER_MINUTE:
                if failures == settings.BAD_TOKENS_PER_MINUTE + 1:  # one row says the rest were refused
                    audit_request(request._request, action=Action.ACCESS_DENIED, user=None, username="",
                                  object_type="api_token", details={"reason": "too many bad tokens; throttled"})
                raise exceptions.Throttled(wait=WINDOW_SECONDS, detail="Too many failed API token attempts")
            audit_request(request._request, action=Action.LOGIN_FAILED, user=None, username="",
                          object_type="api_token", object_id=raw.split(".")[0][:12],
                          details={"reason": "unknown, expired or revoked API token"})
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked API token")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"


class AnonymousThrottle(authentication.BaseAuthentication):
    """Last in the chain: reached only by calls no authenticator recognised. Counts them per address and
    refuses (429) above ANONYMOUS_API_CALLS_PER_MINUTE; otherwise lets DRF answer 401/403 as usual."""

    def authenticate(self, request):
        if count_in_window("anonymous", request._request) > settings.ANONYMOUS_API_CALLS_PER_MINUTE:
            raise exceptions.Throttled(wait=WINDOW_SECONDS)
        return None


class UserCallsThrottle(UserRateThrottle):
    """Signed-in users and tokens: at most API_CALLS_PER_MINUTE_PER_USER calls a minute per user, whichever of
    their tokens (or their session) makes them; a batch script past it gets 429 with Retry-After."""

    scope = "user"

    def get_rate(self) -> str:
        return f"{settings.API_CALLS_PER_MINUTE_PER_USER}/min"


class AdministratorPermissionBackend:
    """The admin site's model permissions come from the platform's own rule, not Django's permission tables: an
    administrator (core.access.user_is_administrator, made by a two-administrator role grant) may manage the
    account models; no one else may, whatever permissions or groups a row says. It authenticates no one."""

    ADMINISTERED_APPS = frozenset({"core", "otp_totp"})

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        from core.access import user_is_administrator

        return perm.split(".", 1)[0] in self.ADMINISTERED_APPS and user_obj.is_active \
            and user_is_administrator(user_obj)

    def has_module_perms(self, user_obj, app_label):
        from core.access import user_is_administrator

        return app_label in self.ADMINISTERED_APPS and user_obj.is_active and user_is_administrator(user_obj)
