"""The demo trading year (DOMAIN.md §10, §13), generated once at a small scale through the real services:
its figures are the seed's (scaled), every awarded section has a contract or is on the overdue list, no
bid is stored in clear, the committees keep the draw rules, the audit chain verifies.

The full-scale run and its figures: ``python bench/demo_trading.py --scale 1``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction

from zhengwu.core import audit, crypto
from zhengwu.core.demo import DemoContext, generate
from zhengwu.core.models import AuditEvent
from zhengwu.org.models import User
from zhengwu.trading import sealing, selectors, services_award, services_bids, services_experts
from zhengwu.trading.choices import (
    AwardMode,
    BidStatus,
    DepositForm,
    ExpertSource,
    FundingSource,
    OpeningOutcome,
    TenderStatus,
)
from zhengwu.trading.figures import trading_figures
from zhengwu.trading.models import (
    Award,
    Bid,
    Deposit,
    DepositRefundBatch,
    ExpertDraw,
    ExpertDrawMember,
    OpeningRecord,
    Tender,
)

pytestmark = pytest.mark.django_db

SCALE = 0.01  # 5 projects, one of each kind, one failed tender and its re-run
S = Decimal(str(SCALE))


def scaled(n: int, minimum: int = 1) -> int:
    return max(minimum, round(n * SCALE))


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    """The district's organization and its 2023 trading year, generated once for the module, rolled back after."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield generate(DemoContext(seed=2023, scale=SCALE, log=lambda msg: None), only=("org.", "trading."))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def staff(year):
    return User.objects.get(username="trading")


def test_the_year_comes_out_at_the_figures_of_the_seed_document_scaled(year, staff):
    f = trading_figures(user=staff, year=2023)
    assert f["projects"] == scaled(451)
    assert f["amount"] == (Decimal("37230000000") * S).quantize(Decimal(1))
    above = f["above_limit"]
    assert above["projects"] == scaled(190)
    assert above["amount"] == (Decimal("36970000000") * S).quantize(Decimal(1))
    assert above["savings"] == (Decimal("1080000000") * S).quantize(Decimal(1))
    assert Decimal("0.0275") <= Decimal(above["savings_rate"]) < Decimal("0.0285")  # the seed's 2.8 %
    assert f["separated"]["projects"] == scaled(18)
    assert f["separated"]["amount"] >= Decimal("33000000000") * S  # "over 330 亿元"
    assert f["guarantees"]["count"] == scaled(5707)
    assert abs(f["guarantees"]["amount_freed"] - Decimal("1174000000") * S) < 1000
    assert DepositRefundBatch.objects.get().total == (Decimal("642000") * S).quantize(Decimal(100))
    assert (f["remote_sessions"]["main"], f["remote_sessions"]["sub"]) == (scaled(2), scaled(50))


def test_every_opened_section_is_awarded_and_every_award_has_a_contract_or_is_overdue(year, staff):
    opened = OpeningRecord.objects.filter(outcome=OpeningOutcome.OPENED)
    awards = Award.objects.all()
    assert awards.count() == opened.count() > 0
    overdue = set(selectors.contracts_overdue(user=staff, today=dt.date(2024, 3, 1)))
    without_contract = {a for a in awards if a.contract_signed_on is None}
    assert without_contract and without_contract <= overdue
    for award in awards.filter(contract_signed_on__isnull=False).select_related("evaluation__tender_section"):
        offer = award.evaluation.tender_section
        assert offer.contract_signed_on == award.contract_signed_on
        transfers = Deposit.objects.filter(registration__tender_section=offer, form=DepositForm.TRANSFER)
        assert not transfers.filter(refunded_on__isnull=True).exists(), offer.pk


def test_a_tender_with_fewer_than_three_bids_failed_and_was_re_run(year):
    failed = list(Tender.objects.filter(status=TenderStatus.FAILED))
    assert len(failed) == scaled(24)
    for tender in failed:
        records = list(tender.opening_records.all())
        assert records and all(r.outcome == OpeningOutcome.TOO_FEW_BIDS and r.bid_count < 3 for r in records)
        assert tender.reruns.get().status == TenderStatus.OPENED
        assert not Deposit.objects.filter(registration__tender_section__tender=tender, form=DepositForm.TRANSFER,
                                          refunded_on__isnull=True).exists()


def test_no_bid_is_stored_in_clear_and_each_opened_bid_holds_its_document(year):
    bids = list(Bid.objects.select_related("registration__enterprise", "registration__tender_section"))
    assert len(bids) >= 3 * scaled(451)
    assert not any(b"BID-DOCUMENT" in bytes(b.ciphertext) for b in bids)
    assert AuditEvent.objects.filter(action="bid.upload", payload__icontains=bids[0].digest).exists()  # the lookup works
    assert not AuditEvent.objects.filter(payload__icontains="BID-DOCUMENT").exists()
    # the bids still sealed are those of failed tenders: never decrypted
    assert {b.registration.tender_section.tender.status for b in bids if b.status == BidStatus.SEALED} <= {
        TenderStatus.FAILED}
    opened = [b for b in bids if b.status == BidStatus.OPENED]
    for bid in opened[:: max(1, len(opened) // 10)]:
        context = services_bids.bid_context(bid)
        key = crypto.decrypt(bytes(bid.opened_key), associated_data=b"opened|" + context)
        content = sealing.unseal(bid.ciphertext, key=key, context=context)
        assert b"BID-DOCUMENT" in content.file and content.price == bid.price


def test_the_committees_keep_the_draw_rules_and_replay(year):
    draws = list(ExpertDraw.objects.select_related("tender_section__tender__project"))
    assert len(draws) == Award.objects.count()
    for draw in draws:
        assert services_experts.draw_replay(draw)["matches"], draw.pk
        if draw.tender_section.tender.project.above_limit:
            assert set(draw.members.values_list("source", flat=True)) == {ExpertSource.PROVINCIAL}
    drawn_on = defaultdict(list)
    for expert_id, drawn_at in ExpertDrawMember.objects.values_list("expert_id", "round__drawn_at"):
        drawn_on[expert_id].append(drawn_at.date())
    for days in drawn_on.values():  # drawn again only after the 30 days of cool-down
        days.sort()
        assert all((b - a).days >= 30 for a, b in zip(days, days[1:])), days


def test_the_separated_award_projects_are_government_invested_and_decided_by_a_verifiable_decision(year):
    awards = list(Award.objects.filter(evaluation__tender_section__tender__award_mode=AwardMode.SEPARATED)
                  .select_related("evaluation__tender_section__tender__project", "decision"))
    projects = {a.evaluation.tender_section.tender.project for a in awards}
    assert len(projects) == scaled(18)
    assert {p.funding_source for p in projects} == {FundingSource.GOVERNMENT_INVESTED}
    for award in awards:
        assert services_award.decision_verify(award.decision) and services_award.decision_replay(award.decision)


def test_the_old_deposits_are_refunded_in_one_batch_and_the_audit_chain_verifies(year):
    batch = DepositRefundBatch.objects.get()
    refunded = Deposit.objects.filter(refund_batch=batch)
    assert refunded.count() == batch.deposit_count >= 2
    assert {d.registration.tender_section.tender.bid_deadline.year for d in refunded} <= set(range(2013, 2020))
    assert AuditEvent.objects.filter(action="deposit.refund_old").count() == 1
    assert AuditEvent.objects.filter(action="bid.upload").count() == Bid.objects.count()
    assert audit.verify().ok
