"""The transition table of a small project, run by the one workflow engine (``zhengwu.core.workflow``).

::

    registered ──contract──▶ contracted ──start──▶ in_progress
                                 │                     │
                                 └──────accept─────────┴──▶ accepted ──settle──▶ settled

The records drive it: recording the contract runs ``contract`` (the contract's fields are staged into the
same UPDATE), the first payment runs ``start``, a passed acceptance runs ``accept``, the final payment of an
accepted project runs ``settle``. ``start`` is also a button (开工) for the township's staff.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.smallprojects.choices import ProjectStatus as S
from zhengwu.smallprojects.models import SmallProject
from zhengwu.smallprojects.selectors import small_projects_visible_to

RECORD = "smallprojects.record"


def stage_updates(project: SmallProject, ctx: TransitionContext) -> None:
    """The service validated the values; they are written with the status in one compare-and-set UPDATE."""
    ctx.updates.update(ctx.payload.pop("_updates", {}))


PROJECT_WORKFLOW: Workflow[SmallProject] = Workflow(
    model=SmallProject,
    visible_to=small_projects_visible_to,
    initial=S.REGISTERED,
    transitions=[
        Transition("contract", source={S.REGISTERED}, target=S.CONTRACTED, permission=RECORD,
                   label=_("登记合同"), guard=stage_updates),
        Transition("start", source={S.CONTRACTED}, target=S.IN_PROGRESS, permission=RECORD,
                   label=_("开工"), guard=stage_updates),
        Transition("accept", source={S.CONTRACTED, S.IN_PROGRESS}, target=S.ACCEPTED, permission=RECORD,
                   label=_("验收合格"), guard=stage_updates, style="success"),
        Transition("settle", source={S.ACCEPTED}, target=S.SETTLED, permission=RECORD,
                   label=_("结算"), guard=stage_updates),
    ],
)

#: transitions a page offers as buttons; the others follow from the records
BUTTONS = ("start",)


def buttons(project: SmallProject, user: Any) -> list[Transition]:
    return [t for t in PROJECT_WORKFLOW.available(project, user) if t.name in BUTTONS]
