"""The finance figures of the report (guarantees through the financial services supermarket, the money they freed,
old deposits refunded), recomputed here from the application, deposit and refund-batch rows and found equal, for
the period and the same period a year earlier, leaving out what falls outside; the links open for a center
administrator, and the guarantee figures are those of the finance figures page behind them.

Period 2024-01-01 to 2024-11-30 (a year earlier 2023-01-01 to 2023-11-30):

* guarantees issued (and linked to the bidder's deposit) on 2024-03-06 (8 万), 2024-11-30 (6 万, the last day),
  2024-12-01 (5 万, after) and 2023-06-01 (7 万, a year earlier); one approved but not issued; a cash transfer;
* old deposits refunded in batches on 2024-11-20 (1.2 万 + 0.80005 万), 2024-12-05 (after) and 2023-11-20.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client

from zhengwu.core.testing import make_user
from zhengwu.finance import services
from zhengwu.finance.choices import ApplicationStatus, InstitutionKind
from zhengwu.finance.models import Application
from zhengwu.finance.testing import approved_guarantee, make_institution, make_product
from zhengwu.org.roles import Role
from zhengwu.reports import registry
from zhengwu.trading import services_deposits
from zhengwu.trading.models import DepositRefundBatch
from zhengwu.trading.testing import at, credit, make_project, make_tender, pay, published_tender, register
from zhengwu.trading.tests.factories_award import registration_on, transfer

pytestmark = pytest.mark.django_db

PERIOD = registry.Period(dt.date(2024, 1, 1), dt.date(2024, 11, 30))
KEYS = ["finance.guarantee_services", "finance.guarantee_amount", "finance.old_deposits_refunded"]
ISSUER = "中国人民财产保险股份有限公司金华市分公司"


def _refund_batch(amounts: list[str], refunded_on: str, reference: str) -> None:
    tender = make_tender(project=make_project(), issued="2015-03-01 09:00", deadline="2015-03-21 09:30",
                         sale=("2015-03-01", "2015-03-05"))
    offer = tender.tender_sections.get()
    deposits = [transfer(registration_on(offer), amount=amount, received="2015-03-10 10:00") for amount in amounts]
    day = dt.date.fromisoformat(refunded_on)
    services_deposits.deposits_refund_old(actor="test", deposit_ids=[d.pk for d in deposits], years=3,
                                          refunded_on=day, reference=reference, reason="历史沉淀保证金清退", today=day)


@pytest.fixture
def year():
    tender = published_tender(deposit="80000")
    product = make_product(institution=make_institution(name=ISSUER, kind=InstitutionKind.INSURER))
    issued = (("80000", "2024-03-06"), ("60000", "2024-11-30"), ("50000", "2024-12-01"), ("70000", "2023-06-01"))
    for n, (amount, day) in enumerate(issued, start=1):
        application = approved_guarantee(product=product, registration=register(tender, code=credit(40 + n)),
                                         amount=amount)
        services.guarantee_issue(actor="test", application=application, guarantee_number=f"DZBH{n:04d}",
                                 valid_from="2024-03-06", valid_until="2024-07-31", issued_on=day,
                                 now=at("2024-03-06 10:00"))
    approved_guarantee(product=product, registration=register(tender, code=credit(50)), amount="30000")
    pay(register(tender, code=credit(51)))
    _refund_batch(["12000", "8000.50"], "2024-11-20", "QT-2024-01")
    _refund_batch(["3000"], "2024-12-05", "QT-2024-02")
    _refund_batch(["5000"], "2023-11-20", "QT-2023-01")


def recompute(period: registry.Period) -> dict[str, Any]:
    issued = Application.objects.filter(status=ApplicationStatus.ISSUED, deposit__isnull=False,
                                        issued_on__gte=period.start, issued_on__lte=period.end)
    batches = DepositRefundBatch.objects.filter(refunded_on__gte=period.start, refunded_on__lte=period.end)
    return {"finance.guarantee_services": issued.count(),
            "finance.guarantee_amount": issued.aggregate(s=Sum("deposit__amount"))["s"] or Decimal("0.00"),
            "finance.old_deposits_refunded": batches.aggregate(s=Sum("total"))["s"] or Decimal("0.00")}


def test_every_finance_figure_equals_its_recomputation(year):
    found = registry.values(PERIOD, keys=KEYS)
    assert {k: found[k].value for k in KEYS} == recompute(PERIOD)
    assert {k: found[k].previous for k in KEYS} == recompute(PERIOD.previous_year())


def test_the_figures_are_those_counted_by_hand(year):
    found = registry.values(PERIOD, keys=KEYS)
    assert [found[k].value for k in KEYS] == [2, Decimal("140000.00"), Decimal("20000.50")]
    assert [found[k].previous for k in KEYS] == [1, Decimal("70000.00"), Decimal("5000.00")]


def test_a_period_without_data_has_zeros():
    found = registry.values(registry.Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31)), keys=KEYS)
    assert [found[k].value for k in KEYS] == [0, Decimal("0.00"), Decimal("0.00")]


def test_the_links_open_and_the_page_behind_shows_the_same_guarantees(year):
    client = Client()
    client.force_login(make_user(role=Role.CENTER_ADMIN))
    found = registry.values(PERIOD, keys=KEYS, compare=False)
    assert found["finance.old_deposits_refunded"].link == ""  # no list of refund batches: said in the module
    link = found["finance.guarantee_services"].link
    assert link == "/finance/figures/?date_from=2024-01-01&date_to=2024-11-30"
    assert found["finance.guarantee_amount"].link == link
    page = client.get(link)
    assert page.status_code == 200
    totals = page.context["data"]["totals"]
    assert (totals["guarantees"], totals["money_freed"]) == (found["finance.guarantee_services"].value,
                                                             found["finance.guarantee_amount"].value)
