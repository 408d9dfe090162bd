"""Investment project approvals on the web (under /approvals/): the project list with stage progress bars, a
project's page with its applications, an application's Gantt-like view of its parallel items with the combined
approval document, the enterprise portal that files a combined application, the department inbox (links to
the cases, handled in the cases app), and the figures with a chart and the Excel export.

Every view states the permission it needs and reads through the scoped selectors (a project outside the
user's scope is a 404); every write is one call to the service the API also calls."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.approvals import figures as approval_figures
from zhengwu.approvals import selectors, services, timing
from zhengwu.approvals.choices import APPLICATION_STATUS_TONES, ApplicationStatus, ProjectType, RiskClass
from zhengwu.approvals.forms import ApplicationForm, ProjectForm
from zhengwu.approvals.models import CombinedApplication
from zhengwu.approvals.rendering import application_dict
from zhengwu.approvals.workflow import buttons
from zhengwu.core.forms import submit
from zhengwu.core.web import handles_app_errors, permission_required_403

VIEW = "approvals.view"
PAGE_SIZE = 50


def project_rows(user: Any, params: Any) -> Any:
    """The projects list's rows for ``params`` (the screen and its Excel export read the same)."""
    project_type = params.get("project_type", "")
    risk_class = params.get("risk_class", "")
    return selectors.project_list(user=user, q=params.get("q", "").strip(),
                                  project_type=project_type if project_type in ProjectType.values else "",
                                  risk_class=risk_class if risk_class in RiskClass.values else "")


def inbox_rows(user: Any, params: Any) -> list[dict[str, Any]]:
    """The department's items of combined applications (its first 200), open ones first, for the screen and
    its Excel export."""
    from zhengwu.approvals.workflow import item_state

    rows = [{"link": link, "state": item_state(link.case)} for link in selectors.department_inbox(user=user)[:200]]
    rows.sort(key=lambda r: r["state"] != "open")
    return rows


@require_GET
@permission_required_403(VIEW)
def project_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    project_type = request.GET.get("project_type", "")
    risk_class = request.GET.get("risk_class", "")
    qs = project_rows(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    progress = selectors.stage_progress(list(page))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "approvals/projects.html", {
        "page_obj": page, "rows": [{"project": p, "progress": progress[p.pk]} for p in page],
        "query": query.urlencode(), "q": q, "project_type": project_type, "risk_class": risk_class,
        "project_types": ProjectType.choices, "risk_classes": RiskClass.choices,
    })


@require_http_methods(["GET", "POST"])
@permission_required_403("approvals.register")
@handles_app_errors
def project_new(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ProjectForm(request.POST, user=request.user)
        done = submit(form, lambda data: services.project_register(actor=request.user, **data), passthrough=(404,))
        if done.ok:
            messages.success(request, _("项目 %(code)s 已登记。") % {"code": done.value.code})
            return redirect("approvals:project", pk=done.value.pk)
        status = done.status
    else:
        form = ProjectForm(user=request.user)
    return render(request, "approvals/project_new.html", {"form": form}, status=status)


def _project_support(project: Any) -> dict[str, Any] | None:
    """The projectservice app's data for this project (agent, visits, factor needs), when that app is there."""
    try:
        from zhengwu.projectservice.selectors import project_support
    except ImportError:
        return None
    try:
        return project_support(project=project)
    except Exception:  # noqa: BLE001  (another app's page part must never break this page)
        return None


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    applications = list(selectors.application_list(user=request.user, project=project.pk))
    return render(request, "approvals/project.html", {
        "project": project, "progress": selectors.stage_progress([project])[project.pk],
        "applications": [application_dict(a) for a in applications],
        "timing": timing.project_timing(project, applications=applications),
        "support": _project_support(project), "tones": APPLICATION_STATUS_TONES,
        "can_file": request.user.has_perm("approvals.file"),
    })


def gantt(data: dict[str, Any]) -> dict[str, Any]:
    """Bars on a working-day axis: each item from the receipt (day 0) to its completion (or today)."""
    span = max([data["timing"]["elapsed"], *[i["promised_limit"] for i in data["items"]], 1])
    rows = []
    for item in data["items"]:
        rows.append({**item, "width": max(2.0, round(100 * item["elapsed"] / span, 1)),
                     "limit_left": round(100 * item["promised_limit"] / span, 1)})
    return {"span": span, "rows": rows, "ticks": list(range(0, span + 1))}


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    data = application_dict(application)
    return render(request, "approvals/application.html", {
        "application": application, "data": data, "gantt": gantt(data), "buttons": buttons(application, request.user),
        "tones": APPLICATION_STATUS_TONES, "statuses": ApplicationStatus,
    })


@require_POST
@permission_required_403("approvals.issue")
@handles_app_errors
def application_issue(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    issued = services.application_issue(actor=request.user, application=application)
    messages.success(request, _("批件 %(number)s 已出具。") % {"number": issued.document_number})
    return redirect("approvals:application", pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required_403("approvals.file")
@handles_app_errors
def portal(request: HttpRequest) -> HttpResponse:
    """The enterprise's portal: its projects and applications, and the form filing a combined application."""
    projects = list(selectors.projects_visible_to(request.user).select_related("investor", "township")
                    .order_by("-registered_at"))
    bundles = list(selectors.bundles_visible_to(request.user).filter(is_active=True))
    status = 200
    form = ApplicationForm(request.POST or None, projects=projects, bundles=bundles,
                           initial={"project": request.GET.get("project", "")})
    if request.method == "POST":
        def file(data: dict[str, Any]) -> CombinedApplication:
            project = selectors.project_get(user=request.user, pk=int(data["project"]))
            bundle = selectors.bundle_get(user=request.user, pk=int(data["bundle"]))
            return services.application_file(actor=request.user, project=project, bundle=bundle,
                                             materials=data["materials"])

        done = submit(form, file)
        if done.ok:
            messages.success(request, _("多合一申请 %(number)s 已提交,各事项已同时启动并联办理。")
                             % {"number": done.value.number})
            return redirect("approvals:application", pk=done.value.pk)
        status = done.status
    applications = [application_dict(a) for a in selectors.application_list(user=request.user)[:20]]
    return render(request, "approvals/portal.html", {
        "form": form, "projects": projects, "bundles": bundles, "applications": applications,
        "tones": APPLICATION_STATUS_TONES,
    }, status=status)


@require_GET
@permission_required_403(VIEW)
def inbox(request: HttpRequest) -> HttpResponse:
    """The items of combined applications at the user's department; each links to its case."""
    return render(request, "approvals/inbox.html", {"rows": inbox_rows(request.user, request.GET),
                                                    "tones": APPLICATION_STATUS_TONES})


def _figures(request: HttpRequest) -> tuple[dict[str, Any], int | None]:
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    data = timing.figures(selectors.application_list(user=request.user), year=year, today=timezone.localdate())
    return data, year


@require_GET
@permission_required_403("approvals.view_figures")
def figures(request: HttpRequest) -> HttpResponse:
    data, year = _figures(request)
    return render(request, "approvals/figures.html", {
        "data": data, "year": year or "",
        "tables": approval_figures.page_tables(approval_figures.figure_tables(data)),
        "chart": approval_figures.chart(data),
    })


@require_GET
@permission_required_403("approvals.view_figures")
def figures_export(request: HttpRequest) -> HttpResponse:
    data, year = _figures(request)
    heading = _("投资项目审批提速统计") + (f" {year}" if year else "")
    content = approval_figures.workbook(approval_figures.figure_tables(data), heading=heading)
    response = HttpResponse(content, content_type=approval_figures.XLSX)
    response["Content-Disposition"] = f'attachment; filename="approvals-figures{"-" + str(year) if year else ""}.xlsx"'
    return response
