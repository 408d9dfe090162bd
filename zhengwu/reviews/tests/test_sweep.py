"""The periodic sweep: default reviews, and one reminder per bad review past its visit or
rectification deadline, answered when the handling moves on.

Personas: 王专员 the indicator specialist, 张局长 the leader of department A, 李窗口 a clerk of
department A, 赵窗口 a clerk of department B.
"""

from __future__ import annotations

import pytest

from zhengwu.cases.testing import at
from zhengwu.core.models import Notification, Reminder
from zhengwu.core.reminders import sweeps
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role
from zhengwu.reviews.models import Review
from zhengwu.reviews.tasks import sweep_review_deadlines
from zhengwu.reviews.testing import bad_review, completed_case, step
from zhengwu.reviews.workflow import RECTIFY_REMINDER, VISIT_REMINDER

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    dept_a, dept_b = make_department(name="甲局"), make_department(name="乙局")
    return {
        "specialist": make_user(role=Role.INDICATOR_SPECIALIST, username="wang"),
        "leader_a": make_user(role=Role.DEPARTMENT_LEADER, department=dept_a, username="zhang"),
        "clerk_a": make_user(role=Role.WINDOW_CLERK, department=dept_a, username="li"),
        "clerk_b": make_user(role=Role.WINDOW_CLERK, department=dept_b, username="zhao"),
    }


def recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(reminder__kind=kind).values_list("recipient__username", flat=True))


def test_the_sweep_is_registered():
    assert sweeps()["reviews.deadlines"] is sweep_review_deadlines


def test_a_visit_past_its_deadline_reminds_the_specialists_once(world):
    bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    assert sweep_review_deadlines(at("2024-10-08 23:00")) == 0
    assert sweep_review_deadlines(at("2024-10-09 08:00")) == 1
    assert sweep_review_deadlines(at("2024-10-09 08:10")) == 0
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.level, reminder.due_at) == (
        VISIT_REMINDER, "red", at("2024-10-08 23:59").replace(second=59, microsecond=999999))
    assert recipients(VISIT_REMINDER) == {"wang"}


def test_a_rectification_past_its_deadline_reminds_the_department_and_the_specialists_once(world):
    handling = bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    step(handling, "visit", actor=world["specialist"], when="2024-10-08 09:00")
    assert sweep_review_deadlines(at("2024-10-25 20:00")) == 0
    assert sweep_review_deadlines(at("2024-10-26 08:00")) == 1
    assert sweep_review_deadlines(at("2024-10-27 08:00")) == 0
    assert recipients(RECTIFY_REMINDER) == {"wang", "zhang", "li"}


def test_moving_on_answers_the_reminder(world):
    handling = bad_review(case=completed_case(clerk=world["clerk_a"]), when="2024-09-30 10:00")
    sweep_review_deadlines(at("2024-10-09 08:00"))
    step(handling, "visit", actor=world["specialist"], when="2024-10-09 09:00")
    assert Reminder.objects.get(kind=VISIT_REMINDER).answered_at == at("2024-10-09 09:00")


def test_the_sweep_gives_the_default_reviews(world, settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "REVIEW_DEFAULT_LEVEL": 3}
    completed_case(clerk=world["clerk_a"], completed="2024-09-27 16:00")
    sweep_review_deadlines(at("2024-10-05 08:00"))
    assert list(Review.objects.values_list("level", "is_default")) == [(3, True)]
