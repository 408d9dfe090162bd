"""The transitions of supervision, as data.

Flag::

    open ──confirm──▶ confirmed
      ├───dismiss (reason required)──▶ dismissed
      └───to_clue──▶ clue            (the clue is created by services.flag_to_clue)

A supervision case closes when none of its flags is open.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import Conflict
from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.supervision.choices import CaseStatus, FlagStatus
from zhengwu.supervision.models import Flag, SupervisionCase
from zhengwu.supervision.selectors import cases_visible_to, flags_visible_to


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
