"""The transition tables of the intermediary supermarket, run by the one workflow engine.

Agency::

    active ──suspend──▶ suspended ──reinstate──▶ active
    active / suspended ──remove (清理, with reason)──▶ removed

Purchase::

    posted ──answer (first answer)──▶ answering ──select (成交, published)──▶ selected
           ──contract──▶ contracted ──complete──▶ completed ──rate──▶ rated

Removal proposal::

    proposed ──accept──▶ accepted (the agency is removed)      proposed ──reject──▶ rejected

The services validate the values and pass them in ``payload["_updates"]``; the guard stages them into the
same compare-and-set UPDATE as the status.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.intermediary.choices import AgencyStatus as A
from zhengwu.intermediary.choices import ProposalStatus as P
from zhengwu.intermediary.choices import PurchaseStatus as S
from zhengwu.intermediary.models import Agency, Purchase, RemovalProposal
from zhengwu.intermediary.permissions import ANSWER, MANAGE, PURCHASE
from zhengwu.intermediary.selectors import agencies_visible_to, proposals_visible_to, purchases_visible_to


def stage_updates(obj: Any, ctx: TransitionContext) -> None:
    ctx.updates.update(ctx.payload.pop("_updates", {}))


AGENCY_WORKFLOW: Workflow[Agency] = Workflow(
    model=Agency, visible_to=agencies_visible_to, initial=A.ACTIVE,
    transitions=[
        Transition("suspend", source={A.ACTIVE}, target=A.SUSPENDED, permission=MANAGE, label=_("暂停"),
                   needs_reason=True, guard=stage_updates, style="warning"),
        Transition("reinstate", source={A.SUSPENDED}, target=A.ACTIVE, permission=MANAGE, label=_("恢复"),
                   guard=stage_updates, style="success"),
        Transition("remove", source={A.ACTIVE, A.SUSPENDED}, target=A.REMOVED, permission=MANAGE,
                   label=_("清理出库"), needs_reason=True, guard=stage_updates, style="danger"),
    ],
)

PURCHASE_WORKFLOW: Workflow[Purchase] = Workflow(
    model=Purchase, visible_to=purchases_visible_to, initial=S.POSTED,
    transitions=[
        Transition("answer", source={S.POSTED}, target=S.ANSWERING, permission=ANSWER, label=_("应答"),
                   guard=stage_updates),
        Transition("select", source={S.POSTED, S.ANSWERING}, target=S.SELECTED, permission=PURCHASE,
                   label=_("选取成交"), guard=stage_updates, style="success"),
        Transition("contract", source={S.SELECTED}, target=S.CONTRACTED, permission=PURCHASE,
                   label=_("登记合同"), guard=stage_updates),
        Transition("complete", source={S.CONTRACTED}, target=S.COMPLETED, permission=PURCHASE,
                   label=_("服务完成"), guard=stage_updates, style="success"),
        Transition("rate", source={S.COMPLETED}, target=S.RATED, permission=PURCHASE, label=_("评价"),
                   guard=stage_updates),
    ],
)

PROPOSAL_WORKFLOW: Workflow[RemovalProposal] = Workflow(
    model=RemovalProposal, visible_to=proposals_visible_to, initial=P.PROPOSED,
    transitions=[
        Transition("accept", source={P.PROPOSED}, target=P.ACCEPTED, permission=MANAGE, label=_("采纳并清理"),
                   needs_reason=True, guard=stage_updates, style="danger"),
        Transition("reject", source={P.PROPOSED}, target=P.REJECTED, permission=MANAGE, label=_("驳回"),
                   needs_reason=True, guard=stage_updates),
    ],
)
