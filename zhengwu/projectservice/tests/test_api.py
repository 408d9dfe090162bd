"""The project services API: each endpoint × persona, the one error format (422 naming the field), the scope
(an enterprise user gets 404 for another enterprise's project), and the response shapes."""

from __future__ import annotations

import pytest

from zhengwu.core.testing import JsonApi, assert_error

pytestmark = pytest.mark.django_db
API = "/api/v1/projectservice"
_api = JsonApi(API)
client_for = _api.client
post = _api.post
get = _api.get


def test_the_center_assigns_an_agent_who_records_actions_read_in_the_support(world):
    pa = world["project_a"].pk
    r = post(world["admin"], f"/projects/{pa}/agent", {"agent_id": world["agent"].pk, "started_on": "2024-02-01"})
    assert r.status_code == 201, r.content
    assert r.json()["agent_id"] == world["agent"].pk
    r = post(world["agent"], f"/projects/{pa}/actions", {"item_text": "消防设计审查代办", "handled_on": "2024-03-01",
                                                         "what_done": "代为提交并跟踪", "trips_saved": 3})
    assert r.status_code == 201, r.content
    support = get(world["ent_a"], f"/projects/{pa}/support").json()
    assert support["project"]["agent"]["agent_id"] == world["agent"].pk
    assert (support["items_handled"], support["trips_saved"]) == (1, 3)
    assert support["actions"][0]["item"] == "消防设计审查代办"


def test_a_second_active_agent_is_a_409(world):
    pa = world["project_a"].pk
    post(world["admin"], f"/projects/{pa}/agent", {"agent_id": world["agent"].pk, "started_on": "2024-02-01"})
    r = post(world["admin"], f"/projects/{pa}/agent", {"agent_id": world["agent2"].pk, "started_on": "2024-02-02"})
    assert r.status_code == 409
    assert r.json()["code"] == "agent_active"


@pytest.mark.parametrize("body, field", [
    ({"item_text": "x", "handled_on": "2024-03-01", "what_done": "y", "trips_saved": 99}, "trips_saved"),
    ({"item_text": "x", "handled_on": "2024-03-01", "what_done": "y", "trips_saved": "三"}, "trips_saved"),
    ({"item_text": "x", "handled_on": "not-a-date", "what_done": "y", "trips_saved": 1}, "handled_on"),
    ({"item_text": "x", "handled_on": "2024-03-01", "what_done": " ", "trips_saved": 1}, "what_done"),
    ({"handled_on": "2024-03-01", "what_done": "y", "trips_saved": 1}, "item"),
])
def test_bad_action_input_is_a_422_naming_the_field(world, body, field):
    pa = world["project_a"].pk
    post(world["admin"], f"/projects/{pa}/agent", {"agent_id": world["agent"].pk, "started_on": "2024-02-01"})
    assert_error(post(world["agent"], f"/projects/{pa}/actions", body), 422, field)


def test_a_visit_with_issues_is_recorded_and_listed_and_followed_up(world):
    body = {"visited_on": "2024-03-04", "team_lead": "王主任", "department_ids": [world["dept"].pk],
            "enterprise_ids": [world["investor_a"].pk], "project_ids": [world["project_a"].pk],
            "issues": [{"description": "临时用电", "owner_id": world["agent"].pk, "follow_up_days": 5,
                        "project_id": world["project_a"].pk}]}
    r = post(world["admin"], "/visits", body)
    assert r.status_code == 201, r.content
    visit = r.json()
    assert {u["kind"] for u in visit["units"]} == {"department", "enterprise"}
    issue = visit["issues"][0]
    assert issue["open"] is True
    assert get(world["admin"], "/issues", state="overdue").json()["count"] == 1
    r = post(world["agent"], f"/issues/{issue['id']}/follow-up", {"followed_up_on": "2024-03-08", "note": "已解决"})
    assert r.status_code == 200, r.content
    assert r.json()["open"] is False
    figures = get(world["admin"], "/figures", start="2024-01-01", end="2024-12-31").json()
    assert (figures["visits"]["units"], figures["visits"]["projects"], figures["visits"]["issues_closed"]) == (2, 1, 1)


def test_a_visit_issue_with_bad_input_names_the_issue_field(world):
    body = {"visited_on": "2024-03-04", "team_lead": "王主任", "department_ids": [world["dept"].pk],
            "issues": [{"description": "临时用电", "owner_id": world["agent"].pk, "follow_up_days": 0}]}
    assert_error(post(world["admin"], "/visits", body), 422, "issues[0].follow_up_days")
    assert_error(post(world["admin"], "/visits", {**body, "issues": [], "department_ids": []}), 422, "departments")


def test_a_factor_need_moves_through_the_api_and_overdue_ones_are_listed(world):
    pa = world["project_a"].pk
    r = post(world["admin"], f"/projects/{pa}/factors", {"kind": "electricity", "capacity": "630",
                                                         "provider": "国网婺城供电公司", "requested_on": "2024-03-01"})
    assert r.status_code == 201, r.content
    need = r.json()
    assert need["status"] == "requested"
    assert set(need["actions"]) == {"promise", "connect", "report_problem"}
    assert_error(post(world["admin"], f"/projects/{pa}/factors", {"kind": "electricity", "capacity": "1",
                                                                  "provider": "x", "requested_on": "2024-03-01"}),
                 422, "kind")
    assert_error(post(world["admin"], f"/factors/{need['id']}/promise", {"promised_on": "2024-01-01"}),
                 422, "promised_on")
    r = post(world["admin"], f"/factors/{need['id']}/promise", {"promised_on": "2024-04-01"})
    assert r.json()["status"] == "promised"
    overdue = get(world["admin"], "/overdue").json()
    assert [n["id"] for n in overdue["connections"]] == [need["id"]]
    assert get(world["admin"], "/factors", overdue="true").json()["count"] == 1
    r = post(world["admin"], f"/factors/{need['id']}/connect", {"connected_on": "2024-04-03"})
    assert r.json()["status"] == "connected"
    assert post(world["admin"], f"/factors/{need['id']}/problem", {"note": "x"}).status_code == 409


def test_enterprise_users_read_their_own_projects_and_write_nothing(world):
    pb = world["project_b"].pk
    assert get(world["ent_a"], f"/projects/{pb}/support").status_code == 404
    assert [p["id"] for p in get(world["ent_a"], "/projects").json()["items"]] == [world["project_a"].pk]
    r = post(world["ent_a"], f"/projects/{world['project_a'].pk}/factors",
             {"kind": "water", "capacity": "1", "provider": "x", "requested_on": "2024-03-01"})
    assert r.status_code == 403
    assert get(world["citizen"], "/projects").status_code == 403
    assert post(world["leader"], "/visits", {"visited_on": "2024-03-04", "team_lead": "x"}).status_code == 403


def test_the_figures_count_items_and_trips_per_agent(world):
    pa = world["project_a"].pk
    post(world["admin"], f"/projects/{pa}/agent", {"agent_id": world["agent"].pk, "started_on": "2024-02-01"})
    for trips in (2, 3):
        post(world["agent"], f"/projects/{pa}/actions", {"item_text": "代办", "handled_on": "2024-03-01",
                                                         "what_done": "代办", "trips_saved": trips})
    figures = get(world["leader"], "/figures").json()
    assert figures["agents"]["total"] == {"items": 2, "trips_saved": 5, "projects": 1, "agents": 1}
    assert get(world["leader"], "/actions", agent=world["agent"].pk).json()["count"] == 2
