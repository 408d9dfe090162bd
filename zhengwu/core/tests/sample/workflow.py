"""A sample transition table (tests only): open → working → done; open/working → cancelled."""

from __future__ import annotations

from typing import Any

from zhengwu.core.errors import InvalidInput
from zhengwu.core.permissions import ScopePaths, scope_filter
from zhengwu.core.tests.sample.models import Ticket, TicketStatus
from zhengwu.core.workflow import Transition, TransitionContext, Workflow

SIDE_EFFECTS: list[tuple[int, str]] = []


def tickets_visible_to(user: Any):
    return scope_filter(user, Ticket.objects.all(), ScopePaths(department="department_id"))


def note_required(ticket: Ticket, ctx: TransitionContext) -> None:
    note = ctx.payload.get("note", "")
    if not note:
        raise InvalidInput("办结必须填写说明。", field="note", code="required")
    ctx.updates["note"] = note


def remember(ticket: Ticket, ctx: TransitionContext) -> None:
    SIDE_EFFECTS.append((ticket.pk, ctx.transition.name))


TICKET_WORKFLOW = Workflow(
    model=Ticket,
    visible_to=tickets_visible_to,
    initial=TicketStatus.OPEN,
    transitions=[
        Transition("start", source={TicketStatus.OPEN}, target=TicketStatus.WORKING, permission="sample.work",
                   label="开始办理"),
        Transition("finish", source={TicketStatus.WORKING}, target=TicketStatus.DONE, permission="sample.work",
                   label="办结", guard=note_required, after_commit=(remember,)),
        Transition("cancel", source={TicketStatus.OPEN, TicketStatus.WORKING}, target=TicketStatus.CANCELLED,
                   permission="sample.cancel", label="撤销", needs_reason=True, style="danger"),
    ],
)
