"""Input and output schemas of the village API. Dates come in as text so a bad one gets the platform's error
naming the field (the services parse them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class StationIn(Schema):
    village_id: int
    name: str = ""
    address: str = ""
    opening_hours: str = "周一至周五 8:30–17:00"


class StationUpdateIn(Schema):
    address: str | None = None
    opening_hours: str | None = None
    checklist_done: list[str] | None = Field(None, description="keys of the standard checklist")


class DateIn(Schema):
    on: str = Field(..., description="YYYY-MM-DD")


class ReasonIn(Schema):
    reason: str = ""


class StationOut(Schema):
    id: int
    name: str
    village_id: int
    village: str
    township_id: int
    township: str
    status: str
    status_label: str
    address: str
    opening_hours: str
    renovated_on: date | None
    model_on: date | None
    checklist_done: list[str]
    version: int


class StationPageOut(Schema):
    count: int
    items: list[StationOut]


class ProgressRowOut(Schema):
    township_id: int
    township: str
    stations: int
    renovated: int
    model: int
    share: float


class ProgressOut(Schema):
    by_township: list[ProgressRowOut]
    totals: dict[str, Any]


class InspectionIn(Schema):
    inspected_on: str
    score: Decimal
    inspector: str
    note: str = ""


class InspectionOut(Schema):
    id: int
    station_id: int
    inspected_on: date
    score: Decimal
    inspector: str
    note: str


class AgentIn(Schema):
    user_id: int
    station_id: int
    birth_date: str
    name: str = ""
    certificate_number: str = ""
    certificate_date: str | None = None


class AgentOut(Schema):
    id: int
    name: str
    user_id: int
    username: str
    station_id: int
    station: str
    township_id: int
    birth_date: date
    age: int
    certificate_number: str
    certificate_date: date | None
    status: str
    status_label: str
    version: int


class AgentPageOut(Schema):
    count: int
    items: list[AgentOut]


class AgentCaseOut(Schema):
    id: int
    number: str
    item: str
    channel: str
    applicant_name: str
    received_at: datetime
    status: str


class AgentCasesOut(Schema):
    count: int
    items: list[AgentCaseOut]


class AgeBandOut(Schema):
    band: str
    agents: int


class TrainingIn(Schema):
    held_on: str
    topic: str
    township_id: int | None = Field(None, description="empty: a district-level session")
    attendees: list[int | str] = Field(default_factory=list, description="agent ids or login names")


class TrainingOut(Schema):
    id: int
    held_on: date
    topic: str
    township_id: int | None
    attendees: list[int]


class ItemRefOut(Schema):
    id: int
    code: str
    name: str


class CoverageOut(Schema):
    village_items: int
    village_goal: int
    village_shortfall: int
    village_met: bool
    personal_items: int
    personal_at_township: int
    township_share: float
    township_goal: float
    township_met: bool
    village_candidates: list[ItemRefOut]
    township_missing: list[ItemRefOut]


class SchemeIn(Schema):
    name: str
    period_start: str
    period_end: str
    weights: dict[str, float] | None = None
    targets: dict[str, float] | None = None
    thresholds: list[list[float]] | None = None


class SchemeOut(Schema):
    id: int
    name: str
    period_start: date
    period_end: date
    weights: dict[str, Any]
    targets: dict[str, Any]
    thresholds: list[list[Any]]
    rated_at: datetime | None


class RatingOut(Schema):
    scheme_id: int
    scheme: str
    agent_id: int
    agent: str
    township_id: int
    score: Decimal
    stars: int
    rank_in_township: int
    components: dict[str, Any]
