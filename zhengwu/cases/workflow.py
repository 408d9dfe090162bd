"""The case transition table (DOMAIN.md §3), run by the one workflow engine."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.cases import deadlines
from zhengwu.cases.choices import CaseStatus as S
from zhengwu.cases.choices import Result
from zhengwu.cases.models import Case, CaseSuspension
from zhengwu.cases.selectors import cases_visible_to
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.reminders import reminder_mark_answered
from zhengwu.core.workflow import Transition, TransitionContext, Workflow

REMINDER_KIND = "case_deadline"


def _set_acceptance(case: Case, ctx: TransitionContext) -> None:
    """The decision on acceptance: on time, late (overdue), or deemed on the receipt day."""
    late = case.acceptance_deadline is not None and ctx.now > case.acceptance_deadline
    ctx.updates["decided_at"] = ctx.now
    ctx.updates["acceptance_overdue"] = late
    ctx.audit["acceptance_overdue"] = late


def guard_accept(case: Case, ctx: TransitionContext) -> None:
    _set_acceptance(case, ctx)
    late = ctx.updates["acceptance_overdue"]
    # Decided after the acceptance limit: by law the case counts as accepted on the day it was received.
    accepted_on = case.acceptance_clock_on if late else deadlines.local_date(ctx.now)
    _start_completion_clock(case, ctx, accepted_on=accepted_on, deemed=late)
    if ctx.actor is not None and not isinstance(ctx.actor, str):
        ctx.updates["handler"] = ctx.actor


def guard_deem_accept(case: Case, ctx: TransitionContext) -> None:
    if case.acceptance_deadline is None or ctx.now <= case.acceptance_deadline:
        raise Conflict("受理期限未到,不能视为受理。", code="acceptance_not_due")
    ctx.updates["acceptance_overdue"] = True
    _start_completion_clock(case, ctx, accepted_on=case.acceptance_clock_on, deemed=True)


def _start_completion_clock(case: Case, ctx: TransitionContext, *, accepted_on, deemed: bool) -> None:
    limit = case.item.promised_limit
    ctx.updates.update(
        accepted_on=accepted_on,
        acceptance_deemed=deemed,
        completion_deadline=deadlines.completion_deadline(accepted_on=accepted_on, promised_limit=limit,
                                                          suspended_working_days=0),
        warning_at=deadlines.warning_moment(start_on=accepted_on, allowed_working_days=limit),
    )
    ctx.audit.update(accepted_on=accepted_on.isoformat(), deemed=deemed)


def guard_refuse(case: Case, ctx: TransitionContext) -> None:
    _set_acceptance(case, ctx)
    ctx.updates["decision_reason"] = ctx.reason


def guard_request_supplement(case: Case, ctx: TransitionContext) -> None:
    if case.supplement_requested_at is not None:
        raise InvalidInput("补正告知只能一次,且须一次性告知需要补正的全部内容。", field="supplement_items",
                           code="supplement_once")
    if case.acceptance_deadline is not None and ctx.now > case.acceptance_deadline:
        raise Conflict("已超过受理期限,逾期不告知补正的,自收到材料之日起即为受理。", code="acceptance_overdue")
    items = [str(i).strip() for i in (ctx.payload.get("items") or []) if str(i).strip()]
    if not items:
        raise InvalidInput("请列出需要补正的全部材料。", field="supplement_items", code="required")
    ctx.updates.update(supplement_requested_at=ctx.now, supplement_items=items)


def guard_supplement_arrived(case: Case, ctx: TransitionContext) -> None:
    # The acceptance clock restarts: the limit counts from the day after the supplement arrived.
    clock_on = deadlines.local_date(ctx.now)
    ctx.updates.update(
        supplement_received_at=ctx.now,
        acceptance_clock_on=clock_on,
        acceptance_deadline=deadlines.acceptance_deadline(clock_on=clock_on,
                                                          acceptance_limit=case.item.acceptance_limit),
    )


def guard_suspend(case: Case, ctx: TransitionContext) -> None:
    ctx.updates["suspended_since"] = ctx.now


def on_suspend(case: Case, ctx: TransitionContext) -> None:
    CaseSuspension.objects.create(case=case, started_at=ctx.now, reason=ctx.reason[:255])


def guard_resume(case: Case, ctx: TransitionContext) -> None:
    days = deadlines.suspended_days(since=case.suspended_since, until=ctx.now)
    total = case.suspended_working_days + days
    limit = case.item.promised_limit
    ctx.updates.update(
        suspended_since=None,
        suspended_working_days=total,
        completion_deadline=deadlines.completion_deadline(accepted_on=case.accepted_on, promised_limit=limit,
                                                          suspended_working_days=total),
        warning_at=deadlines.warning_moment(start_on=case.accepted_on, allowed_working_days=limit + total),
    )
    ctx.audit["suspended_working_days"] = days


def on_resume(case: Case, ctx: TransitionContext) -> None:
    CaseSuspension.objects.filter(case=case, ended_at__isnull=True).update(
        ended_at=ctx.now, working_days=ctx.audit["suspended_working_days"])


def _complete(case: Case, ctx: TransitionContext, result: str) -> None:
    ctx.updates.update(
        completed_at=ctx.now,
        result=result,
        outcome=deadlines.outcome(is_instant=case.item.is_instant, accepted_on=case.accepted_on,
                                  completed_at=ctx.now, deadline=case.completion_deadline),
    )
    if ctx.reason:
        ctx.updates["decision_reason"] = ctx.reason
    ctx.audit["outcome"] = ctx.updates["outcome"]


def guard_approve(case: Case, ctx: TransitionContext) -> None:
    _complete(case, ctx, Result.APPROVED)


def guard_deny(case: Case, ctx: TransitionContext) -> None:
    _complete(case, ctx, Result.DENIED)


def guard_withdraw(case: Case, ctx: TransitionContext) -> None:
    ctx.updates["decision_reason"] = ctx.reason


def on_moved(case: Case, ctx: TransitionContext) -> None:
    """Any move answers the deadline reminders sent about the case."""
    reminder_mark_answered(obj=case, kind=REMINDER_KIND, at=ctx.now)


OPEN = {S.RECEIVED, S.SUPPLEMENT, S.ACCEPTED, S.PROCESSING, S.SUSPENDED}

CASE_WORKFLOW: Workflow[Case] = Workflow(
    model=Case,
    visible_to=cases_visible_to,
    initial=S.RECEIVED,
    select_related=("item",),
    transitions=[
        Transition("accept", source={S.RECEIVED}, target=S.ACCEPTED, permission="cases.accept", label=_("受理"),
                   guard=guard_accept, on_enter=(on_moved,), style="success"),
        Transition("refuse", source={S.RECEIVED}, target=S.NOT_ACCEPTED, permission="cases.refuse",
                   label=_("不予受理"), guard=guard_refuse, on_enter=(on_moved,), needs_reason=True, style="danger"),
        Transition("request_supplement", source={S.RECEIVED}, target=S.SUPPLEMENT,
                   permission="cases.request_supplement", label=_("补正告知"), guard=guard_request_supplement,
                   on_enter=(on_moved,), style="warning"),
        Transition("supplement_arrived", source={S.SUPPLEMENT}, target=S.RECEIVED,
                   permission="cases.supplement_arrived", label=_("补正材料已收"), guard=guard_supplement_arrived,
                   on_enter=(on_moved,)),
        Transition("deem_accept", source={S.RECEIVED}, target=S.ACCEPTED, permission="cases.accept",
                   label=_("视为受理"), guard=guard_deem_accept, system=True),
        Transition("start", source={S.ACCEPTED}, target=S.PROCESSING, permission="cases.start", label=_("开始办理"),
                   on_enter=(on_moved,)),
        Transition("suspend", source={S.ACCEPTED, S.PROCESSING}, target=S.SUSPENDED, permission="cases.suspend",
                   label=_("中止"), guard=guard_suspend, on_enter=(on_suspend, on_moved), needs_reason=True,
                   style="secondary"),
        Transition("resume", source={S.SUSPENDED}, target=S.PROCESSING, permission="cases.resume",
                   label=_("恢复办理"), guard=guard_resume, on_enter=(on_resume, on_moved)),
        Transition("approve", source={S.ACCEPTED, S.PROCESSING}, target=S.COMPLETED, permission="cases.approve",
                   label=_("办结(准予)"), guard=guard_approve, on_enter=(on_moved,), style="success"),
        Transition("deny", source={S.ACCEPTED, S.PROCESSING}, target=S.COMPLETED, permission="cases.deny",
                   label=_("办结(不予)"), guard=guard_deny, on_enter=(on_moved,), needs_reason=True,
                   style="danger"),
        Transition("withdraw", source=OPEN, target=S.WITHDRAWN, permission="cases.withdraw", label=_("撤回"),
                   guard=guard_withdraw, on_enter=(on_moved,), needs_reason=True, style="secondary"),
    ],
)
