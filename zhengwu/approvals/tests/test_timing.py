"""Timing: elapsed working days across holidays against the sequential baseline, the low-risk 3-working-day
target with its breaches, and the year-on-year change."""

from __future__ import annotations

import pytest

from zhengwu.approvals import selectors, timing
from zhengwu.approvals.testing import file
from zhengwu.cases import services as case_services
from zhengwu.cases.testing import at

pytestmark = pytest.mark.django_db


def approve_all(application, clerks, *, when: str):
    for link, clerk in zip(application.items.order_by("id"), clerks):
        case_services.case_transition(actor=clerk, case=link.case_id, action="accept", now=at(when))
        case_services.case_transition(actor=clerk, case=link.case_id, action="approve", now=at(when))


def fresh(world, application):
    return selectors.application_get(user=world["admin"], pk=application.pk)


def test_elapsed_days_skip_the_national_day_holidays(world):
    # Friday 27 September 2024; 1-7 October are holidays, Sunday 29 September is a working day.
    application = file(project=world["project"], bundle=world["bundle"], when="2024-09-27 10:00")
    approve_all(application, world["clerks"], when="2024-10-08 16:00")
    t = timing.application_timing(fresh(world, application))
    assert t.elapsed == 3  # 29 Sep, 30 Sep, 8 Oct
    assert t.baseline == 3 + 5 + 2
    assert t.saved == 7
    assert t.saved_percent == 70.0
    assert [i.elapsed for i in t.items] == [3, 3, 3]


def test_each_item_bar_ends_at_its_own_completion(world):
    application = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    links = list(application.items.order_by("id"))
    for link, clerk, day in zip(links, world["clerks"], ("2024-03-04 16:00", "2024-03-06 16:00", "2024-03-05 16:00")):
        case_services.case_transition(actor=clerk, case=link.case_id, action="accept", now=at(day))
        case_services.case_transition(actor=clerk, case=link.case_id, action="approve", now=at(day))
    t = timing.application_timing(fresh(world, application))
    assert [i.elapsed for i in t.items] == [0, 2, 1]
    assert t.elapsed == 2


def test_a_low_risk_permit_over_three_working_days_is_listed_as_a_breach(world):
    quick = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    approve_all(quick, world["clerks"], when="2024-03-06 16:00")  # 2 working days
    slow = file(project=world["project"], bundle=world["bundle"], when="2024-03-11 09:00")
    approve_all(slow, world["clerks"], when="2024-03-15 16:00")  # 4 working days
    figures = timing.figures(selectors.application_list(user=world["admin"]), year=2024)
    low = figures["low_risk"]
    assert low["applications"] == 2
    assert low["within_target"] == 1
    assert [b["number"] for b in low["breaches"]] == [fresh(world, slow).number]
    assert low["breaches"][0]["elapsed"] == 4


def test_the_year_on_year_change_compares_average_elapsed_days(world):
    old = file(project=world["project"], bundle=world["bundle"], when="2023-03-06 09:00")
    approve_all(old, world["clerks"], when="2023-03-13 16:00")  # 5 working days
    new = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    approve_all(new, world["clerks"], when="2024-03-07 16:00")  # 3 working days
    figures = timing.figures(selectors.application_list(user=world["admin"]))
    rows = {row["year"]: row for row in figures["year_on_year"]}
    assert rows[2023]["average_elapsed"] == 5
    assert rows[2024]["average_elapsed"] == 3
    assert rows[2024]["faster_percent"] == 40.0
    assert rows[2024]["goal_met"] is True
    assert rows[2023]["faster_percent"] is None


def test_project_timing_sums_per_stage(world):
    application = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    approve_all(application, world["clerks"], when="2024-03-05 16:00")
    result = timing.project_timing(world["project"], applications=selectors.application_list(user=world["admin"]))
    permit = next(s for s in result["stages"] if s["stage"] == "construction_permit")
    assert permit["elapsed"] == 1
    assert permit["baseline"] == 10
    assert result["total"]["saved_percent"] == 90.0
