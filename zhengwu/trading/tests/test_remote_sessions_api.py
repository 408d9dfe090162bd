"""The remote-session API: endpoint × persona × status, and the response shapes."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading.testing import credit
from zhengwu.trading.tests.test_remote_sessions import OURS_MAIN, OURS_SUB, committee, serving

pytestmark = pytest.mark.django_db
API = "/api/v1/trading"


@pytest.fixture
def people():
    ent = make_enterprise(credit_code=credit(305), name="丁建设有限公司")
    return {"staff": make_user(role=Role.TRADING_STAFF), "supervisor": make_user(role=Role.SUPERVISOR),
            "bidder": make_user(role=Role.ENTERPRISE_USER, enterprise=ent)}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user, url, data=None):
    return client_for(user).post(f"{API}{url}", data or {}, content_type="application/json")


def get(user, url):
    return client_for(user).get(f"{API}{url}")


def test_a_main_session_from_scheduling_to_its_timeline(people):
    tender, section = committee()
    staff = people["staff"]
    body = {"our_role": "main", "scheduled_start": "2024-03-21T09:00:00+08:00", "venues": OURS_MAIN,
            "tender_id": tender.pk, "section_id": section.pk}
    assert post(people["supervisor"], "/remote-sessions", body).status_code == 403
    created = post(staff, "/remote-sessions", body)
    assert created.status_code == 201
    data = created.json()
    assert set(data) >= {"id", "status", "status_label", "version", "our_role", "tender_id", "section_id",
                         "project_name", "project_number", "host_center", "scheduled_start", "started_at",
                         "closed_at", "venues", "members", "actions"}
    assert (data["status"], data["tender_id"], data["actions"]) == ("scheduled", tender.pk, ["start", "cancel"])
    url = f"/remote-sessions/{data['id']}"
    main, sub = (v["id"] for v in data["venues"])
    for i, member in enumerate(serving(tender)):
        seat = post(staff, f"{url}/members", {"venue_id": main if i < 2 else sub, "member_id": member.pk})
        assert seat.status_code == 201
    wrong = post(staff, f"{url}/members", {"venue_id": sub, "name": "外地专家"})
    assert (wrong.status_code, wrong.json()["field"]) == (422, "member_id")
    started = post(staff, f"{url}/transitions", {"action": "start"})
    assert (started.status_code, started.json()["status"], started.json()["actions"]) == (200, "in_progress",
                                                                                          ["close"])
    seat_id = started.json()["members"][2]["id"]
    check_in = post(staff, f"{url}/events", {"kind": "check_in", "member_id": seat_id})
    assert check_in.status_code == 201 and check_in.json()["venue_id"] == sub
    early = post(staff, f"{url}/events", {"kind": "report_signed", "venue_id": main})
    assert (early.status_code, early.json()["code"]) == (409, "out_of_order")
    for kind in ("scoring_started", "scoring_finished", "report_signed"):
        assert post(staff, f"{url}/events", {"kind": kind, "venue_id": main}).status_code == 201
    assert post(people["supervisor"], f"{url}/transitions", {"action": "close"}).status_code == 403
    closed = post(staff, f"{url}/transitions", {"action": "close"})
    assert closed.json()["status"] == "closed"
    timeline = get(people["supervisor"], f"{url}/timeline")
    assert timeline.status_code == 200
    kinds = [e["kind"] for e in timeline.json()]
    assert kinds[0] == "remotesession.create" and kinds[-1] == "remotesession.close"
    assert {"check_in", "scoring_started", "scoring_finished", "report_signed"} <= set(kinds)
    assert set(timeline.json()[0]) >= {"at", "source", "kind", "label", "venue", "member", "actor", "note",
                                       "event_id", "audit_id", "payload"}
    assert get(people["bidder"], f"{url}/timeline").status_code == 404
    assert get(people["bidder"], url).status_code == 404


def test_a_sub_session_is_listed_by_year_and_role_and_refuses_a_bad_venue_list(people):
    body = {"our_role": "sub", "scheduled_start": "2024-05-06T09:00:00+08:00", "venues": OURS_SUB,
            "project_name": "绍兴市某道路改造工程", "host_center": "绍兴市公共资源交易中心"}
    assert post(people["staff"], "/remote-sessions", body).status_code == 201
    bad = post(people["staff"], "/remote-sessions", {**body, "venues": OURS_SUB[:1]})
    assert (bad.status_code, bad.json()["code"]) == (422, "too_few_venues")
    listed = get(people["supervisor"], "/remote-sessions?year=2024&our_role=sub").json()
    assert [(s["our_role"], s["project_name"]) for s in listed] == [("sub", "绍兴市某道路改造工程")]
    assert get(people["supervisor"], "/remote-sessions?year=2023").json() == []
    assert get(people["bidder"], "/remote-sessions").json() == []
