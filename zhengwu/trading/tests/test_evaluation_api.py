"""The evaluation, publicity and award API: endpoint × persona × status, and the response shapes."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client

from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading.models import EvaluatedBid
from zhengwu.trading.testing import at, credit
from zhengwu.trading.tests.test_evaluation import FIVE, members, opened

pytestmark = pytest.mark.django_db
API = "/api/v1/trading"


@pytest.fixture
def people():
    ent = make_enterprise(credit_code=credit(302), name="乙建设有限公司")
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


def at_time(text):
    return mock.patch("django.utils.timezone.now", return_value=at(text))


def test_staff_start_an_evaluation_others_are_refused_or_see_nothing(people):
    tender, section = opened(FIVE[:3])
    body = {"tender_id": tender.pk, "section_id": section.pk, "method": "comprehensive"}
    assert post(people["supervisor"], "/evaluations", body).status_code == 403
    r = post(people["staff"], "/evaluations", body)
    assert r.status_code == 201
    data = r.json()
    assert set(data) >= {"id", "tender_id", "section_id", "method", "status", "params", "control_price", "base_price",
                         "bids", "candidates", "reported_at", "report_digest", "publicity_id", "publicity_status"}
    assert data["base_price"] == "3766666.67" and data["status"] == "scoring" and data["candidates"] == []
    assert set(data["bids"][0]) >= {"bid_id", "bidder_name", "price", "valid", "rejection_code", "rejection_reason",
                                    "technical", "business", "price_score", "total", "rank"}
    assert get(people["supervisor"], f"/evaluations/{data['id']}").status_code == 200
    assert get(people["bidder"], f"/evaluations/{data['id']}").status_code == 404


def test_a_bad_parameter_and_a_score_out_of_range_are_422_naming_the_field(people):
    tender, section = opened(FIVE[:3])
    bad = post(people["staff"], "/evaluations", {"tender_id": tender.pk, "section_id": section.pk,
                                                 "method": "comprehensive", "params": {"k": "1"}})
    assert (bad.status_code, bad.json()["field"]) == (422, "params.k")
    created = post(people["staff"], "/evaluations", {"tender_id": tender.pk, "section_id": section.pk,
                                                     "method": "comprehensive"}).json()
    member = members(EvaluatedBid.objects.get(pk=created["bids"][0]["id"]).evaluation)[0]
    url = f"/evaluations/{created['id']}/score-sheets"
    r = post(people["staff"], url, {"member_id": member.pk, "bid_id": created["bids"][0]["bid_id"],
                                    "technical": 51, "business": 10})
    assert (r.status_code, r.json()["field"]) == (422, "technical")
    ok = post(people["staff"], url, {"member_id": member.pk, "bid_id": created["bids"][0]["bid_id"],
                                     "technical": "45.5", "business": 10})
    assert ok.status_code == 201
    assert ok.json()["technical"] == "45.50" and ok.json()["verified"] is True and len(ok.json()["digest"]) == 64


def test_report_publicity_award_and_contract_through_the_api(people):
    tender, section = opened(FIVE[:4])
    staff = people["staff"]
    with at_time("2024-03-21 10:00"):
        created = post(staff, "/evaluations", {"tender_id": tender.pk, "section_id": section.pk,
                                               "method": "lowest_price"}).json()
    with at_time("2024-03-22 10:00"):
        report = post(staff, f"/evaluations/{created['id']}/report")
    assert report.status_code == 200
    assert [c["bidder_name"] for c in report.json()["candidates"]] == ["投标人D", "投标人C", "投标人B"]
    assert report.json()["publicity_status"] == "draft" and len(report.json()["report_digest"]) == 64
    with at_time("2024-03-26 10:00"):
        late = post(staff, f"/evaluations/{created['id']}/publicity/transitions", {"action": "publish"})
    assert (late.status_code, late.json()["code"]) == (422, "rule.publicity_within_days")
    with at_time("2024-03-22 17:00"):
        assert post(people["supervisor"], f"/evaluations/{created['id']}/publicity/transitions",
                    {"action": "publish"}).status_code == 403
        published = post(staff, f"/evaluations/{created['id']}/publicity/transitions", {"action": "publish"})
    assert published.status_code == 200 and published.json()["status"] == "published"
    with at_time("2024-03-23 10:00"):
        objection = post(staff, f"/evaluations/{created['id']}/objections",
                         {"objector_name": "投标人A", "content": "报价计算有误"})
    assert objection.status_code == 201 and objection.json()["answer_due_on"] == "2024-03-26"
    assert len(get(staff, "/candidate-objections/overdue?today=2024-03-27").json()) == 1
    with at_time("2024-03-24 10:00"):
        answered = post(staff, f"/candidate-objections/{objection.json()['id']}/answer", {"answer": "经复核无误"})
    assert answered.status_code == 200 and answered.json()["answered_late"] is False
    with at_time("2024-03-25 17:00"):
        assert post(staff, f"/evaluations/{created['id']}/publicity/transitions", {"action": "close"}).status_code == 200
    with at_time("2024-04-01 10:00"):
        assert post(people["supervisor"], f"/evaluations/{created['id']}/award").status_code == 403
        award = post(staff, f"/evaluations/{created['id']}/award")
    assert award.status_code == 201
    assert {k: award.json()[k] for k in ("bidder_name", "winner_rank", "price", "contract_due_on")} == {
        "bidder_name": "投标人D", "winner_rank": 1, "price": "3400000.00", "contract_due_on": "2024-05-01"}
    assert get(staff, "/awards/contracts-overdue?today=2024-05-01").json() == []
    assert [a["id"] for a in get(staff, "/awards/contracts-overdue?today=2024-05-02").json()] == [award.json()["id"]]
    signed = post(staff, f"/awards/{award.json()['id']}/contract", {"signed_on": "2024-04-15"})
    assert signed.status_code == 200 and signed.json()["contract_signed_on"] == "2024-04-15"
    assert post(people["bidder"], f"/awards/{award.json()['id']}/contract",
                {"signed_on": "2024-04-16"}).status_code == 404
