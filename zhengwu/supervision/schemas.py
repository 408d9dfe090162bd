"""Input and output shapes of the supervision API."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class FlagOut(Schema):
    id: int
    family: str
    family_label: str
    rule: str
    status: str
    status_label: str
    title: str
    subject_label: str
    value: float | None
    evidence: dict[str, Any]
    case_id: int
    case_number: str
    project_id: int | None
    tender_section_id: int | None
    enterprise_ids: list[int]
    detected_at: datetime
    decision_reason: str
    decided_at: datetime | None
    version: int
    actions: list[str]


class FlagDecisionIn(Schema):
    action: str = Field(..., description="confirm / dismiss")
    reason: str = ""
    version: int | None = None


class FlagClueIn(Schema):
    reason: str = ""
    description: str = ""


class CaseOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    title: str
    group_key: str
    project_id: int | None
    opened_at: datetime
    closed_at: datetime | None
    conclusion: str
    open_flags: int
    flags: int
    actions: list[str]


class CaseCloseIn(Schema):
    conclusion: str = ""


class ClueIn(Schema):
    source: str = Field(..., description="complaint / inspection / red_flag / department")
    source_reference: str = ""
    description: str = ""
    project_id: int | None = None
    enterprise_id: int | None = None
    inspection_id: int | None = None


class ClueTransitionIn(Schema):
    action: str = Field(..., description="investigate / conclude / close / require_rectification / verify")
    reason: str = ""
    days: int | None = Field(None, description="require_rectification: the period in working days")
    version: int | None = None


class ClueOut(Schema):
    id: int
    number: str
    source: str
    source_label: str
    source_reference: str
    status: str
    status_label: str
    description: str
    flag_id: int | None
    case_id: int | None
    inspection_id: int | None
    project_id: int | None
    enterprise_id: int | None
    handler_id: int | None
    registered_at: datetime
    due_at: datetime | None
    investigation: str
    conclusion: str
    decision: str
    rectification_requirement: str
    rectification_days: int | None
    rectification_due_at: datetime | None
    verification: str
    verified_at: datetime | None
    version: int
    actions: list[str]


class CampaignIn(Schema):
    name: str
    period_start: date
    period_end: date
    scope: str = ""


class CampaignOut(Schema):
    id: int
    name: str
    period_start: date
    period_end: date
    scope: str
    inspected: int
    with_problems: int
    clues_raised: int


class InspectionIn(Schema):
    project_id: int
    inspected_on: date
    result: str = Field(..., description="no_problem / problems_found")
    findings: str = ""


class InspectionOut(Schema):
    id: int
    campaign_id: int
    project_id: int
    project_number: str
    inspected_on: date
    result: str
    findings: str
    clue_ids: list[int]


class InspectionClueIn(Schema):
    description: str = ""


class StatisticsOut(Schema):
    flags: dict[str, Any]
    clues: dict[str, Any]
    inspections: dict[str, Any]
