"""The figures of "办事不出村" equal counts written here straight against the items, stations, trainings and cases
tables, for the period and (where the figure compares) the same period a year earlier, leaving out what lies
outside the period.

Personas: a center administrator who keeps the stations and trainings and follows the figures' links, and the
village agents who submit cases for their villagers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client

from zhengwu.cases.choices import Channel
from zhengwu.cases.models import Case, ServiceItem
from zhengwu.cases.testing import at, make_item, receive
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.models import Region, RegionLevel
from zhengwu.org.roles import Role
from zhengwu.reports import registry
from zhengwu.village import services
from zhengwu.village.choices import StationState
from zhengwu.village.models import Agent, Station, TrainingSession
from zhengwu.village.testing import make_agent, make_station

pytestmark = pytest.mark.django_db

KEYS = ["village.items_delegated", "village.township_items_rate", "village.stations_renovated",
        "village.model_stations", "village.agents", "village.trainings", "village.agent_cases",
        "village.coverage_rate"]
COMPARED = ["village.stations_renovated", "village.model_stations", "village.agents", "village.trainings",
            "village.agent_cases"]
PERIOD = registry.Period(date(2023, 1, 1), date(2023, 11, 30))


@pytest.fixture
def world():
    tree = make_region_tree(townships=2, villages_per_township=2)
    v1, v2, v3, _v4 = tree["villages"]  # the fourth village has no station
    admin = make_user(role=Role.CENTER_ADMIN)
    dept = make_department(code="VD")
    # the directory: two active village items (one personal at township level, one for both kinds not at township
    # level), an enterprise item at township level, an inactive village item
    village_item = make_item(department=dept, code="V-1", level_village=True, level_township=True,
                             applicant_kinds="person")
    make_item(department=dept, code="V-2", level_village=True, applicant_kinds="both")
    make_item(department=dept, code="E-1", level_township=True, applicant_kinds="enterprise")
    make_item(department=dept, code="V-OLD", level_village=True, applicant_kinds="person", is_active=False)

    s1, s2, s3 = (make_station(village=v) for v in (v1, v2, v3))
    s1 = services.station_renovate(actor=admin, station=s1, on="2022-05-01")
    services.station_promote(actor=admin, station=s1, on="2023-06-01")
    services.station_renovate(actor=admin, station=s2, on="2023-03-01")
    services.station_renovate(actor=admin, station=s3, on="2023-12-10")  # after the period's end

    a1, a2, a3 = (make_agent(station=s, name=f"代办员{n}") for n, s in enumerate((s1, s2, s3), start=1))
    # trainings: two in the period (a1, a2 attend; a1 twice), one the day after, one a year earlier
    services.training_record(actor=admin, held_on="2023-02-01", topic="代办实务", attendees=[a1.pk, a2.pk])
    services.training_record(actor=admin, held_on="2023-11-30", topic="新增事项", attendees=[a1.pk])
    services.training_record(actor=admin, held_on="2023-12-01", topic="年终培训", attendees=[a3.pk])
    services.training_record(actor=admin, held_on="2022-05-01", topic="上年培训", attendees=[a3.pk])

    # agent cases: three in the period (two by a1, one by a2), one a year earlier, one after the period; a case
    # submitted by a village-agent login without an agent record and a window case do not count
    for agent, when in ((a1, "2023-01-01 09:00"), (a1, "2023-11-30 23:30"), (a2, "2023-06-01 09:00"),
                        (a3, "2022-06-01 09:00"), (a3, "2023-12-01 00:10")):
        receive(actor=agent.user, item=village_item, when=when, channel=Channel.AGENT, village=agent.station.village)
    stray = make_user(role=Role.VILLAGE_AGENT, region=v1)
    receive(actor=stray, item=village_item, when="2023-05-05 09:00", channel=Channel.AGENT, village=v1)
    receive(actor="test", item=village_item, when="2023-05-05 10:00", village=v1, level="village")
    return {"admin": admin}


def _local_day_bounds(period: registry.Period):
    return at(f"{period.start:%Y-%m-%d} 00:00"), at(f"{period.end + timedelta(days=1):%Y-%m-%d} 00:00")


def recompute(period: registry.Period) -> dict:
    """The eight figures counted straight from the tables (not through any selector)."""
    first, after = _local_day_bounds(period)
    active = ServiceItem.objects.filter(is_active=True)
    personal = active.filter(applicant_kinds__in=["person", "both"])
    villages = Region.objects.filter(level=RegionLevel.VILLAGE)
    with_station = villages.filter(pk__in=Station.objects.values("village_id"))
    sessions = TrainingSession.objects.filter(held_on__gte=period.start, held_on__lte=period.end)
    agent_users = Agent.objects.values("user_id")
    return {
        "village.items_delegated": active.filter(level_village=True).count(),
        "village.township_items_rate": Decimal(str(round(100 * personal.filter(level_township=True).count()
                                                         / personal.count(), 1))),
        "village.stations_renovated": Station.objects.filter(status__in=["renovated", "model"],
                                                             renovated_on__lte=period.end).count(),
        "village.model_stations": Station.objects.filter(status="model", model_on__lte=period.end).count(),
        "village.agents": Agent.objects.filter(attendance__session__in=sessions).distinct().count(),
        "village.trainings": sessions.count(),
        "village.agent_cases": Case.objects.filter(agent_id__in=agent_users, received_at__gte=first,
                                                   received_at__lt=after).count(),
        "village.coverage_rate": (Decimal(with_station.count()) * 100 / Decimal(villages.count())).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP),
    }


def test_each_figure_equals_the_count_straight_from_the_tables(world):
    result = registry.values(PERIOD, keys=KEYS)
    expected = recompute(PERIOD)
    assert {k: result[k].value for k in KEYS} == expected
    assert expected == {"village.items_delegated": 2, "village.township_items_rate": Decimal("50.0"),
                        "village.stations_renovated": 2, "village.model_stations": 1, "village.agents": 2,
                        "village.trainings": 2, "village.agent_cases": 3, "village.coverage_rate": Decimal("75.0")}


def test_the_previous_year_is_counted_the_same_way_and_the_directory_is_not_compared(world):
    result = registry.values(PERIOD, keys=KEYS)
    before = recompute(PERIOD.previous_year())
    assert {k: result[k].previous for k in COMPARED} == {k: before[k] for k in COMPARED}
    assert [before[k] for k in COMPARED] == [1, 0, 1, 1, 1]
    assert [result[k].previous for k in KEYS if k not in COMPARED] == [None, None, None]


def test_what_lies_after_the_period_is_left_out(world):
    wider = registry.Period(date(2023, 1, 1), date(2023, 12, 31))
    result = registry.values(wider, keys=COMPARED, compare=False)
    assert [result[k].value for k in COMPARED] == [3, 1, 3, 3, 4]
    assert Station.objects.filter(status=StationState.RENOVATED).count() == 2


def test_every_link_opens_for_an_administrator(world):
    client = Client()
    client.force_login(world["admin"])
    for key in KEYS:
        assert client.get(registry.figure(key).link(PERIOD)).status_code == 200, key
