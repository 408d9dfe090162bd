"""The supervision and expert-credit figures of the report, recomputed here with direct queries on the inspection,
clue and penalty rows and found equal, for the period and the same period a year earlier, leaving out what falls
outside; every link opens for a center administrator.

Period 2023-01-01 to 2023-11-30 (a year earlier 2022-01-01 to 2022-11-30):

* inspections: project A on 2023-05-10 and again on 2023-11-30 (one project), B on 2023-06-01, C on 2023-12-05
  (after the period); D on 2022-05-10;
* clues: verified (registered 2023-04-03), in rectification (2023-05-08), closed as not substantiated
  (2023-06-05), registered 2023-12-11 (after); verified, registered 2022-04-06 → rate 1 / 2 in 2023, 1 / 1 before;
* penalties: expert E1 twice in 2023 (one person), E2 in 2023 then revoked, E3 on 2023-12-04 (after), E4 in 2023;
  E5 in 2022.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zhengwu.core.testing import make_user
from zhengwu.credit import services as credit_services
from zhengwu.credit.choices import PenaltyBasis, PenaltyStatus
from zhengwu.credit.models import ExpertPenalty
from zhengwu.org.roles import Role
from zhengwu.reports import registry
from zhengwu.supervision import services
from zhengwu.supervision.choices import ClueConclusion, ClueSource, ClueStatus, InspectionResult
from zhengwu.supervision.models import Clue, Inspection
from zhengwu.supervision.tests.factories_supervision import supervisor, tender_with_bidders
from zhengwu.trading.testing import at, make_expert

pytestmark = pytest.mark.django_db

PERIOD = registry.Period(dt.date(2023, 1, 1), dt.date(2023, 11, 30))
KEYS = ["supervision.projects_inspected", "supervision.clues", "supervision.rectification_rate",
        "credit.experts_penalized"]


def _project(offset: int) -> Any:
    return tender_with_bidders(offset=offset)[0].project


def _clue(person: Any, project: Any, registered: str, *, until: str) -> Clue:
    """A complaint registered at ``registered`` and taken to the stage ``until``, a few days per stage."""
    day = at(registered)
    clue = services.clue_register(actor=person, source=ClueSource.COMPLAINT, source_reference="TS-1",
                                  description="举报:中标人转包。", project=project, now=day)
    if until == ClueStatus.REGISTERED:
        return clue
    clue = services.clue_transition(actor=person, clue=clue, action="investigate", reason="现场核查。",
                                    now=day + dt.timedelta(days=1))
    if until == ClueStatus.CLOSED:
        return services.clue_conclude(actor=person, clue=clue, substantiated=False, decision="不属实。",
                                      now=day + dt.timedelta(days=2))
    clue = services.clue_conclude(actor=person, clue=clue, substantiated=True, decision="属实,责令整改。",
                                  now=day + dt.timedelta(days=2))
    clue = services.clue_transition(actor=person, clue=clue, action="require_rectification", reason="限期整改。",
                                    days=10, now=day + dt.timedelta(days=3))
    if until == ClueStatus.RECTIFICATION:
        return clue
    return services.clue_transition(actor=person, clue=clue, action="verify", reason="整改到位。",
                                    now=day + dt.timedelta(days=7))


def _penalty(person: Any, expert: Any, occurred: str) -> ExpertPenalty:
    return credit_services.penalty_record(actor=person, expert=expert, points=2, basis=PenaltyBasis.LATE,
                                          reason="评标迟到。", occurred_on=dt.date.fromisoformat(occurred),
                                          now=at(f"{occurred} 18:00"))


@pytest.fixture
def year():
    person = supervisor()
    a, b, c, d = (_project(offset) for offset in (700, 710, 720, 730))
    spring = services.campaign_create(actor=person, name="2023年专项排查", period_start=dt.date(2023, 4, 1),
                                      period_end=dt.date(2023, 12, 31))
    autumn = services.campaign_create(actor=person, name="2023年“回头看”", period_start=dt.date(2023, 11, 1),
                                      period_end=dt.date(2023, 11, 30))
    earlier = services.campaign_create(actor=person, name="2022年专项排查", period_start=dt.date(2022, 4, 1),
                                       period_end=dt.date(2022, 6, 30))
    for campaign, project, day in ((spring, a, "2023-05-10"), (autumn, a, "2023-11-30"), (spring, b, "2023-06-01"),
                                   (spring, c, "2023-12-05"), (earlier, d, "2022-05-10")):
        services.inspection_record(actor=person, campaign=campaign, project=project,
                                   inspected_on=dt.date.fromisoformat(day), result=InspectionResult.NO_PROBLEM)

    _clue(person, a, "2023-04-03 09:00", until=ClueStatus.VERIFIED)
    _clue(person, b, "2023-05-08 09:00", until=ClueStatus.RECTIFICATION)
    _clue(person, b, "2023-06-05 09:00", until=ClueStatus.CLOSED)
    _clue(person, c, "2023-12-11 09:00", until=ClueStatus.REGISTERED)
    _clue(person, d, "2022-04-06 09:00", until=ClueStatus.VERIFIED)

    e1, e2, e3, e4, e5 = (make_expert(name=f"专家{n}", source="provincial") for n in range(1, 6))
    _penalty(person, e1, "2023-03-01")
    _penalty(person, e1, "2023-09-01")
    revoked = _penalty(person, e2, "2023-04-01")
    credit_services.penalty_transition(actor=person, penalty=revoked, action="revoke", reason="复核后撤销。",
                                       now=at("2023-04-10 10:00"))
    _penalty(person, e3, "2023-12-04")
    _penalty(person, e4, "2023-10-10")
    _penalty(person, e5, "2022-06-01")


def recompute(period: registry.Period) -> dict[str, Any]:
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    clues = Clue.objects.filter(registered_at__gte=start, registered_at__lt=end)
    substantiated = clues.filter(conclusion=ClueConclusion.SUBSTANTIATED)
    verified = substantiated.filter(status=ClueStatus.VERIFIED).count()
    rate = (Decimal(verified) * 100 / substantiated.count()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) \
        if substantiated.exists() else None
    penalized = {e for e, day, status in ExpertPenalty.objects.values_list("expert_id", "occurred_on", "status")
                 if status == PenaltyStatus.EFFECTIVE and period.start <= day <= period.end}
    return {
        "supervision.projects_inspected": len(set(Inspection.objects.filter(
            inspected_on__gte=period.start, inspected_on__lte=period.end).values_list("project_id", flat=True))),
        "supervision.clues": clues.count(),
        "supervision.rectification_rate": rate,
        "credit.experts_penalized": len(penalized),
    }


def test_every_supervision_figure_equals_its_recomputation(year):
    found = registry.values(PERIOD, keys=KEYS)
    assert {k: found[k].value for k in KEYS} == recompute(PERIOD)
    assert {k: found[k].previous for k in KEYS} == recompute(PERIOD.previous_year())


def test_the_figures_are_those_counted_by_hand(year):
    found = registry.values(PERIOD, keys=KEYS)
    assert [found[k].value for k in KEYS] == [2, 3, Decimal("50.00"), 2]
    assert [found[k].previous for k in KEYS] == [1, 1, Decimal("100.00"), 1]


def test_without_a_substantiated_clue_there_is_no_rectification_rate():
    found = registry.values(registry.Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31)), keys=KEYS)
    assert [found[k].value for k in KEYS] == [0, 0, None, 0]


def test_each_link_opens_for_a_center_administrator(year):
    client = Client()
    client.force_login(make_user(role=Role.CENTER_ADMIN))
    links = {k: v.link for k, v in registry.values(PERIOD, keys=KEYS, compare=False).values.items()}
    assert links["supervision.clues"] == "/supervision/statistics/?date_from=2023-01-01&date_to=2023-11-30"
    assert links["credit.experts_penalized"] == "/credit/experts/?year=2023&penalized=1"
    assert {k: client.get(link).status_code for k, link in links.items()} == dict.fromkeys(KEYS, 200)


def test_the_statistics_page_behind_the_figures_shows_the_same_clue_count(year):
    client = Client()
    client.force_login(make_user(role=Role.CENTER_ADMIN))
    page = client.get(registry.values(PERIOD, keys=["supervision.clues"], compare=False)["supervision.clues"].link)
    assert page.context["clue_stats"]["total"] == registry.values(PERIOD, keys=["supervision.clues"])[
        "supervision.clues"].value
    assert page.context["inspections"]["projects"] == 2
