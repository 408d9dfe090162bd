"""The transition tables of information retrieval, run by the one workflow engine.

Requester::

    active ──suspend──▶ suspended ──reinstate──▶ active

Request::

    awaiting_consent ──consent──▶ in_progress ──deliver (no item open)──▶ delivered
    awaiting_consent ──refuse──▶ refused          awaiting_consent ──expire (code unused)──▶ consent_expired
    in_progress / delivered ──withdraw (the subject, with reason)──▶ withdrawn

Consent::

    pending ──grant──▶ granted ──withdraw──▶ withdrawn
    pending ──refuse──▶ refused          pending ──expire──▶ expired

Item::

    waiting ──assign (on consent)──▶ assigned ──answer (department)──▶ answered
                                    assigned ──receive (external system)──▶ answered
                                    assigned ──give_up (external, past the deadline)──▶ unavailable
    waiting / assigned ──cancel (refusal, expiry, withdrawal)──▶ cancelled

The services validate the values and pass them in ``payload["_updates"]``; the guard stages them into the same
compare-and-set UPDATE as the status. Deciding on consent, withdrawing and answering are permission-checked
transitions (the services also check that the actor is the subject, or of the owner department); the others
are the system's.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.retrieval.choices import ConsentStatus as C
from zhengwu.retrieval.choices import ItemStatus as I
from zhengwu.retrieval.choices import RequesterStatus as Q
from zhengwu.retrieval.choices import RequestStatus as R
from zhengwu.retrieval.models import Consent, Requester, RequestItem, RetrievalRequest
from zhengwu.retrieval.permissions import ANSWER, CONSENT, MANAGE
from zhengwu.retrieval.selectors import (
    consents_visible_to,
    items_visible_to,
    requesters_visible_to,
    requests_visible_to,
)


def stage_updates(obj: Any, ctx: TransitionContext) -> None:
    ctx.updates.update(ctx.payload.pop("_updates", {}))


REQUESTER_WORKFLOW: Workflow[Requester] = Workflow(
    model=Requester, visible_to=requesters_visible_to, initial=Q.ACTIVE,
    transitions=[
        Transition("suspend", source={Q.ACTIVE}, target=Q.SUSPENDED, permission=MANAGE, label=_("暂停"),
                   needs_reason=True, guard=stage_updates, style="warning"),
        Transition("reinstate", source={Q.SUSPENDED}, target=Q.ACTIVE, permission=MANAGE, label=_("恢复"),
                   guard=stage_updates, style="success"),
    ],
)

REQUEST_WORKFLOW: Workflow[RetrievalRequest] = Workflow(
    model=RetrievalRequest, visible_to=requests_visible_to, initial=R.AWAITING_CONSENT,
    transitions=[
        Transition("consent", source={R.AWAITING_CONSENT}, target=R.IN_PROGRESS, permission=CONSENT,
                   label=_("同意授权"), guard=stage_updates, style="success"),
        Transition("refuse", source={R.AWAITING_CONSENT}, target=R.REFUSED, permission=CONSENT,
                   label=_("拒绝"), guard=stage_updates, style="danger"),
        Transition("expire", source={R.AWAITING_CONSENT}, target=R.CONSENT_EXPIRED, permission=CONSENT,
                   label=_("授权码过期"), guard=stage_updates, system=True),
        Transition("deliver", source={R.IN_PROGRESS}, target=R.DELIVERED, permission=CONSENT,
                   label=_("交付"), guard=stage_updates, system=True),
        Transition("withdraw", source={R.IN_PROGRESS, R.DELIVERED}, target=R.WITHDRAWN, permission=CONSENT,
                   label=_("撤回授权"), needs_reason=True, guard=stage_updates, style="danger"),
    ],
)

CONSENT_WORKFLOW: Workflow[Consent] = Workflow(
    model=Consent, visible_to=consents_visible_to, initial=C.PENDING,
    transitions=[
        Transition("grant", source={C.PENDING}, target=C.GRANTED, permission=CONSENT, label=_("同意授权"),
                   guard=stage_updates, style="success"),
        Transition("refuse", source={C.PENDING}, target=C.REFUSED, permission=CONSENT, label=_("拒绝"),
                   guard=stage_updates, style="danger"),
        Transition("expire", source={C.PENDING}, target=C.EXPIRED, permission=CONSENT, label=_("过期"),
                   guard=stage_updates, system=True),
        Transition("withdraw", source={C.GRANTED}, target=C.WITHDRAWN, permission=CONSENT, label=_("撤回授权"),
                   needs_reason=True, guard=stage_updates, style="danger"),
    ],
)

ITEM_WORKFLOW: Workflow[RequestItem] = Workflow(
    model=RequestItem, visible_to=items_visible_to, initial=I.WAITING,
    transitions=[
        Transition("assign", source={I.WAITING}, target=I.ASSIGNED, permission=ANSWER, label=_("分派"),
                   guard=stage_updates, system=True),
        Transition("answer", source={I.ASSIGNED}, target=I.ANSWERED, permission=ANSWER, label=_("答复"),
                   guard=stage_updates, style="success"),
        Transition("receive", source={I.ASSIGNED}, target=I.ANSWERED, permission=ANSWER,
                   label=_("外部系统答复"), guard=stage_updates, system=True),
        Transition("give_up", source={I.ASSIGNED}, target=I.UNAVAILABLE, permission=ANSWER,
                   label=_("外部系统不可用"), guard=stage_updates, system=True),
        Transition("cancel", source={I.WAITING, I.ASSIGNED}, target=I.CANCELLED, permission=ANSWER,
                   label=_("取消"), guard=stage_updates, system=True),
    ],
)
