"""Reads of remote cross-region evaluation sessions: the scope, the timeline, the yearly counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhengwu.core.models import AuditEvent
from zhengwu.core.permissions import get_visible
from zhengwu.trading.choices import RemoteSessionStatus, SessionEventKind, VenueKind
from zhengwu.trading.models import RemoteSession
from zhengwu.trading.selectors_award import may_read_district

#: the audit action of a session event (its row is in the timeline instead of the bare audit event)
EVENT_ACTION = "remotesession.event"


def sessions_visible_to(user: Any) -> QuerySet[RemoteSession]:
    """Trading staff, supervisors and the center see every session; an enterprise user none (the committee's
    names are confidential until the result is decided, 实施条例 §46)."""
    return RemoteSession.objects.all() if may_read_district(user) else RemoteSession.objects.none()


def remote_session_get(*, user: Any, pk: int) -> RemoteSession:
    return get_visible(sessions_visible_to(user).select_related("tender_section__tender", "tender_section__section")
                       .prefetch_related("venues", "members__venue"), pk=pk)


def remote_session_list(*, user: Any, year: int | None = None, our_role: str = "",
                        status: str = "") -> QuerySet[RemoteSession]:
    qs = sessions_visible_to(user).prefetch_related("venues", "members__venue")
    if year is not None:
        start = timezone.make_aware(dt.datetime(year, 1, 1))
        qs = qs.filter(scheduled_start__gte=start, scheduled_start__lt=timezone.make_aware(dt.datetime(year + 1, 1, 1)))
    if our_role:
        qs = qs.filter(our_role=our_role)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("scheduled_start", "id")


def remote_session_timeline(session: RemoteSession) -> list[dict[str, Any]]:
    """Every action of the session in order: the session's events (check-ins, video links, scoring, the report,
    notes) merged with the audit events of the session (creation, seating, start, close, cancel). Each entry
    names its audit event; an event row and its own audit event appear once, as the event. Ordered by the time
    (the event's time, or the audit event's), then the audit event's id."""
    audits = list(AuditEvent.objects.filter(object_type=RemoteSession._meta.label_lower, object_id=str(session.pk))
                  .order_by("created_at", "id"))
    audit_of_event = {a.payload.get("event"): a for a in audits if a.action == EVENT_ACTION}
    labels = dict(SessionEventKind.choices)
    entries: list[dict[str, Any]] = []
    for e in session.events.select_related("venue", "member").order_by("occurred_at", "id"):
        audit_event = audit_of_event.get(e.pk)
        entries.append({"at": e.occurred_at, "source": "event", "kind": e.kind, "label": str(labels[e.kind]),
                        "venue": e.venue.name if e.venue else None, "member": e.member.name if e.member else None,
                        "actor": e.actor_label, "note": e.note, "event_id": e.pk,
                        "audit_id": audit_event.pk if audit_event else None, "payload": {}})
    for a in audits:
        if a.action == EVENT_ACTION:
            continue
        entries.append({"at": a.created_at, "source": "audit", "kind": a.action, "label": a.action,
                        "venue": a.payload.get("venue"), "member": a.payload.get("name"), "actor": a.actor_label,
                        "note": a.reason, "event_id": None, "audit_id": a.pk,
                        "payload": {k: v for k, v in a.payload.items() if k not in ("venue", "name")}})
    entries.sort(key=lambda x: (x["at"], x["audit_id"] or 0))
    return entries


def remote_session_counts(*, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """Sessions held (closed) from ``date_from`` up to but not including ``date_to``, by our role, placed by the
    local date they started."""
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to, dt.time.min))
    held = RemoteSession.objects.filter(status=RemoteSessionStatus.CLOSED, started_at__gte=start, started_at__lt=end)
    return {"main": held.filter(our_role=VenueKind.MAIN).count(), "sub": held.filter(our_role=VenueKind.SUB).count()}
