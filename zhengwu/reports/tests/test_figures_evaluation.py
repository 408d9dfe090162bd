"""The figures of "政务服务评价" equal counts written here straight against the reviews, reminders, publications
and suggestions tables, for the period and a year earlier, leaving out what lies outside the period.

Personas: a window clerk, an indicator specialist, a center administrator who follows the links."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from zhengwu.cases.testing import at
from zhengwu.core.models import Reminder
from zhengwu.core.reminders import reminder_send
from zhengwu.core.testing import make_department, make_user
from zhengwu.evaluation import services as evaluation
from zhengwu.evaluation.demo import default_rules
from zhengwu.evaluation.models import Publication, Suggestion
from zhengwu.org.roles import Role
from zhengwu.reports import registry
from zhengwu.reviews.models import BadReviewHandling, Review
from zhengwu.reviews.testing import bad_review, completed_case, review, step

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
KEYS = ["reviews.bad", "reviews.bad_rectified", "evaluation.reminders", "evaluation.publications",
        "evaluation.suggestions", "evaluation.suggestion_departments", "evaluation.suggestions_adopted"]
PERIOD = registry.Period(date(2024, 3, 1), date(2024, 5, 31))


@pytest.fixture
def world():
    d1, d2, d3 = (make_department(code=f"E{n}") for n in (1, 2, 3))
    clerk = make_user(role=Role.WINDOW_CLERK, department=d1)
    specialist = make_user(role=Role.INDICATOR_SPECIALIST)
    admin = make_user(role=Role.CENTER_ADMIN)

    def bad(when: str, *, rectify: str | None = None):
        case = completed_case(clerk=clerk, received=f"{when[:10]} 08:30", completed=f"{when[:10]} 09:00")
        handling = bad_review(case=case, when=when)
        if rectify:
            handling = step(handling, "visit", actor=specialist, when=f"{when[:10]} 18:00")
            handling = step(handling, "rectify", actor=clerk, when=rectify)
        return case

    # the period: three bad reviews (two rectified), one good review
    bad("2024-03-11 10:00", rectify="2024-03-15 10:00")
    bad("2024-04-08 10:00", rectify="2024-06-20 10:00")  # rectified after the period: still counts
    bad("2024-05-13 10:00")
    review(case=completed_case(clerk=clerk, received="2024-03-12 08:30", completed="2024-03-12 09:00"),
           when="2024-03-12 10:00", level=5)
    # a year earlier: four bad reviews; outside the period: one in June 2024
    for day in ("2023-03-13", "2023-03-14", "2023-04-10", "2023-05-15"):
        bad(f"{day} 10:00")
    last = bad("2024-06-03 10:00")

    # reminders about cases: two in the period, one a year earlier, one after
    for when in ("2024-03-20 10:00", "2024-05-31 23:30", "2023-04-01 10:00", "2024-06-01 00:10"):
        result = reminder_send(obj=last, kind="case_deadline", stage=f"s-{when}", message="办件临近期限",
                               recipients=[clerk])
        Reminder.objects.filter(pk=result.reminder.pk).update(created_at=at(when))

    # weekly publications: two weeks in the period (one stays a draft), one before it
    version = evaluation.scheme_create(actor=admin, name="评价办法", rules=default_rules())
    for monday, publish in ((date(2024, 3, 4), True), (date(2024, 4, 1), True), (date(2024, 4, 8), False),
                            (date(2024, 2, 26), True)):
        draft = evaluation.publication_prepare(actor=admin, scheme=version.scheme, week_start=monday)
        if publish:
            evaluation.publication_publish(actor=admin, publication=draft.pk,
                                           now=datetime.combine(monday + timedelta(days=7), time(10), tzinfo=TZ))

    # suggestions: three in the period from two departments, one adopted; one a year earlier; one after
    for dept, when, adopt in ((d1, "2024-03-05 09:00", True), (d1, "2024-04-05 09:00", False),
                              (d2, "2024-05-05 09:00", None), (d3, "2023-04-05 09:00", True),
                              (d3, "2024-06-05 09:00", True)):
        s = evaluation.suggestion_submit(actor="test", department=dept, title="建议", content="内容",
                                         submitted_at=at(when))
        if adopt is not None:
            evaluation.suggestion_decide(actor=admin, suggestion=s.pk, adopt=adopt, reason="理由",
                                         now=at(when) + timedelta(days=1))
    return {"admin": admin}


def _bounds(period: registry.Period) -> tuple[datetime, datetime]:
    return (datetime.combine(period.start, time.min, tzinfo=TZ),
            datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=TZ))


def recompute(period: registry.Period) -> dict:
    first, after = _bounds(period)
    bad = Review.objects.filter(created_at__gte=first, created_at__lt=after, excluded=False, level__lte=2)
    suggestions = Suggestion.objects.filter(submitted_at__gte=first, submitted_at__lt=after)
    return {
        "reviews.bad": bad.count(),
        "reviews.bad_rectified": BadReviewHandling.objects.filter(review__in=bad, rectified_at__isnull=False).count(),
        "evaluation.reminders": Reminder.objects.filter(kind="case_deadline", object_type="cases.case",
                                                        created_at__gte=first, created_at__lt=after).count(),
        "evaluation.publications": Publication.objects.filter(status="published", week_start__gte=period.start,
                                                              week_start__lte=period.end).count(),
        "evaluation.suggestions": suggestions.count(),
        "evaluation.suggestion_departments": suggestions.values("department_id").distinct().count(),
        "evaluation.suggestions_adopted": suggestions.filter(status="adopted").count(),
    }


def test_each_figure_equals_the_count_straight_from_the_tables(world):
    result = registry.values(PERIOD, keys=KEYS)
    expected = recompute(PERIOD)
    assert {k: result[k].value for k in KEYS} == expected
    assert expected == {"reviews.bad": 3, "reviews.bad_rectified": 2, "evaluation.reminders": 2,
                        "evaluation.publications": 2, "evaluation.suggestions": 3,
                        "evaluation.suggestion_departments": 2, "evaluation.suggestions_adopted": 1}


def test_the_previous_year_is_counted_the_same_way(world):
    result = registry.values(PERIOD, keys=KEYS)
    before = recompute(PERIOD.previous_year())
    assert {k: result[k].previous for k in KEYS} == before
    assert (before["reviews.bad"], before["evaluation.reminders"], before["evaluation.suggestions"]) == (4, 1, 1)
    assert result["reviews.bad"].change == Decimal("-25.00")


def test_what_lies_outside_the_period_is_left_out(world):
    wider = registry.Period(date(2024, 3, 1), date(2024, 6, 30))
    result = registry.values(wider, keys=["reviews.bad", "evaluation.reminders", "evaluation.suggestions"],
                             compare=False)
    assert [result[k].value for k in ("reviews.bad", "evaluation.reminders", "evaluation.suggestions")] == [4, 3, 4]


def test_every_link_opens_for_an_administrator(world):
    client = Client()
    client.force_login(world["admin"])
    for key in KEYS:
        assert client.get(registry.figure(key).link(PERIOD)).status_code == 200, key
