"""Rows of project services as plain dicts, shared by the API and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhengwu.projectservice.choices import FactorStatus
from zhengwu.projectservice.models import AgentAction, AgentAssignment, FactorNeed, ServiceVisit, VisitIssue


def user_name(user: Any) -> str:
    return (user.display_name or user.username) if user is not None else ""


def assignment_dict(a: AgentAssignment) -> dict[str, Any]:
    return {"id": a.pk, "agent_id": a.agent_id, "agent": user_name(a.agent), "started_on": a.started_on,
            "ended_on": a.ended_on, "note": a.note}


def action_dict(a: AgentAction) -> dict[str, Any]:
    return {"id": a.pk, "project_id": a.project_id, "project": a.project.name, "agent_id": a.agent_id,
            "agent": user_name(a.agent), "item_id": a.item_id, "item": a.item_label, "handled_on": a.handled_on,
            "what_done": a.what_done, "trips_saved": a.trips_saved}


def issue_dict(i: VisitIssue, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {"id": i.pk, "visit_id": i.visit_id, "project_id": i.project_id, "description": i.description,
            "owner_id": i.owner_id, "owner": user_name(i.owner), "follow_up_days": i.follow_up_days,
            "due_on": i.due_on, "followed_up_on": i.followed_up_on, "follow_up_note": i.follow_up_note,
            "open": i.followed_up_on is None, "overdue": i.followed_up_on is None and i.due_on < today}


def visit_dict(v: ServiceVisit, today: dt.date | None = None) -> dict[str, Any]:
    units = [{"kind": "department", "id": u.department_id, "name": u.department.name} if u.department_id else
             {"kind": "enterprise", "id": u.enterprise_id, "name": u.enterprise.name} for u in v.units.all()]
    return {"id": v.pk, "visited_on": v.visited_on, "team_lead": v.team_lead, "summary": v.summary, "units": units,
            "project_ids": [p.pk for p in v.projects.all()],
            "issues": [issue_dict(i, today) for i in v.issues.all()]}


def factor_dict(n: FactorNeed, today: dt.date | None = None, actions: list[str] | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {"id": n.pk, "project_id": n.project_id, "kind": n.kind, "kind_label": n.get_kind_display(),
            "capacity": n.capacity, "capacity_unit": n.capacity_unit, "provider": n.provider,
            "requested_on": n.requested_on, "promised_on": n.promised_on, "connected_on": n.connected_on,
            "status": n.status, "status_label": n.get_status_display(), "problem_note": n.problem_note,
            "overdue": bool(n.promised_on and n.promised_on < today and n.status != FactorStatus.CONNECTED),
            "actions": actions or []}


def project_dict(p: Any, agent: AgentAssignment | None) -> dict[str, Any]:
    return {"id": p.pk, "code": p.code, "name": p.name, "investor": p.investor.name, "township": p.township.name,
            "risk_class": p.risk_class, "agent": assignment_dict(agent) if agent else None}
