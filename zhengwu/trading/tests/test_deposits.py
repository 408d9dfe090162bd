"""Bidders and deposits: registration by credit code, the 2 % cap (2.0 % vs 2.01 %), the paying account and
the guarantee's validity, the refund due date, the overdue list, the clean-up of old deposits, the scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.models import Enterprise
from zhengwu.org.roles import Role
from zhengwu.trading import selectors, services, services_deposits
from zhengwu.trading.choices import DepositForm, RefundState
from zhengwu.trading.models import BidderRegistration, Deposit, DepositRefundBatch
from zhengwu.trading.testing import (
    TENDERING_PARTY,
    at,
    credit,
    day,
    make_project,
    make_tender,
    move,
    pay,
    publish,
    published_tender,
    register,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender():
    return published_tender()


@pytest.fixture
def people():
    ent_x = make_enterprise(credit_code=credit(31), name="甲建设有限公司")
    ent_y = make_enterprise(credit_code=credit(32), name="乙建设有限公司")
    return {
        "staff": make_user(role=Role.TRADING_STAFF),
        "supervisor": make_user(role=Role.SUPERVISOR),
        "x": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_x),
        "y": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_y),
        "ent_x": ent_x, "ent_y": ent_y,
    }


def guarantee(registration, *, until: str, valid_from: str = "2024-03-10", amount: str = "80000", number: str = "G-1"):
    return services_deposits.deposit_record(
        actor="test", registration=registration, form=DepositForm.GUARANTEE, amount=amount,
        received_at=at("2024-03-10 10:00"), guarantee_issuer="某保险公司城区支公司", guarantee_number=number,
        guarantee_valid_from=day(valid_from), guarantee_valid_until=day(until))


def opened(tender):
    return move(move(tender, "close", when="2024-03-21 09:30", actor=None), "open", when="2024-03-21 09:40")


# --- registration ------------------------------------------------------------------------------------

def test_staff_register_a_bidder_by_credit_code_and_the_enterprise_is_created(tender):
    registration = register(tender, code=credit(41), name="丙建设有限公司")
    assert registration.enterprise.credit_code == credit(41)
    assert Enterprise.objects.filter(credit_code=credit(41)).count() == 1
    assert AuditEvent.objects.filter(action="registration.create").count() == 1


def test_a_bad_credit_code_is_refused_naming_the_field(tender):
    with pytest.raises(InvalidInput) as err:
        register(tender, code="91330702MA2B000000")
    assert err.value.field == "credit_code"
    assert not BidderRegistration.objects.exists()


@pytest.mark.parametrize("when", ["2024-03-01 09:00", "2024-03-05 23:59"])
def test_registration_is_open_on_the_first_and_the_last_day_of_the_sale(tender, when):
    assert register(tender, code=credit(42), when=when).registered_at == at(when)


@pytest.mark.parametrize("when", ["2024-02-29 23:59", "2024-03-06 00:00"])
def test_registration_outside_the_sale_period_is_refused(tender, when):
    with pytest.raises(InvalidInput) as err:
        register(tender, code=credit(42), when=when)
    assert (err.value.field, err.value.code) == ("registered_at", "outside_sale_period")


def test_a_bidder_registers_once_per_section(tender):
    register(tender, code=credit(43))
    with pytest.raises(Conflict) as err:
        register(tender, code=credit(43))
    assert err.value.code == "duplicate"


def test_the_tendering_party_and_its_agent_may_not_bid():
    tender = published_tender(agent_credit_code=credit(44), agent_name="某招标代理有限公司")
    for code in (TENDERING_PARTY, credit(44)):
        with pytest.raises(InvalidInput) as err:
            register(tender, code=code, name="招标方")
        assert err.value.code == "conflict_of_interest"


def test_an_enterprise_user_registers_its_own_enterprise_only(tender, people):
    registration = register(tender, code="", actor=people["x"])
    assert registration.enterprise == people["ent_x"]
    with pytest.raises(Forbidden) as err:
        register(tender, code=credit(32), actor=people["x"])
    assert err.value.code == "not_own_enterprise"


def test_a_supervisor_cannot_register_anyone(tender, people):
    with pytest.raises(Forbidden):
        register(tender, code=credit(45), actor=people["supervisor"])


def test_a_draft_tender_takes_no_registration():
    project = make_project()
    draft = make_tender(project=project)
    with pytest.raises(Conflict):
        register(draft, code=credit(46))


# --- the deposit: at most 2 % of the section estimate --------------------------------------------------

def test_a_deposit_of_two_percent_of_the_estimate_is_accepted(tender):
    deposit = pay(register(tender, code=credit(51)), amount="80000.00")
    assert deposit.amount == Decimal("80000.00")


def test_a_deposit_of_two_point_zero_one_percent_is_refused_naming_the_rule(tender):
    registration = register(tender, code=credit(52))
    with pytest.raises(InvalidInput) as err:
        pay(registration, amount="80400.00")
    assert (err.value.field, err.value.code) == ("amount", "rule.deposit_max_ratio")
    assert "deposit_max_ratio = 0.02" in err.value.message
    assert err.value.details["cap"] == "80000.00"
    assert not Deposit.objects.exists()


def test_a_transfer_keeps_the_paying_account_and_bank_as_evidence(tender):
    deposit = pay(register(tender, code=credit(53), name="丁建设有限公司"), account="6222-0200-1234-5678")
    assert (deposit.payer_account_number, deposit.payer_bank) == ("6222020012345678", "中国工商银行城区支行")
    assert deposit.payer_matches_bidder is True
    event = AuditEvent.objects.get(action="deposit.record")
    assert event.payload["payer_account_number"] == "6222020012345678"


def test_a_transfer_from_someone_elses_account_is_recorded_and_flagged_not_refused(tender):
    deposit = pay(register(tender, code=credit(54)), payer_name="某劳务公司")
    assert deposit.payer_matches_bidder is False


@pytest.mark.parametrize(("field", "kwargs"), [
    ("payer_account_number", {"account": ""}), ("payer_account_number", {"account": "62AB"}),
    ("payer_bank", {"bank": ""}), ("payer_account_name", {"payer_name": " "}),
])
def test_a_transfer_needs_its_account_bank_and_name(tender, field, kwargs):
    with pytest.raises(InvalidInput) as err:
        pay(register(tender, code=credit(55)), **kwargs)
    assert err.value.field == field


def test_a_deposit_after_the_deadline_is_refused(tender):
    registration = register(tender, code=credit(56))
    with pytest.raises(InvalidInput) as err:
        pay(registration, when="2024-03-21 09:31")
    assert (err.value.field, err.value.code) == ("received_at", "after_deadline")


def test_a_deposit_is_recorded_once(tender):
    registration = register(tender, code=credit(57))
    pay(registration)
    with pytest.raises(Conflict):
        pay(registration)


def test_a_guarantee_must_cover_the_bid_validity_period(tender):
    # deadline 21 March + 90 days of bid validity = 19 June
    assert tender.bid_validity_until == day("2024-06-19")
    accepted = guarantee(register(tender, code=credit(58)), until="2024-06-19")
    assert accepted.refund_state() == RefundState.GUARANTEE
    with pytest.raises(InvalidInput) as err:
        guarantee(register(tender, code=credit(59)), until="2024-06-18", number="G-2")
    assert (err.value.field, err.value.code) == ("guarantee_valid_until", "guarantee_validity")


def test_a_guarantee_must_be_in_force_by_the_deadline_and_registered_once(tender):
    with pytest.raises(InvalidInput) as err:
        guarantee(register(tender, code=credit(60)), valid_from="2024-03-22", until="2024-07-01")
    assert err.value.field == "guarantee_valid_from"
    guarantee(register(tender, code=credit(61)), until="2024-07-01", number="G-9")
    with pytest.raises(Conflict):
        guarantee(register(tender, code=credit(62)), until="2024-07-01", number="G-9")


# --- refund due date and the overdue list --------------------------------------------------------------

def test_deposits_fall_due_five_natural_days_after_the_contract_is_signed(tender):
    deposits = [pay(register(tender, code=credit(n))) for n in (63, 64, 65)]
    tender = opened(tender)
    services_deposits.tender_section_contract_signed(actor="test", tender=tender, section=tender.sections.get(),
                                                     signed_on=day("2024-09-28"))
    # 28 Sep + 5 natural days = 3 Oct, inside the National Day holiday: natural days do not stop for it.
    assert {Deposit.objects.get(pk=d.pk).refund_due_on for d in deposits} == {day("2024-10-03")}
    assert AuditEvent.objects.get(action="tender_section.contract_signed").payload["deposits"] == 3


def test_the_contract_is_recorded_once_and_only_after_the_opening(tender):
    section = tender.sections.get()
    with pytest.raises(Conflict):
        services_deposits.tender_section_contract_signed(actor="test", tender=tender, section=section,
                                                         signed_on=day("2024-04-01"))
    tender = opened(tender)
    services_deposits.tender_section_contract_signed(actor="test", tender=tender, section=section,
                                                     signed_on=day("2024-04-01"))
    with pytest.raises(Conflict):
        services_deposits.tender_section_contract_signed(actor="test", tender=tender, section=section,
                                                         signed_on=day("2024-04-02"))


def test_the_deposits_of_a_failed_tender_fall_due_five_days_after_the_failure(tender):
    deposit = pay(register(tender, code=credit(66)))
    move(move(tender, "close", when="2024-03-21 09:30", actor=None), "fail", when="2024-03-21 10:00",
         reason="投标人不足三家")
    assert Deposit.objects.get(pk=deposit.pk).refund_due_on == day("2024-03-26")


def test_the_overdue_list_holds_unrefunded_transfers_past_their_due_date(tender, people):
    late = pay(register(tender, code=credit(67)))
    refunded = pay(register(tender, code=credit(68)))
    held_by_guarantee = guarantee(register(tender, code=credit(69)), until="2024-07-01")
    tender = opened(tender)
    services_deposits.tender_section_contract_signed(actor="test", tender=tender, section=tender.sections.get(),
                                                     signed_on=day("2024-04-01"))
    services_deposits.deposit_refund(actor="test", deposit=Deposit.objects.get(pk=refunded.pk),
                                     refunded_on=day("2024-04-03"), today=day("2024-04-03"))
    staff = people["staff"]
    assert list(selectors.deposits_overdue(user=staff, today=day("2024-04-06"))) == []
    assert list(selectors.deposits_overdue(user=staff, today=day("2024-04-07"))) == [late]
    assert Deposit.objects.get(pk=late.pk).refund_state(day("2024-04-07")) == RefundState.OVERDUE
    assert Deposit.objects.get(pk=held_by_guarantee.pk).refund_state(day("2024-04-07")) == RefundState.GUARANTEE


def test_a_refund_returns_the_whole_principal_once_and_knows_if_it_was_late(tender):
    deposit = pay(register(tender, code=credit(70)))
    tender = opened(tender)
    services_deposits.tender_section_contract_signed(actor="test", tender=tender, section=tender.sections.get(),
                                                     signed_on=day("2024-04-01"))
    deposit = services_deposits.deposit_refund(actor="test", deposit=Deposit.objects.get(pk=deposit.pk),
                                               refunded_on=day("2024-04-08"), interest="123.45", reference="T-1",
                                               today=day("2024-04-08"))
    assert (deposit.refund_amount, deposit.refund_interest, deposit.refunded_late) == (
        Decimal("80000.00"), Decimal("123.45"), True)
    with pytest.raises(Conflict) as err:
        services_deposits.deposit_refund(actor="test", deposit=deposit, refunded_on=day("2024-04-08"),
                                         today=day("2024-04-08"))
    assert err.value.code == "already_refunded"


def test_a_guarantee_is_not_refunded(tender):
    held = guarantee(register(tender, code=credit(71)), until="2024-07-01")
    with pytest.raises(Conflict) as err:
        services_deposits.deposit_refund(actor="test", deposit=held, refunded_on=day("2024-04-01"),
                                         today=day("2024-04-01"))
    assert err.value.code == "not_a_transfer"


def test_a_refund_dated_in_the_future_or_before_the_money_came_is_refused(tender):
    deposit = pay(register(tender, code=credit(72)))
    for refunded_on in ("2024-03-09", "2024-04-02"):
        with pytest.raises(InvalidInput) as err:
            services_deposits.deposit_refund(actor="test", deposit=deposit, refunded_on=day(refunded_on),
                                             today=day("2024-04-01"))
        assert err.value.field == "refunded_on"


# --- the clean-up of old deposits ---------------------------------------------------------------------

def old_deposits(amounts: list[str], *, year: int) -> list[Deposit]:
    """Deposits of a tender that closed in ``year`` and were never refunded."""
    project = make_project(sections=[("works", "40000000")], estimate="40000000")
    tender = make_tender(project=project, issued=f"{year}-03-01 09:00", deadline=f"{year}-03-21 09:30",
                         sale=(f"{year}-03-01", f"{year}-03-05"),
                         deposits={project.sections.get().pk: "800000"})
    tender = publish(tender, when=f"{year}-03-01 09:00")
    return [pay(register(tender, code=credit(1000 * year + i), when=f"{year}-03-02 10:00"), amount=amount,
                when=f"{year}-03-10 10:00") for i, amount in enumerate(amounts)]


def test_the_clean_up_lists_unrefunded_deposits_of_tenders_closed_more_than_n_years_ago(people):
    old = old_deposits(["100000", "50000"], year=2013)
    recent = old_deposits(["30000"], year=2023)
    listed = list(selectors.deposits_unrefunded_old(user=people["staff"], years=3, today=day("2024-11-29")))
    assert listed == old
    assert recent[0] not in listed


def test_the_clean_up_refunds_the_seeds_642_thousand_yuan_in_one_batch_with_one_audit_event(people):
    deposits = (old_deposits(["200000", "120000"], year=2013) + old_deposits(["150000"], year=2016)
                + old_deposits(["172000"], year=2019))
    before = AuditEvent.objects.count()
    batch = services_deposits.deposits_refund_old(
        actor=people["staff"], deposit_ids=[d.pk for d in deposits], years=3, refunded_on=day("2023-11-20"),
        reference="第三方核查报告 2023-017", reason="历史沉淀保证金逐笔核查后清退", today=day("2023-11-29"))
    assert (batch.deposit_count, batch.total) == (4, Decimal("642000.00"))
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.payload["total"], event.payload["count"]) == ("deposit.refund_old", "642000.00", 4)
    assert set(Deposit.objects.values_list("refund_batch", "refunded_on")) == {(batch.pk, day("2023-11-20"))}
    assert list(selectors.deposits_unrefunded_old(user=people["staff"], years=3, today=day("2023-11-29"))) == []


def test_the_clean_up_refuses_the_whole_batch_if_one_deposit_is_not_eligible(people):
    old = old_deposits(["100000"], year=2013)
    recent = old_deposits(["30000"], year=2023)
    with pytest.raises(InvalidInput) as err:
        services_deposits.deposits_refund_old(actor=people["staff"], deposit_ids=[old[0].pk, recent[0].pk], years=3,
                                              refunded_on=day("2024-11-20"), reference="R-1", reason="清退",
                                              today=day("2024-11-29"))
    assert (err.value.field, err.value.code, err.value.details["ids"]) == ("deposit_ids", "not_eligible",
                                                                             [recent[0].pk])
    assert not DepositRefundBatch.objects.exists()
    assert not Deposit.objects.filter(refunded_on__isnull=False).exists()


def test_only_trading_staff_clean_up(people):
    old = old_deposits(["100000"], year=2013)
    with pytest.raises(Forbidden):
        services_deposits.deposits_refund_old(actor=people["supervisor"], deposit_ids=[old[0].pk], years=3,
                                              refunded_on=day("2024-11-20"), reference="R", reason="清退")


# --- scope: a bidder sees its own registrations and deposits, nobody else's ---------------------------

def test_a_bidder_sees_its_own_deposit_and_not_another_bidders(tender, people):
    mine = pay(register(tender, code="", actor=people["x"]))
    theirs = pay(register(tender, code="", actor=people["y"]))
    assert list(selectors.deposits_visible_to(people["x"])) == [mine]
    assert selectors.deposit_get(user=people["x"], pk=mine.pk) == mine
    with pytest.raises(NotFound):
        selectors.deposit_get(user=people["x"], pk=theirs.pk)
    assert list(selectors.registrations_visible_to(people["y"])) == [theirs.registration]


def test_staff_and_supervisors_see_every_deposit(tender, people):
    pay(register(tender, code="", actor=people["x"]))
    pay(register(tender, code="", actor=people["y"]))
    assert selectors.deposits_visible_to(people["staff"]).count() == 2
    assert selectors.deposits_visible_to(people["supervisor"]).count() == 2


def test_the_tendering_partys_own_user_does_not_learn_who_registered():
    owner = make_enterprise(credit_code=credit(80), name="城投集团有限公司")
    tender = published_tender(tendering_enterprise=owner, tendering_party_name="", tendering_party_credit_code="")
    register(tender, code=credit(81))
    owner_user = make_user(role=Role.ENTERPRISE_USER, enterprise=owner)
    assert selectors.tenders_visible_to(owner_user).count() == 1
    assert selectors.registrations_visible_to(owner_user).count() == 0


def test_a_registration_by_an_enterprise_user_is_also_visible_to_staff(tender, people):
    registration = services.bidder_register(actor=people["x"], tender=tender, section=tender.sections.get(),
                                            now=at("2024-03-02 10:00"))
    assert selectors.registration_get(user=people["staff"], pk=registration.pk) == registration
