"""``figures_district``: the same figures as the screen's, for every demand of the district received in the
period, without a user."""

from __future__ import annotations

from datetime import date

import pytest

from zhengwu.enterprise import selectors
from zhengwu.enterprise.testing import answered, raise_demand

pytestmark = pytest.mark.django_db


def test_the_district_figures_count_every_enterprises_demands_of_the_period(w):
    answered(w, now="2024-09-02 10:00", answer_at="2024-09-03 10:00")
    raise_demand(w, by="user_y", now="2024-09-30 23:30")
    raise_demand(w, by="user_y", now="2024-10-01 00:10")
    district = selectors.figures_district(date_from=date(2024, 9, 1), date_to=date(2024, 9, 30))
    assert (district["total"]["received"], district["total"]["answered"], district["total"]["on_time_rate"]) == (
        2, 1, 100.0)
    # the same numbers as the screen for the center's staff (district scope); one enterprise sees only its own
    staff = selectors.figures(user=w["staff"], date_from=date(2024, 9, 1), date_to=date(2024, 9, 30))
    assert staff["total"] == district["total"]
    own = selectors.figures(user=w["user_x"], date_from=date(2024, 9, 1), date_to=date(2024, 9, 30))
    assert own["total"]["received"] == 1
