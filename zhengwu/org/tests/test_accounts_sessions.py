"""Sessions: a new id at login, ended at logout, idle timeout, absolute lifetime, and every session of a user ended
when the account is disabled, its role changes or its password is reset — with the database and the cache
session backends (docs/accounts.md)."""

from __future__ import annotations

import time
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client, override_settings

from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import TEST_PASSWORD, make_department, make_user
from zhengwu.org import services
from zhengwu.org.accounts import LOGIN_AT_KEY
from zhengwu.org.models import User
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

ENGINES = ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache",
           "django.contrib.sessions.backends.cached_db"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and SESSION_KEY in client.session
    return client


def signed_in(client: Client) -> bool:
    response = client.get("/")
    return response.status_code == 200


def test_login_gives_a_new_session_id_and_the_old_one_is_gone():
    make_user(role=Role.WINDOW_CLERK, username="fixation")
    client = Client()
    before = client.session
    before["planted"] = "by-an-attacker"
    before.save()
    old_key = before.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    client.post("/login/", {"username": "fixation", "password": TEST_PASSWORD})
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not store()().exists(old_key)
    assert signed_in(client)


def test_logout_ends_the_session_on_the_server():
    make_user(role=Role.WINDOW_CLERK, username="leaving")
    client = sign_in("leaving")
    key = client.session.session_key
    assert client.post("/logout/").status_code == 302
    assert not store()().exists(key)
    assert not signed_in(client)
    assert AuditEvent.objects.filter(action="auth.logout").count() == 1


def test_logout_by_a_plain_link_does_nothing():
    make_user(role=Role.WINDOW_CLERK, username="prefetch")
    client = sign_in("prefetch")
    assert client.get("/logout/").status_code == 405
    assert signed_in(client)


def test_the_session_idles_out_after_thirty_minutes_and_each_request_renews_it():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    make_user(role=Role.WINDOW_CLERK, username="idle")
    client = sign_in("idle")
    client.get("/")
    assert 29 * 60 < client.session.get_expiry_age() <= 30 * 60
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(session_key=client.session.session_key).update(expire_date=timezone.now())
    assert not signed_in(client)


def test_a_session_older_than_the_absolute_lifetime_ends_even_when_active():
    make_user(role=Role.WINDOW_CLERK, username="marathon")
    client = sign_in("marathon")
    assert settings.ZHENGWU["SESSION_ABSOLUTE_SECONDS"] == 12 * 3600
    session = client.session
    session[LOGIN_AT_KEY] = time.time() - 12 * 3600 + 60
    session.save()
    assert signed_in(client)  # a minute before the end: still in
    session = client.session
    session[LOGIN_AT_KEY] = time.time() - 12 * 3600 - 1
    session.save()
    key = session.session_key
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not store()().exists(key)
    assert AuditEvent.objects.filter(action="auth.session_expired").count() == 1


def test_the_absolute_lifetime_is_configurable():
    make_user(role=Role.WINDOW_CLERK, username="short")
    client = sign_in("short")
    session = client.session
    session[LOGIN_AT_KEY] = time.time() - 120
    session.save()
    with override_settings(ZHENGWU={**settings.ZHENGWU, "SESSION_ABSOLUTE_SECONDS": 60}):
        assert not signed_in(client)


@pytest.mark.parametrize("engine", ENGINES)
def test_disabling_a_user_ends_all_their_sessions_at_once(engine):
    with override_settings(SESSION_ENGINE=engine):
        make_user(role=Role.WINDOW_CLERK, username="fired", department=make_department(code="D1"))
        admin = make_user(role=Role.SECURITY_ADMIN, username="sec")
        bystander = make_user(role=Role.WINDOW_CLERK, username="stays", department=make_department(code="D2"))
        clients = [sign_in("fired"), sign_in("fired")]
        other = sign_in(bystander.username)
        keys = [c.session.session_key for c in clients]
        user = services.user_set_active(actor=admin, user=User.objects.get(username="fired"), active=False,
                                        reason="离职")
        assert user.is_active is False
        assert all(not store()().exists(k) for k in keys)
        assert all(not signed_in(c) for c in clients)
        assert signed_in(other)
        event = AuditEvent.objects.get(action="user.disable")
        assert event.actor_id == admin.pk and event.reason == "离职"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_role_change_ends_the_users_sessions(engine):
    with override_settings(SESSION_ENGINE=engine):
        dept = make_department(code="D3")
        user = make_user(role=Role.WINDOW_CLERK, username="promoted", department=dept)
        client = sign_in("promoted")
        key = client.session.session_key
        services.user_set_role(actor="security-admin", user=user, role=Role.DEPARTMENT_LEADER)
        assert not store()().exists(key)
        assert not signed_in(client)
        event = AuditEvent.objects.get(action="user.set_role")
        assert event.payload["from"] == Role.WINDOW_CLERK and event.payload["to"] == Role.DEPARTMENT_LEADER


def test_a_role_change_ends_a_session_the_index_lost_through_the_session_hash():
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache"):
        dept = make_department(code="D4")
        user = make_user(role=Role.WINDOW_CLERK, username="lost-index", department=dept)
        client = sign_in("lost-index")
        key = client.session.session_key
        cache.delete(f"zw:user-sessions:{user.pk}")  # as if another process had kept the index
        services.user_set_role(actor="security-admin", user=user, role=Role.DEPARTMENT_LEADER)
        assert store()().exists(key)  # not found, so not deleted ...
        assert not signed_in(client)  # ... yet refused: the role is part of the session hash
        assert not store()().exists(key)


def test_a_password_reset_ends_the_users_sessions():
    user = make_user(role=Role.WINDOW_CLERK, username="reset-me")
    client = sign_in("reset-me")
    services.user_set_password(actor="security-admin", user=user, password="N3w-Passw0rd!x")
    assert not signed_in(client)
    assert Client().post("/login/", {"username": "reset-me", "password": "N3w-Passw0rd!x"}).status_code == 302


def test_a_user_cannot_disable_their_own_account():
    from zhengwu.core.errors import Conflict

    admin = make_user(role=Role.SECURITY_ADMIN, username="self")
    with pytest.raises(Conflict) as exc:
        services.user_set_active(actor=admin, user=admin, active=False)
    assert exc.value.field == "is_active"
    admin.refresh_from_db()
    assert admin.is_active


def test_the_security_administrator_disables_through_the_admin_and_that_goes_through_the_service():
    clerk = make_user(role=Role.WINDOW_CLERK, username="via-admin", department=make_department(code="D5"))
    secadmin = make_user(role=Role.SECURITY_ADMIN, username="secadmin-1", is_staff=True)
    target = sign_in("via-admin")
    admin_client = Client()
    admin_client.force_login(secadmin)
    response = admin_client.post(f"/admin/org/user/{clerk.pk}/change/", {
        "display_name": clerk.display_name, "scope_kind": "", "department": clerk.department_id,
        "region": "", "enterprise": "", "window": "", "is_active": "",
    })
    assert response.status_code == 302 and response["Location"] == "/admin/org/user/"
    clerk.refresh_from_db()
    assert clerk.is_active is False
    assert AuditEvent.objects.filter(action="user.disable", actor_id=secadmin.pk).count() == 1
    assert not signed_in(target)
