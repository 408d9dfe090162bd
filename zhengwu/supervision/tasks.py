"""Periodic entry points of supervision: remind the clue handlers of their stage deadlines.

Each waiting clue is reminded once per stage before its deadline (yellow, from ``Clue.warn_at``) and once when
it is overdue (red): the reminder rows are unique per (clue, kind, stage), so a second run sends nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.reminders import register_sweep, reminder_send
from zhengwu.org.models import User
from zhengwu.org.roles import Role
from zhengwu.supervision.choices import CLUE_ACTIVE
from zhengwu.supervision.models import Clue
from zhengwu.supervision.workflow import REMINDER_KIND


def _recipients(clue: Clue) -> list[User]:
    if clue.handler is not None and clue.handler.is_active:
        return [clue.handler]
    return list(User.objects.filter(role=Role.SUPERVISOR, is_active=True))


def _url(clue: Clue) -> str:
    try:
        return reverse("supervision:clue", args=[clue.pk])
    except Exception:  # noqa: BLE001 - the web module may not be mounted (API-only deployments)
        return ""


def clue_reminders_send(*, now: datetime | None = None) -> int:
    """Send the due reminders; return how many were sent now (0 on a second run at the same moment)."""
    now = now or timezone.now()
    sent = 0
    due = (Clue.objects.filter(status__in=CLUE_ACTIVE, due_at__isnull=False)
           .filter(Q(warn_at__lte=now) | Q(due_at__lt=now)).select_related("handler"))
    for clue in due.iterator(chunk_size=500):
        overdue = clue.due_at < now
        label = clue.get_status_display()
        text = "已超期" if overdue else "即将到期"
        sent += reminder_send(
            obj=clue, kind=REMINDER_KIND, stage=f"{clue.status}:{'overdue' if overdue else 'before'}",
            level="red" if overdue else "yellow",
            message=f"线索 {clue.number}({label}){text},本环节期限 {timezone.localtime(clue.due_at):%Y-%m-%d}",
            recipients=_recipients(clue), url=_url(clue), due_at=clue.due_at,
        ).created
    return sent


@register_sweep("supervision.clue_deadlines")
def sweep_clue_deadlines(now: datetime) -> int:
    return clue_reminders_send(now=now)
