"""The opening of a tender with several sections: only the opening opens a tender (the ``open`` transition's
guard), and a section not opened for want of bids is re-run alone while the tender goes on for the others,
its deposits falling due like a failed tender's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from zhengwu.core.errors import Conflict
from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.trading import services, services_bids
from zhengwu.trading.choices import OpeningOutcome, TenderStatus
from zhengwu.trading.models import Deposit, Tender
from zhengwu.trading.testing import at, credit, day, make_project, make_tender, pay, publish, register
from zhengwu.trading.workflow import TENDER_WORKFLOW

pytestmark = pytest.mark.django_db

BEFORE = at("2024-03-15 10:00")


@pytest.fixture
def staff():
    return make_user(role=Role.TRADING_STAFF)


@pytest.fixture
def two_sections() -> Tender:
    """Two works sections of 400 万, each with a deposit of 8 万."""
    project = make_project(sections=[("works", "4000000"), ("works", "4000000")], estimate="8000000")
    first, second = project.sections.order_by("number")
    return publish(make_tender(project=project, deposits={first.pk: "80000", second.pk: "80000"}))


def bid(tender: Tender, section, n: int) -> int:
    registration = register(tender, code=credit(500 + n), name=f"投标企业{n}", section=section)
    pay(registration)
    user = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
    sealed, _ = services_bids.bid_upload(actor=user, tender=tender, section=section, file=b"%PDF bid", price="3800000",
                                         duration_days=300, quality="合格", file_name="bid.pdf", passphrase="opening-pass-1",
                                         now=BEFORE)
    return sealed.pk


def test_the_open_transition_outside_the_opening_is_refused_for_want_of_opening_records(two_sections, staff):
    tender = TENDER_WORKFLOW.run(two_sections, "close", actor=staff, now=two_sections.bid_deadline)
    with pytest.raises(Conflict) as refused:
        TENDER_WORKFLOW.run(tender, "open", actor=staff, now=tender.opening_at)
    assert refused.value.code == "opening_record_missing"
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.CLOSED


def test_the_open_transition_before_the_opening_time_is_refused(two_sections, staff):
    tender = TENDER_WORKFLOW.run(two_sections, "close", actor=staff, now=two_sections.bid_deadline)
    Tender.objects.filter(pk=tender.pk).update(opening_at=tender.bid_deadline + timedelta(hours=1))
    tender.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        TENDER_WORKFLOW.run(tender, "open", actor=staff, now=tender.bid_deadline)
    assert refused.value.code == "sealed_until_opening"


def test_a_section_with_two_bids_is_not_opened_while_the_other_is_and_is_re_run_alone(two_sections, staff):
    first, second = two_sections.sections.order_by("number")
    bids = [bid(two_sections, first, n) for n in range(3)]
    for n in range(3, 5):
        bid(two_sections, second, n)
    records = services_bids.tender_open(actor=staff, tender=two_sections, now=two_sections.opening_at,
                                        passphrases={pk: "opening-pass-1" for pk in bids})
    assert [r.outcome for r in records] == [OpeningOutcome.OPENED, OpeningOutcome.TOO_FEW_BIDS]
    opened = Tender.objects.get(pk=two_sections.pk)
    assert opened.status == TenderStatus.OPENED

    # the second section's deposits fall due 5 days after the opening (21 March → 26 March); the first's wait
    due = dict(Deposit.objects.values_list("registration__tender_section__section_id", "refund_due_on")
               .order_by("registration__tender_section__section_id").distinct())
    assert due == {first.pk: None, second.pk: day("2024-03-26")}

    rerun = services.tender_create(actor="test", project=opened.project, title="第2标段重新招标", previous=opened,
                                   deposits={second.pk: "80000"}, documents_issued_at=at("2024-04-01 09:00"),
                                   on_sale_from=day("2024-04-01"), on_sale_to=day("2024-04-05"),
                                   bid_deadline=at("2024-04-21 09:30"))
    assert rerun.run_number == 2
    assert list(rerun.sections.values_list("pk", flat=True)) == [second.pk]


def test_an_opened_section_cannot_be_offered_again_as_a_re_run(two_sections, staff):
    first, second = two_sections.sections.order_by("number")
    bids = [bid(two_sections, first, n) for n in range(3)]
    services_bids.tender_open(actor=staff, tender=two_sections, now=two_sections.opening_at,
                              passphrases={pk: "opening-pass-1" for pk in bids})
    opened = Tender.objects.get(pk=two_sections.pk)
    with pytest.raises(Conflict) as refused:
        services.tender_create(actor="test", project=opened.project, title="重新招标", previous=opened,
                               deposits={first.pk: "80000", second.pk: "80000"},
                               documents_issued_at=at("2024-04-01 09:00"), on_sale_from=day("2024-04-01"),
                               on_sale_to=day("2024-04-05"), bid_deadline=at("2024-04-21 09:30"))
    assert refused.value.code == "section_in_live_tender"
    assert opened.project.tenders.count() == 1
