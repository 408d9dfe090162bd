"""Periodic entry points of the cases domain: deemed acceptance and deadline reminders."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.urls import reverse

from zhengwu.cases.choices import CaseStatus
from zhengwu.cases.models import Case
from zhengwu.cases.services import cases_deem_accepted
from zhengwu.cases.workflow import REMINDER_KIND
from zhengwu.core.reminders import register_sweep, reminder_send
from zhengwu.org.models import User
from zhengwu.org.roles import Role

ACTIVE = (CaseStatus.ACCEPTED, CaseStatus.PROCESSING)


def _recipients(case: Case) -> list[User]:
    people = list(User.objects.filter(department_id=case.department_id, role=Role.DEPARTMENT_LEADER,
                                      is_active=True))
    clerk = case.handler or case.received_by
    if clerk is not None and clerk.is_active:
        people.append(clerk)
    return people


def _case_url(case: Case) -> str:
    try:
        return reverse("cases:detail", args=[case.pk])
    except Exception:  # noqa: BLE001 - the web module may not be mounted (API-only deployments)
        return ""


@register_sweep("cases.deadlines")
def sweep_case_deadlines(now: datetime) -> int:
    """Deem late acceptances; send each yellow (75 %) and red (overdue) reminder once."""
    cases_deem_accepted(now=now)
    sent = 0
    due = (Case.objects.filter(status__in=ACTIVE)
           .filter(Q(warning_at__lt=now) | Q(completion_deadline__lt=now))
           .select_related("handler", "received_by", "item"))
    for case in due.iterator(chunk_size=500):
        overdue = case.completion_deadline is not None and case.completion_deadline < now
        stage, level = ("red", "red") if overdue else ("yellow", "yellow")
        text = "已超期" if overdue else "即将到期"
        sent += reminder_send(
            obj=case, kind=REMINDER_KIND, stage=stage, level=level, department=case.department_id,
            message=f"办件 {case.number}({case.item.name}){text},办结期限 {case.completion_deadline:%Y-%m-%d}",
            recipients=_recipients(case), url=_case_url(case), due_at=case.completion_deadline,
        ).created
    return sent
