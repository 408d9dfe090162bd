"""Factories for the village domain's tests (plain functions, explicit arguments)."""

from __future__ import annotations

from datetime import date
from typing import Any

from zhengwu.core.testing import make_user
from zhengwu.org.models import Region
from zhengwu.org.roles import Role
from zhengwu.village import services
from zhengwu.village.models import Agent, Station


def make_station(*, village: Region, **extra: Any) -> Station:
    return services.station_create(actor="test", village=village, **extra)


def make_agent(*, station: Station, name: str = "李代办", birth: date = date(1980, 5, 1),
               username: str | None = None, **extra: Any) -> Agent:
    user = make_user(role=Role.VILLAGE_AGENT, region=station.village, username=username)
    return services.agent_register(actor="test", user=user, station=station, birth_date=birth, name=name, **extra)
