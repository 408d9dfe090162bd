"""The figures of "投资项目审批提速" equal sums written here straight against the combined applications, their items
and the working-day calendar, for the period and a year earlier, leaving out what lies outside the period.

Personas: three department clerks who approve the items, a center administrator who follows the links."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from zhengwu.approvals.choices import RiskClass
from zhengwu.approvals.models import CombinedApplication
from zhengwu.approvals.testing import file, make_bundle, make_item, make_project
from zhengwu.cases import services as case_services
from zhengwu.cases.testing import at
from zhengwu.core.calendar import working_days_between
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.reports import registry

pytestmark = pytest.mark.django_db

KEYS = ["approvals.time_saved_rate", "approvals.time_reduction_yoy", "approvals.low_risk_within_3_days"]
PERIOD = registry.Period(date(2024, 3, 1), date(2024, 3, 31))


@pytest.fixture
def world():
    tree = make_region_tree(townships=1, villages_per_township=0)
    departments = [make_department(name=n) for n in ("住房和城乡建设局", "消防救援大队", "人防办")]
    items = [make_item(department=departments[0], code="SG-1", name="建筑工程施工许可证核发", promised=3),
             make_item(department=departments[1], code="XF-1", name="建设工程消防设计审查", promised=5),
             make_item(department=departments[2], code="RF-1", name="结合民用建筑修建防空地下室审批", promised=2)]
    bundle = make_bundle(items=items)
    low_risk = make_project(township=tree["townships"][0])
    general = make_project(township=tree["townships"][0], investor=2, code="2024-330702-47-01-000002",
                           name="乙公司仓库", risk=RiskClass.GENERAL)
    clerks = [make_user(role=Role.WINDOW_CLERK, department=d) for d in departments]

    def application(project, received: str, approved: str | None):
        filed = file(project=project, bundle=bundle, when=received)
        if approved:
            for link, clerk in zip(filed.items.order_by("id"), clerks):
                case_services.case_transition(actor=clerk, case=link.case_id, action="accept", now=at(approved))
                case_services.case_transition(actor=clerk, case=link.case_id, action="approve", now=at(approved))
        return filed

    # March 2024: low-risk permits in 2 and in 4 working days, a general project's in 1, one still open
    application(low_risk, "2024-03-04 09:00", "2024-03-06 16:00")
    application(low_risk, "2024-03-11 09:00", "2024-03-15 16:00")
    application(general, "2024-03-18 09:00", "2024-03-19 16:00")
    application(low_risk, "2024-03-25 09:00", None)
    # March 2023: one in 5 working days; April 2024 (outside): one in 1
    application(low_risk, "2023-03-06 09:00", "2023-03-13 16:00")
    application(low_risk, "2024-04-01 09:00", "2024-04-02 16:00")
    return {"admin": make_user(role=Role.CENTER_ADMIN)}


def _done(period: registry.Period) -> list[tuple[CombinedApplication, int, int]]:
    """(application, elapsed working days, baseline) of the applications received in the period whose
    approvals are out (ready or issued)."""
    first = at(f"{period.start} 00:00")
    after = at(f"{period.end + timedelta(days=1)} 00:00")
    rows = []
    for app in (CombinedApplication.objects.filter(received_at__gte=first, received_at__lt=after,
                                                   status__in=["ready", "issued"]).select_related("project")):
        elapsed = working_days_between(timezone.localtime(app.received_at).date(),
                                       timezone.localtime(app.items_completed_at).date())
        rows.append((app, elapsed, app.items.aggregate(n=Sum("promised_limit"))["n"]))
    return rows


def recompute(period: registry.Period) -> dict:
    rows, before = _done(period), _done(period.previous_year())
    elapsed, baseline = sum(r[1] for r in rows), sum(r[2] for r in rows)
    average = round(elapsed / len(rows), 2)
    average_before = round(sum(r[1] for r in before) / len(before), 2)
    return {
        "approvals.time_saved_rate": Decimal(str(round(100 * (baseline - elapsed) / baseline, 1))),
        "approvals.time_reduction_yoy": Decimal(str(round(100 * (average_before - average) / average_before, 1))),
        "approvals.low_risk_within_3_days": sum(1 for app, days, _ in rows
                                                if app.project.risk_class == RiskClass.LOW_RISK and days <= 3),
    }


def test_each_figure_equals_the_sum_straight_from_the_applications(world):
    result = registry.values(PERIOD, keys=KEYS)
    expected = recompute(PERIOD)
    assert {k: result[k].value for k in KEYS} == expected
    # elapsed 2 + 4 + 1 = 7 working days against 3 × 10; average 2.33 against 5 a year earlier
    assert expected == {"approvals.time_saved_rate": Decimal("76.7"), "approvals.time_reduction_yoy": Decimal("53.4"),
                        "approvals.low_risk_within_3_days": 1}


def test_the_previous_year_is_counted_the_same_way_and_the_reduction_is_not_compared_again(world):
    result = registry.values(PERIOD, keys=KEYS)
    assert result["approvals.time_saved_rate"].previous == Decimal("50.0")  # 5 days against 10
    assert result["approvals.low_risk_within_3_days"].previous == 0
    assert result["approvals.time_reduction_yoy"].previous is None


def test_applications_outside_the_period_are_left_out(world):
    wider = registry.Period(date(2024, 3, 1), date(2024, 4, 30))
    result = registry.values(wider, keys=["approvals.time_saved_rate", "approvals.low_risk_within_3_days"],
                             compare=False)
    assert result["approvals.low_risk_within_3_days"].value == 2
    assert result["approvals.time_saved_rate"].value == Decimal("80.0")  # 8 days against 40


def test_every_link_opens_for_an_administrator(world):
    client = Client()
    client.force_login(world["admin"])
    for key in KEYS:
        assert client.get(registry.figure(key).link(PERIOD)).status_code == 200, key
