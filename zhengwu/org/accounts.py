"""Accounts (DOMAIN.md §14; docs/accounts.md): session lifetimes, the TOTP second factor's gate, ending a user's
sessions, the lockout page and the audit events of logins, failures and lockouts.

* The idle timeout is Django's (``SESSION_COOKIE_AGE`` renewed by every request); the absolute lifetime
  (``ZHENGWU["SESSION_ABSOLUTE_SECONDS"]``) is counted from the login time this module stores in the session.
* A staff user (``org.roles.STAFF_ROLES``) must pass a TOTP code after the password when
  ``ZHENGWU["OTP_REQUIRED"]``; until then every page sends them to the verification (or enrolment) page and the
  API answers 403 ``otp_required``.
* :func:`sessions_end` ends every session of a user, with the database and with the cache session backends.
  The session hash also covers the role (``User._get_session_auth_hash``), so a role change ends the user's
  other sessions on their next request even where a session could not be found.
"""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any, Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout, user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from zhengwu.core import audit
from zhengwu.core.middleware import client_ip
from zhengwu.org.roles import STAFF_ROLES

LOGIN_AT_KEY = "zw_login_at"
_INDEX_KEY = "zw:user-sessions:{}"
_INDEX_MAX = 100
#: paths a signed-in staff user may reach before passing the second factor
_OTP_OPEN_NAMES = ("login", "logout", "otp_verify", "otp_enroll", "health")
_OTP_OPEN_PREFIXES = ("/static/", "/i18n/")


def config(name: str) -> Any:
    return settings.ZHENGWU[name]


def otp_required_for(user: Any) -> bool:
    """Whether ``user`` must pass a TOTP code after the password (staff roles, when OTP is on)."""
    return bool(config("OTP_REQUIRED") and getattr(user, "is_authenticated", False)
                and getattr(user, "role", None) in STAFF_ROLES)


def safe_next(request: HttpRequest, value: str | None) -> str:
    """``value`` when it is a path on this site, else the dashboard."""
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


# --- ending sessions -----------------------------------------------------------------------------------------------

def _session_store() -> type:
    return import_module(settings.SESSION_ENGINE).SessionStore


def _remember_session(user: Any, session_key: str | None) -> None:
    """Keep the user's session keys in the cache (the cache session backend cannot be searched)."""
    if not session_key:
        return
    key = _INDEX_KEY.format(user.pk)
    keys = [k for k in (cache.get(key) or []) if k != session_key][-(_INDEX_MAX - 1):]
    cache.set(key, [*keys, session_key], timeout=max(int(config("SESSION_ABSOLUTE_SECONDS")), 1))


def sessions_end(user: Any) -> int:
    """End every session of ``user``; returns how many were found. With a database-backed session engine the
    session table is searched; with any engine the keys remembered at login are deleted too."""
    store = _session_store()
    keys = set(cache.get(_INDEX_KEY.format(user.pk)) or [])
    if issubclass(store, DbSessionStore):
        from django.contrib.sessions.models import Session

        for row in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if str(row.get_decoded().get(SESSION_KEY)) == str(user.pk):
                keys.add(row.session_key)
    ended = 0
    for key in keys:
        session = store(session_key=key)
        if session.exists(key) and str(session.get(SESSION_KEY)) == str(user.pk):
            session.delete(key)
            ended += 1
    cache.delete(_INDEX_KEY.format(user.pk))
    return ended


# --- signals: login time, session index, audit -------------------------------------------------------------------

@receiver(user_logged_in, dispatch_uid="zhengwu.org.accounts.logged_in")
def _on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[LOGIN_AT_KEY] = time.time()
    _remember_session(user, request.session.session_key)


@receiver(user_logged_out, dispatch_uid="zhengwu.org.accounts.logged_out")
def _on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and request is not None and getattr(request, "_zw_logout_reason", None) is None:
        audit.record(actor=user, action="auth.logout", obj=user)


@receiver(user_login_failed, dispatch_uid="zhengwu.org.accounts.login_failed")
def _on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                     **kwargs: Any) -> None:
    # The name as typed (someone may type a password there: it is cut short); no password is ever recorded.
    username = str(credentials.get("username") or "")[:64]
    audit.record(actor="anonymous", action="auth.login_failed", obj=("auth.login", username or "-"),
                 payload={"username": username, "ip": client_ip(request) if request is not None else None})


def _on_locked_out(sender: Any, request: HttpRequest | None, username: str | None = None,
                   ip_address: str | None = None, **kwargs: Any) -> None:
    name = str(username or "")[:64]
    audit.record(actor="anonymous", action="auth.lockout", obj=("auth.login", name or "-"),
                 payload={"username": name, "ip": ip_address,
                          "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)})


def connect_signals() -> None:
    """Called by ``OrgConfig.ready`` (axes' signal module imports models)."""
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_locked_out, dispatch_uid="zhengwu.org.accounts.locked_out")


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """The login page with one message for a locked account and a locked address alike: it never tells whether
    the account exists (an unknown name is locked the same way)."""
    from zhengwu.org.forms import LoginForm

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("登录失败次数过多,已暂时锁定,请 %(minutes)d 分钟后再试。") % {"minutes": minutes}
    if request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        return JsonResponse({"code": "locked_out", "message": message, "field": None}, status=429)
    return render(request, "registration/login.html",
                  {"form": LoginForm(request), "lockout_message": message, "next": request.POST.get("next", "")},
                  status=429)


# --- middleware ----------------------------------------------------------------------------------------------------

class SessionSecurityMiddleware:
    """After authentication: end a session older than the absolute lifetime, and hold a staff user who has not
    passed the second factor at the verification page (web) or refuse them (API)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        login_at = session.get(LOGIN_AT_KEY)
        if login_at is None:
            session[LOGIN_AT_KEY] = time.time()
        elif time.time() - float(login_at) > int(config("SESSION_ABSOLUTE_SECONDS")):
            user = request.user
            if user.is_authenticated:
                request._zw_logout_reason = "expired"  # type: ignore[attr-defined]
                audit.record(actor=user, action="auth.session_expired", obj=user,
                             payload={"lifetime_seconds": int(config("SESSION_ABSOLUTE_SECONDS"))})
            logout(request)
            return None
        user = request.user
        if not otp_required_for(user) or user.is_verified():
            return None
        path = request.path
        if path.startswith(_OTP_OPEN_PREFIXES) or any(path == reverse(name) for name in _OTP_OPEN_NAMES):
            return None
        if path.startswith("/api/"):
            return JsonResponse({"code": "otp_required", "message": _("请先完成动态口令验证。"), "field": None},
                                status=403)
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': request.get_full_path()})}")
