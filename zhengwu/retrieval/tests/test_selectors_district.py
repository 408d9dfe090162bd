"""``figures_district``: the retrieval figures of every request of the district, without a user — the same
numbers the figures screen shows a center administrator, whatever a department clerk's own scope."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest

from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.retrieval import selectors, services_answers
from zhengwu.retrieval.models import RequestItem
from zhengwu.retrieval.testing import ASKED, DECIDED, ask, grant

pytestmark = pytest.mark.django_db
MARCH = (date(2025, 3, 1), date(2025, 3, 31))


def test_the_district_figures_equal_the_administrators_and_count_every_request_of_the_period(world):
    answered = ask(world["company_user"])
    grant(answered)
    item = RequestItem.objects.get(request=answered, info_type__code="no_criminal_record")
    services_answers.item_answer(actor=world["police_clerk"], item=item, found=False, summary="查无记录",
                                 now=DECIDED + dt.timedelta(hours=2))
    ask(world["company_user"], now=ASKED + dt.timedelta(days=1))  # waits for consent
    ask(world["company_user"], now=dt.datetime(2025, 4, 1, 0, 10, tzinfo=ASKED.tzinfo))  # after March

    district = selectors.figures_district(date_from=MARCH[0], date_to=MARCH[1])
    totals = district["totals"]
    assert (totals["requests"], totals["answered"], totals["on_time"], totals["median_hours"]) == (2, 1, 1, 2.0)
    admin = make_user(role=Role.CENTER_ADMIN)
    assert selectors.figures(user=admin, start=MARCH[0], end=MARCH[1]) == district
    # a clerk of the police sees only the request assigned to the police; the district counts both
    assert selectors.figures(user=world["police_clerk"], start=MARCH[0], end=MARCH[1])["totals"]["requests"] == 1
    assert selectors.figures_district()["totals"]["requests"] == 3
