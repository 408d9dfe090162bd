"""The figures of "第三方信息调取" equal counts written here straight against the requests and their items, for
the period and a year earlier, leaving out what lies outside the period.

Personas: a housekeeping company's user who asks, the worker who consents, clerks of the police and of human
resources who answer, a center administrator who follows the links."""

from __future__ import annotations

import datetime as dt
import statistics
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import F, Q
from django.test import Client

from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.reports import registry
from zhengwu.retrieval import services_answers
from zhengwu.retrieval.models import RequestItem, RetrievalRequest
from zhengwu.retrieval.testing import TZ, ask, clerk, grant, make_catalog, make_requester, requester_user

pytestmark = pytest.mark.django_db

KEYS = ["retrieval.requests", "retrieval.on_time_rate", "retrieval.median_hours"]
PERIOD = registry.Period(date(2025, 3, 1), date(2025, 3, 31))


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def world():
    departments = make_catalog()
    company_user = requester_user(make_requester(1))
    police, hrss = clerk(departments["police"]), clerk(departments["hrss"])

    def request(asked: str, *, police_after: float | None = None, hrss_after: float | None = None):
        made = ask(company_user, now=moment(asked))
        if police_after is None and hrss_after is None:
            return made  # waits for consent
        decided = moment(asked) + dt.timedelta(hours=1)
        grant(made, now=decided)
        for who, code, hours in ((police, "no_criminal_record", police_after), (hrss, "social_insurance", hrss_after)):
            if hours is not None:
                services_answers.item_answer(actor=who, item=RequestItem.objects.get(request=made, info_type__code=code),
                                             found=False, summary="查无记录", now=decided + dt.timedelta(hours=hours))
        return made

    # March 2025: three requests; four items answered (2 h, 3 h, 5 h in time; one 8 days later, late); one waits
    request("2025-03-03 09:00", police_after=2, hrss_after=3)
    request("2025-03-10 09:00", police_after=5, hrss_after=8 * 24)
    request("2025-03-31 23:30")
    # March 2024: one request, one item answered in 4 h; the day after the period: one answered in 1 h
    request("2024-03-05 09:00", police_after=4)
    request("2025-04-01 00:10", police_after=1, hrss_after=1)
    return {"admin": make_user(role=Role.CENTER_ADMIN)}


def recompute(period: registry.Period) -> dict:
    first = moment(f"{period.start} 00:00")
    after = moment(f"{period.end + dt.timedelta(days=1)} 00:00")
    requests = RetrievalRequest.objects.filter(submitted_at__gte=first, submitted_at__lt=after)
    answered = RequestItem.objects.filter(request__in=requests, status="answered", answered_at__isnull=False)
    on_time = answered.filter(Q(due_at__isnull=True) | Q(answered_at__lte=F("due_at"))).count()
    hours = [(a - b).total_seconds() / 3600 for a, b in answered.values_list("answered_at", "assigned_at")]
    return {
        "retrieval.requests": requests.count(),
        "retrieval.on_time_rate": (Decimal(on_time * 100) / answered.count()).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP) if answered.count() else None,
        "retrieval.median_hours": Decimal(str(round(statistics.median(hours), 1))) if hours else None,
    }


def test_each_figure_equals_the_count_straight_from_the_tables(world):
    result = registry.values(PERIOD, keys=KEYS)
    expected = recompute(PERIOD)
    assert {k: result[k].value for k in KEYS} == expected
    assert expected == {"retrieval.requests": 3, "retrieval.on_time_rate": Decimal("75.00"),
                        "retrieval.median_hours": Decimal("4.0")}


def test_the_previous_year_is_counted_the_same_way(world):
    result = registry.values(PERIOD, keys=KEYS)
    before = recompute(PERIOD.previous_year())
    assert {k: result[k].previous for k in KEYS} == before
    assert before == {"retrieval.requests": 1, "retrieval.on_time_rate": Decimal("100.00"),
                      "retrieval.median_hours": Decimal("4.0")}
    assert result["retrieval.requests"].change == Decimal("200.00")


def test_requests_outside_the_period_are_left_out(world):
    wider = registry.Period(date(2025, 3, 1), date(2025, 4, 30))
    assert registry.values(wider, keys=["retrieval.requests"])["retrieval.requests"].value == 4


def test_every_link_opens_for_an_administrator(world):
    client = Client()
    client.force_login(world["admin"])
    for key in KEYS:
        link = registry.figure(key).link(PERIOD)
        assert "start=2025-03-01" in link, key
        assert client.get(link).status_code == 200, key
