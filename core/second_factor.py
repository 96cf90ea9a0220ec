"""A second factor at sign-in: time-based one-time passwords (TOTP, RFC 6238) from an authenticator app, through
django-otp. Clinical roles and every account with administrative rights need one when REQUIRE_SECOND_FACTOR is
set (the default with HTTPS); anyone may enrol. Every enrolment and failed code is audited.

A confirmed device is the factor itself: replacing it needs a session already verified with it and the password
again, and removing it (an administrator's reset for a lost phone) is audited with its actor; both are account
notices the person is shown at their next sign-in (core.account_notices). Its secret is never shown again after
enrolment, not even in the admin site."""
from __future__ import annotations

import io

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import user_is_administrator
from core.audit import Action, AuditContext, audit_record
from core.models import PATIENT_DATA_ROLES, Membership

DEVICE_NAME = "authenticator app"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_required(user) -> bool:
    """Must this user enrol a second factor before opening anything? Clinical roles and administrators (superusers
    and staff too), when the setting says so."""
    if not settings.REQUIRE_SECOND_FACTOR:
        return False
    return bool(user.is_staff or user_is_administrator(user)
                or Membership.objects.filter(user=user, role__in=PATIENT_DATA_ROLES).exists())


class ReplacementRefused(PermissionDenied):
    pass


def replacement_problem(*, user, verified: bool, password: str | None) -> str | None:
    """Why ``user`` may not replace their confirmed device now, or None (no confirmed device: a first enrolment)."""
    if confirmed_device(user) is None:
        return None
    if not verified:
        return ("Enter a code from your current authenticator app first; if it is lost, an administrator resets "
                "your second factor.")
    if password is not None and not user.check_password(password):
        return "Replacing your authenticator app needs your password: that password was wrong."
    return None


def enrolment_device(user) -> TOTPDevice:
    """The user's unconfirmed device (a new secret), shown until a first code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def enrolment_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, drawn here (no service is asked)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def enrolment_confirm(*, user, token: str, verified: bool, password: str | None,
                      audit: AuditContext | None = None) -> TOTPDevice | None:
    """A first code from the app confirms the user's new device (the view then marks the session verified). When
    it replaces a confirmed one, the session must be verified with the old device and the password given again
    (ReplacementRefused otherwise, audited)."""
    problem = replacement_problem(user=user, verified=verified, password=password or "")
    if problem:
        audit_record(action=Action.LOGIN_FAILED, user=user, audit=audit, object_type="second_factor",
                     details={"reason": "replacement refused", "why": problem})
        raise ReplacementRefused(problem)
    device = enrolment_device(user)
    if not device.verify_token(_digits(token)):
        audit_record(action=Action.LOGIN_FAILED, user=user, audit=audit, object_type="second_factor",
                     details={"reason": "wrong code at enrolment"})
        return None
    replaced = list(TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
                    .values_list("pk", flat=True))
    TOTPDevice.objects.filter(pk__in=replaced).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    details = {"enrolled": DEVICE_NAME, "account": user.get_username()}
    if replaced:
        details.update(change="replaced", replaced_devices=replaced, notice=True)
    audit_record(action=Action.CHANGE, user=user, audit=audit, object_type="second_factor", object_id=device.pk,
                 details=details)
    return device


def second_factor_reset(*, device: TOTPDevice, by, audit: AuditContext | None = None) -> None:
    """An administrator removes a person's device (a lost phone): they enrol anew at their next sign-in, and are
    told who removed it."""
    if not user_is_administrator(by):
        raise PermissionDenied("Only administrators reset another person's second factor.")
    owner = device.user
    audit_record(action=Action.CHANGE, user=by, audit=audit, object_type="second_factor", object_id=device.pk,
                 details={"account": owner.get_username(), "change": "removed", "notice": True})
    device.delete()


def code_verify(*, user, token: str, audit: AuditContext | None = None) -> TOTPDevice | None:
    """A code from the enrolled app (django-otp throttles repeated failures); the device, or None."""
    device = confirmed_device(user)
    if device is None or not device.verify_token(_digits(token)):
        audit_record(action=Action.LOGIN_FAILED, user=user, audit=audit, object_type="second_factor",
                     details={"reason": "wrong or throttled code"})
        return None
    audit_record(action=Action.LOGIN, user=user, audit=audit, object_type="second_factor", object_id=device.pk)
    return device


def _digits(token: str) -> str:
    return "".join(ch for ch in str(token or "") if ch.isdecimal())[:8]
