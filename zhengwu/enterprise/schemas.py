"""Input and output schemas of the enterprise API. Inputs take text as given (defaults "") so the services, not
the parser, refuse a missing value with a message naming the field."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from zhengwu.enterprise.choices import Channel, DemandClass, Rating


class DemandIn(Schema):
    title: str = ""
    content: str = ""
    contact_name: str = ""
    contact_mobile: str = ""
    channel: str = Field(Channel.ONLINE, description=" / ".join(Channel.values))
    credit_code: str = Field("", description="staff: the enterprise's unified social credit code")
    enterprise_name: str = Field("", description="staff: the name, for an enterprise not yet registered")
    ticket_12345: str = ""
    node_id: int | None = None


class ClassifyIn(Schema):
    section_id: int | None = None
    demand_class: str = Field(DemandClass.ROUTINE, description=" / ".join(DemandClass.values))


class AssistIn(Schema):
    department: int | None = None
    part: str = ""


class RouteIn(Schema):
    lead_department_id: int | None = None
    lead_part: str = ""
    assisting: list[AssistIn] = []
    demand_class: str = ""


class AnswerIn(Schema):
    content: str = ""


class RateIn(Schema):
    rating: str = Field("", description=" / ".join(Rating.values))
    comment: str = ""


class ReasonIn(Schema):
    reason: str = ""


class AssignmentAnswerIn(Schema):
    answer: str = ""


class TaskIn(Schema):
    department: int | None = None
    description: str = ""
    working_days: int | None = None


class ConsultationIn(Schema):
    demand_id: int
    held_on: date | None = None
    department_ids: list[int] = []
    attendees: str = ""
    record: str = ""
    decisions: str = ""
    tasks: list[TaskIn] = []


class TaskDoneIn(Schema):
    note: str = ""


class VisitDemandIn(Schema):
    title: str = ""
    content: str = ""
    contact_name: str = ""
    contact_mobile: str = ""


class VisitIn(Schema):
    enterprise_id: int
    visited_on: date | None = None
    content: str = ""
    demands: list[VisitDemandIn] = []


class AssignmentOut(Schema):
    id: int
    round: int
    department_id: int
    department: str
    role: str
    part: str
    answer: str
    answered_at: datetime | None
    waived: bool
    waived_reason: str


class EscalationOut(Schema):
    round: int
    level: str
    level_label: str
    at: datetime
    overdue_days: int
    notified: list[int]


class DemandOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    enterprise_id: int
    enterprise: str
    title: str
    channel: str
    ticket_12345: str
    contact_name: str
    contact_mobile: str = Field(..., description="masked")
    received_at: datetime
    section_id: int | None
    section: str | None
    demand_class: str
    round: int
    lead_department_id: int | None
    deadline: datetime | None
    overdue: bool
    answered_at: datetime | None
    rating: str
    close_reason: str


class DemandDetailOut(DemandOut):
    content: str
    answer: str
    rating_comment: str
    rating_due: datetime | None
    node: str | None
    assignments: list[AssignmentOut]
    escalations: list[EscalationOut]
    actions: list[str]


class DemandPageOut(Schema):
    count: int
    items: list[DemandOut]


class TaskOut(Schema):
    id: int
    department_id: int
    description: str
    working_days: int
    deadline: datetime
    done_at: datetime | None
    done_note: str


class ConsultationOut(Schema):
    id: int
    demand_id: int
    held_on: date
    department_ids: list[int]
    attendees: str
    record: str
    decisions: str
    tasks: list[TaskOut]


class SectionOut(Schema):
    id: int
    code: str
    name: str
    items: int


class CoverageOut(Schema):
    total: int
    assigned: int
    missing_count: int
    percent: float
    sections: list[SectionOut]
    missing: list[dict]


class VisitOut(Schema):
    id: int
    officer_id: int
    enterprise_id: int
    visited_on: date
    content: str
    demand_ids: list[int]


class FigureRow(Schema):
    id: int | None
    name: str
    received: int
    answered: int
    on_time: int
    overdue: int
    escalated: int
    satisfied: int
    basic: int
    unsatisfied: int
    default_satisfied: int
    rated: int
    satisfaction: float | None
    on_time_rate: float | None


class FiguresOut(Schema):
    date_from: date | None
    date_to: date | None
    by_section: list[FigureRow]
    by_department: list[FigureRow]
    total: dict
