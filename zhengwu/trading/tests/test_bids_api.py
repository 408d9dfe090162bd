"""The sealed-bid API: upload (base64 JSON) → receipt, withdraw, replace, the opening and its record,
each by persona and status, in the platform's one error format. The API runs on server time."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading import services, services_bids
from zhengwu.trading.models import Bid, Tender
from zhengwu.trading.testing import at, credit, make_project, make_tender, pay, publish, register

pytestmark = pytest.mark.django_db
API = "/api/v1/trading"
PASS = "open-sesame-1"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user, url, data):
    return client_for(user).post(f"{API}{url}", data, content_type="application/json")


def assert_error(response, status: int, code: str, field: str | None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]
    return body


def bid_body(*, section_id: int | None = None, content: bytes = b"%PDF bid", price: str = "3800000.00") -> dict:
    body = {"file_base64": base64.b64encode(content).decode(), "file_name": "bid.pdf", "price": price,
            "duration_days": 300, "quality": "合格", "passphrase": PASS}
    if section_id is not None:
        body["section_id"] = section_id
    return body


@pytest.fixture
def live():
    """A tender open for bids now (server time): deadline in 20 days, one registered bidder."""
    project = make_project()
    section = project.sections.get()
    now = timezone.localtime()
    tender = services.tender_create(actor="test", project=project, title="招标公告", documents_issued_at=now,
                                    on_sale_from=now.date(), on_sale_to=now.date() + timedelta(days=4),
                                    bid_deadline=now + timedelta(days=20), deposits={section.pk: "80000"})
    tender = services.tender_publish(actor="test", tender=tender)
    registration = services.bidder_register(actor="test", tender=tender, section=section, credit_code=credit(501),
                                            name="甲建设有限公司")
    bidder = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
    return tender, section, bidder


@pytest.fixture
def past():
    """A 2024 tender whose opening time has passed, with three sealed bids uploaded before its deadline."""
    project = make_project()
    tender = publish(make_tender(project=project, deposits={project.sections.get().pk: "80000"}))
    people, bids = [], []
    for i in range(3):
        registration = register(tender, code=credit(600 + i), name=f"第{i + 1}建设有限公司")
        pay(registration)
        user = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
        bid, _ = services_bids.bid_upload(actor=user, tender=tender, section=project.sections.get(), file=b"f",
                                          price=f"38{i}0000", passphrase=PASS, now=at("2024-03-15 10:00"))
        people.append(user)
        bids.append(bid)
    return tender, people, bids


def test_a_registered_bidder_uploads_and_gets_a_receipt(live):
    tender, section, bidder = live
    r = post(bidder, f"/tenders/{tender.pk}/bids", bid_body(section_id=section.pk))
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"bid_id", "bid_uid", "digest", "received_at", "size"}
    assert body["digest"] == Bid.objects.get(pk=body["bid_id"]).digest
    receipt = client_for(bidder).get(f"{API}/bids/{body['bid_id']}/receipt")
    assert receipt.json() == body


def test_a_bid_file_of_several_megabytes_gets_through_the_request_size_limit(live):
    tender, section, bidder = live
    r = post(bidder, f"/tenders/{tender.pk}/bids", bid_body(section_id=section.pk, content=b"%PDF" + b"x" * 5_000_000))
    assert r.status_code == 201, r.content[:200]
    assert r.json()["size"] > 5_000_000


def test_staff_cannot_upload_a_bid(live):
    tender, section, _ = live
    r = post(make_user(role=Role.TRADING_STAFF), f"/tenders/{tender.pk}/bids", bid_body(section_id=section.pk))
    assert_error(r, 403, "permission_denied", None)


def test_an_unregistered_enterprise_is_refused_naming_the_section(live):
    tender, section, _ = live
    outsider = make_user(role=Role.ENTERPRISE_USER, enterprise=make_enterprise(credit_code=credit(502)))
    r = post(outsider, f"/tenders/{tender.pk}/bids", bid_body(section_id=section.pk))
    assert_error(r, 422, "not_registered", "section_id")


@override_settings(ZHENGWU_BID_MAX_BYTES=10)
def test_an_oversized_upload_is_refused_naming_the_field(live):
    tender, section, bidder = live
    r = post(bidder, f"/tenders/{tender.pk}/bids", bid_body(section_id=section.pk, content=b"x" * 100))
    assert_error(r, 422, "too_large", "file_base64")


def test_a_bidder_withdraws_and_replaces_before_the_deadline(live):
    tender, section, bidder = live
    first = post(bidder, f"/tenders/{tender.pk}/bids", bid_body(section_id=section.pk)).json()
    replaced = post(bidder, f"/bids/{first['bid_id']}/replace", bid_body(price="3700000"))
    assert replaced.status_code == 201, replaced.content
    second = replaced.json()["bid_id"]
    withdrawn = post(bidder, f"/bids/{second}/withdraw", {})
    assert withdrawn.status_code == 200, withdrawn.content
    assert (withdrawn.json()["status"], withdrawn.json()["replaces_id"]) == ("withdrawn", first["bid_id"])


def test_another_bidder_gets_404_for_a_bid_that_is_not_theirs(live, past):
    _, people, bids = past
    tender, _, bidder = live
    r = client_for(bidder).get(f"{API}/bids/{bids[0].pk}/receipt")
    assert_error(r, 404, "not_found", None)


def test_upload_after_the_deadline_is_refused_naming_the_rule(past):
    tender, people, bids = past
    services_bids.bid_withdraw(actor=people[0], bid=bids[0], now=at("2024-03-16 10:00"))
    r = post(people[0], f"/tenders/{tender.pk}/bids", bid_body(section_id=tender.sections.get().pk))
    assert_error(r, 409, "rule.bid_after_deadline", None)


def test_the_generic_transition_endpoint_no_longer_opens_a_tender(past):
    tender, _, _ = past
    r = post(make_user(role=Role.TRADING_STAFF), f"/tenders/{tender.pk}/transitions", {"action": "open"})
    assert_error(r, 422, "unknown_transition", "action")


def test_a_bidder_cannot_open_the_tender(past):
    tender, people, bids = past
    r = post(people[0], f"/tenders/{tender.pk}/opening", {"passphrases": {str(bids[0].pk): PASS}})
    assert_error(r, 403, "permission_denied", None)


def test_staff_open_the_tender_and_bidders_and_staff_read_the_record(past):
    tender, people, bids = past
    staff = make_user(role=Role.TRADING_STAFF)
    r = post(staff, f"/tenders/{tender.pk}/opening", {"passphrases": {str(b.pk): PASS for b in bids}})
    assert r.status_code == 201, r.content
    (record,) = r.json()
    assert (record["outcome"], record["bid_count"], record["min_bids"]) == ("opened", 3, 3)
    assert [(row["bidder_name"], row["price"], row["status"]) for row in record["rows"]] == [
        (f"第{i + 1}建设有限公司", f"38{i}0000.00", "opened") for i in range(3)]
    assert Tender.objects.get(pk=tender.pk).status == "opened"
    assert client_for(people[1]).get(f"{API}/tenders/{tender.pk}/opening").json() == [record]
    assert client_for(make_user(role=Role.SUPERVISOR)).get(f"{API}/tenders/{tender.pk}/opening").json() == [record]
    outsider = make_user(role=Role.ENTERPRISE_USER, enterprise=make_enterprise(credit_code=credit(503)))
    assert client_for(outsider).get(f"{API}/tenders/{tender.pk}/opening").json() == []
