"""Separation of duties (三权分立, DOMAIN.md §14) and no default accounts: one role per user, the audit administrator
only reads, no superuser is needed, the password policy everywhere a password is set, and the system check against
demo and default accounts in production (docs/accounts.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import models
from django.test import Client, override_settings

from zhengwu.config.api import api
from zhengwu.core.errors import InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user, web_url_patterns
from zhengwu.org import services
from zhengwu.org.checks import check_default_accounts
from zhengwu.org.demo import DEMO_PASSWORD
from zhengwu.org.models import User
from zhengwu.org.roles import ADMIN_ROLES, Role, permissions_of

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]
WRITE_METHODS = ("post", "put", "patch", "delete")
#: what a signed-in audit administrator may post: their own session and language, their own notifications
#: the API posts that are the audit administrator's own: verifying the chain (a read), their own notifications
AUDIT_ADMIN_API_DUTIES = {"POST /api/v1/core/audit/verify", "POST /api/v1/core/notifications/read"}
OWN_ACTIONS = {"/logout/", "/i18n/setlang/", "/login/", "/login/otp/", "/login/otp/enroll/", "/notifications/read/"}


# --- one role per user --------------------------------------------------------------------------------------------

def test_a_user_holds_exactly_one_role_in_one_column():
    field = User._meta.get_field("role")
    assert isinstance(field, models.CharField) and not field.many_to_many and not field.null
    assert {c for c, _ in field.choices} >= set(ADMIN_ROLES)


def test_groups_and_direct_permissions_cannot_add_a_second_role():
    auditor = make_user(role=Role.AUDIT_ADMIN, username="auditor-perm")
    auditor.user_permissions.add(*Permission.objects.filter(codename__in=["change_user", "add_user"]))
    auditor = User.objects.get(pk=auditor.pk)
    assert not auditor.has_perm("org.change_user")
    assert not auditor.has_perm("org.manage_accounts")
    assert auditor.get_all_permissions() == set(permissions_of(Role.AUDIT_ADMIN)) | {"core.view_auditevent"}


def test_the_three_administrators_hold_disjoint_duties():
    system, security, audit = (permissions_of(r) for r in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN))
    shared = {"core.view_notifications", "core.view_dashboard"}
    assert "org.manage_accounts" in security and "org.manage_accounts" not in system | audit
    assert {"core.view_audit", "core.verify_audit"} <= audit
    assert not (audit & (system | security)) - shared
    assert not ({"core.view_audit", "core.verify_audit"} & (system | security))
    assert all(p.startswith(("core.view_", "core.verify_")) for p in audit)


def test_a_role_change_is_audited_as_a_permission_change():
    user = make_user(role=Role.SYSTEM_ADMIN, username="switch")
    services.user_set_role(actor="security-admin", user=user, role=Role.AUDIT_ADMIN)
    user.refresh_from_db()
    assert user.role == Role.AUDIT_ADMIN
    event = AuditEvent.objects.get(action="user.set_role")
    assert event.payload == {"from": Role.SYSTEM_ADMIN, "to": Role.AUDIT_ADMIN, "admin_role": True}


# --- the audit administrator only reads ---------------------------------------------------------------------------

_SAMPLE = {"int": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x"}


def _web_paths() -> list[str]:
    """Every URL of the web interface (not the API, not the Django admin) with sample values in its parameters."""
    found = [re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLE.get(m.group(1) or "str", "1"), full)
             for full, _pattern in web_url_patterns()]
    return sorted(set(found))


def test_the_audit_administrator_is_refused_every_web_write():
    auditor = make_user(role=Role.AUDIT_ADMIN, username="auditor-web")
    client = Client()
    client.force_login(auditor)
    before = AuditEvent.objects.count()
    paths = [p for p in _web_paths() if p not in OWN_ACTIONS]
    assert len(paths) > 100
    allowed, public = {}, []
    for path in paths:
        status = client.post(path, {}).status_code
        if status in (403, 404, 405):
            continue
        # A public page (a citizen's progress lookup, rating, consent link) answers anyone the same way.
        if Client().post(path, {}).status_code == status:
            public.append(path)
        else:
            allowed[path] = status
    assert allowed == {}
    assert len(public) < 10, public
    assert AuditEvent.objects.count() == before


_FORMATS = {"date": "2026-03-02", "date-time": "2026-03-02T10:00:00+08:00", "email": "a@example.org",
            "uuid": "00000000-0000-0000-0000-000000000001", "time": "10:00:00"}


def _example(node: dict, components: dict, depth: int = 0):  # noqa: ANN202
    """A small value that fits a JSON schema: the required fields of objects, the first choice of enums, so a
    request passes the API's shape check and meets the permission check behind it."""
    if "$ref" in node:
        return _example(components[node["$ref"].rsplit("/", 1)[-1]], components, depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"] or node[key]
            return _example(options[0], components, depth + 1)
    if "enum" in node:
        return node["enum"][0]
    if "default" in node:
        return node["default"]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        return {k: _example(props[k], components, depth + 1) for k in node.get("required", []) if k in props}
    if kind == "array":
        return [_example(node.get("items", {}), components, depth + 1)] if node.get("minItems") else []
    if kind == "integer":
        return max(1, node.get("minimum", 1))
    if kind == "number":
        return max(1, node.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        if node.get("format") in _FORMATS:
            return _FORMATS[node["format"]]
        return "x" * max(1, node.get("minLength", 1))
    return None


def _api_writes() -> list[tuple[str, str, str]]:
    """(method, path, JSON body) of every write operation of the API, with a body of the documented shape."""
    import json

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            if method not in WRITE_METHODS:
                continue
            body_schema = (op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"))
            body = _example(body_schema, components) if body_schema else {}
            url = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path.removeprefix("/api/v1"))
            found.append((method, url, json.dumps(body)))
    return found


def test_the_audit_administrator_is_refused_every_api_write():
    auditor = make_user(role=Role.AUDIT_ADMIN, username="auditor-api")
    client = Client()
    client.force_login(auditor)
    before = AuditEvent.objects.count()
    operations = _api_writes()
    assert len(operations) > 30
    allowed = {}
    for method, path, body in operations:
        response = getattr(client, method)(path, data=body, content_type="application/json")
        if f"{method.upper()} {path}" in AUDIT_ADMIN_API_DUTIES:
            continue
        if response.status_code not in (403, 404, 405, 422):
            allowed[f"{method.upper()} {path}"] = response.status_code
    assert allowed == {}
    assert AuditEvent.objects.count() == before


def test_the_audit_administrator_reads_the_audit_trail_and_nothing_else_in_the_admin():
    auditor = make_user(role=Role.AUDIT_ADMIN, username="auditor-admin", is_staff=True)
    client = Client()
    client.force_login(auditor)
    assert client.get("/admin/core/auditevent/").status_code == 200
    for path in ("/admin/org/user/", "/admin/org/department/", "/admin/org/department/add/",
                 "/admin/core/calendaroverride/"):
        assert client.get(path).status_code == 403, path


def test_the_security_administrator_manages_accounts_and_nothing_else_in_the_admin():
    security = make_user(role=Role.SECURITY_ADMIN, username="sec-admin", is_staff=True)
    client = Client()
    client.force_login(security)
    assert client.get("/admin/org/user/").status_code == 200
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200
    for path in ("/admin/core/auditevent/", "/admin/org/department/", "/admin/org/department/add/"):
        assert client.get(path).status_code == 403, path


# --- no superuser needed ------------------------------------------------------------------------------------------

def test_the_system_administrator_runs_the_configuration_screens_without_being_a_superuser():
    sysadmin = make_user(role=Role.SYSTEM_ADMIN, username="sys-config", is_staff=True)
    assert sysadmin.is_superuser is False
    client = Client()
    client.force_login(sysadmin)
    for path in ("/admin/", "/admin/org/department/", "/admin/org/department/add/", "/admin/org/window/",
                 "/admin/org/region/"):
        assert client.get(path).status_code == 200, path
    response = client.post("/admin/org/department/add/", {"code": "NEW", "name": "新部门", "short_name": "新",
                                                          "is_active": "on", "sort": "1"})
    assert response.status_code == 302
    # ... but neither the accounts nor the audit trail: those are the other two administrators' duties.
    for perm in ("core.view_audit", "core.view_auditevent", "core.delete_auditevent", "org.change_user",
                 "org.delete_user", "org.manage_accounts", "core.view_anything_at_all"):
        assert not sysadmin.has_perm(perm), perm
    assert client.get("/admin/core/auditevent/").status_code == 403
    clerk = make_user(role=Role.WINDOW_CLERK, username="listed")
    assert client.get("/admin/org/user/").status_code == 200  # the accounts: listed, read only
    response = client.post(f"/admin/org/user/{clerk.pk}/change/", {"display_name": "x", "is_active": ""})
    assert response.status_code == 403
    clerk.refresh_from_db()
    assert clerk.is_active


def test_user_create_never_makes_a_superuser():
    user = services.user_create(actor="security-admin", username="plain-admin", password="Str0ng-Passw0rd!",
                                role=Role.SYSTEM_ADMIN)
    assert user.is_superuser is False


def test_the_readme_does_not_tell_anyone_to_create_a_superuser():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "createsuperuser" not in text


# --- the password policy everywhere a password is set ------------------------------------------------------------

@pytest.mark.parametrize(("password", "rule"), [
    ("Ab1!xyz", ("8",)),  # 7 characters
    ("abcdefgh1", ("3",)),  # two classes
    ("Password1", ("common", "常见")),  # common (Django's list), even with three classes
])
def test_user_create_refuses_a_weak_password_naming_the_rule(password, rule):
    with pytest.raises(InvalidInput) as exc:
        services.user_create(actor="security-admin", username="weak", password=password, role=Role.CITIZEN)
    assert exc.value.field == "password" and exc.value.code == "weak_password"
    assert any(word in exc.value.message for word in rule)
    assert not User.objects.filter(username="weak").exists()


def test_setting_a_password_runs_the_same_policy_and_keeps_the_old_one_on_refusal():
    user = make_user(role=Role.CITIZEN, username="changer")
    old_hash = user.password
    with pytest.raises(InvalidInput) as exc:
        services.user_set_password(actor="security-admin", user=user, password="password")
    assert exc.value.field == "password"
    user.refresh_from_db()
    assert user.password == old_hash
    services.user_set_password(actor="security-admin", user=user, password="Another-Passw0rd")
    user.refresh_from_db()
    assert user.check_password("Another-Passw0rd")
    assert AuditEvent.objects.filter(action="user.set_password", object_id=str(user.pk)).count() == 1


def test_the_policy_follows_the_settings():
    strict = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
               "OPTIONS": {"min_length": 14}},
              {"NAME": "zhengwu.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 4}}]
    with override_settings(AUTH_PASSWORD_VALIDATORS=strict):
        with pytest.raises(InvalidInput):
            services.user_create(actor="x", username="strict1", password="Abcdefgh-1234", role=Role.CITIZEN)
        with pytest.raises(InvalidInput):
            services.user_create(actor="x", username="strict2", password="abcdefghij-1234", role=Role.CITIZEN)
        assert services.user_create(actor="x", username="strict3", password="Abcdefghij-1234", role=Role.CITIZEN)


def test_the_admin_offers_no_way_to_set_or_add_a_password():
    from django.contrib import admin

    user_admin = admin.site._registry[User]
    assert "password" not in user_admin.fields
    assert user_admin.has_add_permission(None) is False


def test_no_api_operation_takes_a_password():
    schema = api.get_openapi_schema()
    text = str(schema["components"]) + str(schema["paths"])
    assert "'password'" not in text


# --- no default accounts ------------------------------------------------------------------------------------------

def _errors() -> set[str]:
    return {e.id for e in check_default_accounts()}


def test_outside_production_the_demo_accounts_are_allowed():
    services.user_create(actor="demo", username="demo-clerk", password=DEMO_PASSWORD, role=Role.CITIZEN)
    assert _errors() == set()


@override_settings(PRODUCTION=True, ZHENGWU={**settings.ZHENGWU, "ALLOW_SUPERUSER": False})
def test_in_production_a_clean_database_passes():
    services.user_create(actor="security-admin", username="real", password="Real-Passw0rd-1", role=Role.SYSTEM_ADMIN)
    assert _errors() == set()


@override_settings(PRODUCTION=True, ZHENGWU={**settings.ZHENGWU, "ALLOW_SUPERUSER": False})
def test_in_production_a_demo_account_is_an_error():
    services.user_create(actor="demo", username="leader", password="Other-Passw0rd-1", role=Role.LEADER)
    assert _errors() == {"org.E001"}


@override_settings(PRODUCTION=True, ZHENGWU={**settings.ZHENGWU, "ALLOW_SUPERUSER": False})
def test_in_production_a_demo_password_is_an_error():
    services.user_create(actor="security-admin", username="sec", password=DEMO_PASSWORD, role=Role.SECURITY_ADMIN)
    assert _errors() == {"org.E004"}


@override_settings(PRODUCTION=True, ZHENGWU={**settings.ZHENGWU, "ALLOW_SUPERUSER": False})
def test_in_production_an_admin_superuser_is_an_error():
    make_user(role=Role.SYSTEM_ADMIN, username="admin", is_superuser=True, password="Other-Passw0rd-1")
    assert _errors() == {"org.E002", "org.E003"}


@override_settings(PRODUCTION=True, ZHENGWU={**settings.ZHENGWU, "ALLOW_SUPERUSER": True})
def test_in_production_an_allowed_superuser_with_another_name_passes():
    make_user(role=Role.SYSTEM_ADMIN, username="ops-break-glass", is_superuser=True, password="Other-Passw0rd-1")
    assert _errors() == set()


@override_settings(PRODUCTION=True, ZHENGWU={**settings.ZHENGWU, "ALLOW_SUPERUSER": False})
def test_in_production_a_disabled_demo_account_passes():
    user = services.user_create(actor="demo", username="old-demo", password=DEMO_PASSWORD, role=Role.LEADER)
    services.user_set_active(actor="security-admin", user=user, active=False)
    assert _errors() == set()


def test_the_demo_says_that_the_second_factor_is_off():
    from io import StringIO

    from zhengwu.core.management.commands.demo import Command

    out = StringIO()
    command = Command(stdout=out)
    command.print_summary("http://127.0.0.1:8000/", [])
    assert "TOTP" in out.getvalue() and "OFF" in out.getvalue()
