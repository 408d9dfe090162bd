"""Every non-trivial read of project services, scoped to the user.

Which projects a user sees (:func:`projects_visible_to`): the center's administrators, leaders and supervisors
the whole district; township staff their township's projects; an enterprise user the projects its enterprise
invests in; a window clerk (an agent) the projects assigned to them. Everything else follows the project: an
agent's records, the factor needs, the visits that served a visible project. A row outside the scope is a 404.

:func:`project_support` is the one read the approvals app calls for its project page (it scopes the project
itself; this function reads the project's support as it is).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from zhengwu.approvals.models import InvestmentProject
from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter
from zhengwu.org.roles import ScopeKind
from zhengwu.projectservice.choices import FactorKind, FactorStatus
from zhengwu.projectservice.models import (
    AgentAction,
    AgentAssignment,
    FactorNeed,
    ServiceVisit,
    VisitIssue,
    VisitUnit,
)
from zhengwu.projectservice.permissions import VIEW

PROJECT_SCOPE = ScopePaths(township="township_id", enterprise="investor_id")


def _reader(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and user.has_perm(VIEW))


def _sees_all(user: Any) -> bool:
    return _reader(user) and user.scope == ScopeKind.ALL


def projects_visible_to(user: Any) -> QuerySet[InvestmentProject]:
    if not _reader(user):
        return InvestmentProject.objects.none()
    if user.scope in (ScopeKind.DEPARTMENT, ScopeKind.OWN):
        return InvestmentProject.objects.filter(
            pk__in=AgentAssignment.objects.filter(agent=user).values("project_id"))
    return scope_filter(user, InvestmentProject.objects.all(), PROJECT_SCOPE)


def project_get(*, user: Any, pk: int) -> InvestmentProject:
    return get_visible(projects_visible_to(user).select_related("investor", "township"), pk=pk)


def project_list(*, user: Any, q: str = "", township: int | None = None, agent: int | None = None,
                 has_agent: str = "", risk_class: str = "") -> QuerySet[InvestmentProject]:
    qs = projects_visible_to(user).select_related("investor", "township")
    if q:
        qs = qs.filter(Q(code__startswith=q) | Q(name__icontains=q) | Q(investor__name__icontains=q))
    if township:
        qs = qs.filter(township_id=township)
    if risk_class:
        qs = qs.filter(risk_class=risk_class)
    if agent:
        qs = qs.filter(agent_assignments__agent_id=agent, agent_assignments__ended_on__isnull=True)
    if has_agent == "yes":
        qs = qs.filter(agent_assignments__ended_on__isnull=True)
    elif has_agent == "no":
        qs = qs.exclude(agent_assignments__ended_on__isnull=True)
    return qs.distinct()


def active_agents(project_ids: list[int]) -> dict[int, AgentAssignment]:
    """project id -> its active assignment (one query)."""
    rows = AgentAssignment.objects.filter(project_id__in=project_ids, ended_on__isnull=True).select_related("agent")
    return {a.project_id: a for a in rows}


# --- assisted handling -----------------------------------------------------------------------------------------

def assignments_visible_to(user: Any) -> QuerySet[AgentAssignment]:
    return AgentAssignment.objects.filter(project__in=projects_visible_to(user))


def actions_visible_to(user: Any) -> QuerySet[AgentAction]:
    return AgentAction.objects.filter(project__in=projects_visible_to(user))


def action_list(*, user: Any, agent: int | None = None, project: int | None = None, start: dt.date | None = None,
                end: dt.date | None = None) -> QuerySet[AgentAction]:
    qs = actions_visible_to(user).select_related("project", "agent", "item")
    if agent:
        qs = qs.filter(agent_id=agent)
    if project:
        qs = qs.filter(project_id=project)
    return _period(qs, "handled_on", start, end)


def _period(qs: QuerySet, field: str, start: dt.date | None, end: dt.date | None) -> QuerySet:
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def agent_figures(*, user: Any, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Any]:
    """Items handled and trips saved per agent and in total, for a period (of the projects the user sees)."""
    return _agent_figures_of(_period(actions_visible_to(user), "handled_on", start, end))


def agent_figures_district(*, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Any]:
    """:func:`agent_figures` for the whole district, without a user (the leadership dashboard and the report)."""
    return _agent_figures_of(_period(AgentAction.objects.all(), "handled_on", start, end))


def _agent_figures_of(qs: QuerySet[AgentAction]) -> dict[str, Any]:
    rows = list(qs.values("agent_id", "agent__display_name", "agent__username").order_by("agent__username")
                .annotate(items=Count("id"), trips=Sum("trips_saved"), projects=Count("project_id", distinct=True)))
    agents = [{"agent_id": r["agent_id"], "agent": r["agent__display_name"] or r["agent__username"],
               "items": r["items"], "trips_saved": r["trips"] or 0, "projects": r["projects"]} for r in rows]
    return {"agents": agents,
            "total": {"items": sum(a["items"] for a in agents), "trips_saved": sum(a["trips_saved"] for a in agents),
                      "projects": qs.values("project_id").distinct().count(),
                      "agents": len(agents)}}


# --- the service team --------------------------------------------------------------------------------------------

def visits_visible_to(user: Any) -> QuerySet[ServiceVisit]:
    if not _reader(user):
        return ServiceVisit.objects.none()
    if _sees_all(user):
        return ServiceVisit.objects.all()
    return ServiceVisit.objects.filter(pk__in=ServiceVisit.objects.filter(
        projects__in=projects_visible_to(user)).values("pk"))


def visit_get(*, user: Any, pk: int) -> ServiceVisit:
    return get_visible(visits_visible_to(user), pk=pk)


def visit_list(*, user: Any, start: dt.date | None = None, end: dt.date | None = None,
               project: int | None = None) -> QuerySet[ServiceVisit]:
    qs = visits_visible_to(user)
    if project:
        qs = qs.filter(projects__id=project).distinct()
    return _period(qs, "visited_on", start, end).prefetch_related(
        "units__department", "units__enterprise", "projects", "issues")


def issues_visible_to(user: Any) -> QuerySet[VisitIssue]:
    if not _reader(user):
        return VisitIssue.objects.none()
    if _sees_all(user):
        return VisitIssue.objects.all()
    return VisitIssue.objects.filter(Q(visit__in=visits_visible_to(user)) | Q(owner=user))


def issue_get(*, user: Any, pk: int) -> VisitIssue:
    return get_visible(issues_visible_to(user).select_related("visit", "owner", "project"), pk=pk)


def issue_list(*, user: Any, state: str = "", owner: int | None = None, today: dt.date | None = None,
               start: dt.date | None = None, end: dt.date | None = None) -> QuerySet[VisitIssue]:
    today = today or timezone.localdate()
    qs = issues_visible_to(user).select_related("visit", "owner", "project")
    if state == "open":
        qs = qs.filter(followed_up_on__isnull=True)
    elif state == "closed":
        qs = qs.filter(followed_up_on__isnull=False)
    elif state == "overdue":
        qs = qs.filter(followed_up_on__isnull=True, due_on__lt=today)
    if owner:
        qs = qs.filter(owner_id=owner)
    return _period(qs, "visit__visited_on", start, end)


def overdue_issues(*, user: Any, today: dt.date | None = None) -> QuerySet[VisitIssue]:
    """Open issues whose follow-up deadline has passed."""
    return issue_list(user=user, state="overdue", today=today).order_by("due_on", "id")


def visit_figures(*, user: Any, start: dt.date | None = None, end: dt.date | None = None,
                  today: dt.date | None = None) -> dict[str, Any]:
    """Visits, distinct units visited (departments and enterprises), distinct projects served, issues open and
    closed (of the visits in the period)."""
    return _visit_figures_of(_period(visits_visible_to(user), "visited_on", start, end),
                             today=today or timezone.localdate())


def visit_figures_district(*, start: dt.date | None = None, end: dt.date | None = None,
                           today: dt.date | None = None) -> dict[str, Any]:
    """:func:`visit_figures` for the whole district, without a user (the leadership dashboard and the report)."""
    return _visit_figures_of(_period(ServiceVisit.objects.all(), "visited_on", start, end),
                             today=today or timezone.localdate())


def _visit_figures_of(visits: QuerySet[ServiceVisit], *, today: dt.date) -> dict[str, Any]:
    units = VisitUnit.objects.filter(visit__in=visits)
    departments = units.filter(department__isnull=False).values("department_id").distinct().count()
    enterprises = units.filter(enterprise__isnull=False).values("enterprise_id").distinct().count()
    projects = (ServiceVisit.projects.through.objects.filter(servicevisit_id__in=visits.values("pk"))
                .values("investmentproject_id").distinct().count())
    issues = VisitIssue.objects.filter(visit__in=visits)
    counts = issues.aggregate(open=Count("id", filter=Q(followed_up_on__isnull=True)),
                              closed=Count("id", filter=Q(followed_up_on__isnull=False)),
                              overdue=Count("id", filter=Q(followed_up_on__isnull=True, due_on__lt=today)),
                              late=Count("id", filter=Q(followed_up_on__gt=F("due_on"))))
    return {"visits": visits.count(), "units": departments + enterprises, "departments": departments,
            "enterprises": enterprises, "projects": projects, "issues_open": counts["open"],
            "issues_closed": counts["closed"], "issues_overdue": counts["overdue"],
            "issues_closed_late": counts["late"]}


# --- factor guarantee library ------------------------------------------------------------------------------------

def factor_needs_visible_to(user: Any) -> QuerySet[FactorNeed]:
    return FactorNeed.objects.filter(project__in=projects_visible_to(user))


def factor_need_get(*, user: Any, pk: int) -> FactorNeed:
    return get_visible(factor_needs_visible_to(user).select_related("project"), pk=pk)


def factor_need_list(*, user: Any, kind: str = "", status: str = "", project: int | None = None,
                     overdue: bool = False, today: dt.date | None = None) -> QuerySet[FactorNeed]:
    qs = factor_needs_visible_to(user).select_related("project", "project__investor")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if project:
        qs = qs.filter(project_id=project)
    if overdue:
        qs = _overdue_connections(qs, today or timezone.localdate())
    return qs


def _overdue_connections(qs: QuerySet[FactorNeed], today: dt.date) -> QuerySet[FactorNeed]:
    return qs.filter(promised_on__lt=today).exclude(status=FactorStatus.CONNECTED)


def overdue_connections(*, user: Any, today: dt.date | None = None) -> QuerySet[FactorNeed]:
    """Needs whose promised connection date has passed and that are not connected."""
    return _overdue_connections(factor_needs_visible_to(user), today or timezone.localdate()).select_related(
        "project", "project__investor").order_by("promised_on", "id")


def factor_figures(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Needs by kind and status, and the overdue connections per kind."""
    today = today or timezone.localdate()
    qs = factor_needs_visible_to(user)
    table: dict[str, dict[str, int]] = {k.value: {s.value: 0 for s in FactorStatus} for k in FactorKind}
    for kind, status, n in qs.values_list("kind", "status").annotate(n=Count("id")).order_by():
        table[kind][status] = n
    overdue: dict[str, int] = defaultdict(int)
    for kind, n in _overdue_connections(qs, today).values_list("kind").annotate(n=Count("id")).order_by():
        overdue[kind] = n
    rows = [{"kind": k.value, "label": str(k.label), **table[k.value], "total": sum(table[k.value].values()),
             "overdue": overdue.get(k.value, 0)} for k in FactorKind]
    return {"by_kind": rows, "total": sum(r["total"] for r in rows), "overdue": sum(r["overdue"] for r in rows)}


# --- one project ---------------------------------------------------------------------------------------------------

def project_support(*, project: InvestmentProject, today: dt.date | None = None) -> dict[str, Any]:
    """The agent, the agent's actions, the service team's visits and issues, and the factor needs of one
    project, for its project page. The caller has scoped the project."""
    today = today or timezone.localdate()
    assignments = list(AgentAssignment.objects.filter(project=project).select_related("agent"))
    actions = list(AgentAction.objects.filter(project=project).select_related("agent", "item"))
    visits = list(ServiceVisit.objects.filter(projects=project).prefetch_related(
        "units__department", "units__enterprise"))
    # the issues about this project, and the general issues of the visits that served it
    issues = list(VisitIssue.objects.filter(Q(project=project) | Q(project__isnull=True, visit__projects=project))
                  .distinct().select_related("owner", "visit"))
    needs = list(FactorNeed.objects.filter(project=project))
    overdue_needs = [n for n in needs if n.promised_on and n.promised_on < today
                     and n.status != FactorStatus.CONNECTED]
    return {
        "project": project,
        "agent": next((a for a in assignments if a.ended_on is None), None),
        "assignments": assignments,
        "actions": actions,
        "items_handled": len(actions),
        "trips_saved": sum(a.trips_saved for a in actions),
        "visits": visits,
        "issues": issues,
        "issues_open": sum(1 for i in issues if i.followed_up_on is None),
        "issues_overdue": [i for i in issues if i.followed_up_on is None and i.due_on < today],
        "factor_needs": needs,
        "factor_needs_overdue": overdue_needs,
        "url": reverse("projectservice:project", args=[project.pk]),
    }
