"""The demo year on a small scale: agencies under their departments, the deals, and the two removals."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.core.demo import DemoContext
from zhengwu.core.testing import make_department, make_enterprise
from zhengwu.intermediary import demo, selectors
from zhengwu.intermediary.choices import AgencyStatus
from zhengwu.intermediary.models import Agency, Purchase
from zhengwu.intermediary.testing import credit
from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


def test_the_demo_year_makes_the_agencies_the_deals_and_removes_the_two_lapsed_agencies():
    departments = [make_department() for _ in range(12)]
    owners = [make_enterprise(credit_code=credit(500 + i), name=f"业主{i}") for i in range(3)]
    ctx = DemoContext(seed=7, log=lambda _: None)

    counts = demo.build(ctx, departments=departments, owners=owners, agencies=40, deals=20, open_purchases=2)

    assert Agency.objects.count() == 40
    assert Agency.objects.values("department").distinct().count() == 12
    assert Agency.objects.filter(status=AgencyStatus.REMOVED).count() == 2 == counts["removed"]
    assert counts["deals"] == 20
    fig = selectors.figures(user=make_user(role=Role.LEADER))
    assert fig["deals_per_year"] == [{"year": 2023, "deals": 20, "goal": 300, "met": False}]
    assert Purchase.objects.filter(status="posted").count() == 2
    # the seed reports January–November: every deal and both removals fall inside that period
    jan_nov = {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 11, 30)}
    assert (selectors.deals_between(**jan_nov), selectors.agencies_removed(**jan_nov)) == (20, 2)
