"""The district-wide guarantee totals (for the leadership dashboard and the work report) equal the figures page's
totals for the same period, read by anyone with the figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhengwu.core.testing import make_user
from zhengwu.finance import selectors, services
from zhengwu.finance.choices import InstitutionKind
from zhengwu.finance.testing import approved_guarantee, make_institution, make_product
from zhengwu.org.roles import Role
from zhengwu.trading.testing import at, credit, published_tender, register

pytestmark = pytest.mark.django_db


def test_the_district_guarantee_totals_equal_the_figures_pages():
    tender = published_tender(deposit="80000")
    product = make_product(institution=make_institution(name="某保险公司", kind=InstitutionKind.INSURER))
    for n, (amount, day) in enumerate((("80000", "2024-03-06"), ("45000.50", "2024-04-01"), ("60000", "2025-01-02")),
                                      start=1):
        application = approved_guarantee(product=product, registration=register(tender, code=credit(60 + n)),
                                         amount=amount)
        services.guarantee_issue(actor="test", application=application, guarantee_number=f"G{n}",
                                 valid_from="2024-03-06", valid_until="2024-07-31", issued_on=day,
                                 now=at("2024-03-06 10:00"))
    approved_guarantee(product=product, registration=register(tender, code=credit(70)))  # approved, not issued
    period = {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)}
    district = selectors.guarantee_figures_district(**period)
    page = selectors.finance_figures(user=make_user(role=Role.LEADER), **period)["totals"]
    assert district == {"guarantees": page["guarantees"], "money_freed": page["money_freed"]}
    assert district == {"guarantees": 2, "money_freed": Decimal("125000.50")}
