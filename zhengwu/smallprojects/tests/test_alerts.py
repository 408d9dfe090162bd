"""The alert rules over rows (pure functions: each with a planted positive and a near-miss negative), and
``alerts_run`` over the database: flags raised once, linked to every project they name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from zhengwu.core.testing import make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.smallprojects import alerts
from zhengwu.smallprojects.alerts import Row
from zhengwu.smallprojects.models import ProjectAlert
from zhengwu.smallprojects.testing import accept, change, contracted, pay
from zhengwu.supervision.choices import FlagFamily
from zhengwu.supervision.models import Flag

LIMIT = Decimal("4000000")
D = dt.date.fromisoformat


def row(i: int, *, amount: str = "1500000", on: str = "2024-03-01", keyword: str = "环村路", owner: int = 1,
        name: str | None = None, contractor: int | None = 7, village: int | None = 11, **extra) -> Row:
    return Row(id=i, number=f"XE{i}", name=name or f"{keyword}硬化工程{i}期", owner_region_id=owner,
               owner_region="东山村", village_id=village, village="东山村", scope_keyword=keyword,
               contractor_id=contractor, contractor="金华某建设公司", contract_amount=Decimal(amount),
               contract_date=D(on), **extra)


def splits(rows, **kw):
    return alerts.find_splits(rows, limit=LIMIT, window_days=kw.get("window", 180),
                              name_similarity=kw.get("similarity", 0.8))


# --- SP_SPLIT -----------------------------------------------------------------------------------------------

def test_three_contracts_of_one_and_a_half_million_for_one_road_are_a_split():
    rows = [row(1, on="2024-03-01"), row(2, on="2024-04-10"), row(3, on="2024-06-20")]
    [finding] = splits(rows)
    assert finding.rule == "SP_SPLIT"
    assert finding.projects == (1, 2, 3)
    assert finding.evidence["total"] == "4500000.00"
    assert finding.evidence["scope_keyword"] == "环村路"
    assert [p["id"] for p in finding.evidence["projects"]] == [1, 2, 3]


def test_two_contracts_of_one_and_a_half_million_stay_below_the_limit_and_are_not_a_split():
    assert splits([row(1), row(2, on="2024-04-01")]) == []


def test_three_contracts_on_three_different_roads_are_not_a_split():
    rows = [row(1, keyword="环村路"), row(2, keyword="东山大道"), row(3, keyword="溪边路")]
    assert splits(rows) == []


def test_contracts_further_apart_than_the_window_are_not_a_split():
    rows = [row(1, on="2024-01-01"), row(2, on="2024-05-01"), row(3, on="2024-09-01")]
    assert splits(rows) == []
    assert len(splits(rows, window=300)) == 1


def test_contracts_of_different_owners_are_not_a_split():
    rows = [row(1, owner=1), row(2, owner=2), row(3, owner=3)]
    assert splits(rows) == []


def test_names_alike_without_a_keyword_are_the_same_scope():
    rows = [row(i, keyword="", name=f"东山村环村路硬化工程第{i}段") for i in (1, 2, 3)]
    assert len(splits(rows)) == 1
    assert splits(rows, similarity=0.99) == []


def test_a_contract_at_the_limit_is_not_part_of_a_split():
    rows = [row(1, amount="4000000"), row(2, amount="2000000"), row(3, amount="1900000")]
    assert splits(rows) == []


# --- SP_OVERPAID, SP_CHANGE_OVER, SP_NO_ACCEPTANCE -------------------------------------------------------------

def test_payments_above_contract_and_changes_are_overpaid():
    r = row(1, amount="1000000", changes=[(D("2024-04-01"), Decimal("50000"))],
            payments=[(D("2024-04-01"), Decimal("600000"), "progress"), (D("2024-08-01"), Decimal("460000"), "final")])
    [finding] = alerts.find_overpaid([r])
    assert finding.evidence["excess"] == "10000.00"
    assert finding.evidence["ceiling"] == "1050000.00"


def test_payments_within_contract_and_changes_are_not_overpaid():
    r = row(1, amount="1000000", changes=[(D("2024-04-01"), Decimal("50000"))],
            payments=[(D("2024-04-01"), Decimal("600000"), "progress"), (D("2024-08-01"), Decimal("450000"), "final")])
    assert alerts.find_overpaid([r]) == []


def test_changes_over_ten_percent_of_the_contract_are_alerted():
    r = row(1, amount="1000000", changes=[(D("2024-04-01"), Decimal("60000")), (D("2024-05-01"), Decimal("40001"))])
    [finding] = alerts.find_change_over([r], ratio=Decimal("0.10"))
    assert finding.evidence["changes_total"] == "100001.00"


def test_changes_of_exactly_ten_percent_are_not_alerted():
    r = row(1, amount="1000000", changes=[(D("2024-04-01"), Decimal("60000")), (D("2024-05-01"), Decimal("40000"))])
    assert alerts.find_change_over([r], ratio=Decimal("0.10")) == []


def test_a_final_payment_without_a_passed_acceptance_is_alerted():
    r = row(1, payments=[(D("2024-08-01"), Decimal("100000"), "final")],
            acceptances=[(D("2024-07-01"), "fail"), (D("2024-09-01"), "pass")])
    [finding] = alerts.find_no_acceptance([r])
    assert finding.evidence["final_payment"]["paid_on"] == "2024-08-01"


def test_a_final_payment_after_a_passed_acceptance_is_not_alerted():
    r = row(1, payments=[(D("2024-08-01"), Decimal("100000"), "final")], acceptances=[(D("2024-07-20"), "pass")])
    assert alerts.find_no_acceptance([r]) == []


def test_progress_payments_before_acceptance_are_not_alerted():
    r = row(1, payments=[(D("2024-05-01"), Decimal("100000"), "progress")])
    assert alerts.find_no_acceptance([r]) == []


# --- SP_CONTRACTOR_CONCENTRATION -------------------------------------------------------------------------------

def test_one_contractor_with_three_projects_in_one_village_within_a_year_is_alerted():
    rows = [row(1, keyword="a", on="2024-01-05"), row(2, keyword="b", on="2024-06-01"),
            row(3, keyword="c", on="2024-12-20")]
    [finding] = alerts.find_concentration(rows, min_projects=3, window_days=365)
    assert finding.projects == (1, 2, 3)
    assert finding.enterprises == (7,)


def test_three_projects_spread_over_more_than_a_year_or_two_villages_are_not_alerted():
    spread = [row(1, on="2023-01-05"), row(2, on="2023-09-01"), row(3, on="2024-03-01")]
    villages = [row(1, village=11), row(2, village=11), row(3, village=12)]
    assert alerts.find_concentration(spread, min_projects=3, window_days=365) == []
    assert alerts.find_concentration(villages, min_projects=3, window_days=365) == []


@override_settings(ZHENGWU_SMALL_PROJECTS={"CONCENTRATION_MIN_PROJECTS": 2, "SPLIT_WINDOW_DAYS": 30})
def test_thresholds_come_from_the_setting_with_defaults_in_code():
    conf = alerts.thresholds()
    assert (conf.concentration_min_projects, conf.split_window_days) == (2, 30)
    assert conf.change_ratio == Decimal("0.10")


# --- alerts_run over the database ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_alerts_run_raises_each_finding_once_and_links_every_project_it_names():
    tree = make_region_tree(townships=1, villages_per_township=2)
    village, other = tree["villages"]
    road = [contracted(region=village, keyword="环村路", on=on, contractor=1)
            for on in ("2024-03-01", "2024-04-15", "2024-06-01")]
    near_miss = [contracted(region=other, keyword="溪边路", on=on, contractor=n)
                 for n, on in ((2, "2024-03-01"), (3, "2024-04-01"))]
    overpaid = contracted(region=other, keyword="村委楼", amount="800000", contractor=4, on="2024-02-01")
    pay(overpaid, amount="900000", on="2024-05-01")
    first = alerts.alerts_run(actor="test")
    assert first["SP_SPLIT"] == 1
    assert first["SP_OVERPAID"] == 1
    assert first["SP_CONTRACTOR_CONCENTRATION"] == 1  # contractor 1 took the three road contracts in one village
    split = Flag.objects.get(rule="SP_SPLIT")
    assert split.family == FlagFamily.SMALL_PROJECT
    assert split.evidence["total"] == "4500000.00"
    assert set(ProjectAlert.objects.filter(flag=split).values_list("project_id", flat=True)) == {p.pk for p in road}
    assert not ProjectAlert.objects.filter(project__in=near_miss).exists()
    flags, links = Flag.objects.count(), ProjectAlert.objects.count()
    second = alerts.alerts_run(actor="test")
    assert sum(second.values()) == 0
    assert (Flag.objects.count(), ProjectAlert.objects.count()) == (flags, links)


@pytest.mark.django_db
def test_alerts_run_finds_changes_over_ten_percent_and_a_final_payment_before_acceptance():
    village = make_region_tree(townships=1, villages_per_township=1)["villages"][0]
    project = contracted(region=village, keyword="文化礼堂", amount="1000000", on="2024-03-01")
    change(project, amount="150000")
    pay(project, amount="1100000", on="2024-09-01", kind="final")
    accept(project, on="2024-09-10")
    created = alerts.alerts_run(actor="test")
    assert created["SP_CHANGE_OVER"] == 1
    assert created["SP_NO_ACCEPTANCE"] == 1
    assert created["SP_OVERPAID"] == 0


@pytest.mark.django_db
def test_township_staff_may_not_run_the_alerts():
    from zhengwu.core.errors import Forbidden

    tree = make_region_tree(townships=1, villages_per_township=1)
    staff = make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][0])
    with pytest.raises(Forbidden):
        alerts.alerts_run(actor=staff)
