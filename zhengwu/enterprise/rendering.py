"""Plain dicts of the enterprise objects, shared by the API and the exports (phone numbers always masked)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zhengwu.enterprise import selectors
from zhengwu.enterprise.choices import DemandStatus
from zhengwu.enterprise.models import Consultation, Demand, LiaisonVisit


def is_overdue(demand: Demand, now: Any = None) -> bool:
    now = now or timezone.now()
    if demand.deadline is None:
        return False
    if demand.answered_at is not None:
        return demand.answered_at > demand.deadline
    return demand.status == DemandStatus.ROUTED and demand.deadline < now


def demand_dict(d: Demand) -> dict[str, Any]:
    return {
        "id": d.pk, "number": d.number, "status": d.status, "status_label": str(d.get_status_display()),
        "enterprise_id": d.enterprise_id, "enterprise": d.enterprise.name, "title": d.title, "channel": d.channel,
        "ticket_12345": d.ticket_12345, "contact_name": d.contact_name, "contact_mobile": d.contact_mobile_masked,
        "received_at": d.received_at, "section_id": d.section_id, "section": d.section.name if d.section else None,
        "demand_class": d.demand_class, "round": d.round, "lead_department_id": d.lead_department_id,
        "deadline": d.deadline, "overdue": is_overdue(d), "answered_at": d.answered_at, "rating": d.rating,
        "close_reason": d.close_reason,
    }


def demand_detail_dict(d: Demand, *, user: Any) -> dict[str, Any]:
    from zhengwu.enterprise.workflow import buttons

    return {
        **demand_dict(d), "content": d.content, "answer": d.answer, "rating_comment": d.rating_comment,
        "rating_due": d.rating_due, "node": d.node.name if d.node else None,
        "assignments": [{"id": a.pk, "round": a.round, "department_id": a.department_id,
                         "department": a.department.name, "role": a.role, "part": a.part, "answer": a.answer,
                         "answered_at": a.answered_at, "waived": a.waived, "waived_reason": a.waived_reason}
                        for a in d.assignments.select_related("department").order_by("round", "-role", "id")],
        "escalations": [{"round": e.round, "level": e.level, "level_label": str(e.get_level_display()),
                         "at": e.at, "overdue_days": e.overdue_days, "notified": [u.pk for u in e.notified.all()]}
                        for e in selectors.escalations_of(d)],
        "actions": [t.name for t in buttons(d, user)],
    }


def consultation_dict(c: Consultation) -> dict[str, Any]:
    return {"id": c.pk, "demand_id": c.demand_id, "held_on": c.held_on,
            "department_ids": [d.pk for d in c.departments.all()], "attendees": c.attendees, "record": c.record,
            "decisions": c.decisions, "tasks": list(c.tasks.all())}


def visit_dict(v: LiaisonVisit) -> dict[str, Any]:
    return {"id": v.pk, "officer_id": v.officer_id, "enterprise_id": v.enterprise_id, "visited_on": v.visited_on,
            "content": v.content, "demand_ids": [d.pk for d in v.demands.all()]}
