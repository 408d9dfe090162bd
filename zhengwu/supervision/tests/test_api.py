"""The supervision API: each endpoint for a supervisor, a leader (reads), an enterprise user (nothing)."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.supervision.choices import ClueStatus, FlagStatus
from zhengwu.supervision.tests.factories_supervision import (
    enterprise_user,
    raise_flag,
    supervisor,
    tender_with_bidders,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people():
    tender, regs = tender_with_bidders()
    flag = raise_flag(tender=tender, registrations=regs)
    return {"tender": tender, "flag": flag, "supervisor": client_for(supervisor()),
            "leader": client_for(make_user(role=Role.LEADER)),
            "bidder": client_for(enterprise_user(regs[0].enterprise))}


def post(client: Client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def test_a_supervisor_lists_flags_with_filters_and_reads_the_evidence(people):
    s = people["supervisor"]
    listed = s.get(f"{API}/flags?family=collusion&status=open").json()
    assert [f["id"] for f in listed["items"]] == [people["flag"].pk]
    assert s.get(f"{API}/flags?rule=R018").json()["count"] == 0
    one = s.get(f"{API}/flags/{people['flag'].pk}").json()
    assert one["evidence"]["shared"]["machine_code"] == "MC-7F3A-19B2"
    assert set(one["actions"]) == {"confirm", "dismiss", "to_clue"}


def test_dismissing_without_a_reason_is_a_422_naming_reason(people):
    response = post(people["supervisor"], f"{API}/flags/{people['flag'].pk}/decision", {"action": "dismiss"})
    assert response.status_code == 422
    assert response.json()["field"] == "reason"


def test_a_flag_decided_twice_is_a_409(people):
    url = f"{API}/flags/{people['flag'].pk}/decision"
    first = post(people["supervisor"], url, {"action": "confirm", "reason": "属实"})
    assert (first.status_code, first.json()["status"]) == (200, FlagStatus.CONFIRMED)
    assert post(people["supervisor"], url, {"action": "dismiss", "reason": "改判"}).status_code == 409


def test_a_stale_version_is_a_409(people):
    url = f"{API}/flags/{people['flag'].pk}/decision"
    response = post(people["supervisor"], url, {"action": "confirm", "reason": "属实", "version": 99})
    assert response.status_code == 409


def test_the_clue_journey_through_the_api(people):
    s = people["supervisor"]
    clue = post(s, f"{API}/flags/{people['flag'].pk}/clue", {"reason": "转线索调查"})
    assert clue.status_code == 201
    clue_id = clue.json()["id"]
    url = f"{API}/clues/{clue_id}/transition"
    assert post(s, url, {"action": "investigate", "reason": "已调查"}).json()["status"] == ClueStatus.INVESTIGATED
    assert post(s, url, {"action": "conclude", "reason": "属实"}).json()["status"] == ClueStatus.CONCLUDED
    bad = post(s, url, {"action": "require_rectification", "reason": "整改", "days": 999})
    assert (bad.status_code, bad.json()["field"]) == (422, "days")
    assert post(s, url, {"action": "require_rectification", "reason": "整改", "days": 10}).json()["rectification_days"] == 10
    done = post(s, url, {"action": "verify", "reason": "已整改"}).json()
    assert done["status"] == ClueStatus.VERIFIED
    stats = s.get(f"{API}/statistics").json()
    assert stats["clues"]["rectification_rate"] == 1.0
    assert stats["flags"]["total"]["clue"] == 1
    case = s.get(f"{API}/cases/{people['flag'].case_id}").json()
    assert case["open_flags"] == 0 and case["actions"] == ["close"]
    assert post(s, f"{API}/cases/{people['flag'].case_id}/close", {"conclusion": "已转线索并整改"}).json()["status"] == "closed"


def test_a_complaint_clue_needs_its_reference(people):
    response = post(people["supervisor"], f"{API}/clues",
                    {"source": "complaint", "description": "举报", "project_id": people["tender"].project_id})
    assert (response.status_code, response.json()["field"]) == (422, "source_reference")
    ok = post(people["supervisor"], f"{API}/clues", {"source": "complaint", "source_reference": "TS-9",
                                                     "description": "举报", "project_id": people["tender"].project_id})
    assert ok.status_code == 201
    assert people["supervisor"].get(f"{API}/clues?source=complaint").json()["count"] == 1


def test_campaigns_and_inspections_through_the_api(people):
    s = people["supervisor"]
    campaign = post(s, f"{API}/campaigns", {"name": "专项排查", "period_start": "2024-04-01",
                                            "period_end": "2024-06-30"}).json()
    inspection = post(s, f"{API}/campaigns/{campaign['id']}/inspections",
                      {"project_id": people["tender"].project_id, "inspected_on": "2024-04-02",
                       "result": "problems_found", "findings": "评标报告缺签字。"})
    assert inspection.status_code == 201
    clue = post(s, f"{API}/inspections/{inspection.json()['id']}/clue", {})
    assert (clue.status_code, clue.json()["source"]) == (201, "inspection")
    figures = s.get(f"{API}/campaigns/{campaign['id']}").json()
    assert (figures["inspected"], figures["with_problems"], figures["clues_raised"]) == (1, 1, 1)
    reversed_period = post(s, f"{API}/campaigns", {"name": "x", "period_start": "2024-06-01",
                                                   "period_end": "2024-05-01"})
    assert (reversed_period.status_code, reversed_period.json()["field"]) == (422, "period_end")


def test_a_leader_reads_but_may_not_decide(people):
    leader = people["leader"]
    assert leader.get(f"{API}/flags/{people['flag'].pk}").json()["actions"] == []
    response = post(leader, f"{API}/flags/{people['flag'].pk}/decision", {"action": "confirm", "reason": "x"})
    assert response.status_code == 403


def test_an_enterprise_user_gets_403_on_lists_and_404_on_rows(people):
    bidder = people["bidder"]
    for path in ("/flags", "/cases", "/clues", "/campaigns", "/statistics"):
        assert bidder.get(f"{API}{path}").status_code == 403, path
    assert bidder.get(f"{API}/flags/{people['flag'].pk}").status_code == 404
    assert post(bidder, f"{API}/flags/{people['flag'].pk}/decision",
                {"action": "confirm", "reason": "x"}).status_code == 404
    assert bidder.get(f"{API}/cases/{people['flag'].case_id}").status_code == 404


def test_an_anonymous_caller_must_sign_in(people):
    assert Client().get(f"{API}/flags").status_code == 401
