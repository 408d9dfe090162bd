"""The transition table of a factor need (要素保障需求), run by the one workflow engine::

    requested ──promise──▶ promised ──connect──▶ connected
        │  ╲                  │                     ▲
        │   ╲───connect───────┼─────────────────────┤
        └──report_problem──▶ problem ──promise / connect

``promise`` stages the promised date, ``connect`` the connection date, ``report_problem`` the note (the
transition's reason). The services validate the values; the guard writes them in the same UPDATE.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.projectservice.choices import FactorStatus as S
from zhengwu.projectservice.models import FactorNeed
from zhengwu.projectservice.permissions import MANAGE
from zhengwu.projectservice.selectors import factor_needs_visible_to


def stage_updates(need: FactorNeed, ctx: TransitionContext) -> None:
    ctx.updates.update(ctx.payload.pop("_updates", {}))


FACTOR_WORKFLOW: Workflow[FactorNeed] = Workflow(
    model=FactorNeed,
    visible_to=factor_needs_visible_to,
    initial=S.REQUESTED,
    transitions=[
        Transition("promise", source={S.REQUESTED, S.PROBLEM}, target=S.PROMISED, permission=MANAGE,
                   label=_("登记承诺接入日期"), guard=stage_updates),
        Transition("connect", source={S.REQUESTED, S.PROMISED, S.PROBLEM}, target=S.CONNECTED, permission=MANAGE,
                   label=_("登记已接入"), guard=stage_updates, style="success"),
        Transition("report_problem", source={S.REQUESTED, S.PROMISED}, target=S.PROBLEM, permission=MANAGE,
                   label=_("登记问题"), guard=stage_updates, needs_reason=True, style="danger"),
    ],
)
