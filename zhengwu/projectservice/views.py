"""Project services on the web (under /projectservice/): the projects with their agents, a project's support
page (agent, actions, visits, factor needs, with their forms), the lists with filters (actions, visits, issues,
factor needs), the figures and the overdue lists.

Every view states the permission it needs and reads through the scoped selectors (a project outside the user's
scope is a 404); every write is one call to the service the API also calls, and a refusal is shown next to the
field it names (status 422/409).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.forms import submit
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.projectservice import selectors, services
from zhengwu.projectservice.choices import FACTOR_STATUS_TONES
from zhengwu.projectservice.forms import (
    ActionForm,
    AssignForm,
    FactorFilterForm,
    FactorForm,
    FactorMoveForm,
    FollowUpForm,
    IssueFilterForm,
    PeriodForm,
    ProjectFilterForm,
    ReleaseForm,
    VisitForm,
)
from zhengwu.projectservice.permissions import ACT, MANAGE, VIEW
from zhengwu.projectservice.workflow import FACTOR_WORKFLOW

PAGE_SIZE = 50


def _page(request: HttpRequest, qs: Any) -> tuple[Any, str]:
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date | None, dt.date | None]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, None, None


def project_rows(user: Any, params: Any, *, form: Any = None) -> Any:
    """The projects list's rows for ``params`` (the screen and its Excel export read the same)."""
    form = form if form is not None else ProjectFilterForm(params or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    return selectors.project_list(user=user, **filters)


def _period_of(params: Any) -> tuple[dt.date | None, dt.date | None]:
    form = PeriodForm(params or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["start"], form.cleaned_data["end"]
    return None, None


def action_rows(user: Any, params: Any) -> Any:
    """The actions list's rows for ``params`` (the screen and its Excel export read the same)."""
    start, end = _period_of(params)
    agent = params.get("agent", "")
    return selectors.action_list(user=user, start=start, end=end, agent=int(agent) if agent.isdigit() else None)


def visit_rows(user: Any, params: Any) -> Any:
    """The visits list's rows for ``params`` (the screen and its Excel export read the same)."""
    start, end = _period_of(params)
    return selectors.visit_list(user=user, start=start, end=end)


def issue_rows(user: Any, params: Any, *, form: Any = None) -> Any:
    """The issues list's rows for ``params`` (the screen and its Excel export read the same)."""
    form = form if form is not None else IssueFilterForm(params or None)
    state = form.cleaned_data["state"] if form.is_bound and form.is_valid() else ""
    return selectors.issue_list(user=user, state=state)


def factor_rows(user: Any, params: Any, *, form: Any = None) -> Any:
    """The factor needs list's rows for ``params`` (the screen and its Excel export read the same)."""
    form = form if form is not None else FactorFilterForm(params or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    return selectors.factor_need_list(user=user, **filters).order_by("project__code", "kind")


def overdue_issue_rows(user: Any, params: Any) -> Any:
    """The overdue issues the overdue page lists (its first 200)."""
    return selectors.overdue_issues(user=user, today=timezone.localdate())[:200]


def overdue_connection_rows(user: Any, params: Any) -> Any:
    """The overdue connections the overdue page lists (its first 200)."""
    return selectors.overdue_connections(user=user, today=timezone.localdate())[:200]


@require_GET
@permission_required_403(VIEW)
def project_list(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET or None)
    page, query = _page(request, project_rows(request.user, request.GET, form=form))
    agents = selectors.active_agents([p.pk for p in page])
    rows = [{"project": p, "agent": agents.get(p.pk)} for p in page]
    return render(request, "projectservice/projects.html", {"form": form, "page_obj": page, "rows": rows,
                                                            "query": query})


# --- one project ------------------------------------------------------------------------------------------------

def _project_context(request: HttpRequest, pk: int, bound: dict[str, Form] | None = None) -> dict[str, Any]:
    bound = bound or {}
    user = request.user
    project = selectors.project_get(user=user, pk=pk)
    support = selectors.project_support(project=project)
    manages = user.has_perm(MANAGE)
    agent = support["agent"]
    forms: dict[str, Form] = {}
    if manages and agent is None:
        forms["assign"] = bound.get("assign") or AssignForm(initial={"started_on": timezone.localdate()})
    if manages and agent is not None:
        forms["release"] = bound.get("release") or ReleaseForm(initial={"ended_on": timezone.localdate()})
    if agent is not None and (manages or (user.has_perm(ACT) and agent.agent_id == user.pk)):
        forms["action"] = bound.get("action") or ActionForm(initial={"handled_on": timezone.localdate(),
                                                                     "trips_saved": "1"})
    if manages:
        forms["factor"] = bound.get("factor") or FactorForm(initial={"requested_on": timezone.localdate()})
    needs = [{"need": n, "moves": FACTOR_WORKFLOW.available(n, user)} for n in support["factor_needs"]]
    return {**support, "needs": needs, "forms": forms, "manages": manages, "tones": FACTOR_STATUS_TONES,
            "move_form": bound.get("move") or FactorMoveForm(), "today": timezone.localdate()}


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "projectservice/project.html", _project_context(request, pk))


def _post(request: HttpRequest, pk: int, name: str, form: Form, action: Any, done_message: str) -> HttpResponse:
    selectors.project_get(user=request.user, pk=pk)  # outside the scope: 404 before anything
    done = submit(form, action)
    if done.ok:
        messages.success(request, done_message)
        return redirect("projectservice:project", pk=pk)
    return render(request, "projectservice/project.html", _project_context(request, pk, {name: form}),
                  status=done.status)


@require_POST
@permission_required_403(MANAGE)
@handles_app_errors
def agent_assign(request: HttpRequest, pk: int) -> HttpResponse:
    form = AssignForm(request.POST)
    return _post(request, pk, "assign", form,
                 lambda d: services.agent_assign(actor=request.user, project=pk, **d), _("已指派代办员。"))


@require_POST
@permission_required_403(MANAGE)
@handles_app_errors
def agent_release(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReleaseForm(request.POST)
    project = selectors.project_get(user=request.user, pk=pk)
    active = selectors.project_support(project=project)["agent"]
    if active is None:
        raise Http404
    return _post(request, pk, "release", form,
                 lambda d: services.agent_release(actor=request.user, assignment=active, **d), _("已结束指派。"))


@require_POST
@permission_required_403(VIEW)
@handles_app_errors
def action_record(request: HttpRequest, pk: int) -> HttpResponse:
    form = ActionForm(request.POST)
    return _post(request, pk, "action", form,
                 lambda d: services.agent_action_record(actor=request.user, project=pk, **d), _("已记录办理情况。"))


@require_POST
@permission_required_403(MANAGE)
@handles_app_errors
def factor_register(request: HttpRequest, pk: int) -> HttpResponse:
    form = FactorForm(request.POST)
    return _post(request, pk, "factor", form,
                 lambda d: services.factor_need_register(actor=request.user, project=pk, **d), _("已登记要素需求。"))


@require_POST
@permission_required_403(MANAGE)
@handles_app_errors
def factor_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    need = selectors.factor_need_get(user=request.user, pk=pk)
    calls = {
        "promise": lambda d: services.factor_need_promise(actor=request.user, need=need, promised_on=d["day"]),
        "connect": lambda d: services.factor_need_connect(actor=request.user, need=need, connected_on=d["day"]),
        "report_problem": lambda d: services.factor_need_report_problem(actor=request.user, need=need,
                                                                        note=d["note"]),
    }
    if action not in calls:
        raise Http404
    form = FactorMoveForm(request.POST)
    return _post(request, need.project_id, "move", form, calls[action], _("已更新要素状态。"))


# --- lists --------------------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(VIEW)
def action_list(request: HttpRequest) -> HttpResponse:
    period, _start, _end = _period(request)
    page, query = _page(request, action_rows(request.user, request.GET))
    return render(request, "projectservice/actions.html", {"period": period, "page_obj": page, "query": query})


@require_GET
@permission_required_403(VIEW)
def visit_list(request: HttpRequest) -> HttpResponse:
    period, _start, _end = _period(request)
    page, query = _page(request, visit_rows(request.user, request.GET))
    return render(request, "projectservice/visits.html", {"period": period, "page_obj": page, "query": query,
                                                          "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@permission_required_403(MANAGE)
@handles_app_errors
def visit_new(request: HttpRequest) -> HttpResponse:
    projects = selectors.projects_visible_to(request.user).select_related("investor").order_by("code")
    status = 200
    if request.method == "POST":
        form = VisitForm(request.POST, projects=projects)
        done = submit(form, lambda d: services.visit_record(actor=request.user, **form.service_data()))
        if done.ok:
            messages.success(request, _("已记录走访。"))
            return redirect("projectservice:visits")
        status = done.status
    else:
        form = VisitForm(projects=projects, initial={"visited_on": timezone.localdate()})
    return render(request, "projectservice/visit_new.html", {"form": form}, status=status)


@require_GET
@permission_required_403(VIEW)
def issue_list(request: HttpRequest) -> HttpResponse:
    form = IssueFilterForm(request.GET or None)
    page, query = _page(request, issue_rows(request.user, request.GET, form=form))
    return render(request, "projectservice/issues.html", {"form": form, "page_obj": page, "query": query,
                                                          "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@permission_required_403(VIEW)
@handles_app_errors
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_get(user=request.user, pk=pk)
    can_follow = issue.followed_up_on is None and (request.user.has_perm(MANAGE) or issue.owner_id == request.user.pk)
    status = 200
    form = FollowUpForm(initial={"followed_up_on": timezone.localdate()}) if can_follow else None
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        done = submit(form, lambda d: services.issue_follow_up(actor=request.user, issue=issue, **d))
        if done.ok:
            messages.success(request, _("已登记跟进。"))
            return redirect("projectservice:issue", pk=pk)
        status = done.status
    return render(request, "projectservice/issue.html", {"issue": issue, "form": form,
                                                         "today": timezone.localdate()}, status=status)


@require_GET
@permission_required_403(VIEW)
def factor_list(request: HttpRequest) -> HttpResponse:
    form = FactorFilterForm(request.GET or None)
    page, query = _page(request, factor_rows(request.user, request.GET, form=form))
    return render(request, "projectservice/factors.html", {"form": form, "page_obj": page, "query": query,
                                                           "tones": FACTOR_STATUS_TONES,
                                                           "today": timezone.localdate()})


@require_GET
@permission_required_403(VIEW)
def figures(request: HttpRequest) -> HttpResponse:
    period, start, end = _period(request)
    return render(request, "projectservice/figures.html", {
        "period": period, "start": start, "end": end,
        "agents": selectors.agent_figures(user=request.user, start=start, end=end),
        "visits": selectors.visit_figures(user=request.user, start=start, end=end),
        "factors": selectors.factor_figures(user=request.user)})


@require_GET
@permission_required_403(VIEW)
def overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "projectservice/overdue.html", {
        "issues": overdue_issue_rows(request.user, request.GET),
        "connections": overdue_connection_rows(request.user, request.GET), "today": today,
        "tones": FACTOR_STATUS_TONES})
