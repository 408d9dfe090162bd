"""The figures of §4: counts, bad-review and good-review rates, on-time rectification,
year-on-year change; by department and within the user's scope.

Personas: 王专员 the indicator specialist, 张局长 the leader of department A, 李窗口 a clerk of
department A, 赵窗口 a clerk of department B.
"""

from __future__ import annotations

import pytest

from zhengwu.cases.testing import at
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role
from zhengwu.reviews import selectors
from zhengwu.reviews.choices import ReviewChannel
from zhengwu.reviews.models import Review
from zhengwu.reviews.selectors import bad_review_change, percent_change, review_stats, review_stats_by
from zhengwu.reviews.testing import bad_review, completed_case, review, step

pytestmark = pytest.mark.django_db

END_OF_YEAR = at("2024-12-31 12:00")


@pytest.fixture
def world():
    dept_a, dept_b = make_department(name="甲局"), make_department(name="乙局")
    return {
        "dept_a": dept_a, "dept_b": dept_b,
        "specialist": make_user(role=Role.INDICATOR_SPECIALIST, username="wang"),
        "leader_a": make_user(role=Role.DEPARTMENT_LEADER, department=dept_a, username="zhang"),
        "clerk_a": make_user(role=Role.WINDOW_CLERK, department=dept_a, username="li"),
        "clerk_b": make_user(role=Role.WINDOW_CLERK, department=dept_b, username="zhao"),
    }


def five_levels(world) -> Review:
    """One review at each level, all on one case of department A; returns the level-1 review."""
    case = completed_case(clerk=world["clerk_a"])
    channels = [ReviewChannel.ON_SITE, ReviewChannel.ONLINE, ReviewChannel.PUBLIC]
    for level, channel in zip((5, 4, 3), channels):
        review(case=case, when="2024-09-30 10:00", level=level, channel=channel)
    other = completed_case(clerk=world["clerk_a"])
    review(case=other, when="2024-09-30 10:00", level=2)
    return review(case=other, when="2024-09-30 10:00", level=1, channel=ReviewChannel.PUBLIC)


def test_counts_and_rates_of_one_review_at_each_level(world):
    five_levels(world)
    stats = review_stats(reviews=Review.objects.all(), now=END_OF_YEAR)
    assert (stats.reviews, stats.bad_reviews, stats.good_reviews, stats.excluded) == (5, 2, 2, 0)
    assert (stats.bad_rate, stats.good_rate) == (40.0, 40.0)


def test_no_reviews_give_no_rates_rather_than_zero():
    stats = review_stats(reviews=Review.objects.all())
    assert (stats.reviews, stats.bad_rate, stats.good_rate, stats.on_time_rate) == (0, None, None, None)


def test_on_time_rectification_counts_rectified_and_overdue_bad_reviews_as_due(world):
    specialist, leader = world["specialist"], world["leader_a"]
    on_time, late, overdue, not_due = (bad_review(case=completed_case(clerk=world["clerk_a"]), when=when)
                                       for when in ("2024-09-02 10:00", "2024-09-02 10:00", "2024-09-02 10:00",
                                                    "2024-12-30 10:00"))
    for handling, rectified in ((on_time, "2024-09-20 10:00"), (late, "2024-10-08 10:00")):
        handling = step(handling, "visit", actor=specialist, when="2024-09-03 09:00")
        step(handling, "rectify", actor=leader, when=rectified)
    step(overdue, "visit", actor=specialist, when="2024-09-03 09:00")
    stats = review_stats(reviews=Review.objects.all(), now=END_OF_YEAR)
    assert (stats.bad_reviews, stats.rectify_due, stats.rectified_on_time) == (4, 3, 1)
    assert stats.on_time_rate == 33.33


def test_the_period_is_the_local_date_of_the_review(world):
    case = completed_case(clerk=world["clerk_a"])
    review(case=case, when="2024-09-30 23:30", level=5, channel=ReviewChannel.ON_SITE)
    review(case=case, when="2024-10-01 00:30", level=1)  # still 30 September in UTC
    september = review_stats(reviews=Review.objects.all(), date_from=at("2024-09-01 00:00").date(),
                             date_to=at("2024-09-30 00:00").date(), now=END_OF_YEAR)
    october = review_stats(reviews=Review.objects.all(), date_from=at("2024-10-01 00:00").date(), now=END_OF_YEAR)
    assert (september.reviews, september.bad_reviews) == (1, 0)
    assert (october.reviews, october.bad_reviews) == (1, 1)


def test_the_figures_per_department(world):
    five_levels(world)
    review(case=completed_case(clerk=world["clerk_b"]), when="2024-09-30 10:00", level=1)
    by_department = review_stats_by(reviews=Review.objects.all(), key="department_id", now=END_OF_YEAR)
    a, b = by_department[world["dept_a"].pk], by_department[world["dept_b"].pk]
    assert (a.reviews, a.bad_reviews, a.bad_rate) == (5, 2, 40.0)
    assert (b.reviews, b.bad_reviews, b.bad_rate, b.rectify_due) == (1, 1, 100.0, 1)


def test_a_department_clerk_counts_only_the_reviews_of_the_department(world):
    five_levels(world)
    review(case=completed_case(clerk=world["clerk_b"]), when="2024-09-30 10:00", level=1)
    mine = review_stats(reviews=selectors.reviews_visible_to(world["clerk_b"]), now=END_OF_YEAR)
    everyone = review_stats(reviews=selectors.reviews_visible_to(world["specialist"]), now=END_OF_YEAR)
    assert ((mine.reviews, mine.bad_reviews), (everyone.reviews, everyone.bad_reviews)) == ((1, 1), (6, 3))


def test_the_seed_figure_101_bad_reviews_after_127_is_minus_20_47_percent():
    assert percent_change(101, 127) == -20.47
    assert percent_change(5, 0) is None


def test_bad_reviews_year_on_year_leave_out_upheld_appeals(world):
    clerk = world["clerk_a"]
    for n in range(5):
        bad_review(case=completed_case(clerk=clerk, received="2023-03-01 09:00", completed="2023-03-02 10:00"),
                   when=f"2023-03-{10 + n} 10:00")
    this_year = [bad_review(case=completed_case(clerk=clerk), when="2024-09-30 10:00") for _ in range(5)]
    handling = step(this_year[0], "appeal", actor=world["leader_a"], when="2024-10-08 09:00", reason="误评")
    step(handling, "uphold", actor=world["specialist"], when="2024-10-08 10:00", reason="属实误评")
    change = bad_review_change(2024, reviews=Review.objects.all())
    assert (change.bad_reviews, change.previous_bad_reviews, change.change) == (4, 5, -20.0)
