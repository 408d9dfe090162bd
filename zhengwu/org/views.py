"""The login with lockout (django-axes) and the TOTP second factor (django-otp) for staff roles.

Logout is Django's ``LogoutView`` (POST only); the session ends there, and org/accounts.py audits it."""

from __future__ import annotations

import base64

import segno
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengwu.core import audit
from zhengwu.org.accounts import otp_required_for, safe_next
from zhengwu.org.forms import LoginForm, OtpTokenForm


class LoginView(auth_views.LoginView):
    """Password first (Django's login: a new session id), then the second factor for staff when it is on."""

    template_name = "registration/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)
        second = otp_required_for(user)
        audit.record(actor=user, action="auth.login", obj=user, payload={"second_factor_pending": second})
        target = self.get_success_url()
        if second:
            return redirect(f"{reverse('otp_verify')}?{urlencode({'next': target})}")
        return redirect(target)


def _next(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code of the user's authenticator app."""
    user = request.user
    if not otp_required_for(user) or user.is_verified():
        return redirect(_next(request))
    if not any(devices_for_user(user, confirmed=True)):
        return redirect(f"{reverse('otp_enroll')}?{urlencode({'next': _next(request)})}")
    form = OtpTokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        device = match_token(user, form.cleaned_data["token"]) if form.is_valid() else None
        if device is not None:
            otp_login(request, device)
            audit.record(actor=user, action="auth.otp_verified", obj=user)
            return redirect(_next(request))
        if form.is_valid():
            form.add_error("token", _("动态口令不正确或已过期。"))
            audit.record(actor=user, action="auth.otp_failed", obj=user)
        status = 422
    return render(request, "org/otp_verify.html", {"form": form, "next": _next(request)}, status=status)


@login_required
def otp_enroll(request: HttpRequest) -> HttpResponse:
    """First login of a staff user: bind an authenticator app (QR code and secret), confirmed by one code."""
    user = request.user
    if not otp_required_for(user) or user.is_verified():
        return redirect(_next(request))
    if any(devices_for_user(user, confirmed=True)):
        # A bound device is replaced only by the security administrator (docs/accounts.md).
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("动态口令"), confirmed=False)
    form = OtpTokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(actor=user, action="auth.otp_enrolled", obj=user, payload={"device": device.pk})
            otp_login(request, device)
            return redirect(_next(request))
        if form.is_valid():
            form.add_error("token", _("动态口令不正确或已过期。"))
        status = 422
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    return render(request, "org/otp_enroll.html",
                  {"form": form, "next": _next(request), "secret": secret, "qr": qr}, status=status)
