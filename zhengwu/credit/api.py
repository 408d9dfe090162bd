"""The credit API (a ninja Router mounted at /api/v1/credit/).

Parse, call one service or selector, render. Readers hold ``credit.view``; the tendering party rates
(``credit.rate``, staff ``credit.rate_any``); staff and supervisors record penalties and behaviour records.
"""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhengwu.core.errors import InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.credit import selectors, services
from zhengwu.credit.choices import BanScope, PenaltyBasis
from zhengwu.credit.models import BehaviourRecord, ExpertPenalty, ExpertRating
from zhengwu.credit.schemas import (
    ExpertCreditDetailOut,
    ExpertCreditOut,
    PenaltyActionIn,
    PenaltyIn,
    PenaltyOut,
    RatingIn,
    RatingOut,
    RecordIn,
    RecordOut,
    RecordRevokeIn,
    ScorePointOut,
    SectionMemberOut,
    SectionRatingsOut,
    StatusEventOut,
)
from zhengwu.org.models import Department, Enterprise, Person
from zhengwu.trading.choices import ExpertStatus
from zhengwu.trading.models import TenderSection

router = Router(tags=["credit"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def rating_out(r: ExpertRating) -> RatingOut:
    penalty = getattr(r, "penalty", None)  # the reverse one-to-one raises an AttributeError when absent
    return RatingOut(id=r.pk, tender_section_id=r.tender_section_id, expert_id=r.expert_id,
                     expert_name=r.expert.name, punctuality=r.punctuality, diligence=r.diligence,
                     fairness=r.fairness, professional=r.professional, average=r.average, comment=r.comment,
                     tendering_enterprise_id=r.tendering_enterprise_id, on_behalf=r.on_behalf, rated_at=r.rated_at,
                     penalty_id=penalty.pk if penalty else None)


def penalty_out(p: ExpertPenalty) -> PenaltyOut:
    return PenaltyOut(id=p.pk, status=p.status, status_label=p.get_status_display(), expert_id=p.expert_id,
                      expert_name=p.expert.name, tender_section_id=p.tender_section_id, rating_id=p.rating_id,
                      basis=p.basis, basis_label=p.get_basis_display(), points=p.points, reason=p.reason,
                      occurred_on=p.occurred_on, recorded_at=p.recorded_at, effective_at=p.effective_at,
                      deducted=p.deducted, score_before=p.score_before, score_after=p.score_after,
                      suspended=p.suspended, decision_reason=p.decision_reason)


def record_out(r: BehaviourRecord) -> RecordOut:
    today = timezone.localdate()
    return RecordOut(
        id=r.pk, status=r.status, status_label=r.get_status_display(), enterprise_id=r.enterprise_id,
        enterprise_name=r.enterprise.name if r.enterprise_id else "",
        credit_code=r.enterprise.credit_code if r.enterprise_id else "", person_id=r.person_id,
        person_name=r.person.name if r.person_id else "", kind=r.kind, kind_label=r.get_kind_display(),
        scope=r.scope, scope_label=r.get_scope_display() if r.scope else "", title=r.title, reason=r.reason,
        legal_basis=r.legal_basis, department_id=r.department_id, department_name=r.department_name,
        document_number=r.document_number, effective_from=r.effective_from, effective_until=r.effective_until,
        in_force=r.effective_on(today), recorded_at=r.recorded_at, revoked_at=r.revoked_at,
        revoke_reason=r.revoke_reason)


def credit_out(e, year: int) -> ExpertCreditOut:
    return ExpertCreditOut(id=e.pk, name=e.name, status=e.status, status_label=e.get_status_display(),
                           credit_score=e.credit_score, ratings_count=e.ratings_count,
                           penalty_points=e.penalty_points, suspended=e.status != ExpertStatus.ACTIVE)


# --- ratings --------------------------------------------------------------------------------------------

@router.get("/sections/{tender_section_id}/ratings", response={200: SectionRatingsOut, **ERRORS})
def section_ratings(request: HttpRequest, tender_section_id: int):
    """The experts who served on a section and the rating each has (or none yet)."""
    section = selectors.section_for_rating(user=request.user, pk=tender_section_id)
    rated = {r.expert_id: r for r in ExpertRating.objects.filter(tender_section=section)
             .select_related("expert", "penalty")}
    evaluation = section.evaluation
    return SectionRatingsOut(
        tender_section_id=section.pk, tender_number=section.tender.number, section_name=str(section.section),
        project_name=section.tender.project.name, evaluation_status=evaluation.status,
        reported_at=evaluation.reported_at,
        members=[SectionMemberOut(member_id=m.pk, expert_id=m.expert_id, expert_name=m.expert.name,
                                  specialty=m.specialty.code,
                                  rating=rating_out(rated[m.expert_id]) if m.expert_id in rated else None)
                 for m in selectors.served_members(section)])


@router.post("/ratings", response={201: RatingOut, **ERRORS})
def rating_submit(request: HttpRequest, data: RatingIn):
    rating = services.rating_submit(actor=request.user, tender_section=data.tender_section_id, expert=data.expert_id,
                                    punctuality=data.punctuality, diligence=data.diligence, fairness=data.fairness,
                                    professional=data.professional, comment=data.comment)
    return Status(201, rating_out(ExpertRating.objects.select_related("expert", "penalty").get(pk=rating.pk)))


@router.get("/ratings", response={200: list[RatingOut], **ERRORS})
@paginate(LimitOffsetPagination)
def rating_list(request: HttpRequest, expert_id: int | None = None, tender_section_id: int | None = None):
    qs = selectors.ratings_visible_to(request.user).select_related("expert", "penalty")
    if expert_id:
        qs = qs.filter(expert_id=expert_id)
    if tender_section_id:
        qs = qs.filter(tender_section_id=tender_section_id)
    return [rating_out(r) for r in qs]


# --- penalties ------------------------------------------------------------------------------------------

@router.get("/penalties", response={200: list[PenaltyOut], **ERRORS})
@paginate(LimitOffsetPagination)
def penalty_list(request: HttpRequest, expert_id: int | None = None, status: str = ""):
    require(request.user, "credit.view")
    return [penalty_out(p) for p in selectors.penalty_list(user=request.user, expert=expert_id, status=status)]


@router.post("/penalties", response={201: PenaltyOut, **ERRORS})
def penalty_record(request: HttpRequest, data: PenaltyIn):
    require(request.user, "credit.manage_penalties")
    section = None
    if data.tender_section_id is not None:
        section = TenderSection.objects.filter(pk=data.tender_section_id).first()
        if section is None:
            raise InvalidInput(f"标段不存在:{data.tender_section_id}。", field="tender_section_id",
                               code="unknown_reference")
    penalty = services.penalty_record(actor=request.user, expert=data.expert_id, points=data.points,
                                      basis=data.basis, reason=data.reason, tender_section=section,
                                      occurred_on=data.occurred_on)
    return Status(201, penalty_out(selectors.penalty_get(user=request.user, pk=penalty.pk)))


@router.get("/penalties/{penalty_id}", response={200: PenaltyOut, **ERRORS})
def penalty_detail(request: HttpRequest, penalty_id: int):
    return penalty_out(selectors.penalty_get(user=request.user, pk=penalty_id))


@router.post("/penalties/{penalty_id}/{action}", response={200: PenaltyOut, **ERRORS})
def penalty_transition(request: HttpRequest, penalty_id: int, action: str, data: PenaltyActionIn):
    """``action``: confirm (a proposal), reject (a proposal, with a reason), revoke (with a reason)."""
    if action not in ("confirm", "reject", "revoke"):
        raise InvalidInput(f"未知的操作:{action}。", field="action", code="unknown_transition")
    services.penalty_transition(actor=request.user, penalty=penalty_id, action=action, reason=data.reason)
    return penalty_out(selectors.penalty_get(user=request.user, pk=penalty_id))


@router.get("/penalty-bases", response={200: dict[str, str], **ERRORS})
def penalty_bases(request: HttpRequest):
    require(request.user, "credit.view")
    return {value: str(label) for value, label in PenaltyBasis.choices if value != PenaltyBasis.LOW_RATING}


# --- expert credit --------------------------------------------------------------------------------------

@router.get("/experts", response={200: list[ExpertCreditOut], **ERRORS})
@paginate(LimitOffsetPagination)
def expert_credit_list(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100), q: str = "",
                       status: str = "",
                       penalized: bool = False):
    require(request.user, "credit.view")
    year = year or timezone.localdate().year
    return [credit_out(e, year) for e in selectors.expert_credit_list(user=request.user, year=year, q=q,
                                                                      status=status, penalized=penalized)]


@router.get("/experts/{expert_id}", response={200: ExpertCreditDetailOut, **ERRORS})
def expert_credit_detail(request: HttpRequest, expert_id: int, year: int | None = Query(None, ge=2000, le=2100)):
    require(request.user, "credit.view")
    year = year or timezone.localdate().year
    expert = selectors.expert_credit_list(user=request.user, year=year).filter(pk=expert_id).first()
    expert = expert or selectors.expert_credit_get(user=request.user, pk=expert_id)
    history = selectors.expert_credit_history(expert)
    return ExpertCreditDetailOut(
        **credit_out(expert, year).dict(), year=year,
        ratings=[rating_out(r) for r in history["ratings"]], penalties=[penalty_out(p) for p in history["penalties"]],
        status_events=[StatusEventOut(action=e.action, from_state=e.from_state, to_state=e.to_state, reason=e.reason,
                                      actor=e.actor_label, created_at=e.created_at) for e in history["status_events"]],
        series=[ScorePointOut(**p) for p in history["series"]])


# --- behaviour records ----------------------------------------------------------------------------------

@router.get("/behaviour-records", response={200: list[RecordOut], **ERRORS})
@paginate(LimitOffsetPagination)
def record_list(request: HttpRequest, kind: str = "", q: str = "", effective_on: date | None = None,
                enterprise_id: int | None = None, person_id: int | None = None):
    require(request.user, "credit.view")
    return [record_out(r) for r in selectors.behaviour_record_list(user=request.user, kind=kind, q=q,
                                                                   effective_on=effective_on,
                                                                   enterprise=enterprise_id, person=person_id)]


def _ref(model, pk, field):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(f"不存在:{pk}。", field=field, code="unknown_reference")
    return found


@router.post("/behaviour-records", response={201: RecordOut, **ERRORS})
def record_create(request: HttpRequest, data: RecordIn):
    require(request.user, "credit.manage_records")
    enterprise = _ref(Enterprise, data.enterprise_id, "enterprise_id")
    if enterprise is None and data.credit_code:
        enterprise = Enterprise.objects.filter(credit_code=data.credit_code.strip().upper()).first()
        if enterprise is None:
            raise InvalidInput(f"未登记的企业:{data.credit_code}。", field="credit_code", code="unknown_reference")
    if data.scope and data.scope not in BanScope.values:
        raise InvalidInput(f"未知的禁止范围:{data.scope}。", field="scope", code="bad_choice")
    record = services.behaviour_record_create(
        actor=request.user, enterprise=enterprise, person=_ref(Person, data.person_id, "person_id"), kind=data.kind,
        scope=data.scope, title=data.title, reason=data.reason, legal_basis=data.legal_basis,
        department=_ref(Department, data.department_id, "department_id"), department_name=data.department_name,
        document_number=data.document_number, effective_from=data.effective_from,
        effective_until=data.effective_until)
    return Status(201, record_out(selectors.behaviour_record_get(user=request.user, pk=record.pk)))


@router.get("/behaviour-records/{record_id}", response={200: RecordOut, **ERRORS})
def record_detail(request: HttpRequest, record_id: int):
    return record_out(selectors.behaviour_record_get(user=request.user, pk=record_id))


@router.post("/behaviour-records/{record_id}/revoke", response={200: RecordOut, **ERRORS})
def record_revoke(request: HttpRequest, record_id: int, data: RecordRevokeIn):
    services.behaviour_record_revoke(actor=request.user, record=record_id, reason=data.reason)
    return record_out(selectors.behaviour_record_get(user=request.user, pk=record_id))

