"""Every non-trivial read of investment project approvals, scoped to the user.

* an enterprise user sees the projects of their enterprise (the investor) and their applications;
* a department's staff see the applications with an item at their department (their inbox) and those projects;
* township staff see the projects located in their township;
* the center's administrators, leaders and supervisors see the district.

A row outside the scope is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from zhengwu.approvals.choices import STAGE_ORDER, ApplicationStatus
from zhengwu.approvals.models import ApplicationItem, Bundle, CombinedApplication, InvestmentProject, StageItem
from zhengwu.cases.choices import OPEN_STATUSES
from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter

PROJECT_SCOPE = ScopePaths(department="applications__items__case__department_id", township="township_id",
                           enterprise="investor_id")
APPLICATION_SCOPE = ScopePaths(department="items__case__department_id", township="project__township_id",
                               enterprise="project__investor_id")


def _reader(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and user.has_perm("approvals.view"))


def projects_visible_to(user: Any) -> QuerySet[InvestmentProject]:
    if not _reader(user):
        return InvestmentProject.objects.none()
    scoped = scope_filter(user, InvestmentProject.objects.all(), PROJECT_SCOPE)
    return InvestmentProject.objects.filter(pk__in=scoped.values("pk"))


def applications_visible_to(user: Any) -> QuerySet[CombinedApplication]:
    if not _reader(user):
        return CombinedApplication.objects.none()
    scoped = scope_filter(user, CombinedApplication.objects.all(), APPLICATION_SCOPE)
    return CombinedApplication.objects.filter(pk__in=scoped.values("pk"))


def bundles_visible_to(user: Any) -> QuerySet[Bundle]:
    """The bundles are public reference data for every reader."""
    if not _reader(user):
        return Bundle.objects.none()
    return Bundle.objects.prefetch_related(Prefetch("items", queryset=_bundle_items()))


def _bundle_items():
    from zhengwu.approvals.models import BundleItem

    return BundleItem.objects.select_related("item", "item__department")


def project_get(*, user: Any, pk: int) -> InvestmentProject:
    return get_visible(projects_visible_to(user).select_related("investor", "township"), pk=pk)


def project_list(*, user: Any, q: str = "", project_type: str = "", risk_class: str = "",
                 township: int | None = None) -> QuerySet[InvestmentProject]:
    qs = projects_visible_to(user).select_related("investor", "township")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(investor__name__icontains=q))
    if project_type:
        qs = qs.filter(project_type=project_type)
    if risk_class:
        qs = qs.filter(risk_class=risk_class)
    if township:
        qs = qs.filter(township_id=township)
    return qs


def _application_items() -> QuerySet[ApplicationItem]:
    return ApplicationItem.objects.select_related("item", "case", "case__department").order_by("id")


def application_get(*, user: Any, pk: int) -> CombinedApplication:
    return get_visible(applications_visible_to(user).select_related("project", "project__investor", "bundle")
                       .prefetch_related(Prefetch("items", queryset=_application_items())), pk=pk)


def application_list(*, user: Any, project: int | None = None, status: str = "",
                     stage: str = "") -> QuerySet[CombinedApplication]:
    qs = (applications_visible_to(user).select_related("project", "project__investor", "bundle")
          .prefetch_related(Prefetch("items", queryset=_application_items())))
    if project:
        qs = qs.filter(project_id=project)
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    return qs


def bundle_get(*, user: Any, pk: int) -> Bundle:
    return get_visible(bundles_visible_to(user), pk=pk)


def stage_items(stage: str) -> QuerySet[StageItem]:
    return StageItem.objects.filter(stage=stage).select_related("item", "item__department")


def stage_progress(projects: list[InvestmentProject]) -> dict[int, dict[str, Any]]:
    """Per project: each stage done (a combined approval issued), running (an application open) or not
    started, and the share of stages done (for the progress bar)."""
    ids = [p.pk for p in projects]
    states: dict[int, dict[str, str]] = {pk: {} for pk in ids}
    rows = CombinedApplication.objects.filter(project_id__in=ids).values_list("project_id", "stage", "status")
    for project_id, stage, status in rows:
        current = states[project_id].get(stage)
        if status == ApplicationStatus.ISSUED:
            states[project_id][stage] = "done"
        elif status in (ApplicationStatus.IN_PROGRESS, ApplicationStatus.READY) and current != "done":
            states[project_id][stage] = "running"
        elif current is None:
            states[project_id][stage] = "stopped"
    result = {}
    for pk in ids:
        stages = [{"stage": s.value, "label": str(s.label), "state": states[pk].get(s.value, "todo")} for s in STAGE_ORDER]
        done = sum(1 for s in stages if s["state"] == "done")
        result[pk] = {"stages": stages, "done": done, "percent": round(100 * done / len(STAGE_ORDER))}
    return result


def department_inbox(*, user: Any) -> QuerySet[ApplicationItem]:
    """The items of combined applications at the user's department, open ones first; each links to its case
    in the cases app, where the department handles it."""
    if not _reader(user) or not getattr(user, "department_id", None):
        return ApplicationItem.objects.none()
    return (ApplicationItem.objects.filter(case__department_id=user.department_id,
                                           application__in=applications_visible_to(user))
            .select_related("item", "case", "application", "application__project")
            .order_by("-application__received_at", "id"))


def open_statuses() -> tuple[str, ...]:
    return tuple(OPEN_STATUSES)


# --- district-wide reads for the leadership dashboard and the work report (issue 11) ----------------------------

def applications_received(*, start: dt.date, end: dt.date) -> QuerySet[CombinedApplication]:
    """Every combined application received in [start, end] (local dates), district-wide, prefetched as
    :func:`application_list` does, for ``timing.figures`` (the figures screen's computation)."""
    return (CombinedApplication.objects.filter(received_at__date__gte=start, received_at__date__lte=end)
            .select_related("project", "project__investor", "project__township", "bundle")
            .prefetch_related(Prefetch("items", queryset=_application_items())))
