"""The figures of "政务服务效能" equal a count written here straight against the cases table, for the period and
the same period a year earlier, and leave out cases outside the period.

Personas: a window clerk of one department, a center administrator who follows the figures' links."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from zhengwu.cases.choices import Channel, CaseStatus, Outcome
from zhengwu.cases.models import Case
from zhengwu.cases.testing import make_item, move, receive
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role
from zhengwu.reports import registry

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
KEYS = ["cases.received", "cases.online_rate", "cases.overdue_completion_rate", "cases.overdue_acceptance_rate"]
PERIOD = registry.Period(date(2024, 3, 1), date(2024, 3, 31))


@pytest.fixture
def world():
    dept = make_department(code="D1")
    clerk = make_user(role=Role.WINDOW_CLERK, department=dept)
    admin = make_user(role=Role.CENTER_ADMIN)
    item = make_item(department=dept, code="S-1", promised=3, statutory=20)

    def case(received: str, *, channel=Channel.WINDOW, accept: str | None = None, approve: str | None = None):
        c = receive(actor=clerk, item=item, when=received, channel=channel)
        if accept:
            c = move(c, "accept", actor=clerk, when=accept)
        if approve:
            c = move(c, "approve", actor=clerk, when=approve)
        return c

    # March 2024: five cases, three online; one accepted late (after 5 working days); one completed late
    case("2024-03-04 09:00", channel=Channel.ONLINE_PC, accept="2024-03-04 10:00", approve="2024-03-05 10:00")
    case("2024-03-05 09:00", channel=Channel.MOBILE, accept="2024-03-05 10:00", approve="2024-03-20 10:00")
    case("2024-03-06 09:00", channel=Channel.MOBILE, accept="2024-03-15 10:00")
    case("2024-03-07 09:00", accept="2024-03-07 10:00", approve="2024-03-08 10:00")
    case("2024-03-08 09:00")
    # March 2023 (the same period a year earlier): two cases, one online, both completed in time
    case("2023-03-06 09:00", channel=Channel.ONLINE_PC, accept="2023-03-06 10:00", approve="2023-03-07 10:00")
    case("2023-03-07 09:00", accept="2023-03-07 10:00", approve="2023-03-08 10:00")
    # outside the period: late February and April 2024
    case("2024-02-28 09:00", channel=Channel.ONLINE_PC, accept="2024-03-11 10:00", approve="2024-04-30 10:00")
    case("2024-04-01 09:00", channel=Channel.ONLINE_PC, accept="2024-04-01 10:00", approve="2024-04-02 10:00")
    return {"admin": admin}


def _bounds(period: registry.Period) -> tuple[datetime, datetime]:
    return (datetime.combine(period.start, time.min, tzinfo=TZ),
            datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=TZ))


def _pct(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01")) if whole else None


def recompute(period: registry.Period) -> dict:
    """The four figures counted straight from ``Case`` (not through any selector)."""
    first, after = _bounds(period)
    received = Case.objects.filter(received_at__gte=first, received_at__lt=after)
    accepted = Case.objects.filter(accepted_on__gte=period.start, accepted_on__lte=period.end)
    completed = Case.objects.filter(status=CaseStatus.COMPLETED, completed_at__gte=first, completed_at__lt=after)
    return {
        "cases.received": received.count(),
        "cases.online_rate": _pct(received.filter(channel__in=["pc", "mobile"]).count(), received.count()),
        "cases.overdue_completion_rate": _pct(completed.filter(outcome=Outcome.OVERDUE).count(), completed.count()),
        "cases.overdue_acceptance_rate": _pct(accepted.filter(acceptance_overdue=True).count(), accepted.count()),
    }


def test_each_figure_equals_the_count_straight_from_the_cases_table(world):
    result = registry.values(PERIOD, keys=KEYS)
    expected = recompute(PERIOD)
    assert {k: result[k].value for k in KEYS} == expected
    # the planted data: 5 received, 3 online, 1 of 4 accepted late, 1 of 3 completed late
    assert expected == {"cases.received": 5, "cases.online_rate": Decimal("60.00"),
                        "cases.overdue_completion_rate": Decimal("33.33"),
                        "cases.overdue_acceptance_rate": Decimal("25.00")}


def test_the_previous_year_is_the_same_days_a_year_earlier(world):
    result = registry.values(PERIOD, keys=KEYS)
    before = recompute(PERIOD.previous_year())
    assert {k: result[k].previous for k in KEYS} == before
    assert before["cases.received"] == 2 and before["cases.online_rate"] == Decimal("50.00")
    assert result["cases.received"].change == Decimal("150.00")


def test_cases_outside_the_period_are_left_out(world):
    inside = registry.values(PERIOD, keys=["cases.received"])["cases.received"].value
    wider = registry.values(registry.Period(date(2024, 2, 1), date(2024, 4, 30)),
                            keys=["cases.received"])["cases.received"].value
    assert (inside, wider) == (5, 7)


def test_an_empty_period_has_no_rate_and_no_cases():
    result = registry.values(registry.Period(date(2021, 1, 1), date(2021, 1, 31)), keys=KEYS)
    assert result["cases.received"].value == 0
    assert [result[k].value for k in KEYS[1:]] == [None, None, None]


def test_every_link_opens_the_list_behind_the_figure_for_an_administrator(world):
    client = Client()
    client.force_login(world["admin"])
    for key in KEYS:
        link = registry.figure(key).link(PERIOD)
        assert "2024-03-01" in link, key
        assert client.get(link).status_code == 200, key
