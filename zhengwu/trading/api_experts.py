"""The expert database and the draw: ``/api/v1/trading/experts…`` and ``…/expert-draws…``.

Parse, call one service or selector, render. Experts and draws are read by trading staff and
supervisors (anyone else gets an empty list or a 404); staff register experts and draw.
"""

from datetime import date

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhengwu.core.errors import InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.org.models import Department
from zhengwu.trading import selectors, services_experts
from zhengwu.trading.models import Expert, ExpertDraw, Section
from zhengwu.trading.schemas_experts import (
    DrawIn,
    DrawMemberOut,
    DrawOut,
    DrawRoundOut,
    ExpertIn,
    ExpertOut,
    ExpertTransitionIn,
    ProvincialShareOut,
    ReplacementIn,
    SpecialtyOut,
)

router = Router(tags=["trading"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def expert_out(e: Expert) -> ExpertOut:
    return ExpertOut(id=e.pk, name=e.name, status=e.status, status_label=e.get_status_display(), version=e.version,
                     specialties=sorted(s.code for s in e.specialties.all()), source=e.source,
                     employer_id=e.employer_id, employer_name=e.employer_name, department_id=e.department_id,
                     region=e.region, title=e.title, credit_score=e.credit_score,
                     id_number_masked=e.person.id_number_masked if e.person_id else "")


def draw_out(d: ExpertDraw) -> DrawOut:
    rounds = sorted(d.rounds.all(), key=lambda r: r.number)
    number = {r.pk: r.number for r in rounds}
    members = sorted(d.members.all(), key=lambda m: m.position)
    return DrawOut(
        id=d.pk, tender_id=d.tender_section.tender_id, section_id=d.tender_section.section_id,
        committee_size=d.committee_size, representatives=d.representatives, expert_count=d.expert_count,
        expert_share=str(services_experts.expert_share(d)), requirements=d.requirements,
        local_allowed=d.local_allowed, rules=d.rules, created_at=d.created_at,
        rounds=[DrawRoundOut.model_validate(r, from_attributes=True) for r in rounds],
        members=[DrawMemberOut(id=m.pk, round=number[m.round_id], position=m.position, expert_id=m.expert_id,
                               expert_name=m.expert.name, specialty=m.specialty.code, source=m.source,
                               serving=m.serving, replaced_at=m.replaced_at, replacement_cause=m.replacement_cause,
                               replacement_reason=m.replacement_reason, replaced_by_id=m.replaced_by_id)
                 for m in members])


@router.get("/specialties", response={200: list[SpecialtyOut], **ERRORS})
def specialty_list(request: HttpRequest):
    require(request.user, "trading.view_experts")
    return [SpecialtyOut(code=s.code, name=s.name) for s in selectors.specialty_list()]


@router.get("/experts", response={200: list[ExpertOut], **ERRORS})
@paginate(LimitOffsetPagination)
def expert_list(request: HttpRequest, specialty: str = "", status: str = "", source: str = ""):
    require(request.user, "trading.view_experts")
    return [expert_out(e) for e in selectors.expert_list(user=request.user, specialty=specialty, status=status,
                                                         source=source).select_related("person")]


@router.post("/experts", response={201: ExpertOut, **ERRORS})
def expert_register(request: HttpRequest, data: ExpertIn):
    department = None
    if data.department_id is not None:
        department = Department.objects.filter(pk=data.department_id).first()
        if department is None:
            raise InvalidInput(f"部门不存在:{data.department_id}。", field="department_id", code="unknown_reference")
    expert = services_experts.expert_register(
        actor=request.user, name=data.name, specialties=data.specialties, source=data.source,
        employer=data.employer.dict() if data.employer else None, employer_name=data.employer_name,
        department=department, region=data.region, title=data.title, credit_score=data.credit_score,
        declared_conflicts=[d.dict() for d in data.declared_conflicts], id_number=data.id_number, phone=data.phone)
    return Status(201, expert_out(expert))


@router.post("/experts/{expert_id}/transitions", response={200: ExpertOut, **ERRORS})
def expert_transition(request: HttpRequest, expert_id: int, data: ExpertTransitionIn):
    expert = services_experts.expert_transition(actor=request.user, expert=expert_id, action=data.action,
                                                reason=data.reason, expected_version=data.version)
    return expert_out(selectors.expert_get(user=request.user, pk=expert.pk))


@router.post("/expert-draws", response={201: DrawOut, **ERRORS})
def expert_draw_create(request: HttpRequest, data: DrawIn):
    require(request.user, "trading.draw_experts")
    tender = selectors.tender_get(user=request.user, pk=data.tender_id)
    section = Section.objects.filter(pk=data.section_id, project_id=tender.project_id).first()
    if section is None:
        raise InvalidInput(f"本次招标不包含标段 {data.section_id}。", field="section_id", code="section_not_in_tender")
    draw = services_experts.expert_draw_create(actor=request.user, tender=tender, section=section,
                                               committee_size=data.committee_size,
                                               representatives=data.representatives, requirements=data.requirements)
    return Status(201, draw_out(selectors.expert_draw_get(user=request.user, pk=draw.pk)))


@router.get("/expert-draws/provincial-share", response={200: ProvincialShareOut, **ERRORS})
def provincial_share(request: HttpRequest, date_from: date | None = None, date_to: date | None = None):
    require(request.user, "trading.view_experts")
    return ProvincialShareOut(**selectors.provincial_share(user=request.user, date_from=date_from, date_to=date_to))


@router.get("/expert-draws/{draw_id}", response={200: DrawOut, **ERRORS})
def expert_draw_detail(request: HttpRequest, draw_id: int):
    return draw_out(selectors.expert_draw_get(user=request.user, pk=draw_id))


@router.post("/expert-draws/{draw_id}/members/{member_id}/replacement", response={201: DrawOut, **ERRORS})
def expert_draw_replace(request: HttpRequest, draw_id: int, member_id: int, data: ReplacementIn):
    require(request.user, "trading.draw_experts")
    member = selectors.expert_draw_member_get(user=request.user, pk=member_id)
    if member.draw_id != draw_id:
        raise InvalidInput(f"专家 {member_id} 不属于抽取 {draw_id}。", field="member_id", code="not_in_draw")
    services_experts.expert_draw_replace(actor=request.user, member=member, cause=data.cause, reason=data.reason)
    return Status(201, draw_out(selectors.expert_draw_get(user=request.user, pk=draw_id)))
