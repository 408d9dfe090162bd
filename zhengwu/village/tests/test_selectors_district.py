"""The district-wide village reads of the leadership dashboard and the work report: renovated and model stations
by a day, agents trained and sessions held in a period, cases of registered agents, and station coverage.

Personas: a center administrator who keeps the stations and trainings, the villages' agents."""

from __future__ import annotations

from datetime import date

import pytest

from zhengwu.cases.choices import Channel
from zhengwu.cases.testing import make_item, receive
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.village import selectors, services
from zhengwu.village.testing import make_agent, make_station

pytestmark = pytest.mark.django_db
MARCH = {"start": date(2024, 3, 1), "end": date(2024, 3, 31)}


@pytest.fixture
def world():
    tree = make_region_tree(townships=1, villages_per_township=3)
    admin = make_user(role=Role.CENTER_ADMIN)
    s1, s2 = make_station(village=tree["villages"][0]), make_station(village=tree["villages"][1])
    s1 = services.station_renovate(actor=admin, station=s1, on="2024-01-10")
    services.station_promote(actor=admin, station=s1, on="2024-03-20")
    services.station_renovate(actor=admin, station=s2, on="2024-04-02")
    a1, a2 = make_agent(station=s1, name="甲"), make_agent(station=s2, name="乙")
    return {"tree": tree, "admin": admin, "agents": (a1, a2)}


def test_renovated_and_model_stations_are_counted_by_the_day_they_were_done(world):
    assert [selectors.stations_renovated_by(on=date(2024, d[0], d[1])) for d in ((1, 9), (1, 10), (4, 2))] == [0, 1, 2]
    assert [selectors.model_stations_by(on=date(2024, 3, d)) for d in (19, 20)] == [0, 1]


def test_trainings_and_agents_trained_count_the_sessions_held_in_the_period(world):
    a1, a2 = world["agents"]
    for day, attendees in (("2024-03-01", [a1.pk]), ("2024-03-31", [a1.pk]), ("2024-04-01", [a2.pk])):
        services.training_record(actor=world["admin"], held_on=day, topic="代办实务", attendees=attendees)
    assert (selectors.trainings_held(**MARCH), selectors.agents_trained(**MARCH)) == (2, 1)
    assert selectors.agents_trained(start=date(2024, 3, 1), end=date(2024, 4, 30)) == 2


def test_agent_cases_count_only_cases_of_registered_agents_received_in_the_period(world):
    a1, _ = world["agents"]
    item = make_item(department=make_department(), code="V-1", level_village=True)
    village = a1.station.village
    for when in ("2024-03-01 00:10", "2024-03-31 23:50", "2024-04-01 00:10"):
        receive(actor=a1.user, item=item, when=when, channel=Channel.AGENT, village=village)
    unregistered = make_user(role=Role.VILLAGE_AGENT, region=village)
    receive(actor=unregistered, item=item, when="2024-03-05 09:00", channel=Channel.AGENT, village=village)
    assert selectors.agent_cases_count(**MARCH) == 2


def test_station_coverage_is_villages_with_a_station_over_all_villages(world):
    assert selectors.station_coverage() == (2, 3)
