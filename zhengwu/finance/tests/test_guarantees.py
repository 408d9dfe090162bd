"""Guarantees and trading deposits: issuing a bid guarantee records (or links) the deposit of the registration it
guarantees; a deposit of another registration, another number, another issuer or a transfer is refused; the
money freed equals the sum of the linked guarantee deposits, computed here from the Deposit rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.testing import make_user
from zhengwu.finance import selectors, services
from zhengwu.finance.choices import ApplicationStatus, InstitutionKind, ProductKind
from zhengwu.finance.models import Application
from zhengwu.finance.testing import approved_guarantee, make_institution, make_product
from zhengwu.org.roles import Role
from zhengwu.trading import services_deposits
from zhengwu.trading.choices import DepositForm
from zhengwu.trading.models import Deposit
from zhengwu.trading.testing import at, credit, pay, published_tender, register

pytestmark = pytest.mark.django_db
ISSUER = "中国人民财产保险股份有限公司金华市分公司"


@pytest.fixture
def world():
    tender = published_tender(deposit="80000")
    insurer = make_institution(name=ISSUER, kind=InstitutionKind.INSURER)
    return {"tender": tender, "product": make_product(institution=insurer),
            "a": register(tender, code=credit(11)), "b": register(tender, code=credit(12))}


def issue(application, **extra):
    values = {"guarantee_number": "DZBH0001", "valid_from": "2024-03-06", "valid_until": "2024-07-31",
              "now": at("2024-03-06 10:00"), **extra}
    return services.guarantee_issue(actor="test", application=application, **values)


def record_guarantee(registration, *, number="DZBH0001", issuer=ISSUER, amount="80000"):
    return services_deposits.deposit_record(
        actor="test", registration=registration, form=DepositForm.GUARANTEE, amount=amount,
        received_at=at("2024-03-06 09:00"), guarantee_issuer=issuer, guarantee_number=number,
        guarantee_valid_from=dt.date(2024, 3, 6), guarantee_valid_until=dt.date(2024, 7, 31))


def test_issuing_a_guarantee_records_the_registrations_deposit_through_trading(world):
    application = approved_guarantee(product=world["product"], registration=world["a"])
    issued = issue(application)
    deposit = Deposit.objects.get(registration=world["a"])
    assert issued.status == ApplicationStatus.ISSUED
    assert issued.deposit_id == deposit.pk
    assert (deposit.form, deposit.guarantee_issuer, deposit.guarantee_number, deposit.amount) == (
        DepositForm.GUARANTEE, ISSUER, "DZBH0001", Decimal("80000"))


def test_issuing_links_the_deposit_already_recorded_with_that_guarantee(world):
    deposit = record_guarantee(world["a"])
    application = approved_guarantee(product=world["product"], registration=world["a"])
    issued = issue(application, valid_from="", valid_until="")
    assert issued.deposit_id == deposit.pk
    assert (issued.guarantee_valid_from, issued.guarantee_valid_until) == (dt.date(2024, 3, 6), dt.date(2024, 7, 31))
    assert Deposit.objects.count() == 1


def test_a_deposit_of_another_registration_is_refused_and_nothing_changes(world):
    other = record_guarantee(world["b"])
    application = approved_guarantee(product=world["product"], registration=world["a"])
    with pytest.raises(InvalidInput) as exc:
        issue(application, deposit=other.pk)
    assert (exc.value.field, exc.value.code) == ("deposit_id", "registration_mismatch")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED
    assert Application.objects.get(pk=application.pk).deposit_id is None


@pytest.mark.parametrize("deposit_kwargs,issue_kwargs,field,code", [
    ({"number": "DZBH0002"}, {}, "guarantee_number", "number_mismatch"),
    ({"issuer": "浙商银行股份有限公司金华分行"}, {}, "deposit_id", "issuer_mismatch"),
    ({"amount": "70000"}, {}, "deposit_id", "amount_mismatch"),
    ({}, {"valid_until": "2024-08-31"}, "guarantee_valid_until", "validity_mismatch"),
])
def test_a_deposit_that_is_not_this_guarantee_is_refused(world, deposit_kwargs, issue_kwargs, field, code):
    record_guarantee(world["a"], **deposit_kwargs)
    application = approved_guarantee(product=world["product"], registration=world["a"])
    with pytest.raises(InvalidInput) as exc:
        issue(application, **issue_kwargs)
    assert (exc.value.field, exc.value.code) == (field, code)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED


def test_a_transfer_deposit_is_not_a_guarantee(world):
    pay(world["a"])
    application = approved_guarantee(product=world["product"], registration=world["a"])
    with pytest.raises(InvalidInput) as exc:
        issue(application)
    assert exc.value.code == "not_a_guarantee"


def test_the_trading_rules_refuse_a_guarantee_that_does_not_cover_the_bid_validity(world):
    application = approved_guarantee(product=world["product"], registration=world["a"])
    with pytest.raises(InvalidInput) as exc:
        issue(application, valid_until="2024-04-01")
    assert exc.value.field == "guarantee_valid_until"
    assert not Deposit.objects.exists()
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED


def test_a_guarantee_application_needs_the_enterprises_own_registration(world):
    with pytest.raises(InvalidInput) as exc:
        services.application_submit(actor="test", product=world["product"], amount_requested="80000", purpose="投标",
                                    credit_code=world["a"].enterprise.credit_code, registration=world["b"])
    assert (exc.value.field, exc.value.code) == ("registration_id", "registration_not_of_enterprise")
    with pytest.raises(InvalidInput) as exc:
        services.application_submit(actor="test", product=world["product"], amount_requested="80000", purpose="投标",
                                    credit_code=world["a"].enterprise.credit_code)
    assert exc.value.field == "registration_id"


def test_one_registration_gets_one_live_guarantee_application(world):
    approved_guarantee(product=world["product"], registration=world["a"])
    with pytest.raises(Conflict) as exc:
        approved_guarantee(product=world["product"], registration=world["a"])
    assert exc.value.field == "registration_id"


def test_the_money_freed_equals_the_sum_of_the_linked_guarantee_deposits(world):
    tender = world["tender"]
    registrations = [world["a"], world["b"]] + [register(tender, code=credit(20 + i)) for i in range(3)]
    amounts = ["80000", "60000", "75000.50", "50000", "40000"]
    applications = []
    for n, (registration, amount) in enumerate(zip(registrations, amounts), start=1):
        application = approved_guarantee(product=world["product"], registration=registration, amount=amount)
        applications.append(application)
        if n <= 3:  # three issued (two new deposits, one linked), two left approved
            if n == 3:
                record_guarantee(registration, number=f"DZBH{n:04d}", amount=amount)
            issue(application, guarantee_number=f"DZBH{n:04d}")
    # a transfer deposit of another bidder does not count
    pay(register(tender, code=credit(40)))
    staff = make_user(role=Role.CENTER_ADMIN)
    figures = selectors.finance_figures(user=staff, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31))
    linked = Deposit.objects.filter(form=DepositForm.GUARANTEE, finance_application__status="issued")
    expected = linked.aggregate(total=Sum("amount"))["total"]
    assert expected == Decimal("215000.50")
    assert figures["totals"]["money_freed"] == expected
    assert figures["totals"]["guarantees"] == linked.count() == 3
    assert figures["totals"]["services"] == 5
    assert figures["by_institution"][0]["money_freed"] == expected
    assert sum(m["money_freed"] for m in figures["by_month"]) == expected
    assert [m["money_freed"] for m in figures["by_month"] if m["month"].month == 3] == [expected]
    guarantees = next(k for k in figures["by_kind"] if k["kind"] == ProductKind.BID_GUARANTEE)
    assert guarantees["amount_approved"] == sum(Decimal(a) for a in amounts)
