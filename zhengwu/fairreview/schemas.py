"""Input and output schemas of the fair competition review API."""

from datetime import datetime
from decimal import Decimal

from ninja import Schema


class RuleIn(Schema):
    code: str
    category: str
    matcher: str = "regex"
    pattern: str
    unless_pattern: str = ""
    threshold: Decimal | None = None
    contract_kinds: list[str] = []
    message: str
    legal_basis: str
    severity: str = "high"
    active: bool = True


class RulePatch(Schema):
    code: str | None = None
    category: str | None = None
    matcher: str | None = None
    pattern: str | None = None
    unless_pattern: str | None = None
    threshold: Decimal | None = None
    contract_kinds: list[str] | None = None
    message: str | None = None
    legal_basis: str | None = None
    severity: str | None = None
    active: bool | None = None


class RuleOut(Schema):
    id: int
    code: str
    category: str
    category_label: str
    matcher: str
    pattern: str
    unless_pattern: str
    threshold: Decimal | None
    contract_kinds: list[str]
    message: str
    legal_basis: str
    severity: str
    active: bool


class FindingOut(Schema):
    id: int
    rule: str
    category: str
    severity: str
    message: str
    legal_basis: str
    source: str
    clause_start: int
    clause_end: int
    match_start: int
    match_end: int
    clause: str
    excerpt: str
    detail: str
    state: str
    state_label: str
    accepted_at: datetime | None
    accepted_by: str
    accept_reason: str
    resolved_at: datetime | None


class ReviewOut(Schema):
    id: int
    tender_id: int
    digest: str
    reviewed_at: datetime
    reviewed_by: str
    found: int
    new: int
    resolved: int
    open: int


class OpenFindingOut(Schema):
    rule: str
    category: str
    source: str
    message: str
    legal_basis: str
    excerpt: str
    clause: str
    detail: str
    clause_start: int
    clause_end: int


class TenderReviewOut(Schema):
    tender_id: int
    tender_number: str
    current_digest: str
    reviewed_current_text: bool
    latest_review: ReviewOut | None
    findings: list[FindingOut]
    open_now: list[OpenFindingOut]


class AcceptIn(Schema):
    reason: str


class DocumentsIn(Schema):
    documents_text: str
