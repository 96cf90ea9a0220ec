"""A user's own account: changing the password, and the second factor (enrolment, the code at sign-in)."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django_otp import login as otp_login

from core.audit import Action
from core.authentication import WINDOW_SECONDS, count_in_window
from core.second_factor import (
    ReplacementRefused,
    code_verify,
    confirmed_device,
    enrolment_confirm,
    enrolment_device,
    enrolment_qr_svg,
    replacement_problem,
)
from core.web import audit_context, audit_request, local_next


class Login(auth_views.LoginView):
    """Django's sign-in form, throttled per client address (core.authentication.count_in_window, as the API's bad
    tokens): a flood of attempts naming many usernames is refused with 429 and one audit row, not one row each."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        attempts = count_in_window("login", request)
        if attempts > settings.LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS:
            if attempts == settings.LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS + 1:
                audit_request(request, action=Action.ACCESS_DENIED, user=None, username="", object_type="session",
                              details={"reason": "too many sign-in attempts from this address; throttled"})
            response = HttpResponse("Too many sign-in attempts from this address: wait a minute and try again.",
                                    status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)


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
    return local_next(request, default=str(reverse_lazy("home")))


def otp_setup(request):
    """Enrol an authenticator app: its secret as a QR code and as text, then a first code confirms it. Replacing
    an enrolled app needs this session verified with it first, and the password again."""
    replacing = confirmed_device(request.user) is not None
    if replacing and not request.user.is_verified():
        # The password alone must not swap the second factor: no new secret is even shown.
        problem = replacement_problem(user=request.user, verified=False, password=None)
        if request.method == "POST":
            audit_request(request, action=Action.LOGIN_FAILED, object_type="second_factor",
                          details={"reason": "replacement refused", "why": problem})
        messages.error(request, problem)
        return redirect(f"{reverse('otp_verify')}?next={reverse('otp_setup')}")
    device = enrolment_device(request.user)
    if request.method == "POST":
        try:
            confirmed = enrolment_confirm(user=request.user, token=request.POST.get("token", ""),
                                          verified=request.user.is_verified(),
                                          password=request.POST.get("password", ""), audit=audit_context(request))
        except ReplacementRefused as refused:
            confirmed = None
            messages.error(request, str(refused))
        else:
            if confirmed is not None:
                otp_login(request, confirmed)
                messages.success(request, "Your authenticator app is replaced; the old one no longer works."
                                 if replacing else "Your authenticator app is enrolled; sign-ins now ask for its code.")
                return redirect(_next(request))
            messages.error(request, "That code did not match: check the app's clock and enter the current code.")
    return render(request, "registration/otp_setup.html", {
        "qr_svg": enrolment_qr_svg(device), "secret": device.config_url.split("secret=")[1].split("&")[0],
        "replacing": replacing, "next": _next(request)})


def otp_verify(request):
    """The code from the enrolled app, after the password."""
    if request.method == "POST":
        device = code_verify(user=request.user, token=request.POST.get("token", ""), audit=audit_context(request))
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        messages.error(request, "That code did not match.")
    return render(request, "registration/otp_verify.html", {"next": _next(request)})
