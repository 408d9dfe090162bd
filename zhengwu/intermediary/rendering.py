"""What the API and the pages show of agencies and purchases (one place for both)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhengwu.intermediary.models import Agency, Purchase, ServiceListItem


def list_item_dict(item: ServiceListItem) -> dict[str, Any]:
    return {"id": item.pk, "service_type": item.service_type.name, "name": item.name,
            "department": item.department.name if item.department_id else "",
            "time_limit_days": item.time_limit_days, "workflow_text": item.workflow_text,
            "conditions": item.conditions, "fee_standard": item.fee_standard, "legal_basis": item.legal_basis}


def agency_dict(agency: Agency) -> dict[str, Any]:
    return {"id": agency.pk, "credit_code": agency.credit_code, "name": agency.name, "status": agency.status,
            "status_label": agency.get_status_display(), "status_reason": agency.status_reason,
            "department_id": agency.department_id, "department": agency.department.name,
            "service_types": [t.name for t in agency.service_types.all()], "credit_score": agency.credit_score,
            "ratings_count": agency.ratings_count, "registered_on": agency.registered_on}


def qualification_dicts(agency: Agency, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    return [{"id": q.pk, "name": q.name, "number": q.number, "valid_until": q.valid_until,
             "expired": q.valid_until < today} for q in agency.qualifications.all()]


def purchase_dict(purchase: Purchase) -> dict[str, Any]:
    chosen = purchase.selected_answer if purchase.selected_answer_id else None
    return {"id": purchase.pk, "number": purchase.number, "status": purchase.status,
            "status_label": purchase.get_status_display(), "owner_id": purchase.owner_id,
            "owner": purchase.owner.name, "project_name": purchase.project_name,
            "government_invested": purchase.government_invested,
            "investment_project_code": purchase.investment_project_code,
            "service_type_id": purchase.service_type_id, "service_type": purchase.service_type.name,
            "budget": purchase.budget, "answer_deadline": purchase.answer_deadline,
            "selection_method": purchase.selection_method, "posted_at": purchase.posted_at,
            "deal_at": purchase.deal_at, "draw_seed": purchase.draw_seed,
            "selected_agency": chosen.agency.name if chosen else "", "deal_price": chosen.price if chosen else None}
