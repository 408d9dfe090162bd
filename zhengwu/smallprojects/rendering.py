"""What the API and the pages show of a project and its alerts (one place for both)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from zhengwu.smallprojects.choices import AlertRule
from zhengwu.smallprojects.models import ProjectAlert, SmallProject
from zhengwu.supervision.choices import FLAG_STATUS_TONES, FlagStatus


def flag_url(flag_id: int) -> str:
    """The supervision page of a flag (where it is decided), by URL name when the supervision app has it."""
    for name in ("supervision:flag", "supervision:flag_detail"):
        try:
            return reverse(name, args=[flag_id])
        except NoReverseMatch:
            continue
    return f"/supervision/flags/{flag_id}/"


def alert_dict(link: ProjectAlert) -> dict[str, Any]:
    flag = link.flag
    return {"flag_id": flag.pk, "rule": link.rule, "rule_label": str(AlertRule(link.rule).label),
            "title": flag.title, "status": flag.status, "status_label": str(FlagStatus(flag.status).label),
            "tone": FLAG_STATUS_TONES.get(flag.status, "grey"), "detected_at": flag.detected_at,
            "url": flag_url(flag.pk), "evidence": flag.evidence}


def project_dict(project: SmallProject, *, alerts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": project.pk, "number": project.number, "name": project.name, "status": project.status,
        "status_label": project.get_status_display(), "township_id": project.township_id,
        "township": project.township.name, "village_id": project.village_id,
        "village": project.village.name if project.village_id else "", "owner_region_id": project.owner_region_id,
        "owner_name": project.owner_name, "location": project.location, "scope_keyword": project.scope_keyword,
        "category": project.category, "estimate": project.estimate, "funding": project.funding,
        "approval_date": project.approval_date, "approval_number": project.approval_number,
        "contracting_way": project.contracting_way, "contractor_id": project.contractor_id,
        "contractor": project.contractor.name if project.contractor_id else "",
        "contract_amount": project.contract_amount, "contract_date": project.contract_date,
        "planned_completion": project.planned_completion, "actual_completion": project.actual_completion,
        "alerts": alerts or [],
    }
