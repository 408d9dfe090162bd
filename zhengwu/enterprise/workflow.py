"""The transition table of an enterprise demand (诉求), run by the one workflow engine.

::

    received ──classify──▶ classified ──route──▶ routed ──answer──▶ answered ──rate──▶ rated ──close──▶ closed
        ▲ (classify again)     │                   ▲                    │                  │
        └──────────────────────┘                   └──────reopen────────┼──────────────────┘ (unsatisfied)
                                                                        └──close_default──▶ closed (rating window out)

The services validate the input and hand the values to stage into the same compare-and-set UPDATE
(``payload["_updates"]``); the guards check the rules that need the locked row (the assisting parts are in
before the lead answers; only an unsatisfied rating reopens; only a satisfied one closes).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import Conflict, Forbidden
from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.enterprise.choices import DemandStatus as S
from zhengwu.enterprise.choices import Rating
from zhengwu.enterprise.models import Demand
from zhengwu.enterprise.selectors import demands_visible_to
from zhengwu.org.roles import ScopeKind

HANDLE = "enterprise.handle"
ANSWER = "enterprise.answer"
RATE = "enterprise.rate"
REOPEN = "enterprise.reopen"


def stage_updates(demand: Demand, ctx: TransitionContext) -> None:
    ctx.updates.update(ctx.payload.pop("_updates", {}))


def must_have_parts_in(demand: Demand, ctx: TransitionContext) -> None:
    """The lead department answers, once every assisting department's part is in or waived."""
    actor = ctx.actor
    if not isinstance(actor, str) and actor.scope != ScopeKind.ALL and actor.department_id != demand.lead_department_id:
        raise Forbidden("只有牵头部门可以答复企业。", code="not_lead_department")
    pending = demand.assignments.filter(round=demand.round, role="assist", answered_at__isnull=True, waived=False)
    names = [a.department.name for a in pending.select_related("department")]
    if names:
        raise Conflict(f"协办部门尚未反馈:{'、'.join(names)}。请待其反馈或由中心免于反馈后再答复。",
                       code="assist_parts_pending", details={"departments": names})
    stage_updates(demand, ctx)


def must_be_unsatisfied(demand: Demand, ctx: TransitionContext) -> None:
    if demand.rating != Rating.UNSATISFIED:
        raise Conflict("只有评价为“不满意”的诉求才能重新办理。", code="not_unsatisfied")
    stage_updates(demand, ctx)


def must_be_satisfied(demand: Demand, ctx: TransitionContext) -> None:
    if demand.rating not in (Rating.SATISFIED, Rating.BASIC):
        raise Conflict("评价为“不满意”的诉求应重新办理,不能直接办结。", code="unsatisfied")
    stage_updates(demand, ctx)


DEMAND_WORKFLOW: Workflow[Demand] = Workflow(
    model=Demand,
    visible_to=demands_visible_to,
    initial=S.RECEIVED,
    select_related=("lead_department",),
    transitions=[
        Transition("classify", source={S.RECEIVED, S.CLASSIFIED}, target=S.CLASSIFIED, permission=HANDLE,
                   label=_("分类"), guard=stage_updates),
        Transition("route", source={S.CLASSIFIED}, target=S.ROUTED, permission=HANDLE, label=_("交办"),
                   guard=stage_updates),
        Transition("answer", source={S.ROUTED}, target=S.ANSWERED, permission=ANSWER, label=_("答复企业"),
                   guard=must_have_parts_in, style="success"),
        Transition("rate", source={S.ANSWERED}, target=S.RATED, permission=RATE, label=_("评价"),
                   guard=stage_updates),
        Transition("close", source={S.RATED}, target=S.CLOSED, permission=HANDLE, label=_("办结"),
                   guard=must_be_satisfied, system=True),
        Transition("reopen", source={S.RATED}, target=S.ROUTED, permission=REOPEN, label=_("重新办理"),
                   guard=must_be_unsatisfied, style="warning"),
        Transition("close_default", source={S.ANSWERED}, target=S.CLOSED, permission=HANDLE,
                   label=_("评价期满默认满意办结"), guard=stage_updates, system=True),
    ],
)


def buttons(demand: Demand, user: Any) -> list[Transition]:
    return DEMAND_WORKFLOW.available(demand, user)
