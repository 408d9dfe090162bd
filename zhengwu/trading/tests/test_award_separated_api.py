"""The 评定分离 API: the award mode on tenders, and the decision endpoint × persona × status, response shapes."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client

from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading.choices import DecisionMethod
from zhengwu.trading.testing import at, credit, make_project
from zhengwu.trading.tests.test_award_separated import GROUP, NAMES, THREE, ids, publicity_closed

pytestmark = pytest.mark.django_db
API = "/api/v1/trading"


@pytest.fixture
def people():
    ent = make_enterprise(credit_code=credit(304), name="丙建设有限公司")
    return {"staff": make_user(role=Role.TRADING_STAFF), "supervisor": make_user(role=Role.SUPERVISOR),
            "bidder": make_user(role=Role.ENTERPRISE_USER, enterprise=ent)}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user, url, data=None):
    return client_for(user).post(f"{API}{url}", data or {}, content_type="application/json")


def patch(user, url, data):
    return client_for(user).patch(f"{API}{url}", data, content_type="application/json")


def get(user, url):
    return client_for(user).get(f"{API}{url}")


def tender_body(project, **extra):
    return {"project_id": project.pk, "title": "招标公告", "documents_issued_at": "2024-03-01T09:00:00+08:00",
            "on_sale_from": "2024-03-01", "on_sale_to": "2024-03-05", "bid_deadline": "2024-03-21T09:30:00+08:00",
            **extra}


def test_a_tender_is_created_with_its_award_mode_and_a_missing_method_is_422(people):
    project = make_project()
    missing = post(people["staff"], "/tenders", tender_body(project, award_mode="separated"))
    assert (missing.status_code, missing.json()["field"], missing.json()["code"]) == (422, "decision_method",
                                                                                      "required")
    created = post(people["staff"], "/tenders", tender_body(project, award_mode="separated",
                                                            decision_method="vote_lottery"))
    assert created.status_code == 201
    assert (created.json()["award_mode"], created.json()["decision_method"]) == ("separated", "vote_lottery")
    changed = patch(people["staff"], f"/tenders/{created.json()['id']}", {"award_mode": "ranked"})
    assert (changed.json()["award_mode"], changed.json()["decision_method"]) == ("ranked", "")
    bad = patch(people["staff"], f"/tenders/{created.json()['id']}", {"decision_method": "lottery"})
    assert (bad.status_code, bad.json()["code"]) == (422, "not_for_ranked")


def test_the_decision_through_the_api(people):
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE)
    c = ids(evaluation)
    shown = get(people["staff"], f"/evaluations/{evaluation.pk}").json()
    assert (shown["award_mode"], shown["decision_method"]) == ("separated", "vote")
    assert [(x["bidder_name"], x["rank"], x["recommended"]) for x in shown["candidates"]] == [
        ("投标人A", None, True), ("投标人B", None, True), ("投标人C", None, True)]
    body = {"group": GROUP, "reasons": "票决得票最多", "votes": [dict(zip(NAMES, [c["投标人C"]] * 3 + [c["投标人A"]] * 2,
                                                                     strict=True))]}
    with mock.patch("django.utils.timezone.now", return_value=at("2024-04-01 10:00")):
        assert post(people["supervisor"], f"/evaluations/{evaluation.pk}/award-decision", body).status_code == 403
        ranked = post(people["staff"], f"/evaluations/{evaluation.pk}/award")
        assert (ranked.status_code, ranked.json()["code"]) == (409, "award_mode_separated")
        short = post(people["staff"], f"/evaluations/{evaluation.pk}/award-decision", {**body, "group": GROUP[:3]})
        assert (short.status_code, short.json()["code"], short.json()["field"]) == (422, "rule.decision_group_min",
                                                                                     "group")
        decided = post(people["staff"], f"/evaluations/{evaluation.pk}/award-decision", body)
    assert decided.status_code == 201
    data = decided.json()
    assert set(data) >= {"id", "evaluation_id", "award_id", "method", "method_label", "group", "candidates", "inputs",
                         "outcome", "seed", "minutes", "reasons", "bid_id", "bidder_name", "price", "decided_at",
                         "digest", "verified", "replayed"}
    assert (data["method_label"], data["bidder_name"], data["price"]) == ("票决", "投标人C", "3600000.00")
    assert data["verified"] is True and data["replayed"] is True and len(data["digest"]) == 64
    assert get(people["supervisor"], f"/evaluations/{evaluation.pk}/award-decision").json()["id"] == data["id"]
    assert get(people["bidder"], f"/evaluations/{evaluation.pk}/award-decision").status_code == 404
    again = post(people["staff"], f"/evaluations/{evaluation.pk}/award-decision", body)
    assert (again.status_code, again.json()["code"]) == (409, "duplicate")


def test_a_price_competition_offer_above_the_bid_is_422_naming_the_candidate(people):
    evaluation = publicity_closed(THREE, DecisionMethod.PRICE_COMPETITION)
    c = ids(evaluation)
    r = post(people["staff"], f"/evaluations/{evaluation.pk}/award-decision",
             {"group": GROUP, "reasons": "最低价", "offers": {str(c["投标人B"]): "3800000.01"}})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "offer_above_bid", f"offers.{c['投标人B']}")
