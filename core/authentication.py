"""DRF authentication with department-scoped API tokens: ``Authorization: Bearer <token>``."""
from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from core.audit import Action
from core.models import ApiToken
from core.tokens import api_token_find
from core.web import audit_request


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: expected 'Bearer <token>'")
        raw = header[1].decode(errors="replace")
        token = api_token_find(raw)
        if token is None:
            audit_request(request._request, action=Action.LOGIN_FAILED, user=None, username="",
                object_type="api_token", object_id=raw.split(".")[0][:12],
                details={"reason": "unknown, expired or revoked API token"},
            )
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked API token")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"
