"""The intermediary API (a ninja Router mounted at /api/v1/intermediary/): the public service list and deals,
agencies, purchases with answers, selection, contract, completion and rating, the clean-up proposals and the
figures. Each endpoint parses, calls one service or selector, and renders; refusals are AppErrors in the
platform's one error format."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.intermediary import selectors, services
from zhengwu.intermediary.rendering import agency_dict, list_item_dict, purchase_dict, qualification_dicts
from zhengwu.intermediary.schemas import (
    AgencyDetailOut,
    AgencyIn,
    AgencyOut,
    AnswerIn,
    AnswerOut,
    CompleteIn,
    ContractIn,
    FiguresOut,
    GovernmentProjectOut,
    ProposalOut,
    PurchaseDetailOut,
    PurchaseIn,
    PurchaseOut,
    PurchasePageOut,
    QualificationIn,
    QualificationOut,
    RateIn,
    ReasonIn,
    ScoresIn,
    SelectIn,
    ServiceListItemOut,
)
from zhengwu.intermediary.workflow import AGENCY_WORKFLOW, PURCHASE_WORKFLOW

router = Router(tags=["intermediary"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _answer_out(a) -> dict:
    return {"id": a.pk, "agency_id": a.agency_id, "agency": a.agency.name, "price": a.price, "plan": a.plan,
            "score": a.score, "answered_at": a.answered_at}


def _purchase_detail(request: HttpRequest, pk: int) -> dict:
    purchase = selectors.purchase_get(user=request.user, pk=pk)
    rating = getattr(purchase, "rating", None) if purchase.status == "rated" else None
    return {**purchase_dict(purchase),
            "answers": [_answer_out(a) for a in purchase.answers.select_related("agency")],
            "actions": [t.name for t in PURCHASE_WORKFLOW.available(purchase, request.user)],
            "rating_stars": rating.stars if rating else None}


def _agency_detail(request: HttpRequest, pk: int) -> dict:
    agency = selectors.agency_get(user=request.user, pk=pk)
    return {**agency_dict(agency), "qualifications": qualification_dicts(agency),
            "actions": [t.name for t in AGENCY_WORKFLOW.available(agency, request.user)]}


@router.get("/service-list", response={200: list[ServiceListItemOut]}, auth=None)
def service_list(request: HttpRequest):
    """The public intermediary service list (清单): no login needed."""
    return [list_item_dict(i) for i in selectors.service_list()]


@router.get("/deals", response={200: list[PurchaseOut]}, auth=None)
def deals(request: HttpRequest, limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    """The published deals (成交公告): no login needed."""
    return [purchase_dict(p) for p in selectors.deals_published()[offset:offset + limit]]


@router.get("/agencies", response={200: list[AgencyOut], **ERRORS})
def agency_list(request: HttpRequest, status: str = "", service_type: int | None = None,
                department: int | None = None, q: str = ""):
    require(request.user, "intermediary.view")
    return [agency_dict(a) for a in selectors.agency_list(user=request.user, status=status,
                                                          service_type=service_type, department=department, q=q)]


@router.post("/agencies", response={201: AgencyDetailOut, **ERRORS})
def agency_register(request: HttpRequest, data: AgencyIn):
    agency = services.agency_register(actor=request.user, credit_code=data.credit_code, name=data.name,
                                      department=data.department_id, service_types=data.service_type_ids,
                                      contact=data.contact)
    return Status(201, _agency_detail(request, agency.pk))


@router.get("/agencies/{pk}", response={200: AgencyDetailOut, **ERRORS})
def agency_detail(request: HttpRequest, pk: int):
    return _agency_detail(request, pk)


@router.post("/agencies/{pk}/qualifications", response={201: QualificationOut, **ERRORS})
def qualification_add(request: HttpRequest, pk: int, data: QualificationIn):
    agency = selectors.agency_get(user=request.user, pk=pk)
    q = services.qualification_add(actor=request.user, agency=agency, **data.dict())
    return Status(201, {"id": q.pk, "name": q.name, "number": q.number, "valid_until": q.valid_until,
                        "expired": False})


@router.post("/agencies/{pk}/{action}", response={200: AgencyDetailOut, **ERRORS})
def agency_transition(request: HttpRequest, pk: int, action: str, data: ReasonIn):
    """suspend / reinstate / remove (清理), with the reason."""
    handlers = {"suspend": services.agency_suspend, "reinstate": services.agency_reinstate,
                "remove": services.agency_remove}
    if action not in handlers:
        from zhengwu.core.errors import NotFound

        raise NotFound("未知的操作。")
    handlers[action](actor=request.user, agency=pk, reason=data.reason)
    return _agency_detail(request, pk)


@router.get("/purchases", response={200: PurchasePageOut, **ERRORS})
def purchase_list(request: HttpRequest, status: str = "", service_type: int | None = None, method: str = "",
                  q: str = "", limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    require(request.user, "intermediary.view")
    qs = selectors.purchase_list(user=request.user, status=status, service_type=service_type, method=method, q=q)
    return {"count": qs.count(), "items": [purchase_dict(p) for p in qs[offset:offset + limit]]}


@router.post("/purchases", response={201: PurchaseDetailOut, **ERRORS})
def purchase_post(request: HttpRequest, data: PurchaseIn):
    values = data.dict()
    purchase = services.purchase_post(actor=request.user, owner=values.pop("owner_id"),
                                      service_type=values.pop("service_type_id"), **values)
    return Status(201, _purchase_detail(request, purchase.pk))


@router.get("/purchases/{pk}", response={200: PurchaseDetailOut, **ERRORS})
def purchase_detail(request: HttpRequest, pk: int):
    return _purchase_detail(request, pk)


@router.post("/purchases/{pk}/answers", response={201: AnswerOut, **ERRORS})
def answer_submit(request: HttpRequest, pk: int, data: AnswerIn):
    purchase = selectors.purchase_get(user=request.user, pk=pk)
    answer = services.answer_submit(actor=request.user, purchase=purchase, price=data.price, plan=data.plan,
                                    agency=data.agency_id)
    return Status(201, _answer_out(answer))


@router.post("/purchases/{pk}/scores", response={200: PurchaseDetailOut, **ERRORS})
def answers_score(request: HttpRequest, pk: int, data: ScoresIn):
    services.answers_score(actor=request.user, purchase=pk, scores=data.scores)
    return _purchase_detail(request, pk)


@router.post("/purchases/{pk}/select", response={200: PurchaseDetailOut, **ERRORS})
def purchase_select(request: HttpRequest, pk: int, data: SelectIn):
    services.purchase_select(actor=request.user, purchase=pk, answer=data.answer_id, seed=data.seed)
    return _purchase_detail(request, pk)


@router.post("/purchases/{pk}/contract", response={200: PurchaseDetailOut, **ERRORS})
def purchase_contract(request: HttpRequest, pk: int, data: ContractIn):
    services.purchase_contract(actor=request.user, purchase=pk, contract_date=data.contract_date)
    return _purchase_detail(request, pk)


@router.post("/purchases/{pk}/complete", response={200: PurchaseDetailOut, **ERRORS})
def purchase_complete(request: HttpRequest, pk: int, data: CompleteIn):
    services.purchase_complete(actor=request.user, purchase=pk, completed_on=data.completed_on)
    return _purchase_detail(request, pk)


@router.post("/purchases/{pk}/rate", response={200: PurchaseDetailOut, **ERRORS})
def purchase_rate(request: HttpRequest, pk: int, data: RateIn):
    services.purchase_rate(actor=request.user, purchase=pk, stars=data.stars, comment=data.comment)
    return _purchase_detail(request, pk)


@router.get("/proposals", response={200: list[ProposalOut], **ERRORS})
def proposal_list(request: HttpRequest, status: str = ""):
    require(request.user, "intermediary.manage")
    qs = selectors.proposals_visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    return [{"id": p.pk, "agency_id": p.agency_id, "agency": p.agency.name, "status": p.status,
             "reasons": p.reasons, "detail": p.detail, "review_date": p.review_date,
             "decision_reason": p.decision_reason} for p in qs]


@router.post("/proposals/run", response={200: list[ProposalOut], **ERRORS})
def proposals_run(request: HttpRequest):
    made = services.removal_review_run(actor=request.user)
    return [{"id": p.pk, "agency_id": p.agency_id, "agency": p.agency.name, "status": p.status,
             "reasons": p.reasons, "detail": p.detail, "review_date": p.review_date, "decision_reason": ""}
            for p in made]


@router.post("/proposals/{pk}/accept", response={200: dict, **ERRORS})
def proposal_accept(request: HttpRequest, pk: int, data: ReasonIn):
    p = services.proposal_accept(actor=request.user, proposal=pk, reason=data.reason)
    return {"id": p.pk, "status": p.status}


@router.post("/proposals/{pk}/reject", response={200: dict, **ERRORS})
def proposal_reject(request: HttpRequest, pk: int, data: ReasonIn):
    p = services.proposal_reject(actor=request.user, proposal=pk, reason=data.reason)
    return {"id": p.pk, "status": p.status}


@router.get("/government-projects-outside", response={200: list[GovernmentProjectOut], **ERRORS})
def government_projects_outside(request: HttpRequest):
    """Government-invested projects (approvals) with no purchase here: they bought outside the supermarket."""
    require(request.user, "intermediary.view")
    return selectors.government_projects_outside(user=request.user)


@router.get("/figures", response={200: FiguresOut, **ERRORS})
def figures(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)):
    require(request.user, "intermediary.view")
    return selectors.figures(user=request.user, year=year)
