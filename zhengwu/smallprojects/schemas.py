"""Input, output and filter schemas of the small-projects API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from zhengwu.smallprojects.choices import Category, ContractingWay, Funding, PaymentKind


class ProjectIn(Schema):
    name: str
    owner_region_id: int | None = Field(None, description="a township or a village in the user's scope")
    owner_name: str
    category: str = Field(..., description=" / ".join(Category.values))
    estimate: Decimal = Field(..., description="yuan, below the must-tender limit")
    funding: str = Field(..., description=" / ".join(Funding.values))
    location: str = ""
    scope_keyword: str = Field("", description="the road or scope keyword (the split alert compares it)")
    approval_date: date | None = None
    approval_number: str = ""
    contracting_way: str = Field("", description=" / ".join(ContractingWay.values))
    planned_completion: date | None = None
    description: str = ""


class ContractIn(Schema):
    contract_amount: Decimal
    contract_date: date
    contractor_id: int | None = Field(None, description="a registered enterprise, or give credit code + name")
    contractor_credit_code: str = ""
    contractor_name: str = ""
    contracting_way: str = ""
    planned_completion: date | None = None


class ChangeIn(Schema):
    amount: Decimal = Field(..., description="yuan, + increase / − decrease")
    reason: str
    approved_on: date
    approver: str


class PaymentIn(Schema):
    amount: Decimal
    paid_on: date
    kind: str = Field(..., description=" / ".join(PaymentKind.values))
    note: str = ""


class AcceptanceIn(Schema):
    accepted_on: date
    result: str = Field(..., description="pass / fail")
    participants: str
    note: str = ""


class ChangeOut(Schema):
    id: int
    amount: Decimal
    reason: str
    approved_on: date
    approver: str


class PaymentOut(Schema):
    id: int
    amount: Decimal
    paid_on: date
    kind: str
    note: str


class AcceptanceOut(Schema):
    id: int
    accepted_on: date
    result: str
    participants: str
    note: str


class CheckpointOut(Schema):
    key: str
    label: str
    state: str
    detail: str


class AlertOut(Schema):
    flag_id: int
    rule: str
    rule_label: str
    title: str
    status: str
    status_label: str
    detected_at: datetime
    url: str
    evidence: dict


class ProjectOut(Schema):
    id: int
    number: str
    name: str
    status: str
    status_label: str
    township_id: int
    township: str
    village_id: int | None
    village: str
    owner_region_id: int
    owner_name: str
    location: str
    scope_keyword: str
    category: str
    estimate: Decimal
    funding: str
    approval_date: date | None
    approval_number: str
    contracting_way: str
    contractor_id: int | None
    contractor: str
    contract_amount: Decimal | None
    contract_date: date | None
    planned_completion: date | None
    actual_completion: date | None
    alerts: list[AlertOut] = []


class ProjectPageOut(Schema):
    count: int
    items: list[ProjectOut]


class ProjectDetailOut(ProjectOut):
    checkpoints: list[CheckpointOut]
    changes: list[ChangeOut]
    payments: list[PaymentOut]
    acceptances: list[AcceptanceOut]
    actions: list[str]


class TownshipFigureOut(Schema):
    township_id: int
    township: str
    projects: int
    contracted: int
    estimate: Decimal
    contract_amount: Decimal


class RuleFigureOut(Schema):
    rule: str
    label: str
    open: int
    confirmed: int
    dismissed: int
    clue: int
    total: int


class FiguresOut(Schema):
    year: int | None
    by_township: list[TownshipFigureOut]
    totals: dict
    alerts: list[RuleFigureOut]


class AlertsRunOut(Schema):
    created: dict[str, int]
