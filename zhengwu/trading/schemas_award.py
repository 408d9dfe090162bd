"""Input and output schemas of part 5: the 评定分离 decision, the service fee, the figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class GroupMemberIn(Schema):
    name: str
    role: str = Field(..., description="e.g. 招标人法定代表人, 分管负责人, 纪检人员")


class AwardDecisionIn(Schema):
    group: list[GroupMemberIn] = Field(..., description="the tendering party's decision group (定标委员会)")
    reasons: str = Field(..., description="the reasons of the decision (定标理由)")
    votes: list[dict[str, int]] | None = Field(None, description="vote, vote_lottery: rounds of {member name: Bid id}")
    offers: dict[str, str] | None = Field(None, description="price_competition: {Bid id: final offer in yuan}")
    minutes: str = Field("", description="deliberation: the minutes (议事纪要)")
    bid_id: int | None = Field(None, description="deliberation: the chosen candidate (Bid id)")


class AwardDecisionOut(Schema):
    id: int
    evaluation_id: int
    award_id: int
    method: str
    method_label: str
    group: list[dict[str, str]]
    candidates: list[dict[str, Any]]
    inputs: dict[str, Any]
    outcome: dict[str, Any]
    seed: str
    minutes: str
    reasons: str
    bid_id: int
    bidder_name: str
    price: str
    decided_at: datetime
    digest: str
    verified: bool
    replayed: bool


class FeeTierIn(Schema):
    up_to: str | None = Field(None, description="the tier's upper bound in yuan; null for the last, open tier")
    permille: str = Field(..., description="the rate in ‰ of the part of the amount inside the tier")


class FeeScheduleIn(Schema):
    project_type: str
    effective_from: date
    tiers: list[FeeTierIn]
    minimum: str = "0"
    cap: str | None = None
    basis: str
    switched_off_from: date | None = None


class FeeSwitchOffIn(Schema):
    switched_off_from: date
    reason: str


class FeeScheduleOut(Schema):
    id: int
    project_type: str
    effective_from: date
    switched_off_from: date | None
    tiers: list[dict[str, Any]]
    minimum: str
    cap: str | None
    basis: str


class FeeCellOut(Schema):
    awards: int
    charged_count: int
    charged: str
    waived_count: int
    waived: str


class FeeMonthOut(FeeCellOut):
    month: int


class FeeTypeOut(FeeCellOut):
    project_type: str
    label: str


class FeeMonthTypeOut(FeeCellOut):
    month: int
    project_type: str


class FeeReportOut(FeeCellOut):
    year: int
    month: int | None
    by_month: list[FeeMonthOut]
    by_type: list[FeeTypeOut]
    by_month_type: list[FeeMonthTypeOut]


class FigureCellOut(Schema):
    projects: int
    awards: int
    amount: str
    control_total: str
    savings: str
    savings_rate: str | None
    awards_without_control_price: int


class FigureTypeOut(FigureCellOut):
    project_type: str
    label: str


class FigureMonthOut(FigureCellOut):
    month: int


class SeparatedOut(Schema):
    projects: int
    amount: str
    government_invested_projects: int
    government_invested_separated: int
    share: str | None
    goal: str
    goal_met: bool


class GuaranteesOut(Schema):
    count: int
    amount_freed: str


class ServiceFeeOut(Schema):
    charged: str
    charged_count: int
    waived: str
    waived_count: int


class SessionCountsOut(Schema):
    main: int
    sub: int


class FiguresOut(FigureCellOut):
    year: int
    month: int | None
    date_from: date
    date_to: date
    by_type: list[FigureTypeOut]
    by_month: list[FigureMonthOut]
    above_limit: FigureCellOut
    below_limit: FigureCellOut
    separated: SeparatedOut
    guarantees: GuaranteesOut
    service_fee: ServiceFeeOut
    remote_sessions: SessionCountsOut
