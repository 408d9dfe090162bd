"""Input and output schemas of the approvals API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from zhengwu.approvals.choices import ProjectType, RiskClass, Stage


class ProjectIn(Schema):
    code: str = Field(..., description="the national project code (项目代码)")
    name: str
    investor_credit_code: str
    investor_name: str = ""
    project_type: str = Field(..., description=" / ".join(ProjectType.values))
    total_investment: Decimal = Field(..., description="万元, > 0")
    township_id: int
    risk_class: str = Field(..., description=" / ".join(RiskClass.values))
    description: str = ""


class StageProgressOut(Schema):
    stage: str
    label: str
    state: str


class ProgressOut(Schema):
    stages: list[StageProgressOut]
    done: int
    percent: int


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    investor: str
    investor_credit_code: str
    project_type: str
    project_type_label: str
    total_investment: Decimal
    township: str
    township_id: int
    risk_class: str
    risk_class_label: str
    registered_at: datetime
    progress: ProgressOut | None = None


class ProjectPageOut(Schema):
    count: int
    items: list[ProjectOut]


class BundleItemIn(Schema):
    item_id: int
    materials: list[str] = []


class BundleIn(Schema):
    name: str
    stage: str = Field(..., description=" / ".join(Stage.values))
    parallel_environmental: bool = False
    items: list[BundleItemIn]


class BundleItemOut(Schema):
    item_id: int
    code: str
    name: str
    department: str
    promised_limit: int
    required_materials: list[str]


class BundleOut(Schema):
    id: int
    name: str
    stage: str
    stage_label: str
    parallel_environmental: bool
    is_active: bool
    required_materials: list[str]
    items: list[BundleItemOut]


class ApplicationIn(Schema):
    project_id: int
    bundle_id: int
    materials: list[str] = Field(..., description="the names of the materials provided (one set)")


class ApplicationItemOut(Schema):
    item: str
    item_code: str
    department: str
    case_id: int
    case_number: str
    case_status: str
    case_status_label: str
    state: str = Field(..., description="approved / refused / open")
    promised_limit: int
    received_at: datetime
    completed_at: datetime | None
    elapsed: int


class TimingOut(Schema):
    elapsed: int
    baseline: int
    saved: int
    saved_percent: float
    done: bool


class ApplicationOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    project_id: int
    project: str
    bundle_id: int
    bundle: str
    stage: str
    stage_label: str
    materials: list[str]
    received_at: datetime
    items_completed_at: datetime | None
    document_number: str
    issued_at: datetime | None
    document_items: list[dict[str, Any]]
    stop_reasons: list[dict[str, Any]]
    items: list[ApplicationItemOut]
    timing: TimingOut


class ApplicationPageOut(Schema):
    count: int
    items: list[ApplicationOut]


class FiguresOut(Schema):
    year: int | None
    total: dict[str, Any]
    by_type: list[dict[str, Any]]
    by_township: list[dict[str, Any]]
    by_stage: list[dict[str, Any]]
    low_risk: dict[str, Any]
    year_on_year: list[dict[str, Any]]
    goal_percent: int
