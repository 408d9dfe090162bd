"""The small-projects API (a ninja Router mounted at /api/v1/smallprojects/): the registry, its records, the
checkpoints, the alerts and the figures. Each endpoint parses, calls one service or selector, and renders;
refusals are AppErrors in the platform's one error format ({code, message, field, details})."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.smallprojects import alerts, selectors, services
from zhengwu.smallprojects.rendering import alert_dict, project_dict
from zhengwu.smallprojects.schemas import (
    AcceptanceIn,
    AcceptanceOut,
    AlertOut,
    AlertsRunOut,
    ChangeIn,
    ChangeOut,
    ContractIn,
    FiguresOut,
    PaymentIn,
    PaymentOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectPageOut,
)
from zhengwu.smallprojects.workflow import buttons

router = Router(tags=["smallprojects"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _detail(request: HttpRequest, pk: int) -> ProjectDetailOut:
    project = selectors.small_project_get(user=request.user, pk=pk)
    alerts_ = [alert_dict(a) for a in selectors.project_alerts(user=request.user, project=project)]
    return ProjectDetailOut(
        **project_dict(project, alerts=alerts_),
        checkpoints=[dict(key=c.key, label=str(c.label), state=c.state, detail=c.detail)
                     for c in selectors.checkpoints(project)],
        changes=list(project.changes.all()), payments=list(project.payments.all()),
        acceptances=list(project.acceptances.all()),
        actions=[t.name for t in buttons(project, request.user)])


@router.get("/projects", response={200: ProjectPageOut, **ERRORS})
def project_list(request: HttpRequest, township: int | None = None, village: int | None = None,
                 category: str = "", status: str = "", q: str = "", rule: str = "",
                 limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    """The registry, filtered; each project with its alerts (for users who read supervision)."""
    require(request.user, "smallprojects.view")
    qs = selectors.small_project_list(user=request.user, township=township, village=village, category=category,
                                      status=status, q=q, rule=rule)
    rows = list(qs[offset:offset + limit])
    links: dict[int, list] = {}
    for link in selectors.alerts_visible_to(request.user).filter(project__in=[p.pk for p in rows]):
        links.setdefault(link.project_id, []).append(alert_dict(link))
    return {"count": qs.count(), "items": [project_dict(p, alerts=links.get(p.pk, [])) for p in rows]}


@router.post("/projects", response={201: ProjectDetailOut, **ERRORS})
def project_register(request: HttpRequest, data: ProjectIn):
    project = services.small_project_register(actor=request.user, owner_region=data.owner_region_id,
                                              **data.dict(exclude={"owner_region_id"}))
    return Status(201, _detail(request, project.pk))


@router.get("/projects/{pk}", response={200: ProjectDetailOut, **ERRORS})
def project_detail(request: HttpRequest, pk: int):
    return _detail(request, pk)


@router.post("/projects/{pk}/contract", response={200: ProjectDetailOut, **ERRORS})
def contract_record(request: HttpRequest, pk: int, data: ContractIn):
    values = data.dict()
    services.contract_record(actor=request.user, project=selectors.small_project_get(user=request.user, pk=pk),
                             contractor=values.pop("contractor_id"), **values)
    return _detail(request, pk)


@router.post("/projects/{pk}/start", response={200: ProjectDetailOut, **ERRORS})
def project_start(request: HttpRequest, pk: int):
    services.project_start(actor=request.user, project=pk)
    return _detail(request, pk)


@router.post("/projects/{pk}/changes", response={201: ChangeOut, **ERRORS})
def change_record(request: HttpRequest, pk: int, data: ChangeIn):
    project = selectors.small_project_get(user=request.user, pk=pk)
    return Status(201, services.change_order_record(actor=request.user, project=project, **data.dict()))


@router.post("/projects/{pk}/payments", response={201: PaymentOut, **ERRORS})
def payment_record(request: HttpRequest, pk: int, data: PaymentIn):
    project = selectors.small_project_get(user=request.user, pk=pk)
    return Status(201, services.payment_record(actor=request.user, project=project, **data.dict()))


@router.post("/projects/{pk}/acceptances", response={201: AcceptanceOut, **ERRORS})
def acceptance_record(request: HttpRequest, pk: int, data: AcceptanceIn):
    project = selectors.small_project_get(user=request.user, pk=pk)
    return Status(201, services.acceptance_record(actor=request.user, project=project, **data.dict()))


@router.get("/alerts", response={200: list[AlertOut], **ERRORS})
def alert_list(request: HttpRequest, rule: str = "", status: str = "", limit: int = Query(200, ge=1, le=1000)):
    """The alerts on the projects this user sees (one row per flag)."""
    require(request.user, "smallprojects.view")
    qs = selectors.alerts_visible_to(request.user)
    if rule:
        qs = qs.filter(rule=rule)
    if status:
        qs = qs.filter(flag__status=status)
    seen, result = set(), []
    for link in qs.order_by("-flag__detected_at", "flag_id", "id"):
        if link.flag_id not in seen:
            seen.add(link.flag_id)
            result.append(alert_dict(link))
            if len(result) >= limit:
                break
    return result


@router.post("/alerts/run", response={200: AlertsRunOut, **ERRORS})
def alerts_run(request: HttpRequest):
    return AlertsRunOut(created=alerts.alerts_run(actor=request.user))


@router.get("/figures", response={200: FiguresOut, **ERRORS})
def figures(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)):
    require(request.user, "smallprojects.view")
    return selectors.figures(user=request.user, year=year)
