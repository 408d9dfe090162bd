"""Deadlines derived from the calendar and the events: holidays, make-up days, supplements, suspensions."""

from __future__ import annotations

import pytest

from zhengwu.cases.choices import CaseStatus, Outcome
from zhengwu.cases.testing import at, make_item, move, receive
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept():
    return make_department(name="市场监管")


@pytest.fixture
def clerk(dept):
    return make_user(role=Role.WINDOW_CLERK, department=dept)


def end_of(day: str):
    return at(f"{day} 23:59").replace(second=59, microsecond=999999)


def test_the_acceptance_deadline_skips_the_national_day_holiday_and_counts_the_make_up_sunday(dept, clerk):
    case = receive(actor=clerk, item=make_item(department=dept), when="2024-09-27 10:00")
    assert case.acceptance_deadline == end_of("2024-10-10")


def test_the_completion_deadline_counts_from_acceptance_over_the_holiday(dept, clerk):
    item = make_item(department=dept, promised=3)
    case = receive(actor=clerk, item=item, when="2024-09-30 09:00")
    case = move(case, "accept", actor=clerk, when="2024-09-30 10:00")
    assert case.accepted_on.isoformat() == "2024-09-30"
    assert case.completion_deadline == end_of("2024-10-10")


def test_a_make_up_sunday_is_a_working_day_for_the_deadline(dept, clerk):
    item = make_item(department=dept, promised=1)
    case = receive(actor=clerk, item=item, when="2024-02-02 09:00")
    case = move(case, "accept", actor=clerk, when="2024-02-02 09:30")
    assert case.completion_deadline == end_of("2024-02-04")


def test_the_acceptance_clock_restarts_the_day_after_the_supplement_arrives(dept, clerk):
    case = receive(actor=clerk, item=make_item(department=dept), when="2024-03-01 09:00")
    assert case.acceptance_deadline == end_of("2024-03-08")
    case = move(case, "request_supplement", actor=clerk, when="2024-03-04 10:00", items=["营业执照副本", "法人授权书"])
    assert case.supplement_items == ["营业执照副本", "法人授权书"]
    case = move(case, "supplement_arrived", actor=clerk, when="2024-03-11 15:00")
    assert case.status == CaseStatus.RECEIVED
    assert case.acceptance_deadline == end_of("2024-03-18")


def test_suspended_working_days_extend_the_completion_deadline(dept, clerk):
    item = make_item(department=dept, promised=10)
    case = receive(actor=clerk, item=item, when="2024-03-04 09:00")
    case = move(case, "accept", actor=clerk, when="2024-03-04 09:10")
    assert case.completion_deadline == end_of("2024-03-18")
    case = move(case, "suspend", actor=clerk, when="2024-03-06 11:00", reason="组织听证")
    case = move(case, "resume", actor=clerk, when="2024-03-08 16:00")
    assert case.suspended_working_days == 2
    assert case.completion_deadline == end_of("2024-03-20")
    suspension = case.suspensions.get()
    assert (suspension.working_days, suspension.ended_at) == (2, at("2024-03-08 16:00"))


def test_a_suspension_over_a_weekend_stops_the_clock_only_for_working_days(dept, clerk):
    item = make_item(department=dept, promised=5)
    case = receive(actor=clerk, item=item, when="2024-03-04 09:00")
    case = move(case, "accept", actor=clerk, when="2024-03-04 09:10")
    case = move(case, "suspend", actor=clerk, when="2024-03-08 11:00", reason="技术审查")  # Friday
    case = move(case, "resume", actor=clerk, when="2024-03-11 09:00")  # Monday
    assert case.suspended_working_days == 1


def test_completion_one_working_day_late_across_a_holiday_is_overdue(dept, clerk):
    item = make_item(department=dept, promised=2)
    case = receive(actor=clerk, item=item, when="2024-09-26 09:00")
    case = move(case, "accept", actor=clerk, when="2024-09-26 09:30")
    assert case.completion_deadline == end_of("2024-09-29")  # Friday 27th, then the make-up Sunday
    case = move(case, "approve", actor=clerk, when="2024-09-30 10:00")
    assert case.outcome == Outcome.OVERDUE


@pytest.mark.parametrize(("done", "expected"), [("2024-03-05 10:00", Outcome.EARLY),
                                                ("2024-03-07 16:00", Outcome.ON_TIME),
                                                ("2024-03-08 09:00", Outcome.OVERDUE)])
def test_the_outcome_is_early_on_time_or_overdue(dept, clerk, done, expected):
    item = make_item(department=dept, promised=3)
    case = receive(actor=clerk, item=item, when="2024-03-04 09:00")
    case = move(case, "accept", actor=clerk, when="2024-03-04 09:10")
    case = move(case, "approve", actor=clerk, when=done)
    assert case.outcome == expected


def test_an_instant_item_finished_on_the_day_of_acceptance_is_instant(dept, clerk):
    item = make_item(department=dept, code="INSTANT", promised=0, statutory=0)
    case = receive(actor=clerk, item=item, when="2024-03-04 09:00")
    case = move(case, "accept", actor=clerk, when="2024-03-04 09:05")
    assert case.completion_deadline == end_of("2024-03-04")
    case = move(case, "approve", actor=clerk, when="2024-03-04 09:20")
    assert case.outcome == Outcome.INSTANT


def test_a_decision_after_the_acceptance_limit_is_overdue_and_deemed_on_the_receipt_day(dept, clerk):
    item = make_item(department=dept, promised=3)
    case = receive(actor=clerk, item=item, when="2024-09-27 10:00")
    case = move(case, "accept", actor=clerk, when="2024-10-11 09:00")
    assert case.acceptance_overdue is True
    assert case.acceptance_deemed is True
    assert case.accepted_on.isoformat() == "2024-09-27"
    assert case.completion_deadline == end_of("2024-10-08")  # 9/29, 9/30, 10/8


def test_the_sweep_deems_a_case_accepted_when_nobody_decided(dept, clerk):
    from zhengwu.cases.services import cases_deem_accepted

    case = receive(actor=clerk, item=make_item(department=dept), when="2024-03-01 09:00")
    assert cases_deem_accepted(now=at("2024-03-08 20:00")) == 0
    assert cases_deem_accepted(now=at("2024-03-09 08:00")) == 1
    case.refresh_from_db()
    assert (case.status, case.acceptance_deemed, case.accepted_on.isoformat()) == (CaseStatus.ACCEPTED, True,
                                                                                  "2024-03-01")


def test_the_warning_comes_when_three_quarters_of_the_time_is_used(dept, clerk):
    item = make_item(department=dept, promised=8)
    case = receive(actor=clerk, item=item, when="2024-03-04 09:00")
    case = move(case, "accept", actor=clerk, when="2024-03-04 09:10")
    assert case.warning_at == end_of("2024-03-12")  # 6 of 8 working days used
    assert case.completion_deadline == end_of("2024-03-14")


def test_the_end_of_a_working_day_can_be_17_00(dept, clerk, settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "DEADLINE_END_OF_DAY": "17:00"}
    case = receive(actor=clerk, item=make_item(department=dept), when="2024-03-01 09:00")
    assert case.acceptance_deadline == at("2024-03-08 17:00")
