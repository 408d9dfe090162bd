"""The transitions of supervision, as data.

Flag::

    open ──confirm──▶ confirmed
      ├───dismiss (reason required)──▶ dismissed
      └───to_clue──▶ clue            (the clue is created by services.flag_to_clue)

A supervision case closes when none of its flags is open.

Clue (线索)::

    registered ──investigate──▶ investigated ──conclude (属实)──▶ concluded ──require_rectification──▶ rectification
                                     │                                                                  │
                                     └──close (不属实)──▶ closed                              verify ──▶ verified

Each waiting stage has a deadline in working days (``clue_deadline_days``: the ``SUPERVISION_CLUE_DEADLINES``
entry of ``settings.ZHENGWU`` over the defaults), kept in ``Clue.due_at`` with the moment to remind in
``Clue.warn_at``; the reminder sweep (tasks.py) reads them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core import calendar
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.supervision.choices import CaseStatus, ClueConclusion, ClueStatus, FlagStatus
from zhengwu.supervision.models import Clue, Flag, SupervisionCase
from zhengwu.supervision.selectors import cases_visible_to, clues_visible_to, flags_visible_to

#: working days each stage of a clue may take, and how many working days ahead the handler is reminded
CLUE_DEADLINE_DEFAULTS: dict[str, int] = {
    "registered": 10,      # to investigate
    "investigated": 10,    # to conclude
    "concluded": 5,        # to state the rectification requirement
    "rectification": 20,   # to rectify (the default; the requirement may set its own)
    "remind_before": 2,    # the yellow reminder, working days before the deadline
}
RECTIFICATION_DAYS_MAX = 250
REMINDER_KIND = "supervision.clue"


def _decided(flag: Flag, ctx: TransitionContext) -> None:
    ctx.updates.update(decided_at=ctx.now, decision_reason=ctx.reason,
                       decided_by=ctx.actor if getattr(ctx.actor, "pk", None) else None)


FLAG_WORKFLOW: Workflow[Flag] = Workflow(
    model=Flag,
    visible_to=flags_visible_to,
    initial=FlagStatus.OPEN,
    transitions=[
        Transition("confirm", source={FlagStatus.OPEN}, target=FlagStatus.CONFIRMED,
                   permission="supervision.decide_flag", label=_("确认"), guard=_decided, needs_reason=True,
                   style="danger"),
        Transition("dismiss", source={FlagStatus.OPEN}, target=FlagStatus.DISMISSED,
                   permission="supervision.decide_flag", label=_("排除"), guard=_decided, needs_reason=True,
                   style="secondary"),
        Transition("to_clue", source={FlagStatus.OPEN, FlagStatus.CONFIRMED}, target=FlagStatus.CLUE,
                   permission="supervision.decide_flag", label=_("转为线索"), guard=_decided, needs_reason=True,
                   style="warning"),
    ],
)


def _no_open_flags(case: SupervisionCase, ctx: TransitionContext) -> None:
    if case.flags.filter(status=FlagStatus.OPEN).exists():
        raise Conflict("案件中还有待处理的预警,不能办结。", code="open_flags")
    ctx.updates.update(closed_at=ctx.now, conclusion=ctx.reason)


CASE_WORKFLOW: Workflow[SupervisionCase] = Workflow(
    model=SupervisionCase,
    visible_to=cases_visible_to,
    initial=CaseStatus.OPEN,
    transitions=[
        Transition("close", source={CaseStatus.OPEN}, target=CaseStatus.CLOSED,
                   permission="supervision.decide_flag", label=_("办结"), guard=_no_open_flags,
                   needs_reason=True, style="success"),
    ],
)


# --- clues -------------------------------------------------------------------------------------------------

def clue_deadline_days() -> dict[str, int]:
    configured = getattr(settings, "ZHENGWU", {}).get("SUPERVISION_CLUE_DEADLINES", {}) or {}
    return {**CLUE_DEADLINE_DEFAULTS, **{k: int(v) for k, v in configured.items()}}


def stage_deadline(*, start: dt.datetime, working_days: int) -> tuple[dt.datetime, dt.datetime]:
    """``(due_at, warn_at)`` of a stage starting at ``start``: due at the end of the ``working_days``-th
    working day, reminded from the start of the day ``remind_before`` working days earlier."""
    due = calendar.deadline(start=start, working_days=working_days)
    before = clue_deadline_days()["remind_before"]
    if before <= 0:
        return due, due
    tz = timezone.get_default_timezone()
    warn_day = calendar.add_working_days(timezone.localtime(due, tz).date(), -before)
    warn = dt.datetime.combine(warn_day, dt.time.min, tzinfo=tz)
    return due, min(max(warn, start), due)


def _stage(ctx: TransitionContext, stage: str, days: int | None = None) -> None:
    due, warn = stage_deadline(start=ctx.now, working_days=days if days is not None else clue_deadline_days()[stage])
    ctx.updates.update(due_at=due, warn_at=warn)


def _investigated(clue: Clue, ctx: TransitionContext) -> None:
    ctx.updates.update(investigation=ctx.reason, investigated_at=ctx.now)
    _stage(ctx, "investigated")


def _substantiated(clue: Clue, ctx: TransitionContext) -> None:
    ctx.updates.update(conclusion=ClueConclusion.SUBSTANTIATED, decision=ctx.reason, concluded_at=ctx.now)
    _stage(ctx, "concluded")


def _not_substantiated(clue: Clue, ctx: TransitionContext) -> None:
    ctx.updates.update(conclusion=ClueConclusion.NOT_SUBSTANTIATED, decision=ctx.reason, concluded_at=ctx.now,
                       due_at=None, warn_at=None)


def _rectification_days(value: Any) -> int:
    if value in (None, ""):
        return clue_deadline_days()["rectification"]
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("整改期限应为工作日天数(整数)。", field="days", code="not_an_integer") from None
    if not 1 <= days <= RECTIFICATION_DAYS_MAX:
        raise InvalidInput(f"整改期限应为 1 至 {RECTIFICATION_DAYS_MAX} 个工作日。", field="days",
                           code="out_of_range")
    return days


def _rectification_required(clue: Clue, ctx: TransitionContext) -> None:
    days = _rectification_days(ctx.payload.get("days"))
    ctx.payload["days"] = days
    ctx.updates.update(rectification_requirement=ctx.reason, rectification_days=days)
    _stage(ctx, "rectification", days)
    ctx.updates["rectification_due_at"] = ctx.updates["due_at"]


def _verified(clue: Clue, ctx: TransitionContext) -> None:
    ctx.updates.update(verification=ctx.reason, verified_at=ctx.now, due_at=None, warn_at=None)


def _answer_reminders(clue: Clue, ctx: TransitionContext) -> None:
    from zhengwu.core.reminders import reminder_mark_answered

    reminder_mark_answered(obj=clue, kind=REMINDER_KIND, at=ctx.now)


_CLUE = "supervision.handle_clue"

CLUE_WORKFLOW: Workflow[Clue] = Workflow(
    model=Clue,
    visible_to=clues_visible_to,
    initial=ClueStatus.REGISTERED,
    transitions=[
        Transition("investigate", source={ClueStatus.REGISTERED}, target=ClueStatus.INVESTIGATED,
                   permission=_CLUE, label=_("完成调查"), guard=_investigated, needs_reason=True,
                   on_enter=(_answer_reminders,)),
        Transition("conclude", source={ClueStatus.INVESTIGATED}, target=ClueStatus.CONCLUDED,
                   permission=_CLUE, label=_("认定属实"), guard=_substantiated, needs_reason=True, style="danger",
                   on_enter=(_answer_reminders,)),
        Transition("close", source={ClueStatus.INVESTIGATED}, target=ClueStatus.CLOSED,
                   permission=_CLUE, label=_("认定不属实并办结"), guard=_not_substantiated, needs_reason=True,
                   style="secondary", on_enter=(_answer_reminders,)),
        Transition("require_rectification", source={ClueStatus.CONCLUDED}, target=ClueStatus.RECTIFICATION,
                   permission=_CLUE, label=_("下达整改要求"), guard=_rectification_required, needs_reason=True,
                   style="warning", on_enter=(_answer_reminders,)),
        Transition("verify", source={ClueStatus.RECTIFICATION}, target=ClueStatus.VERIFIED,
                   permission=_CLUE, label=_("整改验收"), guard=_verified, needs_reason=True, style="success",
                   on_enter=(_answer_reminders,)),
    ],
)
