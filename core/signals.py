"""Logins, logouts, failed logins and lockouts go to the audit log."""
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.audit import Action
from core.web import audit_request


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_request(request, action=Action.LOGIN, user=user, object_type="session")


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_request(request, action=Action.LOGOUT, user=user, object_type="session")


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_request(request, action=Action.LOGIN_FAILED, user=None,
        username=str(credentials.get("username", ""))[:150], object_type="session",
    )


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    audit_request(request, action=Action.LOCKED_OUT, user=None, username=(username or "")[:150],
        object_type="session", details={"ip_address": ip_address},
    )
