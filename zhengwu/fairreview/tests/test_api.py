"""The fair competition review API: each endpoint × persona × status, the one error format, and the publish
refusal as the trading API renders it (field documents_text, the open findings in details)."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.fairreview.models import Finding, Rule
from zhengwu.fairreview.tests.factories import BRAND, CAPITAL, CLEAN, LOCAL, draft_tender
from zhengwu.org.roles import Role
from zhengwu.trading.testing import credit

pytestmark = pytest.mark.django_db

API = "/api/v1/fairreview"


@pytest.fixture
def people():
    return {
        "staff": make_user(role=Role.TRADING_STAFF),
        "supervisor": make_user(role=Role.SUPERVISOR),
        "bidder": make_user(role=Role.ENTERPRISE_USER,
                            enterprise=make_enterprise(credit_code=credit(301), name="甲建设有限公司")),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client, url, data=None, method="post"):
    return getattr(client, method)(f"{API}{url}", data or {}, content_type="application/json")


def assert_error(response, status: int, field: str | None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "message", "field"}
    assert body["field"] == field
    return body


RULE = {"code": "FCR-X-01", "category": "region", "pattern": "须在本镇设立仓库", "message": "要求在本地设立仓库",
        "legal_basis": "《公平竞争审查条例》第十条"}


def test_staff_run_a_review_and_read_the_findings(people):
    tender = draft_tender(documents_text=CLEAN + LOCAL + CAPITAL)
    client = client_for(people["staff"])
    response = send(client, f"/tenders/{tender.pk}/reviews")
    assert response.status_code == 201, response.content
    assert response.json()["open"] == 2
    body = client.get(f"{API}/tenders/{tender.pk}/findings").json()
    assert body["reviewed_current_text"] is True
    assert sorted(f["rule"] for f in body["findings"]) == ["FCR-FIN-01", "FCR-REG-01"]
    assert sorted(f["rule"] for f in body["open_now"]) == ["FCR-FIN-01", "FCR-REG-01"]
    local = next(f for f in body["findings"] if f["rule"] == "FCR-REG-01")
    assert tender.documents_text[local["clause_start"]:local["clause_end"]] == LOCAL
    assert local["state"] == "open"


def test_a_supervisor_accepts_a_finding_and_a_staff_member_may_not(people):
    tender = draft_tender(documents_text=CLEAN + BRAND)
    send(client_for(people["staff"]), f"/tenders/{tender.pk}/reviews")
    finding = Finding.objects.get(tender=tender)
    assert_error(send(client_for(people["staff"]), f"/findings/{finding.pk}/accept", {"reason": "自己认为合理合理"}),
                 403, None)
    assert_error(send(client_for(people["supervisor"]), f"/findings/{finding.pk}/accept", {"reason": ""}),
                 422, "reason")
    response = send(client_for(people["supervisor"]), f"/findings/{finding.pk}/accept",
                    {"reason": "与既有路灯控制系统兼容,经专家论证确需指定。"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    assert_error(send(client_for(people["supervisor"]), f"/findings/{finding.pk}/accept",
                      {"reason": "再保留一次试一试。"}), 409, None)


def test_a_bidder_gets_403_and_an_unknown_tender_404(people):
    tender = draft_tender(documents_text=CLEAN + LOCAL)
    assert_error(send(client_for(people["bidder"]), f"/tenders/{tender.pk}/reviews"), 403, None)
    assert_error(send(client_for(people["staff"]), "/tenders/999999/reviews"), 404, None)
    assert Client().post(f"{API}/tenders/{tender.pk}/reviews").status_code == 401


def test_the_documents_endpoint_edits_the_draft_and_reviews_it(people):
    tender = draft_tender(documents_text=CLEAN + LOCAL)
    client = client_for(people["staff"])
    send(client, f"/tenders/{tender.pk}/reviews")
    response = send(client, f"/tenders/{tender.pk}/documents", {"documents_text": CLEAN}, method="put")
    assert response.status_code == 200, response.content
    assert (response.json()["resolved"], response.json()["open"]) == (1, 0)


def test_publishing_through_the_trading_api_is_refused_with_the_open_findings(people):
    tender = draft_tender(documents_text=CLEAN + LOCAL, future=True)
    response = client_for(people["staff"]).post(f"/api/v1/trading/tenders/{tender.pk}/publish",
                                                {"version": tender.version}, content_type="application/json")
    body = assert_error(response, 422, "documents_text")
    assert body["code"] == "fair_review_open_findings"
    assert [f["rule"] for f in body["details"]["findings"]] == ["FCR-REG-01"]


def test_a_supervisor_creates_and_updates_a_rule(people):
    client = client_for(people["supervisor"])
    response = send(client, "/rules", RULE)
    assert response.status_code == 201, response.content
    rule_id = response.json()["id"]
    response = send(client, f"/rules/{rule_id}", {"active": False, "severity": "low"}, method="patch")
    assert response.status_code == 200, response.content
    assert (response.json()["active"], response.json()["severity"]) == (False, "low")
    assert any(r["code"] == "FCR-X-01" for r in client.get(f"{API}/rules").json())


def test_a_bad_regex_in_a_new_rule_is_a_422_naming_pattern(people):
    body = assert_error(send(client_for(people["supervisor"]), "/rules", {**RULE, "pattern": "本地(注册"}), 422,
                        "pattern")
    assert "正则表达式" in body["message"]
    assert not Rule.objects.filter(code="FCR-X-01").exists()


@pytest.mark.parametrize("data, field", [
    ({"matcher": "amount_above_estimate", "threshold": "1"}, "pattern"),
    ({"matcher": "number_below", "pattern": "价格分(?P<value>\\d+)%"}, "threshold"),
    ({"contract_kinds": ["roads"]}, "contract_kinds"),
    ({"severity": "fatal"}, "severity"),
])
def test_other_bad_rules_are_422_naming_the_field(people, data, field):
    assert_error(send(client_for(people["supervisor"]), "/rules", {**RULE, **data}), 422, field)


def test_staff_may_not_create_rules_and_a_bad_update_is_refused(people):
    assert_error(send(client_for(people["staff"]), "/rules", RULE), 403, None)
    rule = Rule.objects.get(code="FCR-REG-01")
    assert_error(send(client_for(people["supervisor"]), f"/rules/{rule.pk}", {"pattern": "[本地"}, method="patch"),
                 422, "pattern")
    assert Rule.objects.get(pk=rule.pk).pattern == rule.pattern


def test_publishing_through_the_trading_api_goes_through_once_the_clause_is_gone(people):
    tender = draft_tender(documents_text=CLEAN + LOCAL, future=True)
    client = client_for(people["staff"])
    send(client, f"/tenders/{tender.pk}/documents", {"documents_text": CLEAN}, method="put")
    tender.refresh_from_db()
    response = client.post(f"/api/v1/trading/tenders/{tender.pk}/publish", {"version": tender.version},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
