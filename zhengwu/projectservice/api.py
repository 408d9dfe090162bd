"""The projectservice API (a ninja Router mounted at /api/v1/projectservice/): assisted handling, the service
team's visits and issues, the factor guarantee library, the figures and the overdue lists. Each endpoint
parses, calls one service or selector, and renders; refusals are AppErrors in the platform's one error format
({code, message, field, details})."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.projectservice import selectors, services
from zhengwu.projectservice.permissions import VIEW
from zhengwu.projectservice.rendering import (
    action_dict,
    assignment_dict,
    factor_dict,
    issue_dict,
    project_dict,
    visit_dict,
)
from zhengwu.projectservice.schemas import (
    ActionIn,
    ActionOut,
    ActionPageOut,
    AgentOut,
    AssignIn,
    ConnectIn,
    FactorIn,
    FactorOut,
    FactorPageOut,
    FiguresOut,
    FollowUpIn,
    IssueIn,
    IssueOut,
    IssuePageOut,
    OverdueOut,
    ProblemIn,
    ProjectPageOut,
    PromiseIn,
    ReleaseIn,
    SupportOut,
    VisitIn,
    VisitOut,
    VisitPageOut,
)
from zhengwu.projectservice.workflow import FACTOR_WORKFLOW

router = Router(tags=["projectservice"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _factor(request: HttpRequest, need) -> dict:
    return factor_dict(need, actions=[t.name for t in FACTOR_WORKFLOW.available(need, request.user)])


@router.get("/projects", response={200: ProjectPageOut, **ERRORS})
def project_list(request: HttpRequest, q: str = "", township: int | None = None, agent: int | None = None,
                 has_agent: str = "", limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    """Investment projects the user sees, each with its active agent."""
    require(request.user, VIEW)
    qs = selectors.project_list(user=request.user, q=q, township=township, agent=agent, has_agent=has_agent)
    rows = list(qs[offset:offset + limit])
    agents = selectors.active_agents([p.pk for p in rows])
    return {"count": qs.count(), "items": [project_dict(p, agents.get(p.pk)) for p in rows]}


@router.get("/projects/{pk}/support", response={200: SupportOut, **ERRORS})
def project_support(request: HttpRequest, pk: int):
    """The agent, actions, visits, issues and factor needs of one project."""
    project = selectors.project_get(user=request.user, pk=pk)
    data = selectors.project_support(project=project)
    return {"project": project_dict(project, data["agent"]),
            "assignments": [assignment_dict(a) for a in data["assignments"]],
            "actions": [action_dict(a) for a in data["actions"]], "items_handled": data["items_handled"],
            "trips_saved": data["trips_saved"], "visits": [visit_dict(v) for v in data["visits"]],
            "issues": [issue_dict(i) for i in data["issues"]],
            "factor_needs": [_factor(request, n) for n in data["factor_needs"]]}


@router.post("/projects/{pk}/agent", response={201: AgentOut, **ERRORS})
def agent_assign(request: HttpRequest, pk: int, data: AssignIn):
    assignment = services.agent_assign(actor=request.user, project=pk, agent=data.agent_id,
                                       started_on=data.started_on, note=data.note)
    return Status(201, assignment_dict(assignment))


@router.post("/assignments/{pk}/release", response={200: AgentOut, **ERRORS})
def agent_release(request: HttpRequest, pk: int, data: ReleaseIn):
    return assignment_dict(services.agent_release(actor=request.user, assignment=pk, ended_on=data.ended_on))


@router.post("/projects/{pk}/actions", response={201: ActionOut, **ERRORS})
def action_record(request: HttpRequest, pk: int, data: ActionIn):
    action = services.agent_action_record(actor=request.user, project=pk, item=data.item_id,
                                          item_text=data.item_text, handled_on=data.handled_on,
                                          what_done=data.what_done, trips_saved=data.trips_saved)
    return Status(201, action_dict(action))


@router.get("/actions", response={200: ActionPageOut, **ERRORS})
def action_list(request: HttpRequest, agent: int | None = None, project: int | None = None,
                start: date | None = None, end: date | None = None,
                limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    require(request.user, VIEW)
    qs = selectors.action_list(user=request.user, agent=agent, project=project, start=start, end=end)
    return {"count": qs.count(), "items": [action_dict(a) for a in qs[offset:offset + limit]]}


@router.get("/visits", response={200: VisitPageOut, **ERRORS})
def visit_list(request: HttpRequest, start: date | None = None, end: date | None = None,
               project: int | None = None, limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    require(request.user, VIEW)
    qs = selectors.visit_list(user=request.user, start=start, end=end, project=project)
    return {"count": qs.count(), "items": [visit_dict(v) for v in qs[offset:offset + limit]]}


@router.post("/visits", response={201: VisitOut, **ERRORS})
def visit_record(request: HttpRequest, data: VisitIn):
    visit = services.visit_record(
        actor=request.user, visited_on=data.visited_on, team_lead=data.team_lead, summary=data.summary,
        departments=data.department_ids, enterprises=data.enterprise_ids, projects=data.project_ids,
        issues=[{"description": i.description, "owner": i.owner_id, "follow_up_days": i.follow_up_days,
                 "project": i.project_id} for i in data.issues])
    return Status(201, visit_dict(selectors.visit_list(user=request.user).get(pk=visit.pk)))


@router.get("/visits/{pk}", response={200: VisitOut, **ERRORS})
def visit_detail(request: HttpRequest, pk: int):
    selectors.visit_get(user=request.user, pk=pk)
    return visit_dict(selectors.visit_list(user=request.user).get(pk=pk))


@router.post("/visits/{pk}/issues", response={201: IssueOut, **ERRORS})
def issue_add(request: HttpRequest, pk: int, data: IssueIn):
    issue = services.issue_add(actor=request.user, visit=pk, description=data.description, owner=data.owner_id,
                               follow_up_days=data.follow_up_days, project=data.project_id)
    return Status(201, issue_dict(issue))


@router.get("/issues", response={200: IssuePageOut, **ERRORS})
def issue_list(request: HttpRequest, state: str = "", owner: int | None = None,
               limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    """Issues found by the service team; state = open / closed / overdue."""
    require(request.user, VIEW)
    qs = selectors.issue_list(user=request.user, state=state, owner=owner)
    return {"count": qs.count(), "items": [issue_dict(i) for i in qs[offset:offset + limit]]}


@router.post("/issues/{pk}/follow-up", response={200: IssueOut, **ERRORS})
def issue_follow_up(request: HttpRequest, pk: int, data: FollowUpIn):
    issue = services.issue_follow_up(actor=request.user, issue=pk, followed_up_on=data.followed_up_on,
                                     note=data.note)
    return issue_dict(issue)


@router.get("/factors", response={200: FactorPageOut, **ERRORS})
def factor_list(request: HttpRequest, kind: str = "", status: str = "", project: int | None = None,
                overdue: bool = False, limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    require(request.user, VIEW)
    qs = selectors.factor_need_list(user=request.user, kind=kind, status=status, project=project, overdue=overdue)
    return {"count": qs.count(), "items": [_factor(request, n) for n in qs[offset:offset + limit]]}


@router.post("/projects/{pk}/factors", response={201: FactorOut, **ERRORS})
def factor_register(request: HttpRequest, pk: int, data: FactorIn):
    need = services.factor_need_register(actor=request.user, project=pk, **data.dict())
    return Status(201, _factor(request, need))


@router.post("/factors/{pk}/promise", response={200: FactorOut, **ERRORS})
def factor_promise(request: HttpRequest, pk: int, data: PromiseIn):
    return _factor(request, services.factor_need_promise(actor=request.user, need=pk, promised_on=data.promised_on))


@router.post("/factors/{pk}/connect", response={200: FactorOut, **ERRORS})
def factor_connect(request: HttpRequest, pk: int, data: ConnectIn):
    return _factor(request, services.factor_need_connect(actor=request.user, need=pk,
                                                         connected_on=data.connected_on))


@router.post("/factors/{pk}/problem", response={200: FactorOut, **ERRORS})
def factor_problem(request: HttpRequest, pk: int, data: ProblemIn):
    return _factor(request, services.factor_need_report_problem(actor=request.user, need=pk, note=data.note))


@router.get("/figures", response={200: FiguresOut, **ERRORS})
def figures(request: HttpRequest, start: date | None = None, end: date | None = None):
    """Items handled and trips saved per agent and in total; units visited, projects served, issues open and
    closed; factor needs by kind and status — for a period (the factor library is as of today)."""
    require(request.user, VIEW)
    return {"start": start, "end": end,
            "agents": selectors.agent_figures(user=request.user, start=start, end=end),
            "visits": selectors.visit_figures(user=request.user, start=start, end=end),
            "factors": selectors.factor_figures(user=request.user)}


@router.get("/overdue", response={200: OverdueOut, **ERRORS})
def overdue(request: HttpRequest):
    """Open issues past their follow-up deadline and factor needs past their promised connection date."""
    require(request.user, VIEW)
    today = timezone.localdate()
    return {"issues": [issue_dict(i, today) for i in selectors.overdue_issues(user=request.user, today=today)],
            "connections": [_factor(request, n) for n in selectors.overdue_connections(user=request.user,
                                                                                       today=today)]}
