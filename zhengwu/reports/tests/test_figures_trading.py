"""The trading figures of the report, each recomputed here from the award rows themselves (in Python, not through
the selectors) and found equal, for the period, for the same period a year earlier, and leaving out what falls
outside; every link opens for a center administrator.

The data (amounts in 万元; period 2023-01-01 to 2023-11-30, a year earlier 2022-01-01 to 2022-11-30; a works
contract is above the limit from 400 万元 of the project's works estimates):

| project | type, funding | limit | mode | awards: notice date price / control |
|---|---|---|---|---|
| P1 | construction, government | above | ranked | 2023-03-10 480 / 500 |
| P2 | construction, government | above | 评定分离 | 2023-05-20 580 / 600 |
| P3 | procurement, state-funded | above (goods) | ranked | 2023-06-01 240 / 250 |
| P4 | construction, private | below | ranked | 2023-07-01 95 / none |
| P5 | construction, government | above | ranked | 2023-12-15 390 / 400 (after the period) |
| P6 | construction, government | above | ranked | 2022-04-10 285 / 300 (a year earlier) |
| P7 | construction, government | above | 评定分离 | 2022-12-20 290 / 300; 2023-02-01 288 / 300 |
| P8 | construction, government | above | 评定分离 | 2022-08-01 470 / 500 (a year earlier) |
| P9 | construction, private | above | ranked | 2023-11-30 23:59 440 / 450 (the last minute) |
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.reports import registry
from zhengwu.trading.choices import (
    AwardMode,
    DrawRoundKind,
    ExpertSource,
    FundingSource,
    ProjectType,
    RemoteSessionStatus,
    VenueKind,
)
from zhengwu.trading.models import Award, ExpertDraw, ExpertDrawMember, ExpertDrawRound, RemoteSession, Specialty
from zhengwu.trading.testing import at, make_expert, make_project
from zhengwu.trading.tests.factories_award import award_section, awarded_project, tender_of

pytestmark = pytest.mark.django_db

PERIOD = registry.Period(dt.date(2023, 1, 1), dt.date(2023, 11, 30))
KEYS = ["trading.projects", "trading.amount", "trading.construction_projects", "trading.construction_amount",
        "trading.savings", "trading.savings_rate", "trading.separation_projects", "trading.separation_amount",
        "trading.separation_share", "trading.remote_main", "trading.remote_sub", "trading.provincial_expert_rate"]
GOV, PRIVATE = FundingSource.GOVERNMENT_INVESTED, FundingSource.PRIVATE
SEPARATED = AwardMode.SEPARATED


def wan(amount: int) -> str:
    return str(amount * 10_000)


def drawn(award: Award, when: str, sources: list[str]) -> None:
    """A committee drawn for the award's section at ``when``, one expert per source."""
    moment = at(when)
    draw = ExpertDraw.objects.create(tender_section=award.evaluation.tender_section, committee_size=len(sources) + 1,
                                     representatives=1, expert_count=len(sources), requirements={"building": 1},
                                     local_allowed=len(sources), created_at=moment)
    round_ = ExpertDrawRound.objects.create(draw=draw, number=0, kind=DrawRoundKind.INITIAL, seed="1", needs={},
                                            pool={}, local_allowed=len(sources), candidates_count=len(sources),
                                            drawn_at=moment)
    building = Specialty.objects.get(code="building")
    for position, source in enumerate(sources, start=1):
        expert = make_expert(name=f"专家{award.pk}-{position}", source=source)
        ExpertDrawMember.objects.create(draw=draw, round=round_, expert=expert, specialty=building, source=source,
                                        position=position)


def session(role: str, status: str, started: str, offer: Any = None) -> None:
    RemoteSession.objects.create(status=status, our_role=role, tender_section=offer, project_name="远程评标项目",
                                 host_center="衢州市公共资源交易中心", scheduled_start=at(started),
                                 started_at=None if status == RemoteSessionStatus.CANCELLED else at(started))


@pytest.fixture
def year():
    works = lambda amount: [("works", wan(amount))]  # noqa: E731
    p1 = awarded_project(price=wan(480), control=wan(500), notice="2023-03-10 10:00", funding_source=GOV,
                         sections=works(500))
    awarded_project(price=wan(580), control=wan(600), notice="2023-05-20 10:00", funding_source=GOV,
                    sections=works(600), award_mode=SEPARATED)
    awarded_project(price=wan(240), control=wan(250), notice="2023-06-01 10:00",
                    funding_source=FundingSource.STATE_FUNDED, project_type=ProjectType.PROCUREMENT,
                    sections=[("goods", wan(250))])
    p4 = awarded_project(price=wan(95), control=None, notice="2023-07-01 10:00", funding_source=PRIVATE,
                         sections=works(100))
    awarded_project(price=wan(390), control=wan(400), notice="2023-12-15 10:00", funding_source=GOV,
                    sections=works(400))
    p6 = awarded_project(price=wan(285), control=wan(300), notice="2022-04-10 10:00", funding_source=GOV,
                         sections=works(400))
    t7 = tender_of(make_project(funding_source=GOV, sections=[("works", wan(300)), ("works", wan(300))]),
                   award_mode=SEPARATED)
    award_section(t7, section_number=1, price=wan(290), control=wan(300), notice="2022-12-20 10:00")
    award_section(t7, section_number=2, price=wan(288), control=wan(300), notice="2023-02-01 10:00")
    awarded_project(price=wan(470), control=wan(500), notice="2022-08-01 10:00", funding_source=GOV,
                    sections=works(500), award_mode=SEPARATED)
    awarded_project(price=wan(440), control=wan(450), notice="2023-11-30 23:59", funding_source=PRIVATE,
                    sections=works(450))

    session(VenueKind.MAIN, RemoteSessionStatus.CLOSED, "2023-03-10 09:00", p1.evaluation.tender_section)
    session(VenueKind.SUB, RemoteSessionStatus.CLOSED, "2023-04-01 09:00")
    session(VenueKind.SUB, RemoteSessionStatus.CLOSED, "2023-11-30 20:00")
    session(VenueKind.SUB, RemoteSessionStatus.CLOSED, "2023-12-05 09:00")      # after the period
    session(VenueKind.SUB, RemoteSessionStatus.CANCELLED, "2023-05-01 09:00")   # not held
    session(VenueKind.SUB, RemoteSessionStatus.CLOSED, "2022-06-01 09:00")      # a year earlier

    P, L = ExpertSource.PROVINCIAL, ExpertSource.LOCAL
    drawn(p1, "2023-03-01 09:00", [P, P, P, L])   # above the limit: 3 of 4 provincial
    drawn(p4, "2023-06-20 09:00", [L, L])         # below the limit: not counted
    drawn(p6, "2022-04-01 09:00", [P, P])         # a year earlier: 2 of 2


# --- the independent recomputation: from the rows, in Python ---------------------------------------------------

def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _facts() -> list[dict[str, Any]]:
    rows = Award.objects.values_list(
        "evaluation__tender_section__tender__project_id", "evaluation__tender_section__tender__project__project_type",
        "evaluation__tender_section__tender__project__above_limit",
        "evaluation__tender_section__tender__project__funding_source",
        "evaluation__tender_section__tender__award_mode", "price", "evaluation__control_price", "notice_issued_at")
    return [{"project": p, "type": t, "above": a, "funding": f, "mode": m, "price": price, "control": control,
             "day": _local_day(notice)} for p, t, a, f, m, price, control, notice in rows]


def _percent(part: Any, whole: Any) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def recompute(period: registry.Period) -> dict[str, Any]:
    facts = _facts()
    inside = [f for f in facts if period.start <= f["day"] <= period.end]
    first: dict[int, dt.date] = {}
    for f in facts:
        first[f["project"]] = min(first.get(f["project"], f["day"]), f["day"])
    attrs = {f["project"]: f for f in facts}
    counted = [p for p, d in first.items() if period.start <= d <= period.end]
    separated_projects = {f["project"] for f in facts if f["mode"] == AwardMode.SEPARATED}
    construction = [f for f in inside if f["type"] == ProjectType.CONSTRUCTION and f["above"]]
    priced = [f for f in construction if f["control"] is not None]
    savings = sum((f["control"] - f["price"] for f in priced), Decimal(0))
    government = [p for p in counted if attrs[p]["funding"] == FundingSource.GOVERNMENT_INVESTED]
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    held = RemoteSession.objects.filter(status=RemoteSessionStatus.CLOSED, started_at__gte=start, started_at__lt=end)
    members = [m for m in ExpertDrawMember.objects.values(
        "source", "round__drawn_at", "draw__tender_section__tender__project__above_limit")
        if m["draw__tender_section__tender__project__above_limit"]
        and period.start <= _local_day(m["round__drawn_at"]) <= period.end]
    return {
        "trading.projects": len(counted),
        "trading.amount": sum((f["price"] for f in inside), Decimal(0)),
        "trading.construction_projects": sum(1 for p in counted
                                             if attrs[p]["type"] == ProjectType.CONSTRUCTION and attrs[p]["above"]),
        "trading.construction_amount": sum((f["price"] for f in construction), Decimal(0)),
        "trading.savings": savings,
        "trading.savings_rate": _percent(savings, sum((f["control"] for f in priced), Decimal(0))),
        "trading.separation_projects": sum(1 for p in counted if p in separated_projects),
        "trading.separation_amount": sum((f["price"] for f in inside if f["mode"] == AwardMode.SEPARATED), Decimal(0)),
        "trading.separation_share": _percent(sum(1 for p in government if p in separated_projects), len(government)),
        "trading.remote_main": held.filter(our_role=VenueKind.MAIN).count(),
        "trading.remote_sub": held.filter(our_role=VenueKind.SUB).count(),
        "trading.provincial_expert_rate": _percent(sum(1 for m in members if m["source"] == ExpertSource.PROVINCIAL),
                                                   len(members)),
    }


# --- the tests ----------------------------------------------------------------------------------------------

def test_every_trading_figure_equals_its_recomputation_from_the_rows(year):
    found = registry.values(PERIOD, keys=KEYS)
    expected = recompute(PERIOD)
    assert {k: found[k].value for k in KEYS} == expected


def test_the_previous_year_is_recomputed_the_same_way(year):
    found = registry.values(PERIOD, keys=KEYS)
    expected = recompute(PERIOD.previous_year())
    assert {k: found[k].previous for k in KEYS} == expected


def test_the_figures_are_those_of_the_table_counted_by_hand(year):
    found = registry.values(PERIOD, keys=KEYS)
    value = {k: found[k].value for k in KEYS}
    y = lambda n: Decimal(wan(n))  # noqa: E731
    assert value["trading.projects"] == 5                       # P1 P2 P3 P4 P9 (P7 first awarded in 2022)
    assert value["trading.amount"] == y(480 + 580 + 240 + 95 + 288 + 440)
    assert value["trading.construction_projects"] == 3          # P1 P2 P9: not the procurement P3
    assert value["trading.construction_amount"] == y(480 + 580 + 288 + 440)
    assert value["trading.savings"] == y(20 + 20 + 12 + 10)
    assert value["trading.savings_rate"] == Decimal("3.35")     # 62 / 1,850
    assert (value["trading.separation_projects"], value["trading.separation_amount"]) == (1, y(580 + 288))
    assert value["trading.separation_share"] == Decimal("50.00")  # P2 of the government-invested P1, P2
    assert (value["trading.remote_main"], value["trading.remote_sub"]) == (1, 2)
    assert value["trading.provincial_expert_rate"] == Decimal("75.00")
    previous = {k: found[k].previous for k in KEYS}
    assert (previous["trading.projects"], previous["trading.amount"]) == (2, y(285 + 470))
    assert (previous["trading.remote_sub"], previous["trading.provincial_expert_rate"]) == (1, Decimal("100.00"))


def test_a_period_without_trading_has_zero_counts_and_no_rates():
    found = registry.values(registry.Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31)), keys=KEYS)
    assert found["trading.projects"].value == 0
    assert found["trading.amount"].value == Decimal("0.00")
    assert [found[k].value for k in ("trading.savings_rate", "trading.separation_share",
                                     "trading.provincial_expert_rate")] == [None, None, None]


def test_each_link_opens_for_a_center_administrator(year):
    client = Client()
    client.force_login(make_user(role=Role.CENTER_ADMIN))
    found = registry.values(PERIOD, keys=KEYS, compare=False)
    links = {k: found[k].link for k in KEYS}
    assert links["trading.provincial_expert_rate"] == ""  # no list page: the figure says so in its module
    assert links["trading.amount"] == "/trading/figures/?year=2023"
    listed = {k: link for k, link in links.items() if k != "trading.provincial_expert_rate"}
    assert all(listed.values())
    assert {k: client.get(link).status_code for k, link in listed.items()} == dict.fromkeys(listed, 200)


def test_each_figure_is_in_the_trading_area_with_a_definition():
    figures = registry.figures(area=registry.Area.TRADING)
    assert [f.key for f in figures] == KEYS
    assert all(f.definition and f.label for f in figures)
    assert {f.key for f in figures if f.headline} == {"trading.projects", "trading.amount"}
