"""The district-wide reads the leadership dashboard and the work report use: indicators of the whole district,
deadline reminders, weekly publications and suggestions counted between two dates.

Personas: the department leaders of the indicators' world, a center administrator who publishes and decides."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from zhengwu.cases.models import Case
from zhengwu.cases.testing import at
from zhengwu.core.errors import InvalidInput
from zhengwu.core.testing import make_department, make_user
from zhengwu.evaluation import selectors, services
from zhengwu.evaluation.demo import default_rules
from zhengwu.evaluation.tests.test_indicators import END, START, world  # noqa: F401  (fixture)
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_the_district_online_rate_is_online_cases_over_all_cases_received(world):  # noqa: F811
    values = selectors.district_indicators(start=START, end=END, codes=["online_rate"])
    received = Case.objects.filter(received_at__gte=at(f"{START} 00:00"),
                                   received_at__lt=at(f"{END + timedelta(days=1)} 00:00"))
    online = received.filter(channel__in=["pc", "mobile"]).count()
    assert (values["online_rate"].numerator, values["online_rate"].denominator) == (online, received.count())
    assert values["online_rate"].percent == Decimal("42.86")


def test_an_unknown_indicator_is_refused_naming_it():
    with pytest.raises(InvalidInput) as exc:
        selectors.district_indicators(start=START, end=END, codes=["no_such_indicator"])
    assert exc.value.code == "unknown_indicator"


def test_case_reminders_are_counted_by_the_day_they_were_sent(world):  # noqa: F811
    # the world sends one reminder on 30 September and one on 8 October 2024
    assert selectors.case_reminders_between(start=START, end=END) == 2
    assert selectors.case_reminders_between(start=date(2024, 10, 1), end=END) == 1
    assert selectors.case_reminders_between(start=date(2024, 9, 30), end=date(2024, 9, 30)) == 1


def test_publications_count_the_published_weeks_starting_in_the_period():
    admin = make_user(role=Role.CENTER_ADMIN)
    version = services.scheme_create(actor=admin, name="评价办法", rules=default_rules())
    for monday, publish in ((date(2024, 3, 4), True), (date(2024, 3, 11), False), (date(2024, 4, 1), True)):
        draft = services.publication_prepare(actor=admin, scheme=version.scheme, week_start=monday)
        if publish:
            services.publication_publish(actor=admin, publication=draft.pk,
                                         now=datetime.combine(monday + timedelta(days=7), time(10), tzinfo=TZ))
    assert selectors.publications_between(start=date(2024, 3, 1), end=date(2024, 3, 31)) == 1
    assert selectors.publications_between(start=date(2024, 3, 1), end=date(2024, 4, 1)) == 2


def test_suggestions_count_those_submitted_their_departments_and_the_adopted():
    admin = make_user(role=Role.CENTER_ADMIN)
    d1, d2 = make_department(code="S1"), make_department(code="S2")
    for dept, when, adopt in ((d1, "2024-03-05 09:00", True), (d1, "2024-03-06 09:00", False),
                              (d2, "2024-03-31 23:30", None), (d2, "2024-04-01 00:10", True)):
        made = services.suggestion_submit(actor="test", department=dept, title="建议", content="内容",
                                          submitted_at=at(when))
        if adopt is not None:
            services.suggestion_decide(actor=admin, suggestion=made.pk, adopt=adopt, reason="理由",
                                       now=at(when) + timedelta(days=1))
    assert selectors.suggestion_figures(start=date(2024, 3, 1), end=date(2024, 3, 31)) == {
        "suggestions": 3, "departments": 2, "adopted": 1}
    assert selectors.suggestion_figures(start=date(2024, 4, 1), end=date(2024, 4, 30)) == {
        "suggestions": 1, "departments": 1, "adopted": 1}
