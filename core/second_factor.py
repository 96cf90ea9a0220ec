"""A second factor at sign-in: time-based one-time passwords (TOTP, RFC 6238) from an authenticator app, through
django-otp. Clinical roles need one when REQUIRE_SECOND_FACTOR is set (the default with HTTPS); anyone may
enrol. Every enrolment and failed code is audited."""
from __future__ import annotations

import io

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import Action, AuditContext, audit_record
from core.models import PATIENT_DATA_ROLES, Membership

DEVICE_NAME = "authenticator app"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_required(user) -> bool:
    """Must this user enrol a second factor before opening anything? Clinical roles, when the setting says so."""
    return bool(settings.REQUIRE_SECOND_FACTOR and Membership.objects.filter(
        user=user, role__in=PATIENT_DATA_ROLES).exists())


def enrolment_device(user) -> TOTPDevice:
    """The user's unconfirmed device (a new secret), shown until a first code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def enrolment_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, drawn here (no service is asked)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def enrolment_confirm(*, user, token: str, audit: AuditContext | None = None) -> TOTPDevice | None:
    """A first code from the app confirms the user's new device (the view then marks the session verified)."""
    device = enrolment_device(user)
    if not device.verify_token(_digits(token)):
        audit_record(action=Action.LOGIN_FAILED, user=user, audit=audit, object_type="second_factor",
                     details={"reason": "wrong code at enrolment"})
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action=Action.CHANGE, user=user, audit=audit, object_type="second_factor", object_id=device.pk,
                 details={"enrolled": DEVICE_NAME})
    return device


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
    return "".join(ch for ch in str(token or "") if ch.isdigit())[:8]
