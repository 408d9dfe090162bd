"""The small-projects API: each endpoint × persona, the one error format (422 naming the field), and the
scope (township A's staff get 404 for township B's project; supervisors read everything)."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.core.testing import JsonApi, assert_error, make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.smallprojects.testing import contracted, credit

pytestmark = pytest.mark.django_db
API = "/api/v1/smallprojects"
_api = JsonApi(API)
client_for = _api.client
post = _api.post


@pytest.fixture
def world():
    tree = make_region_tree(townships=2, villages_per_township=1)
    return {
        "tree": tree,
        "staff_a": make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][0]),
        "staff_b": make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][1]),
        "supervisor": make_user(role=Role.SUPERVISOR),
        "citizen": make_user(role=Role.CITIZEN),
    }


def project_body(world, **extra) -> dict:
    return {"name": "东山村环村路硬化工程", "owner_region_id": world["tree"]["villages"][0].pk,
            "owner_name": "东山村村民委员会", "category": "road", "estimate": "1500000", "funding": "village",
            "scope_keyword": "环村路", "approval_date": "2024-01-10", "approval_number": "镇发〔2024〕1号", **extra}


def test_township_staff_register_record_and_read_a_project(world):
    r = post(world["staff_a"], "/projects", project_body(world))
    assert r.status_code == 201, r.content
    project = r.json()
    assert project["status"] == "registered"
    assert {c["key"]: c["state"] for c in project["checkpoints"]}["contract"] == "missing"
    r = post(world["staff_a"], f"/projects/{project['id']}/contract",
             {"contract_amount": "1450000", "contract_date": "2024-03-01", "contractor_credit_code": credit(5),
              "contractor_name": "金华某建设有限公司", "contracting_way": "inquiry"})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["contractor"]) == ("contracted", "金华某建设有限公司")
    assert post(world["staff_a"], f"/projects/{project['id']}/changes",
                {"amount": "-5000", "reason": "减少工程量", "approved_on": "2024-04-01", "approver": "镇建设办"}
                ).status_code == 201
    assert post(world["staff_a"], f"/projects/{project['id']}/payments",
                {"amount": "400000", "paid_on": "2024-04-02", "kind": "advance"}).status_code == 201
    assert post(world["staff_a"], f"/projects/{project['id']}/acceptances",
                {"accepted_on": "2024-08-01", "result": "pass", "participants": "镇村干部"}).status_code == 201
    detail = client_for(world["staff_a"]).get(f"{API}/projects/{project['id']}").json()
    assert detail["status"] == "accepted"
    assert [len(detail[k]) for k in ("changes", "payments", "acceptances")] == [1, 1, 1]


def test_a_project_above_the_limit_is_a_422_naming_the_estimate(world):
    body = assert_error(post(world["staff_a"], "/projects", project_body(world, estimate="5000000")), 422,
                        "estimate")
    assert body["code"] == "above_limit"


def test_a_malformed_amount_or_date_is_a_422_naming_the_field(world):
    assert_error(post(world["staff_a"], "/projects", project_body(world, estimate="lots")), 422, "estimate")
    assert_error(post(world["staff_a"], "/projects", project_body(world, approval_date="2024-13-01")), 422,
                 "approval_date")


def test_township_b_staff_get_404_for_township_a_projects(world):
    project = contracted(region=world["tree"]["villages"][0])
    other = client_for(world["staff_b"])
    assert_error(other.get(f"{API}/projects/{project.pk}"), 404, None)
    assert_error(post(world["staff_b"], f"/projects/{project.pk}/payments",
                      {"amount": "1", "paid_on": "2024-04-02", "kind": "advance"}), 404, None)
    assert other.get(f"{API}/projects").json()["count"] == 0
    assert client_for(world["staff_a"]).get(f"{API}/projects").json()["count"] == 1


def test_township_staff_cannot_register_in_another_township(world):
    body = project_body(world, owner_region_id=world["tree"]["villages"][1].pk)
    assert_error(post(world["staff_a"], "/projects", body), 422, "owner_region")


def test_supervisors_read_everything_and_run_the_alerts_but_do_not_record(world):
    for village in world["tree"]["villages"]:
        contracted(region=village)
    sup = client_for(world["supervisor"])
    assert sup.get(f"{API}/projects").json()["count"] == 2
    assert_error(post(world["supervisor"], "/projects", project_body(world)), 403, None)
    r = post(world["supervisor"], "/alerts/run")
    assert r.status_code == 200
    assert set(r.json()["created"]) >= {"SP_SPLIT", "SP_OVERPAID"}
    assert sup.get(f"{API}/figures").json()["totals"]["projects"] == 2


def test_the_alerts_show_with_their_flag_status_to_supervisors_only(world):
    village = world["tree"]["villages"][0]
    for on in ("2024-03-01", "2024-04-01", "2024-05-01"):
        contracted(region=village, keyword="环村路", on=on, contractor=1)
    post(world["supervisor"], "/alerts/run")
    alerts = client_for(world["supervisor"]).get(f"{API}/alerts?rule=SP_SPLIT").json()
    assert len(alerts) == 1
    assert alerts[0]["status"] == "open"
    assert alerts[0]["url"].endswith(f"/flags/{alerts[0]['flag_id']}/")
    listed = client_for(world["supervisor"]).get(f"{API}/projects?rule=SP_SPLIT").json()
    assert listed["count"] == 3
    assert all(p["alerts"] for p in listed["items"])
    staff_view = client_for(world["staff_a"]).get(f"{API}/projects").json()
    assert staff_view["count"] == 3
    assert all(p["alerts"] == [] for p in staff_view["items"])
    by_rule = {r["rule"]: r for r in client_for(world["supervisor"]).get(f"{API}/figures").json()["alerts"]}
    assert (by_rule["SP_SPLIT"]["open"], by_rule["SP_SPLIT"]["total"]) == (1, 1)  # one flag naming three projects


def test_users_without_the_permission_get_403_and_anonymous_401(world):
    assert client_for(world["citizen"]).get(f"{API}/projects").status_code == 403
    assert Client().get(f"{API}/projects").status_code == 401
    assert_error(post(world["staff_a"], "/alerts/run"), 403, None)
