"""The transition tables of the credit domain, run by the one workflow engine.

Expert penalty::

    proposed ──confirm──▶ effective ──revoke (a reason)──▶ revoked
        └──reject (a reason)──▶ rejected

A penalty recorded by staff or a supervisor starts ``effective``; one proposed by a low rating starts
``proposed``. Entering ``effective`` takes the points off the expert's credit score (and may suspend
the expert); ``revoke`` gives back what was taken (it does not reinstate a suspended expert: that is
trading's ``reinstate``, a decision of its own).

Behaviour record::

    effective ──revoke (a reason)──▶ revoked
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.credit.choices import PenaltyStatus, RecordStatus
from zhengwu.credit.models import BehaviourRecord, ExpertPenalty
from zhengwu.credit.selectors import behaviour_records_visible_to, penalties_visible_to


def _decided(penalty: ExpertPenalty, ctx: TransitionContext) -> None:
    ctx.updates.update(decision_reason=ctx.reason, decided_at=ctx.now)


def _on_confirm(penalty: ExpertPenalty, ctx: TransitionContext) -> None:
    from zhengwu.credit.services import apply_penalty

    apply_penalty(penalty, actor=ctx.actor, now=ctx.now)


def _on_revoke(penalty: ExpertPenalty, ctx: TransitionContext) -> None:
    from zhengwu.credit.services import restore_penalty

    restore_penalty(penalty, actor=ctx.actor, reason=ctx.reason, now=ctx.now)


PENALTY_WORKFLOW: Workflow[ExpertPenalty] = Workflow(
    model=ExpertPenalty,
    visible_to=penalties_visible_to,
    initial=PenaltyStatus.EFFECTIVE,
    transitions=[
        Transition("confirm", source={PenaltyStatus.PROPOSED}, target=PenaltyStatus.EFFECTIVE,
                   permission="credit.manage_penalties", label=_("确认扣分"), guard=_decided,
                   on_enter=(_on_confirm,), style="danger"),
        Transition("reject", source={PenaltyStatus.PROPOSED}, target=PenaltyStatus.REJECTED,
                   permission="credit.manage_penalties", label=_("不予扣分"), guard=_decided, needs_reason=True,
                   style="secondary"),
        Transition("revoke", source={PenaltyStatus.EFFECTIVE}, target=PenaltyStatus.REVOKED,
                   permission="credit.manage_penalties", label=_("撤销扣分"), guard=_decided,
                   on_enter=(_on_revoke,), needs_reason=True, style="warning"),
    ],
)


def _record_revoked(record: BehaviourRecord, ctx: TransitionContext) -> None:
    ctx.updates.update(revoked_at=ctx.now, revoke_reason=ctx.reason)


RECORD_WORKFLOW: Workflow[BehaviourRecord] = Workflow(
    model=BehaviourRecord,
    visible_to=behaviour_records_visible_to,
    initial=RecordStatus.EFFECTIVE,
    transitions=[
        Transition("revoke", source={RecordStatus.EFFECTIVE}, target=RecordStatus.REVOKED,
                   permission="credit.manage_records", label=_("撤销记录"), guard=_record_revoked,
                   needs_reason=True, style="warning"),
    ],
)
