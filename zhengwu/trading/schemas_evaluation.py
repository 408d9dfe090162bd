"""Input and output schemas of evaluation, publicity and award (trading part 4)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from zhengwu.trading.choices import EvaluationMethod


class EvaluationIn(Schema):
    tender_id: int
    section_id: int
    method: EvaluationMethod
    params: dict[str, Any] = Field(default_factory=dict, description="technical_max, business_max, price_max, k, "
                                   "drop_extremes, drop_extremes_min, penalty_above, penalty_below")


class EvaluatedBidOut(Schema):
    id: int
    bid_id: int
    bidder_name: str
    price: str | None
    valid: bool
    rejection_code: str
    rejection_reason: str
    technical: str | None
    business: str | None
    price_score: str | None
    total: str | None
    rank: int | None
    recommended: bool = False


class EvaluationOut(Schema):
    id: int
    tender_id: int
    section_id: int
    method: str
    status: str
    params: dict[str, Any]
    control_price: str | None
    base_price: str | None
    award_mode: str = "ranked"
    decision_method: str = ""
    bids: list[EvaluatedBidOut]
    candidates: list[EvaluatedBidOut]
    reported_at: datetime | None
    report_digest: str
    publicity_id: int | None
    publicity_status: str | None


class ScoreSheetIn(Schema):
    member_id: int
    bid_id: int = Field(..., description="the bid (Bid id) as listed in the evaluation")
    technical: str | int | float
    business: str | int | float
    comment: str = ""


class ScoreSheetOut(Schema):
    id: int
    evaluation_id: int
    member_id: int
    expert_id: int
    bid_id: int
    technical: str
    business: str
    submitted_at: datetime
    digest: str
    verified: bool


class PublicityTransitionIn(Schema):
    action: str
    version: int | None = None


class PublicityOut(Schema):
    id: int
    evaluation_id: int
    status: str
    version: int
    published_at: datetime | None
    closed_at: datetime | None


class CandidateObjectionIn(Schema):
    objector_name: str
    content: str


class CandidateObjectionAnswerIn(Schema):
    answer: str


class CandidateObjectionOut(Schema):
    id: int
    publicity_id: int
    objector_name: str
    content: str
    submitted_at: datetime
    answer_due_on: date
    answer: str
    answered_at: datetime | None
    answered_late: bool


class AwardIn(Schema):
    bid_id: int | None = Field(None, description="the Bid id of the candidate; default the first")
    reason: str = ""


class ContractIn(Schema):
    signed_on: date


class AwardOut(Schema):
    id: int
    evaluation_id: int
    bid_id: int
    bidder_name: str
    winner_rank: int | None
    price: str
    reason: str
    notice_issued_at: datetime
    contract_due_on: date
    contract_signed_on: date | None
