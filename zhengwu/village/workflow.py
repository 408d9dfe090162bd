"""The transition tables of village-level service, run by the one workflow engine (``zhengwu.core.workflow``).

Station::

    not_renovated ──renovate (date)──▶ renovated ──promote (date)──▶ model
                                          ▲                            │
                                          └────────demote (reason)─────┘

Agent::

    active ──deactivate (reason)──▶ inactive ──reactivate──▶ active

The services validate the dates; the guard stages them into the same compare-and-set UPDATE.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.village.choices import AgentStatus as A
from zhengwu.village.choices import StationState as S
from zhengwu.village.models import Agent, Station
from zhengwu.village.selectors import agents_visible_to, stations_visible_to

MANAGE = "village.manage"


def stage_updates(obj: object, ctx: TransitionContext) -> None:
    ctx.updates.update(ctx.payload.pop("_updates", {}))
    ctx.audit.update({k: str(v) for k, v in ctx.updates.items()})


STATION_WORKFLOW: Workflow[Station] = Workflow(
    model=Station,
    visible_to=stations_visible_to,
    initial=S.NOT_RENOVATED,
    transitions=[
        Transition("renovate", source={S.NOT_RENOVATED}, target=S.RENOVATED, permission=MANAGE,
                   label=_("改造提升完成"), guard=stage_updates),
        Transition("promote", source={S.RENOVATED}, target=S.MODEL, permission=MANAGE,
                   label=_("评为样板站"), guard=stage_updates, style="success"),
        Transition("demote", source={S.MODEL}, target=S.RENOVATED, permission=MANAGE,
                   label=_("撤销样板站"), guard=stage_updates, needs_reason=True, style="danger"),
    ],
)

AGENT_WORKFLOW: Workflow[Agent] = Workflow(
    model=Agent,
    visible_to=agents_visible_to,
    initial=A.ACTIVE,
    transitions=[
        Transition("deactivate", source={A.ACTIVE}, target=A.INACTIVE, permission=MANAGE,
                   label=_("离岗"), needs_reason=True, style="danger"),
        Transition("reactivate", source={A.INACTIVE}, target=A.ACTIVE, permission=MANAGE, label=_("重新上岗")),
    ],
)
