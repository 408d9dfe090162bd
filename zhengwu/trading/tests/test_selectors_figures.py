"""The district-wide trading figures for any period (``selectors_figures``, read by the leadership dashboard and the
work report) give, for a calendar year or a month, exactly the numbers of the figures screen (``figures``), on the
screen's own dataset (``test_figures.dataset``); and they take any period of whole days."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.trading import figures, selectors_figures, services_deposits
from zhengwu.trading.choices import ProjectType
from zhengwu.trading.models import Deposit
from zhengwu.trading.tests.factories_award import registration_on, transfer
from zhengwu.trading.tests.test_figures import dataset, yuan  # noqa: F401  (the screen's dataset fixture)
from zhengwu.trading.testing import day, draw, make_expert, make_project, make_tender, publish

pytestmark = pytest.mark.django_db

CELL = ("projects", "awards", "amount", "control_total", "savings", "awards_without_control_price")


def _screen_cell(cell: dict) -> dict:
    return {**{k: cell[k] for k in CELL},
            "savings_rate": Decimal(cell["savings_rate"]) if cell["savings_rate"] is not None else None}


def _period_cell(cell: dict) -> dict:
    return {k: cell[k] for k in (*CELL, "savings_rate")}


@pytest.mark.parametrize(("year", "month"), [(2024, None), (2023, None), (2024, 1), (2024, 4)])
def test_a_calendar_year_or_month_gives_exactly_the_screens_figures(dataset, year, month):  # noqa: F811
    screen = figures.trading_figures(user=make_user(role=Role.TRADING_STAFF), year=year, month=month)
    span = {"date_from": screen["date_from"], "date_to": screen["date_to"]}
    assert _period_cell(selectors_figures.award_totals(**span)) == _screen_cell(screen)
    assert (_period_cell(selectors_figures.award_totals(**span, above_limit=True))
            == _screen_cell(screen["above_limit"]))
    assert screen["by_type"]  # every period of the parametrization has awards
    for row in screen["by_type"]:
        assert (_period_cell(selectors_figures.award_totals(**span, project_type=row["project_type"]))
                == _screen_cell(row))
    absent = set(ProjectType.values) - {row["project_type"] for row in screen["by_type"]}
    assert all(selectors_figures.award_totals(**span, project_type=t)["awards"] == 0 for t in absent)
    s = screen["separated"]
    assert selectors_figures.separated_figures(**span) == {
        "projects": s["projects"], "amount": s["amount"], "government_invested_projects": s["government_invested_projects"],
        "government_invested_separated": s["government_invested_separated"]}
    assert selectors_figures.guarantee_deposits(**span) == {"count": screen["guarantees"]["count"],
                                                            "amount": screen["guarantees"]["amount_freed"]}
    assert selectors_figures.remote_sessions(**span) == screen["remote_sessions"]


def test_above_limit_construction_leaves_out_procurement_above_the_limit(dataset):  # noqa: F811
    # 2024: above the limit are P1, P5, P6 (construction) and P3 (procurement, goods 250 万)
    c = selectors_figures.above_limit_construction(date_from=day("2024-01-01"), date_to=day("2024-12-31"))
    assert (c["projects"], c["awards"], c["amount"]) == (2, 4, yuan(480 + 570 + 390 + 285))
    assert (c["savings"], c["control_total"], c["savings_rate"]) == (yuan(75), yuan(1800), Decimal("0.0417"))


def test_any_period_of_whole_days_counts_the_local_date_of_the_notice(dataset):  # noqa: F811
    # 15 January to 5 March 2024: P1 (01-15), P2 (01-20), P3 (02-10), P4 (02-28), P5 (03-05), P6's 01-10 is out
    t = selectors_figures.award_totals(date_from=day("2024-01-15"), date_to=day("2024-03-05"))
    assert (t["projects"], t["awards"], t["amount"]) == (5, 5, yuan(480 + 294 + 240 + 95 + 570))
    # the last day is included whole, the day after is not
    assert selectors_figures.award_totals(date_from=day("2024-03-06"), date_to=day("2024-04-01"))["awards"] == 0


def test_an_empty_period_has_zero_sums_and_no_rate():
    t = selectors_figures.award_totals(date_from=day("2021-01-01"), date_to=day("2021-12-31"))
    assert (t["projects"], t["amount"], t["savings"], t["savings_rate"]) == (0, Decimal("0.00"), Decimal("0.00"), None)
    assert selectors_figures.provincial_draws(date_from=day("2021-01-01"), date_to=day("2021-12-31")) == {
        "drawn": 0, "provincial": 0}
    assert selectors_figures.old_deposit_refunds(date_from=day("2021-01-01"), date_to=day("2021-12-31")) == {
        "batches": 0, "deposits": 0, "total": Decimal("0.00")}


def test_old_deposit_refunds_count_the_batches_refunded_in_the_period():
    tender = make_tender(project=make_project(), issued="2015-03-01 09:00", deadline="2015-03-21 09:30",
                         sale=("2015-03-01", "2015-03-05"))
    deposits = [transfer(registration_on(tender.tender_sections.get()), amount=amount, received="2015-03-10 10:00")
                for amount in ("12000", "8000.50")]
    services_deposits.deposits_refund_old(actor="test", deposit_ids=[d.pk for d in deposits], years=3,
                                          refunded_on=day("2023-11-20"), reference="QT-2023-01",
                                          reason="历史沉淀保证金清退", today=day("2023-11-20"))
    assert Deposit.objects.filter(refund_batch__isnull=False).count() == 2
    found = selectors_figures.old_deposit_refunds(date_from=day("2023-01-01"), date_to=day("2023-11-30"))
    assert found == {"batches": 1, "deposits": 2, "total": Decimal("20000.50")}
    assert selectors_figures.old_deposit_refunds(date_from=day("2023-11-21"), date_to=day("2023-12-31"))["batches"] == 0


def test_provincial_draws_count_the_experts_drawn_for_projects_above_the_limit():
    for n in range(6):
        make_expert(name=f"省库专家{n}", source="provincial")
    above = publish(make_tender(project=make_project()))  # one works section of 400 万: above the limit
    made = draw(above, when="2024-03-20 09:00")
    assert made.members.count() == 4
    inside = selectors_figures.provincial_draws(date_from=day("2024-03-01"), date_to=day("2024-03-31"))
    assert inside == {"drawn": 4, "provincial": 4}
    assert selectors_figures.provincial_draws(date_from=day("2024-03-21"), date_to=day("2024-03-31"))["drawn"] == 0
    assert selectors_figures.provincial_draws(date_from=day("2024-03-01"), date_to=day("2024-03-31"),
                                              above_limit=False)["drawn"] == 0
