"""What the API shows of requests, items and consent (one place)."""

from __future__ import annotations

from typing import Any

from zhengwu.retrieval.choices import ItemStatus
from zhengwu.retrieval.models import Consent, InfoType, Requester, RequestItem, RetrievalRequest
from zhengwu.retrieval.selectors import deadline_state


def info_type_dict(t: InfoType) -> dict[str, Any]:
    return {"id": t.pk, "code": t.code, "name": t.name, "subject_kind": t.subject_kind,
            "department_id": t.department_id, "department": t.department.name, "source": t.source,
            "adapter": t.adapter, "answer_format": t.answer_format, "requester_kinds": t.requester_kinds,
            "scenarios": [s.code for s in t.scenarios.all()], "answer_days": t.answer_days,
            "validity_days": t.validity_days, "description": t.description, "active": t.active}


def requester_dict(r: Requester) -> dict[str, Any]:
    return {"id": r.pk, "name": r.enterprise.name, "credit_code": r.enterprise.credit_code, "kind": r.kind,
            "kind_label": r.get_kind_display(), "status": r.status, "status_reason": r.status_reason}


def item_dict(i: RequestItem) -> dict[str, Any]:
    return {"id": i.pk, "info_type": i.info_type.code, "info_type_name": i.info_type.name,
            "department_id": i.department_id, "department": i.department.name, "status": i.status,
            "status_label": i.get_status_display(), "external": i.is_external, "assigned_at": i.assigned_at,
            "due_at": i.due_at, "answered_at": i.answered_at, "answer_number": i.answer_number, "digest": i.digest,
            "expires_at": i.expires_at, "attempts": i.attempts,
            "system_unavailable": i.is_external and i.status in (ItemStatus.ASSIGNED, ItemStatus.UNAVAILABLE)
            and bool(i.last_error or i.status == ItemStatus.UNAVAILABLE)}


def inbox_item_dict(i: RequestItem) -> dict[str, Any]:
    return {**item_dict(i), "request_id": i.request_id, "request_number": i.request.number,
            "requester": i.request.requester.enterprise.name, "scenario": i.request.scenario.name,
            "deadline_state": str(deadline_state(i) or "")}


def consent_dict(c: Consent) -> dict[str, Any]:
    return {"status": c.status, "status_label": c.get_status_display(), "purpose": c.purpose,
            "recipient_name": c.recipient_name, "recipient_credit_code": c.recipient_credit_code, "scope": c.scope,
            "valid_days": c.valid_days, "valid_until": c.valid_until, "code_expires_at": c.code_expires_at,
            "channel": c.channel, "decided_at": c.decided_at, "withdrawn_at": c.withdrawn_at}


def request_dict(r: RetrievalRequest) -> dict[str, Any]:
    return {"id": r.pk, "number": r.number, "status": r.status, "status_label": r.get_status_display(),
            "requester": r.requester.enterprise.name, "requester_credit_code": r.requester.enterprise.credit_code,
            "scenario": r.scenario.name, "purpose": r.purpose, "subject_kind": r.subject_kind,
            "subject_name": r.subject_name_masked, "subject_id": r.subject_id_masked, "submitted_at": r.submitted_at,
            "consented_at": r.consented_at, "delivered_at": r.delivered_at}


def request_detail_dict(r: RetrievalRequest) -> dict[str, Any]:
    items = r.items.select_related("info_type", "department").order_by("id")
    return {**request_dict(r), "consent": consent_dict(r.consent), "items": [item_dict(i) for i in items]}
