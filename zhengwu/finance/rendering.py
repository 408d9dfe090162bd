"""Plain dicts of finance rows, shared by the API and the views."""

from __future__ import annotations

from typing import Any

from zhengwu.finance.models import Application, Product


def product_dict(p: Product) -> dict[str, Any]:
    return {"id": p.pk, "institution_id": p.institution_id, "institution": p.institution.name, "kind": p.kind,
            "kind_label": str(p.get_kind_display()), "name": p.name, "amount_min": p.amount_min,
            "amount_max": p.amount_max, "rate": p.rate, "term_months": p.term_months, "conditions": p.conditions,
            "active": p.active}


def application_dict(a: Application, *, actions: list[str] | None = None) -> dict[str, Any]:
    deposit = a.deposit if a.deposit_id else None
    return {
        "id": a.pk, "number": a.number, "status": a.status, "status_label": str(a.get_status_display()),
        "enterprise_id": a.enterprise_id, "enterprise": a.enterprise.name, "product_id": a.product_id,
        "product": a.product.name, "institution_id": a.institution_id, "institution": a.institution.name,
        "kind": a.kind, "amount_requested": a.amount_requested, "purpose": a.purpose,
        "registration_id": a.registration_id, "submitted_at": a.submitted_at, "amount_approved": a.amount_approved,
        "rate_approved": a.rate_approved, "term_months_approved": a.term_months_approved,
        "approved_on": a.approved_on, "decline_reason": a.decline_reason, "guarantee_number": a.guarantee_number,
        "guarantee_valid_from": a.guarantee_valid_from, "guarantee_valid_until": a.guarantee_valid_until,
        "issued_on": a.issued_on, "deposit_id": a.deposit_id,
        "deposit_amount": deposit.amount if deposit is not None else None, "disbursed_on": a.disbursed_on,
        "actions": actions or [],
    }
