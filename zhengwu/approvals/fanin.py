"""The fan-in: when a case that belongs to a combined application moves, the application follows.

* every item's case approved (办结·准予) → the application is ready for its combined document (``complete``);
* an item refused → the application stops with the reasons (``stop``). The cases app has three ways to say
  "refused": 不予受理 (``not_accepted``), 办结·不予 (``completed`` with result ``denied``) and 撤回 (``withdrawn``);
  each of them stops the combined document, with the case's reason.

Runs inside the case's transition (same transaction), through the application's workflow.
"""

from __future__ import annotations

from typing import Any

from zhengwu.approvals.choices import ApplicationStatus
from zhengwu.approvals.models import ApplicationItem, CombinedApplication
from zhengwu.approvals.workflow import APPLICATION_WORKFLOW, item_state
from zhengwu.core import events


def refusal_reason(item: ApplicationItem) -> dict[str, str]:
    case = item.case
    return {"item": item.item.name, "case_number": case.number, "status": str(case.get_status_display()),
            "reason": case.decision_reason or ""}


@events.subscribe("cases.case.transitioned")
def on_case_transitioned(*, obj: Any, **_: Any) -> None:
    link = ApplicationItem.objects.filter(case_id=obj.pk).values_list("application_id", flat=True).first()
    if link is None:
        return
    application_follow(CombinedApplication.objects.get(pk=link), now=obj.status_changed_at)


def application_follow(application: CombinedApplication, *, now: Any = None) -> str:
    """Move ``application`` after its items' cases: stop it when one is refused, mark it ready when all are
    approved. Returns what it did ("stop", "complete" or "")."""
    if application.status not in (ApplicationStatus.IN_PROGRESS, ApplicationStatus.READY):
        return ""
    items = list(ApplicationItem.objects.filter(application=application).select_related("item", "case"))
    states = [item_state(i.case) for i in items]
    refused = [refusal_reason(i) for i, s in zip(items, states) if s == "refused"]
    if refused:
        APPLICATION_WORKFLOW.run(application, "stop", actor=None, reason=refused[0]["reason"],
                                 payload={"reasons": refused}, now=now)
        return "stop"
    if all(s == "approved" for s in states) and application.status == ApplicationStatus.IN_PROGRESS:
        last = max(i.case.completed_at for i in items)
        APPLICATION_WORKFLOW.run(application, "complete", actor=None, payload={"completed_at": last}, now=last)
        return "complete"
    return ""


def applications_reconcile() -> dict[str, int]:
    """Follow every running application (cases imported in bulk publish no transition events)."""
    done = {"stop": 0, "complete": 0}
    for application in CombinedApplication.objects.filter(status=ApplicationStatus.IN_PROGRESS):
        moved = application_follow(application)
        if moved:
            done[moved] += 1
    return done
