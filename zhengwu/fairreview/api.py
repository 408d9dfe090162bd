"""The fair competition review API (a ninja Router mounted at /api/v1/fairreview/): rules, review runs,
findings and their acceptance, and the draft's documents text.

Each endpoint parses, calls one service or selector, and renders; refusals are AppErrors in the platform's one
error format ({code, message, field, details}).
"""

from django.http import HttpRequest
from ninja import Router, Status

from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.fairreview import selectors, services
from zhengwu.fairreview.models import Finding, Review, Rule
from zhengwu.fairreview.schemas import (
    AcceptIn,
    DocumentsIn,
    FindingOut,
    OpenFindingOut,
    ReviewOut,
    RuleIn,
    RuleOut,
    RulePatch,
    TenderReviewOut,
)

router = Router(tags=["fairreview"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def rule_out(rule: Rule) -> RuleOut:
    return RuleOut(id=rule.pk, code=rule.code, category=rule.category, category_label=rule.get_category_display(),
                   matcher=rule.matcher, pattern=rule.pattern, unless_pattern=rule.unless_pattern,
                   threshold=rule.threshold, contract_kinds=list(rule.contract_kinds or []), message=rule.message,
                   legal_basis=rule.legal_basis, severity=rule.severity, active=rule.active)


def finding_out(f: Finding) -> FindingOut:
    return FindingOut(id=f.pk, rule=f.rule.code, category=f.rule.category, severity=f.rule.severity,
                      message=f.rule.message, legal_basis=f.rule.legal_basis, source=f.source,
                      clause_start=f.clause_start, clause_end=f.clause_end, match_start=f.match_start,
                      match_end=f.match_end, clause=f.clause, excerpt=f.excerpt, detail=f.detail, state=f.state,
                      state_label=f.get_state_display(), accepted_at=f.accepted_at,
                      accepted_by=f.accepted_by_label, accept_reason=f.accept_reason, resolved_at=f.resolved_at)


def review_out(r: Review) -> ReviewOut:
    return ReviewOut(id=r.pk, tender_id=r.tender_id, digest=r.digest, reviewed_at=r.reviewed_at,
                     reviewed_by=r.reviewed_by_label, found=r.found, new=r.new, resolved=r.resolved, open=r.open)


# --- rules ---------------------------------------------------------------------------------------------------

@router.get("/rules", response={200: list[RuleOut], **ERRORS})
def rule_list(request: HttpRequest, active: bool | None = None):
    if not request.user.has_perm("fairreview.manage_rules"):
        require(request.user, "fairreview.view")
    rules = selectors.rules_visible_to(request.user)
    if active is not None:
        rules = rules.filter(active=active)
    return [rule_out(r) for r in rules]


@router.post("/rules", response={201: RuleOut, **ERRORS})
def rule_create(request: HttpRequest, data: RuleIn):
    return Status(201, rule_out(services.rule_create(actor=request.user, **data.dict())))


@router.patch("/rules/{rule_id}", response={200: RuleOut, **ERRORS})
def rule_update(request: HttpRequest, rule_id: int, data: RulePatch):
    require(request.user, "fairreview.manage_rules")
    rule = selectors.rule_get(user=request.user, pk=rule_id)
    changes = data.dict(exclude_unset=True)
    return rule_out(services.rule_update(actor=request.user, rule=rule, **changes))


# --- reviews and findings ------------------------------------------------------------------------------------

@router.post("/tenders/{tender_id}/reviews", response={201: ReviewOut, **ERRORS})
def review_run(request: HttpRequest, tender_id: int):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    return Status(201, review_out(services.fair_review_run(actor=request.user, tender=tender)))


@router.get("/tenders/{tender_id}/reviews", response={200: list[ReviewOut], **ERRORS})
def review_list(request: HttpRequest, tender_id: int):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    return [review_out(r) for r in selectors.reviews_of(tender)]


@router.get("/tenders/{tender_id}/findings", response={200: TenderReviewOut, **ERRORS})
def tender_findings(request: HttpRequest, tender_id: int):
    """The stored findings, the latest review, and what the current text would be refused for now."""
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    latest = selectors.latest_review(tender)
    current = selectors.digest_of(selectors.texts_of(tender))
    return TenderReviewOut(
        tender_id=tender.pk, tender_number=tender.number, current_digest=current,
        reviewed_current_text=latest is not None and latest.digest == current,
        latest_review=review_out(latest) if latest else None,
        findings=[finding_out(f) for f in selectors.findings_of(tender)],
        open_now=[OpenFindingOut(**f) for f in selectors.open_findings_now(tender)])


@router.post("/findings/{finding_id}/accept", response={200: FindingOut, **ERRORS})
def finding_accept(request: HttpRequest, finding_id: int, data: AcceptIn):
    finding = selectors.finding_get(user=request.user, pk=finding_id)
    return finding_out(services.finding_accept(actor=request.user, finding=finding, reason=data.reason))


@router.put("/tenders/{tender_id}/documents", response={200: ReviewOut, **ERRORS})
def documents_update(request: HttpRequest, tender_id: int, data: DocumentsIn):
    """Replace a draft's documents text and review it at once (trading's service changes the text)."""
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    return review_out(services.documents_revise(actor=request.user, tender=tender, documents_text=data.documents_text))

