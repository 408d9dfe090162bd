"""Input and output schemas of the expert database and the draw (trading part 3)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from zhengwu.trading.choices import ExpertSource, ReplacementCause


class SpecialtyOut(Schema):
    code: str
    name: str


class EnterpriseRefIn(Schema):
    credit_code: str
    name: str = ""


class ExpertIn(Schema):
    name: str
    specialties: list[str] = Field(..., description="specialty codes or names, e.g. building or 房屋建筑")
    source: ExpertSource
    employer: EnterpriseRefIn | None = None
    employer_name: str = Field("", description="when the employer is not an enterprise (a university, a bureau)")
    department_id: int | None = Field(None, description="the administrative department the expert works for")
    region: str = ""
    title: str = ""
    credit_score: int = 100
    declared_conflicts: list[EnterpriseRefIn] = []
    id_number: str = ""
    phone: str = ""


class ExpertOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    version: int
    specialties: list[str]
    source: str
    employer_id: int | None
    employer_name: str
    department_id: int | None
    region: str
    title: str
    credit_score: int
    id_number_masked: str


class ExpertTransitionIn(Schema):
    action: str = Field(..., description="suspend / punish / reinstate")
    reason: str
    version: int | None = None


class DrawIn(Schema):
    tender_id: int
    section_id: int
    committee_size: int
    representatives: int = Field(..., description="representatives of the tendering party (≤ 1/3 by default)")
    requirements: dict[str, int] = Field(..., description='specialty → experts, e.g. {"房屋建筑": 3, "造价": 2}')


class DrawMemberOut(Schema):
    id: int
    round: int
    position: int
    expert_id: int
    expert_name: str
    specialty: str
    source: str
    serving: bool
    replaced_at: datetime | None
    replacement_cause: str
    replacement_reason: str
    replaced_by_id: int | None


class DrawRoundOut(Schema):
    number: int
    kind: str
    seed: str
    needs: dict[str, int]
    candidates_count: int
    exclusions: dict[str, dict[str, int]]
    local_allowed: int
    reason: str
    drawn_at: datetime


class DrawOut(Schema):
    id: int
    tender_id: int
    section_id: int
    committee_size: int
    representatives: int
    expert_count: int
    expert_share: str
    requirements: dict[str, int]
    local_allowed: int
    rules: dict[str, str]
    created_at: datetime
    rounds: list[DrawRoundOut]
    members: list[DrawMemberOut]


class ReplacementIn(Schema):
    cause: ReplacementCause
    reason: str


class ProvincialShareOut(Schema):
    date_from: date | None
    date_to: date | None
    draws: int
    drawn: int
    provincial: int
    local: int
    share: str | None = Field(None, description="provincial / drawn, 4 decimals (goal 1.0000)")
    share_exact: str | None
