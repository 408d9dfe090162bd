"""The demo step on the org demo's district, without the approvals step (so it makes its own projects): the
figures come out at the seed's (70+ items, 180+ trips, 13 units, 27 projects), with a few overdue items."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.core.demo import DemoContext, generate
from zhengwu.org.models import User
from zhengwu.projectservice import selectors

pytestmark = pytest.mark.django_db


def test_the_demo_year_matches_the_seed(db):
    generate(DemoContext(seed=2023, scale=1.0, log=lambda _: None), only=("org.", "projectservice."))
    leader = User.objects.get(username="leader")
    start, end = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
    agents = selectors.agent_figures(user=leader, start=start, end=end)
    assert agents["total"]["items"] >= 70
    assert agents["total"]["trips_saved"] >= 180
    visits = selectors.visit_figures(user=leader, start=start, end=end)
    assert (visits["units"], visits["projects"]) == (13, 27)
    assert visits["issues_open"] >= 1
    assert selectors.overdue_connections(user=leader).count() >= 2
    assert selectors.factor_figures(user=leader)["by_kind"][0]["connected"] >= 1
