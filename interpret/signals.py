"""Logins, logouts, failed logins and lockouts go to the audit log."""
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from interpret.audit import Action, audit_record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, request=request, user=user, object_type="session")


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.LOGOUT, request=request, user=user, object_type="session")


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        action=Action.LOGIN_FAILED, request=request, user=None,
        username=str(credentials.get("username", ""))[:150], object_type="session",
    )


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        action=Action.LOCKED_OUT, request=request, user=None, username=(username or "")[:150],
        object_type="session", details={"ip_address": ip_address},
    )
