"""Each indicator against a hand-counted small dataset, from the rollups and from the raw tables.

Department A (items A1: promised 3 / statutory 10; A2: instant, 0 / 5) and department B
(item B1: 5 / 20), period 2024-09-23 … 2024-10-13 (the National Day holiday inside it):

case  dept item channel  received   accepted              completed    note
c1    A    A1   window   09-26      09-26                 10-08        due 09-30: overdue by one working day
c2    A    A1   pc       09-26      09-26                 09-27        early; bad review 09-27, rectified in time
c3    A    A2   mobile   09-27      09-27                 09-27        instant
c4    A    A1   window   09-23      09-30 (late: deemed 09-23)  —     overdue acceptance
c5    A    A1   window   10-08      10-08                 10-12        suspended 2 working days: on time
c6    B    B1   window   10-08      10-08                 10-09        bad review, appeal upheld (excluded)
c7    B    B1   pc       10-09      —                     —
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest

from zhengwu.cases.testing import at, make_item, move, receive
from zhengwu.core.reminders import reminder_send
from zhengwu.core.testing import make_department, make_user
from zhengwu.evaluation import rollups
from zhengwu.evaluation.counters import COUNTERS
from zhengwu.evaluation.indicators import counter_sums, indicator_values
from zhengwu.evaluation.models import DailyRollup
from zhengwu.org.roles import Role
from zhengwu.reviews.services import bad_review_transition, review_submit

pytestmark = pytest.mark.django_db
START, END = date(2024, 9, 23), date(2024, 10, 13)


@contextmanager
def clock(when: str):
    moment = at(when)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def review(case, level: int, when: str, channel: str = "online"):
    return review_submit(actor_or_applicant="applicant", case=case, channel=channel, level=level, now=at(when))


@pytest.fixture
def world(settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "REVIEW_RECTIFY_DAYS": 2}
    a, b = make_department(name="甲局"), make_department(name="乙局")
    clerk_a = make_user(role=Role.DEPARTMENT_LEADER, department=a)
    clerk_b = make_user(role=Role.DEPARTMENT_LEADER, department=b)
    specialist = make_user(role=Role.INDICATOR_SPECIALIST)
    a1 = make_item(department=a, code="A1", promised=3, statutory=10)
    a2 = make_item(department=a, code="A2", promised=0, statutory=5)
    b1 = make_item(department=b, code="B1", promised=5, statutory=20)

    c1 = receive(actor=clerk_a, item=a1, when="2024-09-26 09:00")
    c1 = move(c1, "accept", actor=clerk_a, when="2024-09-26 09:30")
    with clock("2024-09-30 09:00"):
        reminder_send(obj=c1, kind="case_deadline", stage="red", message="超期", recipients=[clerk_a])
    c1 = move(c1, "approve", actor=clerk_a, when="2024-10-08 10:00")

    c2 = receive(actor=clerk_a, item=a1, when="2024-09-26 10:00", channel="pc")
    c2 = move(c2, "accept", actor=clerk_a, when="2024-09-26 10:30")
    c2 = move(c2, "approve", actor=clerk_a, when="2024-09-27 10:00")

    c3 = receive(actor=clerk_a, item=a2, when="2024-09-27 09:00", channel="mobile")
    c3 = move(c3, "accept", actor=clerk_a, when="2024-09-27 09:10")
    c3 = move(c3, "approve", actor=clerk_a, when="2024-09-27 09:20")

    c4 = receive(actor=clerk_a, item=a1, when="2024-09-23 09:00")
    c4 = move(c4, "accept", actor=clerk_a, when="2024-09-30 10:00")
    with clock("2024-10-08 09:00"):
        reminder_send(obj=c4, kind="case_deadline", stage="red", message="超期", recipients=[clerk_a])

    c5 = receive(actor=clerk_a, item=a1, when="2024-10-08 09:00")
    c5 = move(c5, "accept", actor=clerk_a, when="2024-10-08 09:10")
    c5 = move(c5, "suspend", actor=clerk_a, when="2024-10-09 10:00", reason="专家评审")
    c5 = move(c5, "resume", actor=clerk_a, when="2024-10-11 10:00")
    c5 = move(c5, "approve", actor=clerk_a, when="2024-10-12 15:00")

    c6 = receive(actor=clerk_b, item=b1, when="2024-10-08 09:00")
    c6 = move(c6, "accept", actor=clerk_b, when="2024-10-08 09:30")
    c6 = move(c6, "approve", actor=clerk_b, when="2024-10-09 09:00")
    receive(actor=clerk_b, item=b1, when="2024-10-09 09:00", channel="pc")

    bad_c2 = review(c2, 2, "2024-09-27 12:00")
    bad_c1 = review(c1, 1, "2024-10-08 12:00")
    review(c3, 5, "2024-09-27 12:00")
    review(c5, 4, "2024-10-12 16:00")
    bad_c6 = review(c6, 2, "2024-10-09 12:00")
    bad_review_transition(actor=specialist, handling=bad_c2.handling.pk, action="visit", reason="已回访",
                          now=at("2024-09-29 09:00"))
    bad_review_transition(actor=clerk_a, handling=bad_c2.handling.pk, action="rectify", reason="已整改",
                          now=at("2024-09-30 15:00"))
    bad_review_transition(actor=clerk_b, handling=bad_c6.handling.pk, action="appeal", reason="恶意差评",
                          now=at("2024-10-09 15:00"))
    bad_review_transition(actor=specialist, handling=bad_c6.handling.pk, action="uphold", reason="复核属实",
                          now=at("2024-10-10 10:00"))
    return {"a": a, "b": b, "bad_c1": bad_c1, "c": [c1, c2, c3, c4, c5, c6]}


EXPECTED_A = {
    "online_rate": "40.00",                 # c2 pc, c3 mobile of 5 received
    "acceptance_overdue_rate": "20.00",     # c4 of 5 accepted
    "completion_overdue_rate": "25.00",     # c1 of c1 c2 c3 c5; c5 on time thanks to its suspension
    "instant_rate": "25.00",                # c3
    "limit_compression": "80.00",           # 1 − (3 + 0) / (10 + 5)
    "review_coverage": "100.00",            # 4 of 4 completed were reviewed
    "bad_review_rate": "50.00",             # c1 and c2 of 4 reviews
    "rectification_on_time_rate": "50.00",  # c2 on time, c1 due 10-10 and not rectified
    "reminder_response_rate": "50.00",      # c1's reminder answered in time, c4's never
}
EXPECTED_B = {
    "online_rate": "50.00", "acceptance_overdue_rate": "0.00", "completion_overdue_rate": "0.00",
    "instant_rate": "0.00", "limit_compression": "75.00", "review_coverage": "0.00",
    "bad_review_rate": None, "rectification_on_time_rate": None, "reminder_response_rate": None,
}


def percents(values) -> dict:
    return {code: (None if v.percent is None else str(v.percent)) for code, v in values.items()}


@pytest.mark.parametrize("source", ["rollup", "raw"])
def test_each_indicator_of_department_a_matches_the_hand_count(world, source):
    values = indicator_values(start=START, end=END, group="department", source=source)
    assert percents(values[world["a"].pk]) == EXPECTED_A


@pytest.mark.parametrize("source", ["rollup", "raw"])
def test_an_upheld_appeal_leaves_department_b_without_reviews_in_the_figures(world, source):
    values = indicator_values(start=START, end=END, group="department", source=source)
    assert percents(values[world["b"].pk]) == EXPECTED_B


def test_the_district_total_adds_both_departments(world):
    district = indicator_values(start=START, end=END, group=None)[None]
    assert (district["online_rate"].numerator, district["online_rate"].denominator) == (3, 7)
    assert district["bad_review_rate"].value == Decimal(2) / Decimal(4)


def test_incremental_rollups_equal_a_rebuild_from_scratch(world):
    from zhengwu.evaluation.models import RollupDelta

    assert RollupDelta.objects.exists()  # live changes appended their deltas
    assert rollups.fold() > 0
    assert not RollupDelta.objects.exists()
    columns = ("day", "department_id", "township_id", "item_id", "channel", *COUNTERS)
    incremental = [row for row in sorted(DailyRollup.objects.values_list(*columns)) if any(row[5:])]
    rollups.rebuild()
    rebuilt = sorted(DailyRollup.objects.values_list(*columns))
    assert incremental == rebuilt


def test_a_shorter_period_counts_only_its_own_days(world):
    sums = counter_sums(start=date(2024, 9, 26), end=date(2024, 9, 27), group="department")
    a = sums[world["a"].pk]
    assert (a["received"], a["accepted"], a["completed"], a["reviews"]) == (3, 3, 2, 2)


def test_a_period_that_ends_before_it_starts_is_refused(world):
    from zhengwu.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        counter_sums(start=date(2024, 10, 2), end=date(2024, 10, 1), group=None)
    assert err.value.field == "end"


def test_the_rollups_command_checks_and_rebuilds(world):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("rollups", "check", stdout=out)
    assert "match" in out.getvalue()
    DailyRollup.objects.filter(received__gt=0).update(received=99)
    with pytest.raises(CommandError, match="differ"):
        call_command("rollups", "check")
    call_command("rollups", "rebuild", stdout=out)
    call_command("rollups", "check", stdout=out)
    assert out.getvalue().count("match") == 2


@pytest.mark.parametrize("source", ["rollup", "raw"])
def test_the_figures_are_the_same_before_and_after_folding_the_live_deltas(world, source):
    before = indicator_values(start=START, end=END, group="department", source="rollup")
    rollups.fold()
    assert indicator_values(start=START, end=END, group="department", source=source) == before
