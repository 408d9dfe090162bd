"""The API: one error format, session and token authentication, the OpenAPI document."""

from __future__ import annotations

import random

import pytest
from django.test import Client

from zhengwu.core.identifiers import make_credit_code
from zhengwu.core.testing import make_department, make_enterprise, make_user
from zhengwu.core.tokens import token_create
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "message", "field"}
    assert body["code"] == code
    assert body["field"] == field
    assert body["message"]
    return body


@pytest.fixture
def admin_client():
    user = make_user(role=Role.CENTER_ADMIN)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clerk():
    return make_user(role=Role.WINDOW_CLERK, department=make_department())


def test_an_anonymous_call_gets_401_in_the_error_format():
    assert_error_shape(Client().get("/api/v1/core/me"), 401, "unauthenticated")


def test_a_bearer_token_authenticates_and_a_wrong_one_does_not(clerk):
    _, raw = token_create(user=clerk, name="test", actor=clerk)
    ok = Client().get("/api/v1/core/me", headers={"Authorization": f"Bearer {raw}"})
    assert ok.status_code == 200
    assert ok.json()["role"] == Role.WINDOW_CLERK
    bad = Client().get("/api/v1/core/me", headers={"Authorization": "Bearer zw_not-a-token"})
    assert_error_shape(bad, 401, "unauthenticated")


def test_a_value_out_of_range_names_the_field(admin_client):
    r = admin_client.get("/api/v1/core/calendar/add", {"start": "2024-09-27", "working_days": -1})
    assert_error_shape(r, 422, "out_of_range", "working_days")


def test_an_impossible_date_names_the_field(admin_client):
    r = admin_client.get("/api/v1/core/calendar/add", {"start": "2024-13-01", "working_days": 5})
    body = assert_error_shape(r, 422, "invalid", "start")
    assert body["details"]["errors"][0]["field"] == "start"


def test_working_days_through_the_api_follow_the_calendar(admin_client):
    r = admin_client.get("/api/v1/core/calendar/add", {"start": "2024-09-27", "working_days": 5})
    assert r.status_code == 200
    assert r.json()["result"] == "2024-10-10"


def test_a_missing_permission_is_403(clerk):
    client = Client()
    client.force_login(clerk)
    assert_error_shape(client.get("/api/v1/core/audit/events"), 403, "permission_denied")


def test_an_object_outside_the_scope_is_404():
    mine = make_enterprise(credit_code=make_credit_code(random.Random(1)), name="甲公司")
    other = make_enterprise(credit_code=make_credit_code(random.Random(2)), name="乙公司")
    user = make_user(role=Role.ENTERPRISE_USER, enterprise=mine)
    client = Client()
    client.force_login(user)
    assert client.get(f"/api/v1/org/enterprises/{mine.pk}").status_code == 200
    assert_error_shape(client.get(f"/api/v1/org/enterprises/{other.pk}"), 404, "not_found")


def test_a_wrong_id_number_is_refused_with_the_field_and_nothing_is_written(admin_client):
    from zhengwu.org.models import Person

    r = admin_client.post("/api/v1/org/persons", {"name": "张三", "id_number": "110105194912310021"},
                          content_type="application/json")
    body = assert_error_shape(r, 422, r.json()["code"], "id_number")
    assert "校验" in body["message"]
    assert Person.objects.count() == 0


def test_a_missing_body_field_names_the_field(admin_client):
    r = admin_client.post("/api/v1/org/persons", {"name": "张三"}, content_type="application/json")
    assert_error_shape(r, 422, "invalid", "id_number")


def test_a_person_registered_through_the_api_comes_back_masked(admin_client):
    r = admin_client.post("/api/v1/org/persons",
                          {"name": "张三", "id_number": "11010519491231002X", "phone": "13800138000"},
                          content_type="application/json")
    assert r.status_code == 201
    assert r.json()["id_number_masked"] == "110105********002X"
    assert r.json()["phone_masked"] == "138****8000"


def test_the_openapi_document_lists_the_routes(admin_client):
    r = admin_client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/core/me" in paths
    assert "/api/v1/org/persons" in paths


def test_the_api_docs_page_loads_nothing_from_outside(admin_client):
    import re

    html = admin_client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []
