"""Deadlines of a case, derived from the working-day calendar and the case's events.

Nothing here is typed in by a person: the services call these functions
whenever an event changes the inputs, and store the results only so that lists
can filter and sort on them.

* acceptance deadline: ``acceptance_limit`` working days from the day the
  acceptance clock started (receipt, or the arrival of the supplement: the
  clock restarts from the next day);
* completion deadline: ``promised_limit`` working days from the acceptance
  date, plus the working days the case spent suspended;
* warning: when ``WARNING_RATIO`` (75 %) of the allowed working days have passed;
* outcome: instant, early, on time or overdue, fixed at completion.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from zhengwu.cases.choices import CaseStatus, DeadlineState, Outcome
from zhengwu.core import calendar


def warning_ratio() -> float:
    return float(settings.ZHENGWU.get("CASE_WARNING_RATIO", 0.75))


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def acceptance_deadline(*, clock_on: date, acceptance_limit: int) -> datetime:
    return calendar.deadline(start=clock_on, working_days=acceptance_limit)


def completion_deadline(*, accepted_on: date, promised_limit: int, suspended_working_days: int) -> datetime:
    return calendar.deadline(start=accepted_on, working_days=promised_limit + suspended_working_days)


def warning_moment(*, start_on: date, allowed_working_days: int) -> datetime:
    """The end of the working day by which ``warning_ratio`` of the allowed days are used."""
    used = math.floor(allowed_working_days * warning_ratio())
    return calendar.deadline(start=start_on, working_days=used)


def suspended_days(*, since: datetime, until: datetime) -> int:
    """Working days the clock stood still: those in (suspension date, resumption date]."""
    return max(0, calendar.working_days_between(local_date(since), local_date(until)))


def outcome(*, is_instant: bool, accepted_on: date, completed_at: datetime, deadline: datetime) -> str:
    if completed_at > deadline:
        return Outcome.OVERDUE
    completed_on = local_date(completed_at)
    if is_instant and completed_on == accepted_on:
        return Outcome.INSTANT
    if completed_on < local_date(deadline):
        return Outcome.EARLY
    return Outcome.ON_TIME


def deadline_state(case, *, now: datetime | None = None) -> str:
    """Where an open case stands: normal, warning or overdue (against the stage it is in)."""
    now = now or timezone.now()
    if case.status in (CaseStatus.COMPLETED, CaseStatus.NOT_ACCEPTED, CaseStatus.WITHDRAWN):
        return DeadlineState.DONE
    if case.status == CaseStatus.SUSPENDED:
        return DeadlineState.NORMAL
    if case.status in (CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT):
        due = case.acceptance_deadline
        if case.status == CaseStatus.SUPPLEMENT or due is None:
            return DeadlineState.NORMAL  # the acceptance clock waits for the applicant
        if now > due:
            return DeadlineState.OVERDUE
        warn = warning_moment(start_on=case.acceptance_clock_on, allowed_working_days=case.item.acceptance_limit)
        return DeadlineState.WARNING if now > warn else DeadlineState.NORMAL
    if case.completion_deadline is None:
        return DeadlineState.NORMAL
    if now > case.completion_deadline:
        return DeadlineState.OVERDUE
    if case.warning_at is not None and now > case.warning_at:
        return DeadlineState.WARNING
    return DeadlineState.NORMAL


def working_days_left(case, *, today: date | None = None) -> int | None:
    """Working days from today to the current deadline (negative when overdue)."""
    today = today or timezone.localdate()
    due = case.acceptance_deadline if case.status == CaseStatus.RECEIVED else case.completion_deadline
    if due is None or case.status in (CaseStatus.SUSPENDED, CaseStatus.SUPPLEMENT):
        return None
    return calendar.working_days_between(today, local_date(due))
