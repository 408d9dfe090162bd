"""The village demo step on tiny data (a 2×3 region tree and seven agent logins; the full step at scale 1 is
measured in docs/village.md): every village gets a renovated station, every agent login an agent with a birth
date, the scaled trainings have attendance, 2023 agent-channel cases without an agent are credited, and every
agent is rated."""

from __future__ import annotations

from datetime import date

import pytest

from zhengwu.cases.choices import Channel
from zhengwu.cases.models import Case
from zhengwu.cases.testing import make_item, receive
from zhengwu.core.demo import DemoContext, generate
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.village.choices import StationState
from zhengwu.village.models import Agent, Attendance, RatingScheme, StarRating, Station, TrainingSession

pytestmark = pytest.mark.django_db


def test_the_demo_year_makes_stations_agents_trainings_credits_and_ratings():
    tree = make_region_tree(townships=2, villages_per_township=3)
    villages = tree["villages"]
    users = [make_user(role=Role.VILLAGE_AGENT, region=v) for v in villages]
    users.append(make_user(role=Role.VILLAGE_AGENT, region=villages[0]))
    item = make_item(department=make_department(), code="V-D", level_village=True)
    case = receive(actor=users[1], item=item, when="2023-04-03 09:00", channel=Channel.AGENT, village=villages[1])
    Case.objects.filter(pk=case.pk).update(agent=None)  # as an import without the agent would leave it
    ctx = generate(DemoContext(seed=7, scale=0.01, log=lambda msg: None), only=("village.",))
    assert Station.objects.count() == 6
    assert Station.objects.filter(status=StationState.MODEL).count() == 6  # min(66, 6): all six are model
    assert Agent.objects.count() == 7 and not Agent.objects.filter(birth_date__isnull=True).exists()
    assert TrainingSession.objects.count() == ctx.scaled(1338) == 13
    # inside the seed's report period (January–November 2023), as are the model stations
    assert not TrainingSession.objects.exclude(held_on__range=(date(2023, 1, 1), date(2023, 11, 30))).exists()
    assert not Station.objects.filter(model_on__gt=date(2023, 11, 30)).exists()
    assert Attendance.objects.exists()
    assert Case.objects.get(pk=case.pk).agent_id == users[1].pk  # the only agent of that village
    assert StarRating.objects.filter(scheme=RatingScheme.objects.get()).count() == 7
