"""The enterprise API (a ninja Router mounted at /api/v1/enterprise/): demands and their transitions, the
assignments, consultations and their tasks, sections and coverage, liaison visits and the figures. Each endpoint
parses, calls one service or selector and renders; refusals are AppErrors naming the field."""

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhengwu.core.errors import InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.enterprise import selectors, services
from zhengwu.enterprise.rendering import consultation_dict, demand_detail_dict, demand_dict, visit_dict
from zhengwu.enterprise.schemas import (
    AnswerIn,
    AssignmentAnswerIn,
    AssignmentOut,
    ClassifyIn,
    ConsultationIn,
    ConsultationOut,
    CoverageOut,
    DemandDetailOut,
    DemandIn,
    DemandPageOut,
    FiguresOut,
    RateIn,
    ReasonIn,
    RouteIn,
    TaskDoneIn,
    TaskOut,
    VisitIn,
    VisitOut,
)

router = Router(tags=["enterprise"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _detail(request: HttpRequest, pk: int) -> dict:
    return demand_detail_dict(selectors.demand_get(user=request.user, pk=pk), user=request.user)


def _visible(request: HttpRequest, pk: int) -> int:
    return selectors.demand_get(user=request.user, pk=pk).pk


@router.get("/demands", response={200: DemandPageOut, **ERRORS})
def demand_list(request: HttpRequest, status: str = "", section: int | None = None, channel: str = "",
                department: int | None = None, overdue: bool = False, q: str = "",
                date_from: dt.date | None = None, date_to: dt.date | None = None,
                limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    qs = selectors.demand_list(user=request.user, status=status, section=section, channel=channel,
                               department=department, overdue=overdue, q=q, date_from=date_from, date_to=date_to)
    return {"count": qs.count(), "items": [demand_dict(d) for d in qs[offset:offset + limit]]}


@router.post("/demands", response={201: DemandDetailOut, **ERRORS})
def demand_raise(request: HttpRequest, data: DemandIn):
    values = data.dict()
    demand = services.demand_raise(actor=request.user, node=values.pop("node_id"), **values)
    return Status(201, _detail(request, demand.pk))


@router.get("/demands/{pk}", response={200: DemandDetailOut, **ERRORS})
def demand_detail(request: HttpRequest, pk: int):
    return _detail(request, pk)


@router.post("/demands/{pk}/classify", response={200: DemandDetailOut, **ERRORS})
def demand_classify(request: HttpRequest, pk: int, data: ClassifyIn):
    services.demand_classify(actor=request.user, demand=_visible(request, pk), section=data.section_id,
                             demand_class=data.demand_class)
    return _detail(request, pk)


@router.post("/demands/{pk}/route", response={200: DemandDetailOut, **ERRORS})
def demand_route(request: HttpRequest, pk: int, data: RouteIn):
    services.demand_route(actor=request.user, demand=_visible(request, pk), lead_department=data.lead_department_id,
                          lead_part=data.lead_part, assisting=[a.dict() for a in data.assisting],
                          demand_class=data.demand_class)
    return _detail(request, pk)


@router.post("/demands/{pk}/answer", response={200: DemandDetailOut, **ERRORS})
def demand_answer(request: HttpRequest, pk: int, data: AnswerIn):
    services.demand_answer(actor=request.user, demand=_visible(request, pk), content=data.content)
    return _detail(request, pk)


@router.post("/demands/{pk}/rate", response={200: DemandDetailOut, **ERRORS})
def demand_rate(request: HttpRequest, pk: int, data: RateIn):
    services.demand_rate(actor=request.user, demand=_visible(request, pk), rating=data.rating, comment=data.comment)
    return _detail(request, pk)


@router.post("/demands/{pk}/reopen", response={200: DemandDetailOut, **ERRORS})
def demand_reopen(request: HttpRequest, pk: int, data: ReasonIn):
    services.demand_reopen(actor=request.user, demand=_visible(request, pk), reason=data.reason)
    return _detail(request, pk)


@router.post("/assignments/{pk}/answer", response={200: AssignmentOut, **ERRORS})
def assignment_answer(request: HttpRequest, pk: int, data: AssignmentAnswerIn):
    row = services.assignment_answer(actor=request.user, assignment=selectors.assignment_get(user=request.user, pk=pk),
                                     answer=data.answer)
    return {**row.__dict__, "department": row.department.name}


@router.post("/assignments/{pk}/waive", response={200: AssignmentOut, **ERRORS})
def assignment_waive(request: HttpRequest, pk: int, data: ReasonIn):
    row = services.assignment_waive(actor=request.user, assignment=selectors.assignment_get(user=request.user, pk=pk),
                                    reason=data.reason)
    return {**row.__dict__, "department": row.department.name}


@router.post("/consultations", response={201: ConsultationOut, **ERRORS})
def consultation_convene(request: HttpRequest, data: ConsultationIn):
    if data.held_on is None:
        raise InvalidInput("请填写会商日期。", field="held_on", code="required")
    meeting = services.consultation_convene(
        actor=request.user, demand=selectors.demand_get(user=request.user, pk=data.demand_id), held_on=data.held_on,
        record=data.record, decisions=data.decisions, departments=data.department_ids, attendees=data.attendees,
        tasks=[t.dict() for t in data.tasks])
    return Status(201, consultation_dict(meeting))


@router.get("/consultations/{pk}", response={200: ConsultationOut, **ERRORS})
def consultation_detail(request: HttpRequest, pk: int):
    return consultation_dict(selectors.consultation_get(user=request.user, pk=pk))


@router.get("/tasks/overdue", response={200: list[TaskOut], **ERRORS})
def tasks_overdue(request: HttpRequest):
    require(request.user, "enterprise.view")
    return list(selectors.tasks_overdue(user=request.user))


@router.post("/tasks/{pk}/done", response={200: TaskOut, **ERRORS})
def task_done(request: HttpRequest, pk: int, data: TaskDoneIn):
    return services.task_done(actor=request.user, task=selectors.task_get(user=request.user, pk=pk), note=data.note)


@router.get("/coverage", response={200: CoverageOut, **ERRORS})
def coverage(request: HttpRequest):
    require(request.user, "enterprise.view")
    data = selectors.coverage()
    data["missing"] = [{"id": i.pk, "code": i.code, "name": i.name, "department": i.department.name}
                       for i in data["missing"]]
    return data


@router.post("/visits", response={201: VisitOut, **ERRORS})
def visit_log(request: HttpRequest, data: VisitIn):
    if data.visited_on is None:
        raise InvalidInput("请填写走访日期。", field="visited_on", code="required")
    visit = services.visit_log(actor=request.user, enterprise=data.enterprise_id, visited_on=data.visited_on,
                               content=data.content, demands=[d.dict() for d in data.demands])
    return Status(201, visit_dict(visit))


@router.get("/visits", response={200: list[VisitOut], **ERRORS})
def visit_list(request: HttpRequest, limit: int = Query(100, ge=1, le=500)):
    require(request.user, "enterprise.liaison")
    return [visit_dict(v) for v in selectors.visits_visible_to(request.user).prefetch_related("demands")[:limit]]


@router.get("/figures", response={200: FiguresOut, **ERRORS})
def figures(request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None):
    require(request.user, "enterprise.view")
    return selectors.figures(user=request.user, date_from=date_from, date_to=date_to)
