"""Input and output schemas of the finance API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from zhengwu.finance.choices import ApplicationStatus, InstitutionKind, ProductKind


class InstitutionIn(Schema):
    name: str
    credit_code: str
    kind: str = Field(..., description=" / ".join(InstitutionKind.values))
    contact_name: str
    contact_phone: str
    address: str = ""
    active: bool = True


class InstitutionOut(Schema):
    id: int
    name: str
    credit_code: str
    kind: str
    contact_name: str
    contact_phone: str
    address: str
    active: bool


class ProductIn(Schema):
    institution_id: int
    kind: str = Field(..., description=" / ".join(ProductKind.values))
    name: str
    amount_min: Decimal = Field(..., description="yuan")
    amount_max: Decimal = Field(..., description="yuan")
    rate: Decimal = Field(..., description="% a year for a loan, the fee rate for a guarantee or a policy")
    term_months: int
    conditions: str = ""
    active: bool = True


class ProductOut(Schema):
    id: int
    institution_id: int
    institution: str
    kind: str
    kind_label: str
    name: str
    amount_min: Decimal
    amount_max: Decimal
    rate: Decimal
    term_months: int
    conditions: str
    active: bool


class ApplicationIn(Schema):
    product_id: int
    amount_requested: Decimal
    purpose: str
    credit_code: str = Field("", description="staff applying on an enterprise's behalf; an enterprise user: its own")
    enterprise_name: str = Field("", description="staff: the enterprise's name when it is not registered yet")
    registration_id: int | None = Field(None, description="a bid guarantee: the bidder registration it guarantees")


class ReasonIn(Schema):
    reason: str = ""


class ApproveIn(Schema):
    amount_approved: Decimal
    rate: Decimal | None = None
    term_months: int | None = None
    approved_on: date | None = None


class IssueIn(Schema):
    guarantee_number: str
    guarantee_valid_from: date | None = None
    guarantee_valid_until: date | None = None
    deposit_id: int | None = Field(None, description="the trading deposit already recorded for this guarantee")
    issued_on: date | None = None


class DisburseIn(Schema):
    disbursed_on: date | None = None


class ApplicationOut(Schema):
    id: int
    number: str
    status: str = Field(..., description=" / ".join(ApplicationStatus.values))
    status_label: str
    enterprise_id: int
    enterprise: str
    product_id: int
    product: str
    institution_id: int
    institution: str
    kind: str
    amount_requested: Decimal
    purpose: str
    registration_id: int | None
    submitted_at: datetime
    amount_approved: Decimal | None
    rate_approved: Decimal | None
    term_months_approved: int | None
    approved_on: date | None
    decline_reason: str
    guarantee_number: str
    guarantee_valid_from: date | None
    guarantee_valid_until: date | None
    issued_on: date | None
    deposit_id: int | None
    deposit_amount: Decimal | None
    disbursed_on: date | None
    actions: list[str] = []


class ApplicationPageOut(Schema):
    count: int
    items: list[ApplicationOut]


class KindFigure(Schema):
    kind: str
    label: str
    services: int
    amount_approved: Decimal


class InstitutionFigure(Schema):
    institution_id: int
    institution: str
    services: int
    amount_approved: Decimal
    guarantees: int
    money_freed: Decimal


class MonthFigure(Schema):
    month: date
    services: int
    amount_approved: Decimal
    guarantees: int
    money_freed: Decimal


class Totals(Schema):
    applications: int
    services: int
    amount_approved: Decimal
    guarantees: int
    money_freed: Decimal


class FiguresOut(Schema):
    date_from: date
    date_to: date
    totals: Totals
    by_kind: list[KindFigure]
    by_institution: list[InstitutionFigure]
    by_month: list[MonthFigure]
