from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router

from zhengwu.core import audit, calendar, pii
from zhengwu.core.errors import InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.permissions import require
from zhengwu.core.reminders import notification_mark_read, notifications_for
from zhengwu.core.schemas import (
    AuditEventOut,
    AuditVerifyOut,
    BetweenOut,
    ErrorOut,
    MarkReadIn,
    MarkReadOut,
    MeOut,
    NotificationOut,
    RevealIn,
    RevealOut,
    WorkingDaysOut,
)
from zhengwu.org.roles import Role

router = Router(tags=["core"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MAX_WORKING_DAYS = 3650


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(id=user.pk, username=user.username, display_name=user.display_name, role=user.role,
                 role_label=str(Role(user.role).label), scope=user.scope, department_id=user.department_id,
                 region_id=user.region_id, enterprise_id=user.enterprise_id,
                 permissions=sorted(user.role_permissions))


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
def notification_list(request: HttpRequest, unread: bool = False) -> list:
    return list(notifications_for(request.user, unread_only=unread)[:200])


@router.post("/notifications/read", response={200: MarkReadOut, **ERRORS})
def notification_read(request: HttpRequest, data: MarkReadIn) -> MarkReadOut:
    return MarkReadOut(marked=notification_mark_read(user=request.user, notification_ids=data.ids))


@router.get("/calendar/add", response={200: WorkingDaysOut, **ERRORS})
def calendar_add(request: HttpRequest, start: date, working_days: int) -> WorkingDaysOut:
    if not 0 <= working_days <= MAX_WORKING_DAYS:
        raise InvalidInput(f"工作日数必须在 0 到 {MAX_WORKING_DAYS} 之间。", field="working_days", code="out_of_range")
    result = calendar.add_working_days(start, working_days)
    return WorkingDaysOut(start=start, working_days=working_days, result=result,
                          deadline=calendar.deadline(start=start, working_days=working_days),
                          source=calendar.year_source(result.year))


@router.get("/calendar/between", response={200: BetweenOut, **ERRORS})
def calendar_between(request: HttpRequest, start: date, end: date) -> BetweenOut:
    if abs((end - start).days) > MAX_WORKING_DAYS * 2:
        raise InvalidInput("日期区间过长。", field="end", code="out_of_range")
    return BetweenOut(start=start, end=end, working_days=calendar.working_days_between(start, end))




@router.get("/audit/events", response={200: list[AuditEventOut], **ERRORS})
def audit_events(request: HttpRequest, object_type: str | None = None, object_id: str | None = None,
                 action: str | None = None, actor_label: str | None = None, request_id: str | None = None,
                 limit: int = Query(100, ge=1, le=1000)) -> list:
    """The latest events of the trail, newest first, narrowed by exact values; each filter has an index."""
    require(request.user, "core.view_audit")
    qs = AuditEvent.objects.order_by("-created_at", "-id")
    for name, value in (("object_type", object_type), ("object_id", object_id), ("action", action),
                        ("actor_label", actor_label), ("request_id", request_id)):
        if value:
            qs = qs.filter(**{name: value})
    return list(qs[:limit])


@router.post("/audit/verify", response={200: AuditVerifyOut, **ERRORS})
def audit_verify(request: HttpRequest) -> AuditVerifyOut:
    require(request.user, "core.verify_audit")
    result = audit.verify()
    return AuditVerifyOut(ok=result.ok, events_checked=result.events_checked, chains_checked=result.chains_checked,
                          first_break=str(result.first_break) if result.first_break else None)


@router.post("/personal-data/reveal", response={200: RevealOut, **ERRORS})
def personal_data_reveal(request: HttpRequest, data: RevealIn) -> RevealOut:
    """The plain value of one masked field, for a user with ``core.unmask_personal_data`` on an object in
    their scope; the reason (at least 4 characters) is audited, the value never is."""
    value = pii.personal_data_reveal(actor=request.user, obj=(data.object_type, data.object_id), field=data.field,
                                     reason=data.reason)
    return RevealOut(object_type=data.object_type, object_id=data.object_id, field=data.field, value=value)
