"""The login: generic messages, lockout by account and by IP address (django-axes), audit of logins, failures and
lockouts (DOMAIN.md §14; docs/accounts.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.utils import timezone

from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import TEST_PASSWORD, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
LOCKOUT_TEXT = "登录失败次数过多"
GENERIC_TEXT = "用户名或密码错误"


def attempt(username: str, password: str, *, ip: str = "10.0.0.1", client: Client | None = None):
    client = client or Client()
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(response) -> bool:  # noqa: ANN001
    return SESSION_KEY in response.wsgi_request.session


def test_a_right_password_signs_in_and_is_audited():
    user = make_user(role=Role.WINDOW_CLERK, username="clerk-ok")
    response = attempt("clerk-ok", TEST_PASSWORD)
    assert response.status_code == 302
    assert logged_in(response)
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor_id == user.pk
    assert event.ip == "10.0.0.1"


def test_an_unknown_name_and_a_wrong_password_get_the_same_message():
    make_user(role=Role.WINDOW_CLERK, username="known")
    unknown = attempt("nobody-here", "Wrong-Passw0rd!")
    wrong = attempt("known", "Wrong-Passw0rd!")
    assert unknown.status_code == wrong.status_code == 200
    assert GENERIC_TEXT in unknown.content.decode() and GENERIC_TEXT in wrong.content.decode()
    assert not logged_in(unknown) and not logged_in(wrong)


def test_a_disabled_account_with_the_right_password_gets_the_generic_message():
    make_user(role=Role.WINDOW_CLERK, username="gone", is_active=False)
    response = attempt("gone", TEST_PASSWORD)
    assert GENERIC_TEXT in response.content.decode()
    assert not logged_in(response)


def test_a_failed_login_is_audited_without_the_password():
    make_user(role=Role.WINDOW_CLERK, username="target")
    attempt("target", "Secret-Guess-123")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.payload["username"] == "target"
    assert event.payload["ip"] == "10.0.0.1"
    assert "Secret-Guess-123" not in str(event.payload)


def test_five_failures_lock_the_account_even_from_other_addresses_and_with_the_right_password():
    make_user(role=Role.WINDOW_CLERK, username="victim")
    statuses = [attempt("victim", f"Wrong-{n}-Passw0rd", ip=f"10.1.0.{n + 1}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    locked = attempt("victim", TEST_PASSWORD, ip="10.9.9.9")
    assert locked.status_code == 429
    assert LOCKOUT_TEXT in locked.content.decode()
    assert "30" in locked.content.decode()
    assert not logged_in(locked)


def test_four_failures_do_not_lock_and_a_success_resets_the_count():
    make_user(role=Role.WINDOW_CLERK, username="clumsy")
    for n in range(4):
        attempt("clumsy", f"Wrong-{n}-Passw0rd", ip=f"10.2.0.{n + 1}")
    assert logged_in(attempt("clumsy", TEST_PASSWORD, ip="10.2.0.9"))
    for n in range(4):
        attempt("clumsy", f"Wrong-{n}-Passw0rd", ip=f"10.2.1.{n + 1}")
    assert logged_in(attempt("clumsy", TEST_PASSWORD, ip="10.2.1.9"))


def test_five_failures_from_one_address_with_different_names_lock_that_address_only():
    make_user(role=Role.WINDOW_CLERK, username="innocent")
    for n in range(5):
        attempt(f"guess-{n}", "Wrong-Passw0rd!", ip="10.3.3.3")
    same_ip = attempt("innocent", TEST_PASSWORD, ip="10.3.3.3")
    assert same_ip.status_code == 429
    assert LOCKOUT_TEXT in same_ip.content.decode()
    assert not logged_in(same_ip)
    other_ip = attempt("innocent", TEST_PASSWORD, ip="10.4.4.4")
    assert other_ip.status_code == 302
    assert logged_in(other_ip)


def test_a_locked_unknown_name_and_a_locked_real_account_look_the_same():
    make_user(role=Role.WINDOW_CLERK, username="realone")
    pages = {}
    for name in ("realone", "ghost-account"):
        for n in range(5):
            attempt(name, f"Wrong-{n}-Passw0rd", ip=f"10.5.{len(pages)}.{n + 1}")
        pages[name] = attempt(name, "Wrong-Passw0rd!", ip=f"10.6.{len(pages)}.1")
    assert pages["realone"].status_code == pages["ghost-account"].status_code == 429
    texts = [p.content.decode() for p in pages.values()]
    assert all(LOCKOUT_TEXT in t for t in texts)
    assert "realone" not in texts[0] and "ghost-account" not in texts[1]


def test_the_lockout_is_audited_once_it_happens():
    make_user(role=Role.WINDOW_CLERK, username="locked")
    for n in range(5):
        attempt("locked", f"Wrong-{n}-Passw0rd", ip="10.7.0.1")
    events = list(AuditEvent.objects.filter(action="auth.lockout"))
    assert events, "the fifth failure locks and is audited"
    assert {e.payload["username"] for e in events} == {"locked"}
    assert events[0].payload["minutes"] == 30
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 5


def test_the_lock_ends_after_thirty_minutes():
    make_user(role=Role.WINDOW_CLERK, username="patient")
    for n in range(5):
        attempt("patient", f"Wrong-{n}-Passw0rd", ip="10.8.0.1")
    assert attempt("patient", TEST_PASSWORD, ip="10.8.0.2").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=31))
    assert logged_in(attempt("patient", TEST_PASSWORD, ip="10.8.0.2"))


def test_a_superuser_cannot_sign_in_unless_allowed():
    from django.conf import settings

    make_user(role=Role.SYSTEM_ADMIN, username="root-like", is_superuser=True)
    with override_settings(ZHENGWU={**settings.ZHENGWU, "ALLOW_SUPERUSER": False}):
        refused = attempt("root-like", TEST_PASSWORD)
        assert GENERIC_TEXT in refused.content.decode()
        assert not logged_in(refused)
    with override_settings(ZHENGWU={**settings.ZHENGWU, "ALLOW_SUPERUSER": True}):
        assert logged_in(attempt("root-like", TEST_PASSWORD, ip="10.0.0.2"))


def test_a_superuser_session_ends_once_superusers_are_refused():
    from django.conf import settings

    user = make_user(role=Role.SYSTEM_ADMIN, username="old-root", is_superuser=True)
    client = Client()
    client.force_login(user)
    with override_settings(ZHENGWU={**settings.ZHENGWU, "ALLOW_SUPERUSER": False}):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_superusers_are_refused_by_default_in_production_settings():
    import subprocess
    import sys

    code = ("from zhengwu.config import settings as s; print(s.ZHENGWU['ALLOW_SUPERUSER'], s.ZHENGWU['OTP_REQUIRED'])")
    env = {"ZHENGWU_PRODUCTION": "1", "ZHENGWU_SECRET_KEY": "x" * 50, "ZHENGWU_DATA_KEY": "ab" * 16,
           "ZHENGWU_INDEX_KEY": "index-key-for-test", "ZHENGWU_AUDIT_KEY": "audit-key-for-test",
           "ZHENGWU_ALLOWED_HOSTS": "example.org", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         timeout=60).stdout.split()
    assert out == ["False", "True"]
