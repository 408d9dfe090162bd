"""Every figure on the leadership dashboard links to the list behind it: each link opens (200) for the people who
see the dashboard — a center leader and a center administrator — on an empty district, for a
past period and for one that runs to today."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.reports import registry

pytestmark = pytest.mark.django_db

PERIODS = [registry.Period(dt.date(2023, 1, 1), dt.date(2023, 11, 30)),
           registry.Period.jan_to(dt.date.today())]


@pytest.mark.parametrize("role", [Role.LEADER, Role.CENTER_ADMIN])
def test_every_figure_link_opens_for_the_dashboard_readers(role: str) -> None:
    client = Client()
    client.force_login(make_user(role=role))
    failures = []
    linked = 0
    for fig in registry.figures():
        for period in PERIODS:
            if fig.link is None:
                continue
            linked += 1
            status = client.get(fig.link(period)).status_code
            if status != 200:
                failures.append((fig.key, fig.link(period), status))
    assert linked >= 50
    assert failures == []


def test_the_figures_without_a_list_are_exactly_the_known_two() -> None:
    assert sorted(f.key for f in registry.figures() if f.link is None) == [
        "finance.old_deposits_refunded", "trading.provincial_expert_rate"]
