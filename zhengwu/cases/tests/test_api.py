"""The cases API: each endpoint × persona × status, one error format, the shared filter."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.cases.models import Case
from zhengwu.cases.testing import VALID_ID, make_item, move
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    dept_a, dept_b = make_department(name="甲局"), make_department(name="乙局")
    return {
        "dept_a": dept_a, "dept_b": dept_b,
        "item_a": make_item(department=dept_a, code="A-1"),
        "clerk_a": make_user(role=Role.WINDOW_CLERK, department=dept_a),
        "clerk_b": make_user(role=Role.WINDOW_CLERK, department=dept_b),
        "admin": make_user(role=Role.CENTER_ADMIN),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def new_case(world, **overrides):
    body = {"item_id": world["item_a"].pk, "channel": "window", "applicant_kind": "person", "applicant_name": "张三",
            "id_number": VALID_ID, **overrides}
    return post(client_for(world["clerk_a"]), "/api/v1/cases/cases", body)


def test_a_clerk_receives_a_case_and_gets_the_number_and_a_tracking_code(world):
    r = new_case(world)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "received"
    assert len(body["tracking_code"]) == 6
    assert Case.objects.get(pk=body["id"]).number == body["number"]


def test_a_bad_id_number_is_a_422_naming_the_field(world):
    r = new_case(world, id_number="110105194912310021")
    assert r.status_code == 422
    assert r.json()["field"] == "id_number"
    assert Case.objects.count() == 0


def test_an_unknown_channel_is_a_422_naming_the_field(world):
    r = new_case(world, channel="fax")
    assert (r.status_code, r.json()["field"]) == (422, "channel")


def test_a_transition_through_the_api_runs_the_workflow(world):
    case_id = new_case(world).json()["id"]
    r = post(client_for(world["clerk_a"]), f"/api/v1/cases/cases/{case_id}/transitions", {"action": "accept"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted"
    assert "approve" in r.json()["actions"]
    assert AuditEvent.objects.filter(action="case.accept").count() == 1


def test_a_stale_version_gets_409_and_nothing_changes(world):
    case_id = new_case(world).json()["id"]
    client = client_for(world["clerk_a"])
    post(client, f"/api/v1/cases/cases/{case_id}/transitions", {"action": "accept", "version": 0})
    r = post(client, f"/api/v1/cases/cases/{case_id}/transitions",
             {"action": "withdraw", "reason": "撤回", "version": 0})
    assert (r.status_code, r.json()["code"]) == (409, "concurrent_change")
    assert Case.objects.get(pk=case_id).status == "accepted"


def test_a_transition_from_the_wrong_state_is_409(world):
    case_id = new_case(world).json()["id"]
    r = post(client_for(world["clerk_a"]), f"/api/v1/cases/cases/{case_id}/transitions", {"action": "approve"})
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")


def test_another_departments_clerk_gets_404_for_the_case_and_its_transitions(world):
    case_id = new_case(world).json()["id"]
    other = client_for(world["clerk_b"])
    assert other.get(f"/api/v1/cases/cases/{case_id}").status_code == 404
    r = post(other, f"/api/v1/cases/cases/{case_id}/transitions", {"action": "accept"})
    assert r.status_code == 404
    assert Case.objects.get(pk=case_id).status == "received"


def test_the_list_is_scoped_and_filtered_by_the_shared_schema(world):
    for _ in range(3):
        new_case(world)
    first = Case.objects.order_by("id").first()
    move(first, "accept", actor=world["clerk_a"], when="2024-03-04 10:00")
    a = client_for(world["clerk_a"]).get("/api/v1/cases/cases", {"status": "received"})
    assert a.status_code == 200
    assert a.json()["count"] == 2
    assert client_for(world["clerk_b"]).get("/api/v1/cases/cases").json()["count"] == 0
    assert client_for(world["admin"]).get("/api/v1/cases/cases").json()["count"] == 3


def test_a_period_that_ends_before_it_starts_is_refused(world):
    r = client_for(world["admin"]).get("/api/v1/cases/cases",
                                       {"received_from": "2024-03-10", "received_to": "2024-03-01"})
    assert (r.status_code, r.json()["field"]) == (422, "received_to")


def test_an_item_with_a_promised_limit_above_the_statutory_one_is_refused_by_the_api(world):
    r = post(client_for(world["admin"]), "/api/v1/cases/items",
             {"code": "N-1", "name": "新事项", "department_id": world["dept_a"].pk, "item_type": "license",
              "statutory_limit": 5, "promised_limit": 8})
    assert (r.status_code, r.json()["field"]) == (422, "promised_limit")


def test_a_clerk_cannot_create_items(world):
    r = post(client_for(world["clerk_a"]), "/api/v1/cases/items",
             {"code": "N-2", "name": "新事项", "department_id": world["dept_a"].pk, "item_type": "license",
              "statutory_limit": 5, "promised_limit": 3})
    assert r.status_code == 403


def test_the_public_tracking_endpoint_shows_no_personal_data(world):
    body = new_case(world).json()
    r = Client().get("/api/v1/public/cases/track", {"number": body["number"], "code": body["tracking_code"]})
    assert r.status_code == 200
    assert "张三" not in r.content.decode()
    assert VALID_ID not in r.content.decode()
    wrong_code = f"{(int(body['tracking_code']) + 1) % 10**6:06d}"
    wrong = Client().get("/api/v1/public/cases/track", {"number": body["number"], "code": wrong_code})
    assert wrong.status_code == 404
