"""Input and output schemas of the intermediary API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from zhengwu.intermediary.choices import SelectionMethod


class ServiceListItemOut(Schema):
    id: int
    service_type: str
    name: str
    department: str
    time_limit_days: int
    workflow_text: str
    conditions: str
    fee_standard: str
    legal_basis: str


class QualificationOut(Schema):
    id: int
    name: str
    number: str
    valid_until: date
    expired: bool


class AgencyIn(Schema):
    credit_code: str
    name: str
    department_id: int
    service_type_ids: list[int]
    contact: str = ""


class QualificationIn(Schema):
    name: str
    number: str
    valid_until: date


class ReasonIn(Schema):
    reason: str = ""


class AgencyOut(Schema):
    id: int
    credit_code: str
    name: str
    status: str
    status_label: str
    status_reason: str
    department_id: int
    department: str
    service_types: list[str]
    credit_score: Decimal
    ratings_count: int
    registered_on: date


class AgencyDetailOut(AgencyOut):
    qualifications: list[QualificationOut]
    actions: list[str]


class PurchaseIn(Schema):
    project_name: str
    service_type_id: int
    budget: Decimal
    answer_deadline: datetime
    selection_method: str = Field(..., description=" / ".join(SelectionMethod.values))
    owner_id: int | None = Field(None, description="defaults to the user's enterprise")
    government_invested: bool = False
    investment_project_code: str = ""
    description: str = ""


class AnswerIn(Schema):
    price: Decimal
    plan: str
    agency_id: int | None = Field(None, description="defaults to the user's agency")


class ScoresIn(Schema):
    scores: dict[str, Decimal] = Field(..., description="answer id -> score 0–100")


class SelectIn(Schema):
    answer_id: int | None = Field(None, description="direct choice: the answer")
    seed: str | None = Field(None, description="random draw: the seed (omitted: the system draws one)")


class ContractIn(Schema):
    contract_date: date


class CompleteIn(Schema):
    completed_on: date


class RateIn(Schema):
    stars: int
    comment: str = ""


class AnswerOut(Schema):
    id: int
    agency_id: int
    agency: str
    price: Decimal
    plan: str
    score: Decimal | None
    answered_at: datetime


class PurchaseOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    owner_id: int
    owner: str
    project_name: str
    government_invested: bool
    investment_project_code: str
    service_type_id: int
    service_type: str
    budget: Decimal
    answer_deadline: datetime
    selection_method: str
    posted_at: datetime
    deal_at: datetime | None
    draw_seed: str
    selected_agency: str
    deal_price: Decimal | None


class PurchaseDetailOut(PurchaseOut):
    answers: list[AnswerOut]
    actions: list[str]
    rating_stars: int | None


class PurchasePageOut(Schema):
    count: int
    items: list[PurchaseOut]


class ProposalOut(Schema):
    id: int
    agency_id: int
    agency: str
    status: str
    reasons: list[str]
    detail: str
    review_date: date
    decision_reason: str


class GovernmentProjectOut(Schema):
    code: str
    name: str
    investor: str
    total_investment: Decimal
    registered_at: datetime


class FiguresOut(Schema):
    year: int | None
    goal: int
    deals_per_year: list[dict]
    deals: int
    agencies_by_state: list[dict]
    average_price: Decimal | None
    average_budget: Decimal | None
    price_to_budget: Decimal | None
    average_days_to_deal: float | None
    by_method: list[dict]
