"""The evidence the collusion rules read is recorded by trading: the bid client's file metadata and the upload
IP at receipt (service, API, portal), the people and the text signature at the opening, old bids still open."""

from __future__ import annotations

import base64
import json
import struct
import datetime as dt
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.errors import InvalidInput
from zhengwu.core.fields import index_for
from zhengwu.core.identifiers import make_id_card
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.supervision import collusion
from zhengwu.trading import sealing, services, services_bids
from zhengwu.trading.choices import BidStatus
from zhengwu.trading.models import Bid
from zhengwu.trading.testing import at, credit, make_project, make_tender, pay, publish, register

pytestmark = pytest.mark.django_db
PASS = "open-sesame-1"
BEFORE = at("2024-03-15 10:00")
AGENT_ID = make_id_card(birth=dt.date(1985, 6, 1), seq=12)


@pytest.fixture
def tender():
    project = make_project()
    return publish(make_tender(project=project, deposits={project.sections.get().pk: "80000"}))


def bidder(tender, n: int):
    registration = register(tender, code=credit(700 + n), name=f"第{n}建设有限公司")
    pay(registration)
    return make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)


def upload(tender, user, **extra):
    return services_bids.bid_upload(actor=user, tender=tender, section=tender.sections.get(), file=b"%PDF bid",
                                    price="3800000", passphrase=PASS, now=BEFORE, **extra)


def test_the_service_stores_the_bid_clients_metadata_and_the_upload_ip_at_receipt(tender):
    bid, _ = upload(tender, bidder(tender, 1), machine_code=" MC-0A1B2C ", file_creator_id="user-7",
                    pricing_key="KEY-99", upload_ip="10.20.30.40")
    stored = Bid.objects.get(pk=bid.pk)
    assert (stored.machine_code, stored.file_creator_id, stored.pricing_key, stored.upload_ip) == \
        ("MC-0A1B2C", "user-7", "KEY-99", "10.20.30.40")
    event = AuditEvent.objects.filter(action="bid.upload").latest("id")
    assert event.payload["evidence"]["machine_code"] == "MC-0A1B2C"


@pytest.mark.parametrize(("field", "value", "code"), [
    ("machine_code", "x" * 65, "too_long"),
    ("pricing_key", "KEY\x00", "not_printable"),
    ("upload_ip", "999.1.1.1", "invalid"),
    ("agent_id_number", "330702198506011234", "invalid"),
    ("project_manager_certificate", "C" * 41, "too_long"),
])
def test_bad_evidence_is_refused_on_its_field_and_nothing_is_stored(tender, field, value, code):
    user = bidder(tender, 1)
    with pytest.raises(InvalidInput) as refused:
        upload(tender, user, **{field: value})
    assert refused.value.field == field
    if field != "agent_id_number":
        assert refused.value.code == code
    assert not Bid.objects.exists()


def test_the_opening_writes_the_people_and_the_text_signature(tender):
    staff = make_user(role=Role.TRADING_STAFF)
    users = [bidder(tender, n) for n in range(3)]
    text = "施工组织设计:本工程采用流水施工,配备项目管理机构,质量目标合格,安全文明施工达标。" * 20
    bids = [upload(tender, users[0], project_manager_name="王五", project_manager_certificate="浙133000000001",
                   agent_name="张三", agent_id_number=AGENT_ID, document_text=text)[0]]
    bids += [upload(tender, u)[0] for u in users[1:]]
    stored = Bid.objects.get(pk=bids[0].pk)
    assert stored.project_manager_certificate == "" and stored.text_signature is None  # sealed until the opening
    services_bids.tender_open(actor=staff, tender=tender, now=tender.opening_at,
                              passphrases={b.pk: PASS for b in bids})
    opened = Bid.objects.get(pk=bids[0].pk)
    assert opened.status == BidStatus.OPENED
    assert (opened.project_manager_name, opened.project_manager_certificate, opened.agent_name) == \
        ("王五", "浙133000000001", "张三")
    assert opened.agent_id_number == AGENT_ID
    assert opened.agent_id_index == index_for(AGENT_ID, purpose="id_number")
    assert opened.text_signature == collusion.minhash_signature(text)
    # the ID number is encrypted at rest and not in the audit trail
    raw = Bid.objects.filter(pk=opened.pk).values_list("agent_id_number", flat=True)
    assert AGENT_ID not in str(list(Bid.objects.raw("select id, agent_id_number from trading_bid")))
    assert list(raw) == [AGENT_ID]
    assert not AuditEvent.objects.filter(payload__icontains=AGENT_ID).exists()
    # a bid without a text gets the signature of its file
    other = Bid.objects.get(pk=bids[1].pk)
    assert other.text_signature == collusion.minhash_signature("%PDF bid") and other.agent_id_index == ""


def test_a_bid_sealed_in_the_old_format_still_opens_with_empty_evidence():
    content = sealing.BidContent(price=sealing.Decimal("100"), duration_days=3, quality="合格", file_name="a.pdf",
                                 file=b"%PDF")
    packed = sealing.pack(content)
    # the header as bids were sealed before the evidence fields existed: the same bytes when they are empty
    old_header = json.dumps({"price": "100", "duration_days": 3, "quality": "合格", "file_name": "a.pdf"},
                            ensure_ascii=False, sort_keys=True).encode("utf-8")
    assert packed == struct.pack(">I", len(old_header)) + old_header + b"%PDF"
    back = sealing.unpack(packed)
    assert back.agent_id_number == "" and back.document_text == "" and back.price == 100
    evidence = services_bids.opening_evidence(back)
    assert evidence["agent_id_index"] == "" and evidence["project_manager_certificate"] == ""


def test_the_api_records_the_metadata_and_remote_addr():
    project = make_project()
    section = project.sections.get()
    now = timezone.localtime()
    tender = services.tender_create(actor="test", project=project, title="招标公告", documents_issued_at=now,
                                    on_sale_from=now.date(), on_sale_to=now.date() + timedelta(days=4),
                                    bid_deadline=now + timedelta(days=20), deposits={section.pk: "80000"})
    tender = services.tender_publish(actor="test", tender=tender)
    registration = services.bidder_register(actor="test", tender=tender, section=section, credit_code=credit(777),
                                            name="甲建设有限公司")
    user = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
    client = Client(REMOTE_ADDR="192.0.2.17", HTTP_X_FORWARDED_FOR="203.0.113.9")
    client.force_login(user)
    body = {"file_base64": base64.b64encode(b"%PDF").decode(), "price": "3800000", "passphrase": PASS,
            "section_id": section.pk, "machine_code": "MC-API", "file_creator_id": "creator", "pricing_key": "PK-1"}
    response = client.post(f"/api/v1/trading/tenders/{tender.pk}/bids", body, content_type="application/json")
    assert response.status_code == 201, response.content
    bid = Bid.objects.get(pk=response.json()["bid_id"])
    assert (bid.machine_code, bid.file_creator_id, bid.pricing_key, bid.upload_ip) == \
        ("MC-API", "creator", "PK-1", "192.0.2.17")
    bad = client.post(f"/api/v1/trading/bids/{bid.pk}/replace",
                      {**body, "machine_code": "M" * 65}, content_type="application/json")
    assert bad.status_code in (400, 422) and bad.json()["field"] == "machine_code"


def test_the_portal_upload_records_the_metadata_and_remote_addr():
    project = make_project()
    section = project.sections.get()
    now = timezone.localtime()
    tender = services.tender_create(actor="test", project=project, title="招标公告", documents_issued_at=now,
                                    on_sale_from=now.date(), on_sale_to=now.date() + timedelta(days=4),
                                    bid_deadline=now + timedelta(days=20), deposits={section.pk: "80000"})
    tender = services.tender_publish(actor="test", tender=tender)
    registration = services.bidder_register(actor="test", tender=tender, section=section, credit_code=credit(778),
                                            name="乙建设有限公司")
    user = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
    client = Client(REMOTE_ADDR="198.51.100.5")
    client.force_login(user)
    response = client.post(reverse("trading:portal_bid_upload", args=[registration.pk]), {
        "file": SimpleUploadedFile("bid.pdf", b"%PDF"), "price": "3800000", "passphrase": PASS,
        "passphrase_again": PASS, "machine_code": "MC-PORTAL", "pricing_key": "PK-P"})
    assert response.status_code == 302
    bid = Bid.objects.get(registration=registration)
    assert (bid.machine_code, bid.pricing_key, bid.upload_ip) == ("MC-PORTAL", "PK-P", "198.51.100.5")
    page = client.get(reverse("trading:portal_tender", args=[tender.pk]))
    assert "制作机器码" in page.content.decode()
