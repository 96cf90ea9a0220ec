"""Telling a person what others did to their account. Changes that concern an account's security (its password
set by an administrator, its second factor replaced or removed, its superuser or staff standing) are audit rows
marked as notices; at every sign-in the person is shown the notices of the last ACCOUNT_NOTICE_DAYS (and any
since their previous sign-in), so a change they did not make cannot pass unseen, even when whoever made it signed
in as them first. The audit log is the one record: nothing else is stored."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.utils import timezone

from core.models import AuditEvent

NOTICE_TEXT = {
    "password": "your password was set by {actor}",
    "second_factor": "your second factor was {change} by {actor}",
    "account": "your account's standing was changed by {actor}",
}


def account_notices_to_tell(user) -> list[AuditEvent]:
    previous_login = (AuditEvent.objects.filter(user=user, action=AuditEvent.Action.LOGIN, object_type="session")
                      .order_by("-timestamp").values_list("timestamp", flat=True).first())
    since = timezone.now() - timedelta(days=settings.ACCOUNT_NOTICE_DAYS)
    if previous_login is not None and previous_login < since:
        since = previous_login
    notices = AuditEvent.objects.filter(details__account=user.get_username(), details__notice=True,
                                        timestamp__gt=since)
    return list(notices.order_by("timestamp"))


def account_notice_text(event: AuditEvent) -> str:
    template = NOTICE_TEXT.get(event.object_type, "your account was changed by {actor}")
    what = template.format(actor=event.username or "an unknown actor", change=event.details.get("change", "changed"))
    where = f" from {event.ip_address}" if event.ip_address else ""
    return f"{event.timestamp:%Y-%m-%d %H:%M} UTC: {what}{where}."


def account_notices_tell(request, user) -> None:
    """Show the person at sign-in what was done to their account since they last signed in."""
    if request is None or not hasattr(request, "_messages"):
        return
    for event in account_notices_to_tell(user):
        messages.warning(request, "Since your last sign-in, " + account_notice_text(event)
                         + " If this was not expected, tell your administrator.")
