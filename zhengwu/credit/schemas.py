"""Input and output schemas of the credit API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class RatingIn(Schema):
    tender_section_id: int
    expert_id: int
    punctuality: int = Field(..., description="守时 1–5")
    diligence: int = Field(..., description="尽职 1–5")
    fairness: int = Field(..., description="公正 1–5")
    professional: int = Field(..., description="专业水平 1–5")
    comment: str = ""


class RatingOut(Schema):
    id: int
    tender_section_id: int
    expert_id: int
    expert_name: str
    punctuality: int
    diligence: int
    fairness: int
    professional: int
    average: Decimal
    comment: str
    tendering_enterprise_id: int | None
    on_behalf: bool
    rated_at: datetime
    penalty_id: int | None = None


class SectionMemberOut(Schema):
    member_id: int
    expert_id: int
    expert_name: str
    specialty: str
    rating: RatingOut | None


class SectionRatingsOut(Schema):
    tender_section_id: int
    tender_number: str
    section_name: str
    project_name: str
    evaluation_status: str
    reported_at: datetime | None
    members: list[SectionMemberOut]


class PenaltyIn(Schema):
    expert_id: int
    points: int
    basis: str = Field(..., description="late / absent / not_by_method / leaked / undeclared_conflict / misconduct")
    reason: str
    tender_section_id: int | None = None
    occurred_on: date | None = None


class PenaltyActionIn(Schema):
    reason: str = ""


class PenaltyOut(Schema):
    id: int
    status: str
    status_label: str
    expert_id: int
    expert_name: str
    tender_section_id: int | None
    rating_id: int | None
    basis: str
    basis_label: str
    points: int
    reason: str
    occurred_on: date
    recorded_at: datetime
    effective_at: datetime | None
    deducted: int
    score_before: int | None
    score_after: int | None
    suspended: bool
    decision_reason: str


class ExpertCreditOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    credit_score: int
    ratings_count: int
    penalty_points: int
    suspended: bool


class ScorePointOut(Schema):
    at: str
    score: int | None
    reason: str


class StatusEventOut(Schema):
    action: str
    from_state: str
    to_state: str
    reason: str
    actor: str
    created_at: datetime


class ExpertCreditDetailOut(ExpertCreditOut):
    year: int
    ratings: list[RatingOut]
    penalties: list[PenaltyOut]
    status_events: list[StatusEventOut]
    series: list[ScorePointOut]


class RecordIn(Schema):
    enterprise_id: int | None = None
    credit_code: str = Field("", description="或以统一社会信用代码指定企业")
    person_id: int | None = None
    kind: str = Field(..., description="administrative_penalty / ban / bad_credit / good_credit")
    scope: str = Field("", description="仅 ban:bidding / expert / agency / all")
    title: str
    reason: str
    legal_basis: str = ""
    department_id: int | None = None
    department_name: str = ""
    document_number: str = ""
    effective_from: date | None = None
    effective_until: date | None = None


class RecordRevokeIn(Schema):
    reason: str


class RecordOut(Schema):
    id: int
    status: str
    status_label: str
    enterprise_id: int | None
    enterprise_name: str
    credit_code: str
    person_id: int | None
    person_name: str
    kind: str
    kind_label: str
    scope: str
    scope_label: str
    title: str
    reason: str
    legal_basis: str
    department_id: int | None
    department_name: str
    document_number: str
    effective_from: date
    effective_until: date | None
    in_force: bool
    recorded_at: datetime
    revoked_at: datetime | None
    revoke_reason: str
