"""The transition table of a financial services application, run by the one workflow engine.

::

    submitted ──accept──▶ accepted ──approve──▶ approved ──issue────▶ issued     (a bid guarantee)
        │                    │                      └─────disburse──▶ disbursed  (a loan)
        └──────decline───────┴──▶ declined

The center's finance desk records the institution's acts (``finance.process``). ``approve``, ``issue`` and
``disburse`` carry values the service validated; they are written with the status in one compare-and-set
UPDATE. ``issue`` only applies to bid guarantees and ``disburse`` only to loans (the guards refuse the others,
and :func:`buttons` does not offer them).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import Conflict
from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.finance.choices import ApplicationStatus as S
from zhengwu.finance.choices import ProductKind
from zhengwu.finance.models import Application
from zhengwu.finance.selectors import applications_visible_to

PROCESS = "finance.process"

#: the product kinds a transition applies to (absent: every kind)
KINDS: dict[str, tuple[str, ...]] = {"issue": (ProductKind.BID_GUARANTEE,), "disburse": (ProductKind.LOAN,)}


def stage_updates(application: Application, ctx: TransitionContext) -> None:
    """Refuse a transition that does not apply to this product kind; stage the service's validated values."""
    kinds = KINDS.get(ctx.transition.name)
    if kinds is not None and application.kind not in kinds:
        raise Conflict(f"“{application.get_kind_display()}”类申请不能执行“{ctx.transition.label}”。",
                       code="invalid_transition", details={"kind": application.kind, "action": ctx.transition.name})
    ctx.updates.update(ctx.payload.pop("_updates", {}))


def stage_reason(application: Application, ctx: TransitionContext) -> None:
    ctx.updates["decline_reason"] = ctx.reason


APPLICATION_WORKFLOW: Workflow[Application] = Workflow(
    model=Application,
    visible_to=applications_visible_to,
    initial=S.SUBMITTED,
    transitions=[
        Transition("accept", source={S.SUBMITTED}, target=S.ACCEPTED, permission=PROCESS, label=_("受理"),
                   guard=stage_updates),
        Transition("approve", source={S.ACCEPTED}, target=S.APPROVED, permission=PROCESS, label=_("批准"),
                   guard=stage_updates, style="success"),
        Transition("decline", source={S.SUBMITTED, S.ACCEPTED}, target=S.DECLINED, permission=PROCESS,
                   label=_("不予批准"), guard=stage_reason, needs_reason=True, style="danger"),
        Transition("issue", source={S.APPROVED}, target=S.ISSUED, permission=PROCESS, label=_("出具保函"),
                   guard=stage_updates, style="success"),
        Transition("disburse", source={S.APPROVED}, target=S.DISBURSED, permission=PROCESS, label=_("放款"),
                   guard=stage_updates, style="success"),
    ],
)


def buttons(application: Application, user: Any) -> list[Transition]:
    """The transitions this user may start on this application now, for its product kind."""
    return [t for t in APPLICATION_WORKFLOW.available(application, user)
            if application.kind in KINDS.get(t.name, (application.kind,))]
