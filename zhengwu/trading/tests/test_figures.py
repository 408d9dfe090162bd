"""The trading figures (DOMAIN.md §10, §13, part 5), each checked against a small dataset counted by hand.

The 2024 dataset (amounts in 万元; control = the evaluation's control price):

| project | type, funding | limit | award mode | section awards (notice date: price / control) |
|---|---|---|---|---|
| P1 | construction, government | above (works 500) | ranked | 01-15: 480 / 500 |
| P2 | construction, government | below (works 300) | 评定分离 | 01-20: 294 / 300 |
| P3 | procurement, state-funded | above (goods 250) | ranked | 02-10: 240 / 250 |
| P4 | construction, private | below (works 100) | ranked | 02-28: 95 / none |
| P5 | construction, government | above (works 600 + 400) | ranked | 03-05: 570 / 600; 04-02: 390 / 400 |
| P6 | construction, government | above (works 300 + 300) | ranked | 2023-12-20: 290 / 300; 01-10: 285 / 300 |

2024: 7 awards, 2,354 万; projects P1–P5 (P6's first award was in 2023); savings 91 万 over 2,350 万 of
control prices (P4 has none): 3.87 %.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengwu.core.errors import Forbidden, InvalidInput
from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading import figures, services_fees
from zhengwu.trading.choices import AwardMode, FundingSource, ProjectType, RemoteSessionStatus, VenueKind
from zhengwu.trading.models import RemoteSession
from zhengwu.trading.testing import at, credit, day, make_project
from zhengwu.trading.tests.factories_award import (
    award_section,
    awarded_project,
    guarantee,
    registration_on,
    tender_of,
    transfer,
)

pytestmark = pytest.mark.django_db
W = 10_000  # one 万元

TIERS = [{"up_to": "5000000", "permille": "1"}, {"up_to": "50000000", "permille": "0.6"},
         {"up_to": "500000000", "permille": "0.2"}, {"up_to": None, "permille": "0.05"}]


def yuan(wan: float | int) -> Decimal:
    return (Decimal(str(wan)) * W).quantize(Decimal("0.01"))


@pytest.fixture
def dataset():
    # construction is charged again from 1 March 2024 (the default schedules are switched off since 2023-10-30)
    services_fees.fee_schedule_create(actor="test", project_type=ProjectType.CONSTRUCTION,
                                      effective_from=day("2024-03-01"), tiers=TIERS, minimum="200", cap="50000",
                                      basis="区发改局核定")
    gov = FundingSource.GOVERNMENT_INVESTED
    p1 = awarded_project(price="4800000", control="5000000", notice="2024-01-15 10:00", funding_source=gov,
                         sections=[("works", "5000000")])
    p2 = awarded_project(price="2940000", control="3000000", notice="2024-01-20 10:00", funding_source=gov,
                         sections=[("works", "3000000")], award_mode=AwardMode.SEPARATED)
    p3 = awarded_project(price="2400000", control="2500000", notice="2024-02-10 10:00",
                         funding_source=FundingSource.STATE_FUNDED, project_type=ProjectType.PROCUREMENT,
                         sections=[("goods", "2500000")])
    p4 = awarded_project(price="950000", control=None, notice="2024-02-28 10:00",
                         funding_source=FundingSource.PRIVATE, sections=[("works", "1000000")])
    t5 = tender_of(make_project(funding_source=gov, sections=[("works", "6000000"), ("works", "4000000")]))
    p5a = award_section(t5, section_number=1, price="5700000", control="6000000", notice="2024-03-05 10:00")
    award_section(t5, section_number=2, price="3900000", control="4000000", notice="2024-04-02 10:00")
    t6 = tender_of(make_project(funding_source=gov, sections=[("works", "3000000"), ("works", "3000000")]))
    p6a = award_section(t6, section_number=1, price="2900000", control="3000000", notice="2023-12-20 10:00")
    award_section(t6, section_number=2, price="2850000", control="3000000", notice="2024-01-10 10:00")

    # guarantees: 3 in 2024 (8 + 5 + 6 万), one in 2023 and a cash transfer in 2024 that do not count
    guarantee(p1.winner.bid.registration, amount="80000", received="2024-01-05 10:00", number="G-1")
    guarantee(p2.winner.bid.registration, amount="50000", received="2024-01-08 10:00", number="G-2")
    guarantee(p5a.winner.bid.registration, amount="60000", received="2024-02-25 10:00", number="G-3")
    guarantee(p6a.winner.bid.registration, amount="60000", received="2023-12-01 10:00", number="G-4")
    transfer(p3.winner.bid.registration, amount="50000", received="2024-02-01 10:00")
    extra = registration_on(p4.evaluation.tender_section)
    guarantee(extra, amount="20000", received="2024-12-31 23:59", number="G-5")  # still 2024 in Beijing

    # remote sessions held: main 1, sub 2 in 2024; a cancelled one and one of 2023 do not count
    def session(role, status, started, offer=None):
        return RemoteSession.objects.create(
            status=status, our_role=role, tender_section=offer, project_name="项目", host_center="某中心",
            scheduled_start=at(started), started_at=at(started) if status != RemoteSessionStatus.CANCELLED else None)

    session(VenueKind.MAIN, RemoteSessionStatus.CLOSED, "2024-03-05 09:00", p5a.evaluation.tender_section)
    session(VenueKind.SUB, RemoteSessionStatus.CLOSED, "2024-05-06 09:00")
    session(VenueKind.SUB, RemoteSessionStatus.CLOSED, "2024-11-06 09:00")
    session(VenueKind.SUB, RemoteSessionStatus.CANCELLED, "2024-06-06 09:00")
    session(VenueKind.SUB, RemoteSessionStatus.CLOSED, "2023-06-06 09:00")
    session(VenueKind.SUB, RemoteSessionStatus.IN_PROGRESS, "2024-12-30 09:00")


@pytest.fixture
def staff():
    return make_user(role=Role.TRADING_STAFF)


def test_projects_amount_savings_and_rate_of_the_year(dataset, staff):
    f = figures.trading_figures(user=staff, year=2024)
    assert (f["projects"], f["awards"], f["awards_without_control_price"]) == (5, 7, 1)
    assert f["amount"] == yuan(480 + 294 + 240 + 95 + 570 + 390 + 285)               # 2,354 万
    assert f["control_total"] == yuan(500 + 300 + 250 + 600 + 400 + 300)             # P4 has none
    assert f["savings"] == yuan(20 + 6 + 10 + 30 + 10 + 15)                          # 91 万
    assert f["savings_rate"] == "0.0387"                                              # 91 / 2,350


def test_by_type(dataset, staff):
    by_type = {t["project_type"]: t for t in figures.trading_figures(user=staff, year=2024)["by_type"]}
    assert set(by_type) == {"construction", "procurement"}
    c = by_type["construction"]
    assert (c["projects"], c["awards"], c["amount"]) == (4, 6, yuan(480 + 294 + 95 + 570 + 390 + 285))
    assert (c["savings"], c["control_total"], c["savings_rate"]) == (yuan(81), yuan(2100), "0.0386")
    p = by_type["procurement"]
    assert (p["projects"], p["awards"], p["amount"], p["savings"], p["savings_rate"]) == (
        1, 1, yuan(240), yuan(10), "0.0400")


def test_by_month_a_project_counts_in_the_month_of_its_first_award(dataset, staff):
    months = {m["month"]: m for m in figures.trading_figures(user=staff, year=2024)["by_month"]}
    assert {m: (row["projects"], row["awards"], row["amount"]) for m, row in months.items()} == {
        1: (2, 3, yuan(480 + 294 + 285)),  # P1, P2 first awarded; P6's January award counts, P6 does not
        2: (2, 2, yuan(240 + 95)),
        3: (1, 1, yuan(570)),
        4: (0, 1, yuan(390)),              # P5's second section: P5 was counted in March
    }
    assert sum(row["projects"] for row in months.values()) == 5


def test_above_and_below_the_mandatory_limit(dataset, staff):
    f = figures.trading_figures(user=staff, year=2024)
    above, below = f["above_limit"], f["below_limit"]
    assert (above["projects"], above["awards"], above["amount"]) == (3, 5, yuan(480 + 240 + 570 + 390 + 285))
    assert (above["savings"], above["control_total"]) == (yuan(20 + 10 + 30 + 10 + 15), yuan(500 + 250 + 600 + 400 + 300))
    assert above["savings_rate"] == "0.0415"  # 85 / 2,050
    assert (below["projects"], below["awards"], below["amount"]) == (2, 2, yuan(294 + 95))
    assert (below["savings"], below["control_total"], below["savings_rate"]) == (yuan(6), yuan(300), "0.0200")


def test_separated_share_of_government_invested_projects(dataset, staff):
    s = figures.trading_figures(user=staff, year=2024)["separated"]
    # government-invested projects counted in 2024: P1, P2, P5 (P6 counted in 2023); separated: P2
    assert (s["government_invested_projects"], s["government_invested_separated"]) == (3, 1)
    assert (s["share"], s["goal"], s["goal_met"]) == ("0.3333", "0.3", True)
    assert (s["projects"], s["amount"]) == (1, yuan(294))


def test_guarantees_issued_and_money_freed(dataset, staff):
    g = figures.trading_figures(user=staff, year=2024)["guarantees"]
    assert (g["count"], g["amount_freed"]) == (4, yuan(8 + 5 + 6 + 2))


def test_service_fee_charged_and_saved(dataset, staff):
    fee = figures.trading_figures(user=staff, year=2024)["service_fee"]
    # charged from March (construction): 5,700,000 → 5,420; 3,900,000 → 3,900
    assert (fee["charged"], fee["charged_count"]) == (Decimal("9320.00"), 2)
    # waived: 4,800 + 2,940 + 2,400 (procurement) + 950 + 2,850; P6's 2023 award is not in 2024
    assert (fee["waived"], fee["waived_count"]) == (Decimal("13940.00"), 5)


def test_remote_sessions_as_main_and_as_sub_venue(dataset, staff):
    assert figures.trading_figures(user=staff, year=2024)["remote_sessions"] == {"main": 1, "sub": 2}
    assert figures.trading_figures(user=staff, year=2023)["remote_sessions"] == {"main": 0, "sub": 1}


def test_one_month(dataset, staff):
    jan = figures.trading_figures(user=staff, year=2024, month=1)
    assert (jan["projects"], jan["awards"], jan["amount"], jan["savings"]) == (2, 3, yuan(1059), yuan(20 + 6 + 15))
    assert (jan["date_from"], jan["date_to"]) == (day("2024-01-01"), day("2024-01-31"))
    assert jan["guarantees"] == {"count": 2, "amount_freed": yuan(13)}
    assert jan["separated"]["government_invested_projects"] == 2  # P1, P2
    assert [m["month"] for m in jan["by_month"]] == [1]


def test_the_year_before_counts_p6_once_it_is_its_first_award(dataset, staff):
    f = figures.trading_figures(user=staff, year=2023)
    assert (f["projects"], f["awards"], f["amount"]) == (1, 1, yuan(290))
    assert f["separated"]["share"] == "0.0000" and f["separated"]["goal_met"] is False


def test_an_empty_year_has_no_rate(staff):
    f = figures.trading_figures(user=staff, year=2022)
    assert (f["projects"], f["amount"], f["savings_rate"], f["separated"]["share"]) == (0, Decimal("0.00"), None, None)


def test_figures_are_for_the_center_supervisors_and_staff_only(staff):
    enterprise = make_enterprise(credit_code=credit(802))
    with pytest.raises(Forbidden):
        figures.trading_figures(user=make_user(role=Role.ENTERPRISE_USER, enterprise=enterprise), year=2024)
    assert figures.trading_figures(user=make_user(role=Role.CENTER_ADMIN), year=2024)["awards"] == 0
    with pytest.raises(InvalidInput) as bad:
        figures.trading_figures(user=staff, year=1999)
    assert bad.value.field == "year"
