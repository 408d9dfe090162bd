"""Reminders and the in-app inbox.

A reminder is one row per (object, kind, stage) under a unique constraint:
a sweep that runs twice, or two workers that run it at once, notify once.
Domains register their sweeps with :func:`register_sweep`; the periodic job
``reminders_sweep`` (core/tasks.py) runs them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from django.conf import settings

from zhengwu.core import audit, calendar, events
from zhengwu.core.models import Notification, Reminder

_SWEEPS: dict[str, Callable[[datetime], int]] = {}


def register_sweep(name: str) -> Callable[[Callable[[datetime], int]], Callable[[datetime], int]]:
    """Decorator: ``@register_sweep("cases.deadlines")`` on ``def sweep(now) -> int``."""

    def decorate(fn: Callable[[datetime], int]) -> Callable[[datetime], int]:
        _SWEEPS[name] = fn
        return fn

    return decorate


def sweeps() -> dict[str, Callable[[datetime], int]]:
    return dict(_SWEEPS)


def run_sweeps(*, now: datetime | None = None) -> dict[str, int]:
    """Run every registered sweep; each returns how many reminders it created."""
    now = now or timezone.now()
    return {name: fn(now) for name, fn in sorted(_SWEEPS.items())}


@dataclass(frozen=True)
class ReminderResult:
    reminder: Reminder
    created: bool


def reminder_send(*, obj: Any, kind: str, stage: str, message: str, recipients: Iterable[Any],
                  level: str = "yellow", url: str = "", department: Any = None, due_at: datetime | None = None,
                  actor: Any = None) -> ReminderResult:
    """Send a reminder once. A second call for the same (object, kind, stage) sends nothing."""
    object_type, object_id = audit.object_ref(obj)
    existing = Reminder.objects.filter(object_type=object_type, object_id=object_id, kind=kind, stage=stage).first()
    if existing is not None:
        return ReminderResult(existing, False)
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                created_at=timezone.now(),
                object_type=object_type, object_id=object_id, kind=kind, stage=stage, level=level,
                message=message[:255], url=url, department_id=getattr(department, "pk", department),
                due_at=due_at,
                sent_by=actor if actor is not None and not isinstance(actor, str) else None,
            )
            Notification.objects.bulk_create([
                Notification(recipient=user, title=message[:128], url=url, level=level, reminder=reminder)
                for user in {u.pk: u for u in recipients}.values()
            ])
            audit.record(actor=actor or audit.SYSTEM_ACTOR, action="reminder.send", obj=(object_type, object_id),
                         payload={"kind": kind, "stage": stage, "level": level, "reminder": reminder.pk})
            events.publish("core.reminder.created", reminders=[reminder])
    except IntegrityError:
        # Another worker sent it between our check and our insert: that one counts.
        return ReminderResult(Reminder.objects.get(object_type=object_type, object_id=object_id, kind=kind,
                                                   stage=stage), False)
    return ReminderResult(reminder, True)


def response_days() -> int:
    return int(settings.ZHENGWU.get("REMINDER_RESPONSE_DAYS", 1))


def reminder_mark_answered(*, obj: Any, kind: str, at: datetime | None = None) -> int:
    """Record that the object moved on after its reminders (the reminder-response indicator):
    in time when within ``REMINDER_RESPONSE_DAYS`` (1) working days of the reminder."""
    object_type, object_id = audit.object_ref(obj)
    at = at or timezone.now()
    pending = list(Reminder.objects.filter(object_type=object_type, object_id=object_id, kind=kind,
                                           answered_at__isnull=True))
    for reminder in pending:
        reminder.answered_at = at
        reminder.answered_in_time = at <= calendar.deadline(start=reminder.created_at, working_days=response_days())
        Reminder.objects.filter(pk=reminder.pk).update(answered_at=at, answered_in_time=reminder.answered_in_time)
    if pending:
        events.publish("core.reminder.answered", reminders=pending)
    return len(pending)


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notification_mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    qs = notifications_for(user, unread_only=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
