"""The district-wide review reads of the leadership dashboard and the work report: every department's reviews
count, and a bad review counts as rectified whenever its rectification was done.

Personas: window clerks of two departments, an indicator specialist who visits the reviewers."""

from __future__ import annotations

from datetime import date

import pytest

from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role
from zhengwu.reviews import selectors
from zhengwu.reviews.testing import bad_review, completed_case, review, step

pytestmark = pytest.mark.django_db
MARCH = {"date_from": date(2024, 3, 1), "date_to": date(2024, 3, 31)}


@pytest.fixture
def world():
    clerks = [make_user(role=Role.WINDOW_CLERK, department=make_department(code=c)) for c in ("R1", "R2")]
    specialist = make_user(role=Role.INDICATOR_SPECIALIST)

    def case(clerk, day: str):
        return completed_case(clerk=clerk, received=f"{day} 08:30", completed=f"{day} 09:00")

    # March: a bad review in each department (the first rectified in April), a good one; April: a bad one
    first = bad_review(case=case(clerks[0], "2024-03-11"), when="2024-03-11 10:00")
    first = step(first, "visit", actor=specialist, when="2024-03-11 18:00")
    step(first, "rectify", actor=clerks[0], when="2024-04-08 10:00")
    bad_review(case=case(clerks[1], "2024-03-12"), when="2024-03-12 10:00")
    review(case=case(clerks[1], "2024-03-13"), when="2024-03-13 10:00", level=5)
    late = bad_review(case=case(clerks[0], "2024-04-01"), when="2024-04-01 10:00")
    late = step(late, "visit", actor=specialist, when="2024-04-01 18:00")
    step(late, "rectify", actor=clerks[0], when="2024-04-02 10:00")
    return clerks


def test_the_district_stats_count_every_departments_reviews_in_the_period(world):
    stats = selectors.review_stats_district(**MARCH)
    assert (stats.reviews, stats.bad_reviews, stats.good_reviews) == (3, 2, 1)
    assert selectors.review_stats_district(date_from=date(2024, 4, 1), date_to=date(2024, 4, 30)).bad_reviews == 1


def test_a_bad_review_of_the_period_counts_as_rectified_even_when_rectified_after_it(world):
    assert selectors.bad_reviews_rectified(**MARCH) == 1
    assert selectors.bad_reviews_rectified(date_from=date(2024, 3, 1), date_to=date(2024, 4, 30)) == 2
    assert selectors.bad_reviews_rectified(date_from=date(2024, 5, 1), date_to=date(2024, 5, 31)) == 0
