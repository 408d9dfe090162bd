"""The figures of "企业综合服务" (the enterprise demands, the enterprise items entered, the project service team
and its agents) equal counts written here straight against the tables, for the period and a year earlier,
leaving out what lies outside the period.

Personas: an enterprise user who raises demands, the center's staff who route them, a department clerk who
answers, a center administrator who records visits and agents' work and follows the figures' links."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import F, Sum
from django.test import Client

from zhengwu.cases.models import ServiceItem
from zhengwu.cases.testing import make_item
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.enterprise import services as enterprise
from zhengwu.enterprise.models import Demand, SectionItem
from zhengwu.enterprise.testing import answered, at, make_world, raise_demand, routed, section
from zhengwu.org.roles import Role
from zhengwu.projectservice import services as projectservice
from zhengwu.projectservice.models import AgentAction, ServiceVisit, VisitUnit
from zhengwu.projectservice.testing import LATER, make_investor, make_project
from zhengwu.reports import registry

pytestmark = pytest.mark.django_db

KEYS = ["enterprise.demands", "enterprise.demands_on_time_rate", "enterprise.items_entered_rate",
        "projectservice.units", "projectservice.projects", "projectservice.items", "projectservice.trips_saved"]
COMPARED = [k for k in KEYS if k != "enterprise.items_entered_rate"]
PERIOD = registry.Period(date(2024, 1, 1), date(2024, 6, 30))


@pytest.fixture
def world():
    w = make_world()
    # demands: three received in the period (one answered in time, one answered late, one only raised), one
    # a year earlier answered in time, one the day after the period
    answered(w, now="2024-03-04 10:00", answer_at="2024-03-05 10:00")
    answered(w, now="2024-04-01 10:00", answer_at="2024-06-28 10:00")
    raise_demand(w, now="2024-05-06 09:00")
    answered(w, now="2023-03-06 10:00", answer_at="2023-03-07 10:00")
    routed(w, now="2024-07-01 00:10")

    # enterprise items: three enterprise-related active items, two entered; an ordinary item does not count
    items = [make_item(department=w["dept_a"], code=f"ENT-{n}", enterprise_related=True) for n in range(3)]
    make_item(department=w["dept_a"], code="PLAIN-1")
    for item in items[:2]:
        enterprise.section_item_assign(actor=w["staff"], item=item, section=section())

    # the project service team: visits in the period reach a department and two investors (one twice) and
    # serve two projects; a year earlier one visit to the department for one project; one visit after
    tree = make_region_tree(townships=1, villages_per_township=1)
    township = tree["townships"][0]
    investor_a, investor_b = make_investor(name="甲投资有限公司"), make_investor(name="乙投资有限公司")
    project_a = make_project(township=township, investor=investor_a)
    project_b = make_project(township=township, investor=investor_b)
    other = make_department(code="PS-OTHER")
    admin, agent = make_user(role=Role.CENTER_ADMIN), make_user(role=Role.WINDOW_CLERK, department=w["dept_a"])

    def visit(on: str, *, departments=(), enterprises=(), projects=()):
        projectservice.visit_record(actor=admin, visited_on=on, team_lead="王主任", departments=list(departments),
                                    enterprises=list(enterprises), projects=list(projects), now=LATER)

    visit("2024-03-04", departments=[w["dept_a"].pk], enterprises=[investor_a.pk], projects=[project_a.pk])
    visit("2024-06-30", enterprises=[investor_a.pk, investor_b.pk], projects=[project_a.pk, project_b.pk])
    visit("2023-03-06", departments=[w["dept_a"].pk], projects=[project_a.pk])
    visit("2024-07-01", departments=[other.pk], projects=[project_b.pk])

    # the agent's work on project A: two items in the period (3 trips saved), one a year earlier, one after
    projectservice.agent_assign(actor=admin, project=project_a, agent=agent, started_on="2023-01-02", now=LATER)
    for on, trips in (("2024-01-01", 2), ("2024-06-30", 1), ("2023-05-04", 1), ("2024-07-01", 3)):
        projectservice.agent_action_record(actor=agent, project=project_a, handled_on=on, what_done="代办",
                                           item_text="施工许可", trips_saved=trips, now=LATER)
    return {"admin": admin}


def recompute(period: registry.Period) -> dict:
    first, after = at(f"{period.start} 00:00"), at(f"{period.end + timedelta(days=1)} 00:00")
    demands = Demand.objects.filter(received_at__gte=first, received_at__lt=after)
    replied = demands.filter(answered_at__isnull=False)
    on_time = replied.filter(answered_at__lte=F("deadline")).count()
    items = ServiceItem.objects.filter(enterprise_related=True, is_active=True)
    entered = SectionItem.objects.filter(item__in=items, section__active=True).count()
    visits = ServiceVisit.objects.filter(visited_on__gte=period.start, visited_on__lte=period.end)
    units = VisitUnit.objects.filter(visit__in=visits)
    actions = AgentAction.objects.filter(handled_on__gte=period.start, handled_on__lte=period.end)
    return {
        "enterprise.demands": demands.count(),
        "enterprise.demands_on_time_rate": (Decimal(str(round(100 * on_time / replied.count(), 1)))
                                            if replied.count() else None),
        "enterprise.items_entered_rate": Decimal(str(round(100 * entered / items.count(), 1))),
        "projectservice.units": (units.exclude(department=None).values("department").distinct().count()
                                 + units.exclude(enterprise=None).values("enterprise").distinct().count()),
        "projectservice.projects": visits.filter(projects__isnull=False).values("projects").distinct().count(),
        "projectservice.items": actions.count(),
        "projectservice.trips_saved": actions.aggregate(n=Sum("trips_saved"))["n"] or 0,
    }


def test_each_figure_equals_the_count_straight_from_the_tables(world):
    result = registry.values(PERIOD, keys=KEYS)
    expected = recompute(PERIOD)
    assert {k: result[k].value for k in KEYS} == expected
    assert expected == {"enterprise.demands": 3, "enterprise.demands_on_time_rate": Decimal("50.0"),
                        "enterprise.items_entered_rate": Decimal("66.7"), "projectservice.units": 3,
                        "projectservice.projects": 2, "projectservice.items": 2, "projectservice.trips_saved": 3}


def test_the_previous_year_is_counted_the_same_way_and_the_coverage_is_not_compared(world):
    result = registry.values(PERIOD, keys=KEYS)
    before = recompute(PERIOD.previous_year())
    assert {k: result[k].previous for k in COMPARED} == {k: before[k] for k in COMPARED}
    assert [before[k] for k in COMPARED] == [1, Decimal("100.0"), 1, 1, 1, 1]
    assert result["enterprise.items_entered_rate"].previous is None


def test_what_lies_after_the_period_is_left_out(world):
    wider = registry.Period(date(2024, 1, 1), date(2024, 7, 31))
    keys = ["enterprise.demands", "projectservice.units", "projectservice.projects", "projectservice.items",
            "projectservice.trips_saved"]
    result = registry.values(wider, keys=keys, compare=False)
    assert [result[k].value for k in keys] == [4, 4, 2, 3, 6]


def test_every_link_opens_for_an_administrator(world):
    client = Client()
    client.force_login(world["admin"])
    for key in KEYS:
        assert client.get(registry.figure(key).link(PERIOD)).status_code == 200, key
