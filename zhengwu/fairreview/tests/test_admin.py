"""The rule list in the Django admin: the system administrator adds a rule through the service (audited); a bad
expression is refused on its field."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.fairreview.models import Rule
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

FORM = {"code": "FCR-X-09", "category": "other", "matcher": "regex", "pattern": "须在本镇设立仓库",
        "unless_pattern": "", "threshold": "", "contract_kinds": "[]", "message": "要求在本地设立仓库",
        "legal_basis": "《公平竞争审查条例》第十条", "severity": "medium", "active": "on"}


def admin_client() -> Client:
    user = make_user(role=Role.SYSTEM_ADMIN, username="sysadmin")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


def test_the_system_administrator_adds_a_rule_in_the_admin():
    client = admin_client()
    assert client.get("/admin/fairreview/rule/").status_code == 200
    response = client.post("/admin/fairreview/rule/add/", FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = Rule.objects.get(code="FCR-X-09")
    assert AuditEvent.objects.filter(action="fairreview.rule_create", object_id=str(rule.pk)).count() == 1


def test_a_bad_expression_is_refused_in_the_admin():
    response = admin_client().post("/admin/fairreview/rule/add/", {**FORM, "pattern": "本镇(仓库"})
    assert response.status_code == 200
    assert "正则表达式有误" in response.content.decode()
    assert not Rule.objects.filter(code="FCR-X-09").exists()
