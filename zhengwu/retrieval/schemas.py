"""Input and output schemas of the retrieval API."""

from datetime import date, datetime

from ninja import Field, Schema

from zhengwu.retrieval.choices import RequesterKind, SubjectKind


class ScenarioOut(Schema):
    id: int
    code: str
    name: str


class InfoTypeIn(Schema):
    code: str
    name: str
    subject_kind: str = Field(..., description=" / ".join(SubjectKind.values))
    department_id: int
    source: str = "internal"
    adapter: str = ""
    answer_format: str
    requester_kinds: list[str] = Field(..., description=" / ".join(RequesterKind.values))
    scenario_ids: list[int]
    answer_days: int = 3
    validity_days: int = 90
    description: str = ""


class InfoTypeOut(Schema):
    id: int
    code: str
    name: str
    subject_kind: str
    department_id: int
    department: str
    source: str
    adapter: str
    answer_format: str
    requester_kinds: list[str]
    scenarios: list[str]
    answer_days: int
    validity_days: int
    description: str
    active: bool


class RequesterIn(Schema):
    credit_code: str
    name: str
    kind: str = Field(..., description=" / ".join(RequesterKind.values))
    contact: str = ""


class RequesterOut(Schema):
    id: int
    name: str
    credit_code: str
    kind: str
    kind_label: str
    status: str
    status_reason: str


class RequestIn(Schema):
    scenario: str = Field(..., description="scenario code or id")
    info_types: list[str] = Field(..., description="type codes")
    purpose: str = ""
    subject_kind: str = Field(..., description=" / ".join(SubjectKind.values))
    subject_name: str
    subject_id_number: str = ""
    subject_credit_code: str = ""
    subject_phone: str = ""
    consent_days: int | None = None


class ItemOut(Schema):
    id: int
    info_type: str
    info_type_name: str
    department_id: int
    department: str
    status: str
    status_label: str
    external: bool
    assigned_at: datetime | None
    due_at: datetime | None
    answered_at: datetime | None
    answer_number: str
    digest: str
    expires_at: datetime | None
    attempts: int
    system_unavailable: bool


class ConsentOut(Schema):
    status: str
    status_label: str
    purpose: str
    recipient_name: str
    recipient_credit_code: str
    scope: list[str]
    valid_days: int
    valid_until: datetime | None
    code_expires_at: datetime
    channel: str
    decided_at: datetime | None
    withdrawn_at: datetime | None


class RequestOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    requester: str
    requester_credit_code: str
    scenario: str
    purpose: str
    subject_kind: str
    subject_name: str
    subject_id: str
    submitted_at: datetime
    consented_at: datetime | None
    delivered_at: datetime | None


class RequestDetailOut(RequestOut):
    consent: ConsentOut
    items: list[ItemOut]


class RequestPageOut(Schema):
    count: int
    items: list[RequestOut]


class ConsentDecisionIn(Schema):
    identity: str = ""
    decision: str = Field(..., description="grant / refuse")


class SubjectDecisionIn(Schema):
    decision: str = Field(..., description="grant / refuse")


class ReasonIn(Schema):
    reason: str = ""


class ConsentTermsOut(Schema):
    request_number: str
    recipient_name: str
    recipient_credit_code: str
    purpose: str
    scenario: str
    scope: list[str]
    valid_days: int
    code_expires_at: datetime
    identity_hint: str


class DecisionOut(Schema):
    request_number: str
    status: str


class InboxItemOut(ItemOut):
    request_id: int
    request_number: str
    requester: str
    scenario: str
    deadline_state: str


class AnswerIn(Schema):
    found: bool | None = None
    summary: str = ""
    details: str = ""


class AnswerOut(Schema):
    id: int
    info_type: str
    department: str
    number: str
    digest: str
    found: bool | None
    summary: str
    content: str
    answered_at: datetime | None
    expires_at: datetime | None
    source_reference: str


class VerifyIn(Schema):
    number: str = ""
    digest: str = ""


class VerifyOut(Schema):
    result: str
    label: str


class AccessLogOut(Schema):
    at: datetime
    who: str
    what: str
    action: str


class FigureRowOut(Schema):
    id: int | None
    name: str
    requests: int
    items: int
    answered: int
    on_time: int
    on_time_rate: float | None
    median_hours: float | None
    unavailable: int
    refused: int
    withdrawn: int


class FigureTotalsOut(Schema):
    requests: int
    items: int
    answered: int
    on_time: int
    on_time_rate: float | None
    median_hours: float | None
    refused: int
    withdrawn: int
    delivered: int


class FiguresOut(Schema):
    start: date | None
    end: date | None
    totals: FigureTotalsOut
    by_scenario: list[FigureRowOut]
    by_department: list[FigureRowOut]
