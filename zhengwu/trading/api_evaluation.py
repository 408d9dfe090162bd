"""Evaluation, candidates' publicity and award: ``/api/v1/trading/evaluations…``, ``…/awards…``.

Parse, call one service or selector, render. Trading staff evaluate, publish and award; supervisors and the
center read; an enterprise user sees no evaluation (404) until the public notice (a later part). A tender
whose documents fix 评定分离 is awarded through ``api_award`` (``…/award-decision``), not ``…/award``.
"""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Status

from zhengwu.core.errors import InvalidInput
from zhengwu.core.schemas import ErrorOut
from zhengwu.trading import selectors, services_evaluation
from zhengwu.trading.models import (
    Award,
    CandidateObjection,
    CandidatePublicity,
    EvaluatedBid,
    Evaluation,
    ExpertDrawMember,
    ScoreSheet,
    Section,
)
from zhengwu.trading.schemas_evaluation import (
    AwardIn,
    AwardOut,
    CandidateObjectionAnswerIn,
    CandidateObjectionIn,
    CandidateObjectionOut,
    ContractIn,
    EvaluatedBidOut,
    EvaluationIn,
    EvaluationOut,
    PublicityOut,
    PublicityTransitionIn,
    ScoreSheetIn,
    ScoreSheetOut,
)

router = Router(tags=["trading"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def bid_out(b: EvaluatedBid) -> EvaluatedBidOut:
    return EvaluatedBidOut(id=b.pk, bid_id=b.bid_id, bidder_name=b.bidder_name, price=_s(b.price), valid=b.valid,
                           rejection_code=b.rejection_code, rejection_reason=b.rejection_reason,
                           technical=_s(b.technical), business=_s(b.business), price_score=_s(b.price_score),
                           total=_s(b.total), rank=b.rank, recommended=b.recommended)


def evaluation_out(e: Evaluation) -> EvaluationOut:
    bids = sorted(e.bids.all(), key=lambda b: (b.rank is None, b.rank or 0, b.pk))
    publicity = CandidatePublicity.objects.filter(evaluation=e).first()
    tender = e.tender_section.tender
    return EvaluationOut(
        id=e.pk, tender_id=e.tender_section.tender_id, section_id=e.tender_section.section_id, method=e.method,
        status=e.status, params=e.params, control_price=_s(e.control_price), base_price=_s(e.base_price),
        award_mode=tender.award_mode, decision_method=tender.decision_method,
        bids=[bid_out(b) for b in bids],
        # ranked: 1..3 in rank order; 评定分离: the recommended bids, unranked, in opening order
        candidates=[bid_out(b) for b in services_evaluation.candidates(e)],
        reported_at=e.reported_at, report_digest=e.report_digest,
        publicity_id=publicity.pk if publicity else None, publicity_status=publicity.status if publicity else None)


def sheet_out(s: ScoreSheet) -> ScoreSheetOut:
    return ScoreSheetOut(id=s.pk, evaluation_id=s.evaluation_id, member_id=s.member_id, expert_id=s.expert_id,
                         bid_id=s.evaluated_bid.bid_id, technical=str(s.technical), business=str(s.business),
                         submitted_at=s.submitted_at, digest=s.digest, verified=services_evaluation.sheet_verify(s))


def publicity_out(p: CandidatePublicity) -> PublicityOut:
    return PublicityOut(id=p.pk, evaluation_id=p.evaluation_id, status=p.status, version=p.version,
                        published_at=p.published_at, closed_at=p.closed_at)


def objection_out(o: CandidateObjection) -> CandidateObjectionOut:
    return CandidateObjectionOut.model_validate(o, from_attributes=True)


def award_out(a: Award) -> AwardOut:
    return AwardOut(id=a.pk, evaluation_id=a.evaluation_id, bid_id=a.winner.bid_id, bidder_name=a.winner.bidder_name,
                    winner_rank=a.winner_rank, price=str(a.price), reason=a.reason,
                    notice_issued_at=a.notice_issued_at, contract_due_on=a.contract_due_on,
                    contract_signed_on=a.contract_signed_on)


def _evaluated_bid(evaluation: Evaluation, bid_id: int) -> EvaluatedBid:
    found = EvaluatedBid.objects.filter(evaluation=evaluation, bid_id=bid_id).first()
    if found is None:
        raise InvalidInput(f"本次评标没有投标文件 {bid_id}。", field="bid_id", code="not_in_evaluation")
    return found


@router.post("/evaluations", response={201: EvaluationOut, **ERRORS})
def evaluation_create(request: HttpRequest, data: EvaluationIn):
    tender = selectors.tender_get(user=request.user, pk=data.tender_id)
    section = Section.objects.filter(pk=data.section_id, project_id=tender.project_id).first()
    if section is None:
        raise InvalidInput(f"本次招标不包含标段 {data.section_id}。", field="section_id", code="section_not_in_tender")
    evaluation = services_evaluation.evaluation_create(actor=request.user, tender=tender, section=section,
                                                       method=data.method, params=data.params)
    return Status(201, evaluation_out(selectors.evaluation_get(user=request.user, pk=evaluation.pk)))


@router.get("/evaluations/{evaluation_id}", response={200: EvaluationOut, **ERRORS})
def evaluation_detail(request: HttpRequest, evaluation_id: int):
    return evaluation_out(selectors.evaluation_get(user=request.user, pk=evaluation_id))


@router.post("/evaluations/{evaluation_id}/score-sheets", response={201: ScoreSheetOut, **ERRORS})
def score_sheet_submit(request: HttpRequest, evaluation_id: int, data: ScoreSheetIn):
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    member = ExpertDrawMember.objects.select_related("draw").filter(pk=data.member_id).first()
    if member is None:
        raise InvalidInput(f"评标委员会成员不存在:{data.member_id}。", field="member_id", code="not_a_member")
    sheet = services_evaluation.score_sheet_submit(
        actor=request.user, evaluation=evaluation, member=member, evaluated_bid=_evaluated_bid(evaluation, data.bid_id),
        technical=data.technical, business=data.business, comment=data.comment)
    return Status(201, sheet_out(sheet))


@router.post("/evaluations/{evaluation_id}/report", response={200: EvaluationOut, **ERRORS})
def evaluation_report(request: HttpRequest, evaluation_id: int):
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    services_evaluation.evaluation_report(actor=request.user, evaluation=evaluation)
    return evaluation_out(selectors.evaluation_get(user=request.user, pk=evaluation_id))


@router.post("/evaluations/{evaluation_id}/publicity/transitions", response={200: PublicityOut, **ERRORS})
def publicity_transition(request: HttpRequest, evaluation_id: int, data: PublicityTransitionIn):
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    publicity = CandidatePublicity.objects.filter(evaluation=evaluation).first()
    if publicity is None:
        raise InvalidInput("评标报告提交后才有中标候选人公示。", field="action", code="no_publicity")
    return publicity_out(services_evaluation.publicity_transition(actor=request.user, publicity=publicity.pk,
                                                                  action=data.action,
                                                                  expected_version=data.version))


@router.post("/evaluations/{evaluation_id}/objections", response={201: CandidateObjectionOut, **ERRORS})
def candidate_objection_submit(request: HttpRequest, evaluation_id: int, data: CandidateObjectionIn):
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    publicity = CandidatePublicity.objects.filter(evaluation=evaluation).first()
    if publicity is None:
        raise InvalidInput("评标报告提交后才有中标候选人公示。", field="evaluation_id", code="no_publicity")
    objection = services_evaluation.candidate_objection_submit(
        actor=request.user, publicity=publicity, objector_name=data.objector_name, content=data.content)
    return Status(201, objection_out(objection))


@router.get("/candidate-objections/overdue", response={200: list[CandidateObjectionOut], **ERRORS})
def candidate_objections_overdue(request: HttpRequest, today: date | None = None):
    return [objection_out(o) for o in selectors.candidate_objections_overdue(user=request.user, today=today)]


@router.post("/candidate-objections/{objection_id}/answer", response={200: CandidateObjectionOut, **ERRORS})
def candidate_objection_answer(request: HttpRequest, objection_id: int, data: CandidateObjectionAnswerIn):
    objection = selectors.candidate_objection_get(user=request.user, pk=objection_id)
    return objection_out(services_evaluation.candidate_objection_answer(actor=request.user, objection=objection,
                                                                        answer=data.answer))


@router.post("/evaluations/{evaluation_id}/award", response={201: AwardOut, **ERRORS})
def award_decide(request: HttpRequest, evaluation_id: int, data: AwardIn):
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    chosen = _evaluated_bid(evaluation, data.bid_id) if data.bid_id is not None else None
    award = services_evaluation.award_decide(actor=request.user, evaluation=evaluation, evaluated_bid=chosen,
                                             reason=data.reason)
    return Status(201, award_out(award))


@router.get("/awards/contracts-overdue", response={200: list[AwardOut], **ERRORS})
def contracts_overdue(request: HttpRequest, today: date | None = None):
    return [award_out(a) for a in selectors.contracts_overdue(user=request.user, today=today).select_related("winner")]


@router.post("/awards/{award_id}/contract", response={200: AwardOut, **ERRORS})
def award_contract_signed(request: HttpRequest, award_id: int, data: ContractIn):
    award = selectors.award_get(user=request.user, pk=award_id)
    return award_out(services_evaluation.award_contract_signed(actor=request.user, award=award,
                                                               signed_on=data.signed_on))
