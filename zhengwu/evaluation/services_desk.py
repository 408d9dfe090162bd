"""The specialist desk's one write: a one-click reminder about a case near or past its deadline.

It goes through the platform's reminder mechanism (``core.reminders.reminder_send``)
with the kind the deadline sweep uses (``case_deadline``), so it counts in the
reminder figures and in the reminder-response indicator like any other. The
stage is ``manual-<date>``: a second click on the same day sends nothing.

(Kept apart from ``services.py`` while that module is being written; it may move there.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhengwu.core.errors import Conflict
from zhengwu.core.permissions import require
from zhengwu.core.reminders import reminder_send
from zhengwu.evaluation.counters import CASE_REMINDER_KIND
from zhengwu.evaluation.selectors import manual_reminder_stage


@dataclass(frozen=True)
class CaseReminder:
    case: Any
    stage: str
    sent: bool


def _recipients(case: Any) -> list[Any]:
    """The department's leaders and the clerk handling the case (as the deadline sweep does)."""
    from zhengwu.org.models import User
    from zhengwu.org.roles import Role

    people = list(User.objects.filter(department_id=case.department_id, role=Role.DEPARTMENT_LEADER,
                                      is_active=True))
    clerk = case.handler or case.received_by
    if clerk is not None and clerk.is_active:
        people.append(clerk)
    return people


def _case_url(case: Any) -> str:
    try:
        return reverse("cases:detail", args=[case.pk])
    except NoReverseMatch:  # an API-only deployment without the web
        return ""


def case_remind(*, actor: Any, case: Any, today: date | None = None) -> CaseReminder:
    """Remind the department about an open case; at most once per case and day."""
    from zhengwu.cases import deadlines
    from zhengwu.cases.selectors import case_get

    require(actor, "evaluation.remind")
    case = case_get(user=actor, pk=getattr(case, "pk", case))
    if not case.is_open:
        raise Conflict(f"办件 {case.number} 已{case.get_status_display()},无需提醒。", field="case",
                       code="case_closed")
    today = today or timezone.localdate()
    stage = manual_reminder_stage(today)
    state = deadlines.deadline_state(case)
    overdue = state == "overdue"
    due = case.acceptance_deadline if case.accepted_on is None else case.completion_deadline
    state = {"overdue": "已超期", "warning": "临近期限"}.get(state, "正在办理")
    message = f"指标专员提醒:办件 {case.number}({case.item.name}){state}"
    if due is not None:
        message += f",期限 {timezone.localtime(due):%Y-%m-%d}"
    result = reminder_send(obj=case, kind=CASE_REMINDER_KIND, stage=stage, message=message + ",请尽快办理。",
                           recipients=_recipients(case), level="red" if overdue else "yellow",
                           url=_case_url(case), department=case.department_id, due_at=due, actor=actor)
    return CaseReminder(case=case, stage=stage, sent=result.created)
