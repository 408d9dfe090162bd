"""The transition table of a combined application, run by the one workflow engine (``zhengwu.core.workflow``).

::

    in_progress ──complete (system)──▶ ready ──issue──▶ issued
         │                               │
         └──────────stop (system)────────┴──▶ stopped

``complete`` and ``stop`` are taken by the fan-in (:mod:`zhengwu.approvals.fanin`) when the items' cases move:
every case approved → ready; a case refused (不予受理, withdrawn, or completed with 不予) → stopped with the
reasons. ``issue`` checks again that every item's case is approved: issuing while an item is open is a 409
naming the open items, and nothing changes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.approvals.choices import ApplicationStatus as S
from zhengwu.approvals.models import CombinedApplication
from zhengwu.approvals.selectors import applications_visible_to
from zhengwu.cases.choices import CaseStatus, Result
from zhengwu.core.errors import Conflict
from zhengwu.core.workflow import Transition, TransitionContext, Workflow

ISSUE = "approvals.issue"


def item_state(case: Any) -> str:
    """approved, refused or open: how the combined application reads one item's case."""
    if case.status == CaseStatus.COMPLETED:
        return "approved" if case.result == Result.APPROVED else "refused"
    if case.status in (CaseStatus.NOT_ACCEPTED, CaseStatus.WITHDRAWN):
        return "refused"
    return "open"


def guard_complete(application: CombinedApplication, ctx: TransitionContext) -> None:
    ctx.updates["items_completed_at"] = ctx.payload.pop("completed_at")


def guard_stop(application: CombinedApplication, ctx: TransitionContext) -> None:
    ctx.updates["stop_reasons"] = ctx.payload.get("reasons", [])


def guard_issue(application: CombinedApplication, ctx: TransitionContext) -> None:
    items = list(application.items.select_related("item", "case").order_by("id"))
    not_approved = [f"{i.item.name}({i.case.get_status_display()})" for i in items if item_state(i.case) != "approved"]
    if not_approved:
        raise Conflict("尚有事项未办结(准予),不能出具批件:" + "、".join(not_approved) + "。", code="items_open",
                       details={"items": not_approved})
    year = ctx.now.year
    ctx.updates.update(
        issued_at=ctx.now,
        issued_by=ctx.actor if ctx.actor is not None and not isinstance(ctx.actor, str) else None,
        document_number=f"多合一批〔{year}〕{application.pk:06d}号",
        document_items=[{"item": i.item.name, "code": i.item.code, "department": i.case.department.name,
                         "case_number": i.case.number} for i in items],
    )
    if application.items_completed_at is None:
        ctx.updates["items_completed_at"] = max(i.case.completed_at for i in items)


APPLICATION_WORKFLOW: Workflow[CombinedApplication] = Workflow(
    model=CombinedApplication,
    visible_to=applications_visible_to,
    initial=S.IN_PROGRESS,
    transitions=[
        Transition("complete", source={S.IN_PROGRESS}, target=S.READY, permission=ISSUE,
                   label=_("全部事项办结"), guard=guard_complete, system=True),
        Transition("stop", source={S.IN_PROGRESS, S.READY}, target=S.STOPPED, permission=ISSUE,
                   label=_("终止"), guard=guard_stop, system=True),
        Transition("issue", source={S.IN_PROGRESS, S.READY}, target=S.ISSUED, permission=ISSUE,
                   label=_("出具批件"), guard=guard_issue, style="success"),
    ],
)


def buttons(application: CombinedApplication, user: Any) -> list[Transition]:
    return APPLICATION_WORKFLOW.available(application, user)
