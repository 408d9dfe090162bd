"""The figures of "网上中介超市" equal counts written here straight against the agencies and purchases tables, for
the period and a year earlier, leaving out what lies outside the period.

Personas: the supermarket's keeper (code acting as "test"), a center administrator who follows the links."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from zhengwu.cases.testing import at
from zhengwu.core.testing import make_department, make_user
from zhengwu.intermediary import services
from zhengwu.intermediary.models import Agency, Purchase
from zhengwu.intermediary.testing import answer, make_agency, make_owner, make_type, post
from zhengwu.org.roles import Role
from zhengwu.reports import registry

pytestmark = pytest.mark.django_db

KEYS = ["intermediary.agencies", "intermediary.removed", "intermediary.deals"]
PERIOD = registry.Period(date(2023, 1, 1), date(2023, 11, 30))
DEAL_STATES = ["selected", "contracted", "completed", "rated"]


@pytest.fixture
def world():
    dept, survey, owner = make_department(), make_type(), make_owner()
    admin = make_user(role=Role.CENTER_ADMIN)
    active = make_agency(1, department=dept, types=[survey], registered_on="2022-01-01")
    removed_in = make_agency(2, department=dept, types=[survey], registered_on="2023-05-01")
    removed_last_year = make_agency(3, department=dept, types=[survey], registered_on="2022-01-01")
    make_agency(4, department=dept, types=[survey], registered_on="2023-12-15")  # joins after the period
    removed_after = make_agency(5, department=dept, types=[survey], registered_on="2022-06-01")
    for agency, when in ((removed_in, "2023-10-15 15:00"), (removed_last_year, "2022-11-20 15:00"),
                         (removed_after, "2023-12-05 15:00")):
        services.agency_remove(actor="test", agency=agency.pk, reason="资质过期", now=at(when))

    def deal(when: str) -> Purchase:
        deal_at = at(when)
        purchase = post(owner=owner, service_type=survey, method="direct", now=deal_at - timedelta(days=7))
        reply = answer(purchase, active, now=deal_at - timedelta(days=6))
        return services.purchase_select(actor="test", purchase=purchase, answer=reply.pk, now=deal_at)

    # deals: three in the period (one later contracted), one just after it, one a year earlier
    first = deal("2023-01-01 00:30")
    services.purchase_contract(actor="test", purchase=first, contract_date=date(2023, 1, 5),
                               now=at("2023-01-05 10:00"))
    deal("2023-06-15 10:00")
    deal("2023-11-30 23:30")
    deal("2023-12-01 00:10")
    deal("2022-06-01 10:00")
    # a purchase still open in the period is no deal
    post(owner=owner, service_type=survey, now=at("2023-07-01 09:00"))
    return {"admin": admin}


def recompute(period: registry.Period) -> dict:
    first, after = at(f"{period.start:%Y-%m-%d} 00:00"), at(f"{period.end + timedelta(days=1):%Y-%m-%d} 00:00")
    removed = Agency.objects.filter(status="removed")
    return {
        "intermediary.agencies": Agency.objects.filter(registered_on__lte=period.end).exclude(
            pk__in=removed.filter(status_changed_at__lt=first).values("pk")).count(),
        "intermediary.removed": removed.filter(status_changed_at__gte=first, status_changed_at__lt=after).count(),
        "intermediary.deals": Purchase.objects.filter(status__in=DEAL_STATES, deal_at__gte=first,
                                                      deal_at__lt=after).count(),
    }


def test_each_figure_equals_the_count_straight_from_the_tables(world):
    result = registry.values(PERIOD, keys=KEYS)
    expected = recompute(PERIOD)
    assert {k: result[k].value for k in KEYS} == expected
    # listed: agencies 1, 2 (removed within) and 5 (removed after); agency 3 left before, agency 4 came after
    assert expected == {"intermediary.agencies": 3, "intermediary.removed": 1, "intermediary.deals": 3}


def test_the_previous_year_is_counted_the_same_way_and_the_stock_of_agencies_is_not_compared(world):
    result = registry.values(PERIOD, keys=KEYS)
    before = recompute(PERIOD.previous_year())
    assert (result["intermediary.removed"].previous, result["intermediary.deals"].previous) == (
        before["intermediary.removed"], before["intermediary.deals"]) == (1, 1)
    assert result["intermediary.agencies"].previous is None
    assert result["intermediary.deals"].change == Decimal("200.00")


def test_what_lies_after_the_period_is_left_out(world):
    wider = registry.Period(date(2023, 1, 1), date(2023, 12, 31))
    result = registry.values(wider, keys=KEYS, compare=False)
    assert [result[k].value for k in KEYS] == [4, 2, 4]


def test_every_link_opens_for_an_administrator(world):
    client = Client()
    client.force_login(world["admin"])
    for key in KEYS:
        assert client.get(registry.figure(key).link(PERIOD)).status_code == 200, key
