"""Plain dicts of projects and applications, shared by the API, the pages and the Excel export."""

from __future__ import annotations

from typing import Any

from zhengwu.approvals.choices import ApplicationStatus, ProjectType, RiskClass, Stage
from zhengwu.approvals.models import Bundle, CombinedApplication, InvestmentProject
from zhengwu.approvals.timing import application_timing
from zhengwu.approvals.workflow import item_state


def project_dict(project: InvestmentProject, *, progress: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": project.pk, "code": project.code, "name": project.name, "investor": project.investor.name,
        "investor_credit_code": project.investor.credit_code, "project_type": project.project_type,
        "project_type_label": str(ProjectType(project.project_type).label), "total_investment": project.total_investment,
        "township": project.township.name, "township_id": project.township_id, "risk_class": project.risk_class,
        "risk_class_label": str(RiskClass(project.risk_class).label), "registered_at": project.registered_at,
        "progress": progress,
    }


def bundle_dict(bundle: Bundle) -> dict[str, Any]:
    return {
        "id": bundle.pk, "name": bundle.name, "stage": bundle.stage, "stage_label": str(Stage(bundle.stage).label),
        "parallel_environmental": bundle.parallel_environmental, "is_active": bundle.is_active,
        "required_materials": bundle.required_materials,
        "items": [{"item_id": bi.item_id, "code": bi.item.code, "name": bi.item.name,
                   "department": bi.item.department.name, "promised_limit": bi.item.promised_limit,
                   "required_materials": bi.required_materials} for bi in bundle.items.all()],
    }


def application_dict(application: CombinedApplication) -> dict[str, Any]:
    t = application_timing(application)
    links = list(application.items.all())
    return {
        "id": application.pk, "number": application.number, "status": application.status,
        "status_label": str(ApplicationStatus(application.status).label), "project_id": application.project_id,
        "project": application.project.name, "bundle_id": application.bundle_id, "bundle": application.bundle.name,
        "stage": application.stage, "stage_label": str(Stage(application.stage).label),
        "materials": application.materials, "received_at": application.received_at,
        "items_completed_at": application.items_completed_at, "document_number": application.document_number,
        "issued_at": application.issued_at, "document_items": application.document_items,
        "stop_reasons": application.stop_reasons,
        "items": [{"item": link.item.name, "item_code": link.item.code, "department": link.case.department.name,
                   "case_id": link.case_id, "case_number": link.case.number, "case_status": link.case.status,
                   "case_status_label": str(link.case.get_status_display()), "state": item_state(link.case),
                   "promised_limit": link.promised_limit, "received_at": link.case.received_at,
                   "completed_at": link.case.completed_at, "elapsed": it.elapsed}
                  for link, it in zip(links, t.items)],
        "timing": {"elapsed": t.elapsed, "baseline": t.baseline, "saved": t.saved, "saved_percent": t.saved_percent,
                   "done": t.done},
    }
