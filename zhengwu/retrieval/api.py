"""The retrieval API (a ninja Router mounted at /api/v1/retrieval/): the catalog, requesters, requests, the
subject's consent (by one-time code, or from the subject's account) and withdrawal, the department inbox and
answers, the requester's reads, the public verification and the figures. Each endpoint parses, calls one
service or selector, and renders; refusals are AppErrors in the platform's one error format."""

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhengwu.core.errors import NotFound
from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.retrieval import selectors, services, services_answers
from zhengwu.retrieval.choices import VerifyResult
from zhengwu.retrieval.permissions import ANSWER, CONSENT, MANAGE, VIEW
from zhengwu.retrieval.rendering import (
    inbox_item_dict,
    info_type_dict,
    request_detail_dict,
    request_dict,
    requester_dict,
)
from zhengwu.retrieval.schemas import (
    AccessLogOut,
    AnswerIn,
    AnswerOut,
    ConsentDecisionIn,
    ConsentTermsOut,
    DecisionOut,
    FiguresOut,
    InboxItemOut,
    InfoTypeIn,
    InfoTypeOut,
    ItemOut,
    ReasonIn,
    RequestDetailOut,
    RequesterIn,
    RequesterOut,
    RequestIn,
    RequestPageOut,
    ScenarioOut,
    SubjectDecisionIn,
    VerifyIn,
    VerifyOut,
)

router = Router(tags=["retrieval"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut,
          422: ErrorOut}


def _reader(request: HttpRequest) -> None:
    if not any(request.user.has_perm(p) for p in (VIEW, "retrieval.request", ANSWER, CONSENT)):
        require(request.user, VIEW)


# --- catalog and requesters ---------------------------------------------------------------------------------

@router.get("/scenarios", response={200: list[ScenarioOut], **ERRORS})
def scenario_list(request: HttpRequest):
    _reader(request)
    return [{"id": s.pk, "code": s.code, "name": s.name} for s in selectors.scenarios()]


@router.get("/types", response={200: list[InfoTypeOut], **ERRORS})
def info_type_list(request: HttpRequest, all: bool = False):
    _reader(request)
    return [info_type_dict(t) for t in selectors.info_types(active_only=not all)]


@router.post("/types", response={201: InfoTypeOut, **ERRORS})
def info_type_create(request: HttpRequest, data: InfoTypeIn):
    values = data.dict()
    t = services.info_type_create(actor=request.user, department=values.pop("department_id"),
                                  scenarios=values.pop("scenario_ids"), **values)
    return Status(201, info_type_dict(selectors.info_type_get(pk=t.pk)))


@router.get("/requesters", response={200: list[RequesterOut], **ERRORS})
def requester_list(request: HttpRequest):
    require(request.user, MANAGE)
    return [requester_dict(r) for r in selectors.requesters_visible_to(request.user)]


@router.post("/requesters", response={201: RequesterOut, **ERRORS})
def requester_register(request: HttpRequest, data: RequesterIn):
    return Status(201, requester_dict(services.requester_register(actor=request.user, **data.dict())))


@router.post("/requesters/{pk}/{action}", response={200: RequesterOut, **ERRORS})
def requester_transition(request: HttpRequest, pk: int, action: str, data: ReasonIn):
    handlers = {"suspend": services.requester_suspend, "reinstate": services.requester_reinstate}
    if action not in handlers:
        raise NotFound("未知的操作。")
    handlers[action](actor=request.user, requester=pk, reason=data.reason)
    return requester_dict(selectors.requesters_visible_to(request.user).get(pk=pk))


# --- requests -----------------------------------------------------------------------------------------------

@router.get("/requests", response={200: RequestPageOut, **ERRORS})
def request_list(request: HttpRequest, status: str = "", scenario: int | None = None, q: str = "",
                 limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    _reader(request)
    qs = selectors.request_list(user=request.user, status=status, scenario=scenario, q=q)
    return {"count": qs.count(), "items": [request_dict(r) for r in qs[offset:offset + limit]]}


@router.post("/requests", response={201: RequestDetailOut, **ERRORS})
def request_create(request: HttpRequest, data: RequestIn):
    created = services.request_create(actor=request.user, **data.dict())
    return Status(201, request_detail_dict(selectors.request_get(user=request.user, pk=created.pk)))


@router.get("/requests/{pk}", response={200: RequestDetailOut, **ERRORS})
def request_detail(request: HttpRequest, pk: int):
    return request_detail_dict(selectors.request_get(user=request.user, pk=pk))


@router.get("/requests/{pk}/answers/{item}", response={200: AnswerOut, 410: ErrorOut, **ERRORS})
def answer_read(request: HttpRequest, pk: int, item: int):
    """Read one answer (audited). 410 once it expired or consent was withdrawn."""
    req = selectors.request_get(user=request.user, pk=pk)
    if not req.items.filter(pk=item).exists():
        raise NotFound("对象不存在或不在您的数据范围内。")
    return services_answers.answer_read(actor=request.user, item=item)


# --- consent ------------------------------------------------------------------------------------------------

@router.get("/consent/{code}", response={200: ConsentTermsOut, **ERRORS}, auth=None)
def consent_terms(request: HttpRequest, code: str):
    """What the subject is asked to agree to (no login: the one-time code is the key)."""
    c = services.consent_by_code(code=code)
    return {"request_number": c.request.number, "recipient_name": c.recipient_name,
            "recipient_credit_code": c.recipient_credit_code, "purpose": c.purpose,
            "scenario": c.request.scenario.name, "scope": c.scope, "valid_days": c.valid_days,
            "code_expires_at": c.code_expires_at, "identity_hint": services.identity_hint(c)}


@router.post("/consent/{code}", response={200: DecisionOut, **ERRORS}, auth=None)
def consent_decide(request: HttpRequest, code: str, data: ConsentDecisionIn):
    """The subject decides with the code and the identity check. A used code is 409, an expired or unknown one
    410 (field ``code``)."""
    done = services.consent_decide_by_code(code=code, identity=data.identity, decision=data.decision)
    return {"request_number": done.number, "status": done.status}


@router.get("/mine", response={200: list[RequestDetailOut], **ERRORS})
def mine(request: HttpRequest):
    require(request.user, CONSENT)
    return [request_detail_dict(r) for r in selectors.requests_about(request.user).order_by("-submitted_at")[:200]]


@router.get("/mine/{pk}/access-log", response={200: list[AccessLogOut], **ERRORS})
def access_log(request: HttpRequest, pk: int):
    require(request.user, CONSENT)
    req = selectors.requests_about(request.user).filter(pk=pk).first()
    if req is None:
        raise NotFound("对象不存在或不在您的数据范围内。")
    return selectors.access_log(req)


@router.post("/mine/{pk}/decide", response={200: DecisionOut, **ERRORS})
def subject_decide(request: HttpRequest, pk: int, data: SubjectDecisionIn):
    done = services.consent_decide_as_subject(actor=request.user, request=pk, decision=data.decision)
    return {"request_number": done.number, "status": done.status}


@router.post("/mine/{pk}/withdraw", response={200: DecisionOut, **ERRORS})
def subject_withdraw(request: HttpRequest, pk: int, data: ReasonIn):
    done = services.consent_withdraw(actor=request.user, request=pk, reason=data.reason)
    return {"request_number": done.number, "status": done.status}


# --- the department -----------------------------------------------------------------------------------------

@router.get("/inbox", response={200: list[InboxItemOut], **ERRORS})
def inbox(request: HttpRequest, status: str = "open", limit: int = Query(100, ge=1, le=500),
          offset: int = Query(0, ge=0)):
    require(request.user, ANSWER)
    return [inbox_item_dict(i) for i in selectors.inbox(user=request.user, status=status)[offset:offset + limit]]


@router.post("/items/{pk}/answer", response={200: ItemOut, **ERRORS})
def item_answer(request: HttpRequest, pk: int, data: AnswerIn):
    done = services_answers.item_answer(actor=request.user, item=pk, found=data.found, summary=data.summary,
                                        details=data.details)
    from zhengwu.retrieval.rendering import item_dict

    return item_dict(selectors.item_get(user=request.user, pk=done.pk))


# --- verification and figures -------------------------------------------------------------------------------

@router.post("/verify", response={200: VerifyOut, **ERRORS}, auth=None)
def verify(request: HttpRequest, data: VerifyIn):
    """Anyone checks an answer by number and digest (audited; no content)."""
    result = services_answers.answer_verify(actor=request.user, number=data.number, digest=data.digest)
    return {"result": result, "label": str(VerifyResult(result).label)}


@router.get("/figures", response={200: FiguresOut, **ERRORS})
def figures(request: HttpRequest, start: date | None = None, end: date | None = None):
    require(request.user, VIEW)
    return selectors.figures(user=request.user, start=start, end=end)
