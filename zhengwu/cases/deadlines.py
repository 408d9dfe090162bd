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

The live workflow applies these one event at a time (``cases.workflow``);
:func:`derive` replays a whole life at once, for cases that are born with their
history (the bulk import, the demo generator), with the same functions in the
same order, so that an imported case and a live one with the same events
cannot disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from django.conf import settings
from django.utils import timezone

from zhengwu.cases.choices import CaseStatus, DeadlineState, Outcome
from zhengwu.core import calendar
from zhengwu.core.errors import InvalidInput


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
    return _outcome(is_instant, accepted_on, completed_at, deadline, local_date)


def _outcome(is_instant: bool, accepted_on: date, completed_at: datetime, deadline: datetime,
             to_date: Callable[[datetime], date]) -> str:
    if completed_at > deadline:
        return Outcome.OVERDUE
    completed_on = to_date(completed_at)
    if is_instant and completed_on == accepted_on:
        return Outcome.INSTANT
    if completed_on < to_date(deadline):
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
        # Acceptance is short (5 working days): a received case is normal until its limit
        # passes, the same rule the inbox order, the list filter and the reminder sweep use.
        due = case.acceptance_deadline
        if case.status == CaseStatus.SUPPLEMENT or due is None:
            return DeadlineState.NORMAL  # the acceptance clock waits for the applicant
        return DeadlineState.OVERDUE if now > due else DeadlineState.NORMAL
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


# --- a whole life at once: the bulk import and the demo ----------------------------

@dataclass(frozen=True)
class CaseEvents:
    """What happened to a case, as aware moments; ``None`` for what did not happen.

    ``suspensions`` are ``(start, end)`` pairs in order, ``end`` ``None`` for a
    suspension still running. ``suspended_working_days`` is for sources that only
    give the total (the provincial export's 中止工作日数); with periods too it
    must agree with them.
    """

    received_at: datetime
    supplement_requested_at: datetime | None = None
    supplement_received_at: datetime | None = None
    accepted_at: datetime | None = None
    refused_at: datetime | None = None
    suspensions: tuple[tuple[datetime, datetime | None], ...] = ()
    suspended_working_days: int | None = None
    completed_at: datetime | None = None
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class DerivedCase:
    """The state and the derived columns a case ends up with after its events."""

    status: str
    status_changed_at: datetime
    acceptance_clock_on: date
    acceptance_deadline: datetime
    decided_at: datetime | None
    acceptance_overdue: bool
    accepted_on: date | None
    acceptance_deemed: bool
    suspended_since: datetime | None
    suspended_working_days: int
    #: working days of each finished suspension, in order
    suspension_days: tuple[int, ...]
    completion_deadline: datetime | None
    warning_at: datetime | None
    outcome: str


@dataclass
class DeadlineMemo:
    """Remembers the calendar answers :func:`derive` asks for during one bulk run.

    The answers come from the functions above on the first question; keep one
    memo for one import or one demo year, not across calendar edits.
    """

    tz: object = field(default_factory=timezone.get_current_timezone)
    _answers: dict[tuple, object] = field(default_factory=dict)

    def local_date(self, moment: datetime) -> date:
        """``local_date`` with the time zone looked up once."""
        return moment.astimezone(self.tz).date()

    def acceptance_deadline(self, clock_on: date, limit: int) -> datetime:
        key = ("a", clock_on, limit)
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = acceptance_deadline(clock_on=clock_on, acceptance_limit=limit)
        return found

    def completion_deadline(self, accepted_on: date, limit: int, suspended: int) -> datetime:
        key = ("c", accepted_on, limit, suspended)
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = completion_deadline(accepted_on=accepted_on, promised_limit=limit,
                                                             suspended_working_days=suspended)
        return found

    def warning_moment(self, start_on: date, allowed: int) -> datetime:
        key = ("w", start_on, allowed)
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = warning_moment(start_on=start_on, allowed_working_days=allowed)
        return found

    def suspended_days(self, since: datetime, until: datetime) -> int:
        key = ("s", self.local_date(since), self.local_date(until))
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = suspended_days(since=since, until=until)
        return found


def _refuse(field_name: str, code: str, message: str) -> InvalidInput:
    return InvalidInput(message, field=field_name, code=code)


def derive(events: CaseEvents, *, acceptance_limit: int, promised_limit: int, now: datetime | None = None,
           memo: DeadlineMemo | None = None) -> DerivedCase:
    """Replay a case's events the way the live workflow runs them and return where it ends.

    Each step does what the matching guard of ``cases.workflow`` does, with the
    same functions: receipt starts the acceptance clock; a supplement request
    must come within the acceptance limit and its arrival restarts the clock; a
    decision after the acceptance deadline is overdue and the case counts as
    accepted on the day its clock started; acceptance starts the completion
    clock; each finished suspension adds its working days; completion fixes the
    outcome. An impossible history (an event before the one it needs, a
    transition the table does not allow, a moment after ``now``) raises
    :class:`~zhengwu.core.errors.InvalidInput` naming the event's field.
    """
    m = memo or DeadlineMemo()
    e = events
    now = now or timezone.now()
    for name in ("received_at", "supplement_requested_at", "supplement_received_at", "accepted_at", "refused_at",
                 "completed_at", "withdrawn_at"):
        moment = getattr(e, name)
        if moment is not None and moment > now:
            raise _refuse(name, "in_future", "时间晚于当前时间。")
    for start, end in e.suspensions:
        if start > now or (end is not None and end > now):
            raise _refuse("suspensions", "in_future", "中止或恢复时间晚于当前时间。")

    # receipt (case_receive)
    clock_on = m.local_date(e.received_at)
    acc_deadline = m.acceptance_deadline(clock_on, acceptance_limit)
    status, changed = CaseStatus.RECEIVED, e.received_at
    # supplement (guard_request_supplement, guard_supplement_arrived)
    if e.supplement_requested_at is not None:
        if e.supplement_requested_at < e.received_at:
            raise _refuse("supplement_requested_at", "before_receipt", "补正告知时间早于收件时间。")
        if e.supplement_requested_at > acc_deadline:
            raise _refuse("supplement_requested_at", "acceptance_overdue",
                          "补正告知晚于受理期限:逾期不告知补正的,自收到材料之日起即为受理。")
        status, changed = CaseStatus.SUPPLEMENT, e.supplement_requested_at
        if e.supplement_received_at is not None:
            if e.supplement_received_at < e.supplement_requested_at:
                raise _refuse("supplement_received_at", "before_request", "补正材料收到时间早于补正告知时间。")
            clock_on = m.local_date(e.supplement_received_at)
            acc_deadline = m.acceptance_deadline(clock_on, acceptance_limit)
            status, changed = CaseStatus.RECEIVED, e.supplement_received_at
    elif e.supplement_received_at is not None:
        raise _refuse("supplement_received_at", "supplement_not_requested", "没有补正告知,却有补正材料收到时间。")

    decided_at = accepted_on = completion = warning = suspended_since = None
    overdue = deemed = False
    total = 0
    per_suspension: list[int] = []
    result_outcome = ""
    if e.accepted_at is not None:
        if e.refused_at is not None:
            raise _refuse("refused_at", "accepted_and_refused", "同一办件不能既受理又不予受理。")
        if status == CaseStatus.SUPPLEMENT:
            raise _refuse("accepted_at", "accepted_during_supplement", "补正材料尚未收到,不能受理。")
        if e.accepted_at < changed:
            raise _refuse("accepted_at", "before_receipt", "受理时间早于收件时间(或补正材料收到时间)。")
        # guard_accept: late means overdue, and by law accepted on the day the clock started
        late = e.accepted_at > acc_deadline
        decided_at, overdue, deemed = e.accepted_at, late, late
        accepted_on = clock_on if late else m.local_date(e.accepted_at)
        completion = m.completion_deadline(accepted_on, promised_limit, 0)
        warning = m.warning_moment(accepted_on, promised_limit)
        status, changed = CaseStatus.ACCEPTED, e.accepted_at
        # guard_suspend / guard_resume
        last = len(e.suspensions) - 1
        for i, (start, end) in enumerate(e.suspensions):
            if start < changed:
                raise _refuse("suspensions", "suspension_out_of_order",
                              "中止时间早于受理时间或上一次恢复时间。")
            if end is None:
                if i != last:
                    raise _refuse("suspensions", "suspension_not_resumed", "只有最后一次中止可以尚未恢复。")
                status, changed, suspended_since = CaseStatus.SUSPENDED, start, start
                continue
            if end < start:
                raise _refuse("suspensions", "resumed_before_suspended", "恢复时间早于中止时间。")
            days = m.suspended_days(start, end)
            per_suspension.append(days)
            total += days
            completion = m.completion_deadline(accepted_on, promised_limit, total)
            warning = m.warning_moment(accepted_on, promised_limit + total)
            status, changed = CaseStatus.PROCESSING, end
        if e.suspended_working_days is not None:
            if e.suspensions:
                if e.suspended_working_days != total:
                    raise _refuse("suspended_working_days", "suspension_days_mismatch",
                                  f"中止工作日数 {e.suspended_working_days} 与中止时段合计的 {total} 个工作日不一致。")
            elif e.suspended_working_days < 0:
                raise _refuse("suspended_working_days", "negative", "中止工作日数不能为负数。")
            elif e.suspended_working_days:
                total = e.suspended_working_days
                completion = m.completion_deadline(accepted_on, promised_limit, total)
                warning = m.warning_moment(accepted_on, promised_limit + total)
                status = CaseStatus.PROCESSING
        # guard_approve / guard_deny
        if e.completed_at is not None:
            if status == CaseStatus.SUSPENDED:
                raise _refuse("completed_at", "completed_while_suspended", "办件处于中止状态,须先恢复才能办结。")
            if e.completed_at < changed:
                what = "受理时间" if changed == e.accepted_at else "恢复办理时间"
                raise _refuse("completed_at", "completed_before_acceptance", f"办结时间早于{what}。")
            result_outcome = _outcome(promised_limit == 0, accepted_on, e.completed_at, completion, m.local_date)
            status, changed = CaseStatus.COMPLETED, e.completed_at
    else:
        if e.suspensions or e.suspended_working_days:
            raise _refuse("suspensions", "suspended_without_acceptance", "未受理的办件不能中止。")
        if e.completed_at is not None:
            raise _refuse("accepted_at", "completed_without_acceptance", "已办结的办件须有受理时间。")
        if e.refused_at is not None:
            # guard_refuse
            if status == CaseStatus.SUPPLEMENT:
                raise _refuse("refused_at", "refused_during_supplement", "补正材料尚未收到,不能作出不予受理决定。")
            if e.refused_at < changed:
                raise _refuse("refused_at", "before_receipt", "不予受理时间早于收件时间(或补正材料收到时间)。")
            decided_at, overdue = e.refused_at, e.refused_at > acc_deadline
            status, changed = CaseStatus.NOT_ACCEPTED, e.refused_at
    # guard_withdraw: from any open state
    if e.withdrawn_at is not None:
        if status in (CaseStatus.COMPLETED, CaseStatus.NOT_ACCEPTED):
            raise _refuse("withdrawn_at", "withdrawn_after_closing", "已办结或不予受理的办件不能撤回。")
        if e.withdrawn_at < changed:
            raise _refuse("withdrawn_at", "before_last_event", "撤回时间早于此前的办理环节。")
        status, changed = CaseStatus.WITHDRAWN, e.withdrawn_at
    return DerivedCase(
        status=status, status_changed_at=changed, acceptance_clock_on=clock_on, acceptance_deadline=acc_deadline,
        decided_at=decided_at, acceptance_overdue=overdue, accepted_on=accepted_on, acceptance_deemed=deemed,
        suspended_since=suspended_since, suspended_working_days=total, suspension_days=tuple(per_suspension),
        completion_deadline=completion, warning_at=warning, outcome=result_outcome,
    )
