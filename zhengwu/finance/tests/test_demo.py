"""The demo year on tiny data: one issued guarantee application per guarantee deposit of the year (a sample
through the services, the rest in bulk after the same checks), each linked to its deposit, so the money freed
is the deposits' sum; a few loans and policies; the catalog names the deposits' issuers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from zhengwu.core.demo import DemoContext
from zhengwu.core.models import AuditEvent
from zhengwu.finance import demo
from zhengwu.finance.choices import ApplicationStatus
from zhengwu.finance.models import Application, Institution
from zhengwu.trading import services_deposits
from zhengwu.trading.choices import DepositForm
from zhengwu.trading.models import Deposit
from zhengwu.trading.testing import at, credit, pay, published_tender, register

pytestmark = pytest.mark.django_db
ISSUERS = ("中国人民财产保险股份有限公司金华市分公司", "浙商银行股份有限公司金华分行", "某某担保有限公司")


def test_the_demo_links_one_issued_guarantee_to_each_guarantee_deposit_of_the_year():
    tender = published_tender(deposit="80000")
    for i in range(5):
        services_deposits.deposit_record(
            actor="test", registration=register(tender, code=credit(60 + i)), form=DepositForm.GUARANTEE,
            amount=f"{70000 + i * 1000}", received_at=at(f"2024-03-{10 + i} 10:00"),
            guarantee_issuer=ISSUERS[i % 3], guarantee_number=f"DZBH{i:04d}",
            guarantee_valid_from=dt.date(2024, 3, 10), guarantee_valid_until=dt.date(2024, 7, 31))
    pay(register(tender, code=credit(80)))  # a transfer: no guarantee, no application
    summary = demo.build(DemoContext(seed=1, log=lambda _: None), sample=2, year=2024, loans=4, policies=2)
    deposits = Deposit.objects.filter(form=DepositForm.GUARANTEE)
    assert summary["guarantees"] == deposits.count() == 5
    assert summary["money_freed"] == deposits.aggregate(total=Sum("amount"))["total"]
    issued = Application.objects.filter(status=ApplicationStatus.ISSUED)
    assert sorted(issued.values_list("deposit_id", flat=True)) == sorted(deposits.values_list("id", flat=True))
    assert all(a.institution.name == a.deposit.guarantee_issuer for a in issued.select_related("deposit"))
    assert set(ISSUERS) <= set(Institution.objects.values_list("name", flat=True))
    assert Institution.objects.get(name="某某担保有限公司").kind == "guarantor"
    assert AuditEvent.objects.filter(action="application.issue").count() == 2
    assert AuditEvent.objects.filter(action="application.import").count() == 1
    assert Application.objects.exclude(kind="bid_guarantee").count() == 6
    # running it again finds nothing left to link
    again = demo.build(DemoContext(seed=1, log=lambda _: None), sample=2, year=2024, loans=0, policies=0)
    assert again["guarantees"] == 5
