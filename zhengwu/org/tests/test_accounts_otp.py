"""The TOTP second factor for staff roles (django-otp): enrolment with a QR code, verification after the password,
the gate on every page and on the session API; citizens, enterprises and API tokens are not asked (docs/accounts.md).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import TEST_PASSWORD, make_department, make_enterprise, make_user
from zhengwu.core.tokens import token_create
from zhengwu.org.roles import STAFF_ROLES, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _otp_on():
    with override_settings(ZHENGWU={**settings.ZHENGWU, "OTP_REQUIRED": True}):
        yield


def code_for(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0 - offset_steps * device.step, digits=device.digits,
                 drift=device.drift)
    return f"{value:0{device.digits}d}"


def password_step(username: str) -> tuple[Client, object]:
    client = Client()
    response = client.post("/login/", {"username": username, "password": TEST_PASSWORD, "next": "/notifications/"})
    return client, response


def staff(username: str = "clerk-otp"):  # noqa: ANN201
    return make_user(role=Role.WINDOW_CLERK, username=username, department=make_department())


def test_every_staff_role_is_asked_and_no_other():
    assert Role.WINDOW_CLERK in STAFF_ROLES and Role.AUDIT_ADMIN in STAFF_ROLES
    assert Role.ENTERPRISE_USER not in STAFF_ROLES and Role.CITIZEN not in STAFF_ROLES
    assert Role.EXPERT not in STAFF_ROLES


def test_a_staff_user_without_a_device_is_sent_to_enrolment_and_binds_one_with_a_code():
    user = staff()
    client, response = password_step(user.username)
    assert response.status_code == 302 and response["Location"].startswith("/login/otp/")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith("/login/otp/enroll/")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html  # the QR code is inline: no network
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7]+)<', html).group(1)
    assert len(secret) >= 32
    assert client.get("/").status_code == 302  # still held at the second factor
    done = client.post("/login/otp/enroll/", {"token": code_for(device), "next": "/notifications/"})
    assert done.status_code == 302 and done["Location"] == "/notifications/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_enrolled", actor_id=user.pk).count() == 1


def test_a_wrong_enrolment_code_binds_nothing():
    user = staff()
    client, _ = password_step(user.username)
    client.get("/login/otp/enroll/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/login/otp/enroll/", {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert response.status_code == 422
    assert "动态口令不正确" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False


def test_a_staff_user_with_a_device_must_give_the_current_code_after_the_password():
    user = staff()
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client, response = password_step(user.username)
    assert response["Location"].startswith("/login/otp/?")
    assert client.get("/").status_code == 302
    assert client.get("/login/otp/").status_code == 200
    wrong = client.post("/login/otp/", {"token": "12345"})
    assert wrong.status_code == 422 and "6 位数字" in wrong.content.decode()
    ok = client.post("/login/otp/", {"token": code_for(device), "next": "/notifications/"})
    assert ok.status_code == 302 and ok["Location"] == "/notifications/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_verified", actor_id=user.pk).count() == 1


def test_a_wrong_code_is_refused_audited_and_throttled():
    user = staff()
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client, _ = password_step(user.username)
    stale = code_for(device, offset_steps=10)  # five minutes old
    response = client.post("/login/otp/", {"token": stale})
    assert response.status_code == 422
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.otp_failed", actor_id=user.pk).count() == 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Right after a failure the device refuses even the right code for a while (django-otp's throttle).
    assert client.post("/login/otp/", {"token": code_for(device)}).status_code == 422


def test_the_session_api_refuses_a_staff_user_before_the_second_factor():
    user = staff()
    client, _ = password_step(user.username)
    response = client.get("/api/v1/core/me")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"


def test_an_api_token_is_not_asked_for_the_second_factor():
    user = staff()
    _, raw = token_create(user=user, name="integration", actor=user)
    response = Client().get("/api/v1/core/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200


def test_an_enterprise_user_signs_in_with_the_password_alone():
    ent = make_enterprise(credit_code="91350100M000100Y43")
    user = make_user(role=Role.ENTERPRISE_USER, username="ent-user", enterprise=ent)
    client, response = password_step(user.username)
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert client.get("/").status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_with_otp_off_staff_sign_in_with_the_password_alone():
    user = staff()
    with override_settings(ZHENGWU={**settings.ZHENGWU, "OTP_REQUIRED": False}):
        client, response = password_step(user.username)
        assert response["Location"] == "/notifications/"
        assert client.get("/").status_code == 200


def test_the_verification_page_does_not_open_without_the_password_step():
    response = Client().get("/login/otp/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not response["Location"].startswith("/login/otp/")


def test_an_outside_next_address_is_ignored():
    user = staff()
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client, _ = password_step(user.username)
    response = client.post("/login/otp/", {"token": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
