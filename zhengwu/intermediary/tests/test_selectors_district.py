"""The district-wide reads of the supermarket for the leadership dashboard and the work report: deals by their
deal day, agencies listed during a period and agencies removed within it."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest

from zhengwu.core.testing import make_department
from zhengwu.intermediary import selectors, services
from zhengwu.intermediary.testing import TZ, answer, make_agency, make_owner, make_type, post

pytestmark = pytest.mark.django_db
MARCH = {"start": date(2025, 3, 1), "end": date(2025, 3, 31)}


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_deals_are_counted_by_their_local_deal_day():
    survey, owner = make_type(), make_owner()
    agency = make_agency(1, department=make_department(), types=[survey])
    for deal_at in ("2025-03-01 00:10", "2025-03-31 23:50", "2025-04-01 00:10"):
        purchase = post(owner=owner, service_type=survey, method="direct", now=moment(deal_at) - dt.timedelta(days=7))
        reply = answer(purchase, agency, now=moment(deal_at) - dt.timedelta(days=6))
        services.purchase_select(actor="test", purchase=purchase, answer=reply.pk, now=moment(deal_at))
    post(owner=owner, service_type=survey, now=moment("2025-03-10 09:00"))  # still open: no deal
    assert selectors.deals_between(**MARCH) == 2
    assert selectors.deals_between(start=date(2025, 4, 1), end=date(2025, 4, 30)) == 1


def test_agencies_listed_include_those_removed_within_and_removed_counts_only_within():
    dept, survey = make_department(), make_type()
    make_agency(1, department=dept, types=[survey], registered_on="2024-01-01")
    make_agency(2, department=dept, types=[survey], registered_on="2025-04-02")  # joins later
    for n, removed_at in ((3, "2025-03-15 10:00"), (4, "2025-02-27 10:00"), (5, "2025-04-01 10:00")):
        agency = make_agency(n, department=dept, types=[survey], registered_on="2024-01-01")
        services.agency_remove(actor="test", agency=agency.pk, reason="资质过期", now=moment(removed_at))
    assert selectors.agencies_listed(**MARCH) == 3  # 1, 3 (removed within) and 5 (removed after)
    assert selectors.agencies_removed(**MARCH) == 1
    assert selectors.agencies_removed(start=date(2025, 2, 1), end=date(2025, 4, 30)) == 3
