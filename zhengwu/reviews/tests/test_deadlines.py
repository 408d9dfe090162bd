"""The whole bad-review loop against the working-day calendar: a holiday, late and on-time
rectification, the configurable limits, and where a handling stands against its deadline.

Personas: 王专员 the indicator specialist, 张局长 the leader of the department.
"""

from __future__ import annotations

import pytest

from zhengwu.cases.testing import at
from zhengwu.core.testing import make_department, make_user
from zhengwu.core.ui import DeadlineState
from zhengwu.org.roles import Role
from zhengwu.reviews import deadlines, selectors
from zhengwu.reviews.choices import HandlingStatus
from zhengwu.reviews.models import Review
from zhengwu.reviews.testing import bad_review, completed_case, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept():
    return make_department(name="市场监管")


@pytest.fixture
def specialist():
    return make_user(role=Role.INDICATOR_SPECIALIST, username="wang")


@pytest.fixture
def leader(dept):
    return make_user(role=Role.DEPARTMENT_LEADER, department=dept, username="zhang")


@pytest.fixture
def case(dept):
    return completed_case(clerk=make_user(role=Role.WINDOW_CLERK, department=dept))


def end_of(day: str):
    return at(f"{day} 23:59").replace(second=59, microsecond=999999)


def test_a_bad_review_before_national_day_is_visited_by_the_end_of_the_first_working_day_after(case):
    handling = bad_review(case=case, when="2024-09-30 10:00")
    assert handling.status == HandlingStatus.REGISTERED
    assert handling.visit_deadline == end_of("2024-10-08")
    assert handling.rectify_deadline == end_of("2024-10-25")  # 15 working days, the make-up Saturday 10/12 counts


def test_the_whole_loop_on_time_across_the_holiday(case, specialist, leader):
    handling = bad_review(case=case, when="2024-09-30 10:00")
    handling = step(handling, "visit", actor=specialist, when="2024-10-08 16:30", reason="电话回访,情况属实")
    handling = step(handling, "rectify", actor=leader, when="2024-10-25 17:00", reason="窗口人员培训,一次性告知单")
    assert (handling.rectified_on_time, handling.rectify_note) == (True, "窗口人员培训,一次性告知单")
    handling = step(handling, "feedback", actor=specialist, when="2024-10-28 09:00", reason="已告知评价人整改情况")
    assert handling.status == HandlingStatus.CLOSED
    assert (handling.visited_at, handling.rectified_at, handling.feedback_at) == (
        at("2024-10-08 16:30"), at("2024-10-25 17:00"), at("2024-10-28 09:00"))
    stats = selectors.review_stats(reviews=Review.objects.all(), now=at("2024-12-31 12:00"))
    assert (stats.rectify_due, stats.rectified_on_time, stats.on_time_rate) == (1, 1, 100.0)


def test_a_rectification_one_working_day_late_is_not_on_time(case, specialist, leader):
    handling = bad_review(case=case, when="2024-09-30 10:00")
    handling = step(handling, "visit", actor=specialist, when="2024-10-08 09:00")
    handling = step(handling, "rectify", actor=leader, when="2024-10-28 09:00")
    assert handling.rectified_on_time is False
    stats = selectors.review_stats(reviews=Review.objects.all(), now=at("2024-12-31 12:00"))
    assert (stats.rectify_due, stats.rectified_on_time, stats.on_time_rate) == (1, 0, 0.0)


def test_a_late_visit_is_recorded_as_late_in_the_audit_event(case, specialist):
    from zhengwu.core import audit

    handling = bad_review(case=case, when="2024-09-30 10:00")
    step(handling, "visit", actor=specialist, when="2024-10-09 09:00")
    assert audit.events_for(handling).get(action="badreviewhandling.visit").payload["late"] is True


def test_the_limits_are_configured_per_district(case, settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "REVIEW_VISIT_DAYS": 2, "REVIEW_RECTIFY_DAYS": 5,
                        "DEADLINE_END_OF_DAY": "17:00"}
    handling = bad_review(case=case, when="2024-09-30 10:00")
    assert handling.visit_deadline == at("2024-10-09 17:00")
    assert handling.rectify_deadline == at("2024-10-12 17:00")  # 10/8, 10/9, 10/10, 10/11, 10/12 (make-up Saturday)


def test_a_limit_that_is_not_a_whole_number_of_days_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.ZHENGWU = {**settings.ZHENGWU, "REVIEW_RECTIFY_DAYS": "15"}
    with pytest.raises(ImproperlyConfigured):
        deadlines.rectify_days()


def test_the_appeal_does_not_stop_the_rectification_clock(case, specialist, leader):
    handling = bad_review(case=case, when="2024-09-30 10:00")
    handling = step(handling, "appeal", actor=leader, when="2024-10-08 09:00", reason="评价人误评")
    assert deadlines.due(handling) == end_of("2024-10-25")
    handling = step(handling, "reject_appeal", actor=specialist, when="2024-10-28 09:00", reason="经复核差评属实")
    assert deadlines.deadline_state(handling, now=at("2024-10-28 09:00")) == DeadlineState.OVERDUE


@pytest.mark.parametrize(("now", "expected"), [
    ("2024-09-30 11:00", DeadlineState.NORMAL),
    ("2024-10-08 09:00", DeadlineState.WARNING),
    ("2024-10-09 00:01", DeadlineState.OVERDUE),
])
def test_a_registered_bad_review_stands_against_its_visit_deadline(case, now, expected):
    handling = bad_review(case=case, when="2024-09-30 10:00")
    assert deadlines.deadline_state(handling, now=at(now)) == expected


def test_a_visited_bad_review_stands_against_its_rectification_deadline_and_a_closed_one_is_done(
        case, specialist, leader):
    handling = bad_review(case=case, when="2024-09-30 10:00")
    handling = step(handling, "visit", actor=specialist, when="2024-10-08 09:00")
    assert deadlines.deadline_state(handling, now=at("2024-10-20 09:00")) == DeadlineState.NORMAL
    assert deadlines.deadline_state(handling, now=at("2024-10-25 09:00")) == DeadlineState.WARNING
    assert deadlines.deadline_state(handling, now=at("2024-10-26 09:00")) == DeadlineState.OVERDUE
    handling = step(handling, "rectify", actor=leader, when="2024-10-26 10:00")
    assert deadlines.deadline_state(handling, now=at("2024-10-26 11:00")) == DeadlineState.NORMAL
    handling = step(handling, "feedback", actor=specialist, when="2024-10-28 10:00")
    assert deadlines.deadline_state(handling, now=at("2024-10-28 11:00")) == DeadlineState.DONE


def test_overdue_means_past_the_deadline_of_the_step_waited_for(case, specialist):
    from zhengwu.reviews.models import BadReviewHandling

    waiting_for_visit = bad_review(case=case, when="2024-09-30 10:00")
    waiting_for_rectification = step(bad_review(case=case, when="2024-09-30 10:00", channel="public"), "visit",
                                     actor=specialist, when="2024-10-08 10:00")

    def overdue(now: str) -> set[int]:
        return set(BadReviewHandling.objects.filter(selectors.overdue_q(at(now))).values_list("pk", flat=True))

    assert overdue("2024-10-08 23:00") == set()
    assert overdue("2024-10-09 08:00") == {waiting_for_visit.pk}
    assert overdue("2024-10-26 08:00") == {waiting_for_visit.pk, waiting_for_rectification.pk}
