"""Audit coverage (issue 12 part 5, DOMAIN.md §14): one test per kind of event an assessor looks for — login
success and failure, a role change, an export, unmasking, bid submission, bid opening, expert scoring — each
asserting the AuditEvent row (action, actor, object) and that the trail still verifies."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhengwu.cases import services as case_services
from zhengwu.cases.choices import Channel
from zhengwu.cases.testing import VALID_ID, make_item
from zhengwu.core import audit, exports, pii
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import TEST_PASSWORD, make_department, make_user
from zhengwu.org import services as org_services
from zhengwu.org.roles import Role
from zhengwu.trading import services_bids, services_evaluation
from zhengwu.trading.choices import EvaluationMethod
from zhengwu.trading.models import EvaluatedBid
from zhengwu.trading.testing import at, credit, draw, make_expert, make_project, make_tender, pay, publish, register

pytestmark = pytest.mark.django_db


def only_event(action: str, **lookup) -> AuditEvent:
    event = AuditEvent.objects.get(action=action, **lookup)
    assert audit.verify().ok
    return event


# --- accounts ---------------------------------------------------------------------------------------------

def test_a_successful_login_is_audited_with_the_user():
    user = make_user(role=Role.CITIZEN, username="zhang")
    response = Client().post(reverse("login"), {"username": "zhang", "password": TEST_PASSWORD})
    assert response.status_code == 302
    event = only_event("auth.login")
    assert (event.actor_id, event.object_type, event.object_id) == (user.pk, "org.user", str(user.pk))


def test_a_failed_login_is_audited_with_the_name_typed_and_never_the_password():
    make_user(role=Role.CITIZEN, username="zhang")
    response = Client().post(reverse("login"), {"username": "zhang", "password": "wrong-Password-1"})
    assert response.status_code == 200
    event = only_event("auth.login_failed")
    assert (event.actor_id, event.object_type, event.object_id) == (None, "auth.login", "zhang")
    assert "wrong-Password-1" not in f"{event.payload}{event.reason}"
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_a_role_change_is_audited_with_the_old_and_new_role():
    admin = make_user(role=Role.SECURITY_ADMIN)
    user = make_user(role=Role.INDICATOR_SPECIALIST)
    org_services.user_set_role(actor=admin, user=user, role=Role.SUPERVISOR)
    event = only_event("user.set_role")
    assert (event.actor_id, event.object_type, event.object_id) == (admin.pk, "org.user", str(user.pk))
    assert (event.payload["from"], event.payload["to"]) == (Role.INDICATOR_SPECIALIST, Role.SUPERVISOR)


# --- personal data ----------------------------------------------------------------------------------------

@pytest.fixture
def clerk_and_case():
    dept = make_department(name="市场监督管理局")
    clerk = make_user(role=Role.WINDOW_CLERK, department=dept)
    item = make_item(department=dept, code="A-001", promised=10, statutory=20)
    case, _code = case_services.case_receive(actor=clerk, item=item, channel=Channel.WINDOW, applicant_kind="person",
                                             applicant_name="张三", id_number=VALID_ID, phone="13800138000")
    return clerk, case


def test_an_export_is_audited_with_its_name_and_row_count(clerk_and_case):
    clerk, _case = clerk_and_case
    started = exports.export_start(actor=clerk, name="cases.list", params={})
    event = only_event("export.create")
    assert (event.actor_id, event.object_type, event.object_id) == (clerk.pk, "export", "cases.list")
    assert event.payload["rows"] == started.rows == 1


def test_unmasking_is_audited_with_the_field_and_reason_but_not_the_value(clerk_and_case):
    clerk, case = clerk_and_case
    pii.personal_data_reveal(actor=clerk, obj=case, field="applicant_id_number", reason="核对申请人身份")
    event = only_event(pii.REVEAL_ACTION)
    assert (event.actor_id, event.object_type, event.object_id) == (clerk.pk, "cases.case", str(case.pk))
    assert (event.reason, event.payload["field"]) == ("核对申请人身份", "applicant_id_number")
    assert VALID_ID not in str(event.payload)


# --- trading: bids, opening, scoring ------------------------------------------------------------------

BEFORE = at("2024-03-15 10:00")


@pytest.fixture
def tender_with_bids():
    """A published tender with two registered, paid bidders who each uploaded a sealed bid."""
    project = make_project(control_price="4000000")
    section = project.sections.get()
    tender = publish(make_tender(project=project, deposits={section.pk: "80000"}))
    bids = []
    for i, price in enumerate(["3900000", "3800000", "3700000"]):
        registration = register(tender, code=credit(500 + i), name=f"投标人{chr(65 + i)}")
        pay(registration)
        bidder = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
        bid, _receipt = services_bids.bid_upload(actor=bidder, tender=tender, section=section, file=b"%PDF bid",
                                                 price=price, duration_days=365, quality="合格", file_name="bid.pdf",
                                                 passphrase="open-sesame-1", now=BEFORE)
        bids.append((bidder, bid))
    return tender, section, bids


def test_a_bid_submission_is_audited_with_the_bidder_and_the_bid(tender_with_bids):
    _tender, _section, bids = tender_with_bids
    for bidder, bid in bids:
        event = AuditEvent.objects.get(action="bid.upload", object_id=str(bid.pk))
        assert (event.actor_id, event.object_type) == (bidder.pk, "trading.bid")
    assert audit.verify().ok


def opened(tender, section, bids, staff):
    for n in range(4):
        make_expert(name=f"专家{n + 1}")
    draw(tender, seed=7)
    services_bids.tender_open(actor=staff, tender=tender, passphrases={bid.pk: "open-sesame-1" for _, bid in bids},
                              now=tender.opening_at)
    tender.refresh_from_db()
    return tender


def test_the_opening_is_audited_on_the_tender_the_opening_record_and_each_bid(tender_with_bids):
    tender, section, bids = tender_with_bids
    staff = make_user(role=Role.TRADING_STAFF)
    opened(tender, section, bids, staff)
    event = only_event("tender.open")
    assert (event.actor_id, event.object_type, event.object_id) == (staff.pk, "trading.tender", str(tender.pk))
    record = AuditEvent.objects.get(action="openingrecord.publish")
    assert (record.actor_id, record.object_type, record.payload["bids"]) == (staff.pk, "trading.openingrecord", 3)
    unwrapped = AuditEvent.objects.filter(action="bid.unwrap", payload__outcome="unwrapped")
    assert sorted(unwrapped.values_list("object_id", flat=True)) == sorted(str(bid.pk) for _, bid in bids)


def test_expert_scoring_is_audited_per_score_sheet(tender_with_bids):
    tender, section, bids = tender_with_bids
    staff = make_user(role=Role.TRADING_STAFF)
    opened(tender, section, bids, staff)
    evaluation = services_evaluation.evaluation_create(actor=staff, tender=tender, section=section,
                                                       method=EvaluationMethod.COMPREHENSIVE, params=None,
                                                       now=at("2024-03-21 10:00"))
    member = services_evaluation._serving_members(evaluation)[0]
    evaluated = EvaluatedBid.objects.filter(evaluation=evaluation, valid=True).order_by("pk").first()
    sheet = services_evaluation.score_sheet_submit(actor=staff, evaluation=evaluation, member=member,
                                                   evaluated_bid=evaluated, technical="40", business="15",
                                                   now=at("2024-03-21 15:00"))
    event = only_event("scoresheet.submit")
    assert (event.actor_id, event.object_type, event.object_id) == (staff.pk, "trading.scoresheet", str(sheet.pk))
    assert AuditEvent.objects.filter(action="evaluation.create", object_id=str(evaluation.pk)).exists()

