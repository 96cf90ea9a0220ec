"""A user's own account: changing the password, and the second factor (enrolment, the code at sign-in)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from core.audit import Action
from core.second_factor import (
    code_verify,
    confirmed_device,
    enrolment_confirm,
    enrolment_device,
    enrolment_qr_svg,
)
from core.web import audit_context, audit_request


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change (old password, the validators), audited."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_request(self.request, action=Action.CHANGE, object_type="password",
                      object_id=self.request.user.pk)
        messages.success(self.request, "Your password was changed.")
        return response


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse_lazy("home")


def otp_setup(request):
    """Enrol an authenticator app: its secret as a QR code and as text, then a first code confirms it."""
    device = enrolment_device(request.user)
    if request.method == "POST":
        confirmed = enrolment_confirm(user=request.user, token=request.POST.get("token", ""),
                                      audit=audit_context(request))
        if confirmed is not None:
            otp_login(request, confirmed)
            messages.success(request, "Your authenticator app is enrolled; sign-ins now ask for its code.")
            return redirect(_next(request))
        messages.error(request, "That code did not match: check the app's clock and enter the current code.")
    return render(request, "registration/otp_setup.html", {
        "qr_svg": enrolment_qr_svg(device), "secret": device.config_url.split("secret=")[1].split("&")[0],
        "replacing": confirmed_device(request.user) is not None, "next": request.GET.get("next", "")})


def otp_verify(request):
    """The code from the enrolled app, after the password."""
    if request.method == "POST":
        device = code_verify(user=request.user, token=request.POST.get("token", ""), audit=audit_context(request))
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        messages.error(request, "That code did not match.")
    return render(request, "registration/otp_verify.html", {"next": request.GET.get("next", "")})
