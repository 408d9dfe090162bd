from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    scope: str
    department_id: int | None
    region_id: int | None
    enterprise_id: int | None
    permissions: list[str]


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    level: str
    created_at: datetime
    read_at: datetime | None


class MarkReadIn(Schema):
    ids: list[int] | None = None


class MarkReadOut(Schema):
    marked: int


class WorkingDaysOut(Schema):
    start: date
    working_days: int
    result: date
    deadline: datetime
    source: str


class BetweenOut(Schema):
    start: date
    end: date
    working_days: int


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    from_state: str
    to_state: str
    reason: str
    request_id: str
    ip: str | None
    origin: str


class AuditVerifyOut(Schema):
    ok: bool
    events_checked: int
    chains_checked: int
    first_break: str | None


class RevealIn(Schema):
    object_type: str
    object_id: str
    field: str
    reason: str


class RevealOut(Schema):
    object_type: str
    object_id: str
    field: str
    value: str
