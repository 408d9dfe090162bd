"""Small projects on the web (under /smallprojects/): the registry with its filters and alert badges, a
project's checklist, records and alerts, the forms that record them, and the figures.

Every view states the permission it needs and reads through the scoped selectors (a project outside the
user's township is a 404); every write is one call to the service the API also calls, and a refusal is shown
next to the field it names (status 422/409).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.core.forms import submit
from zhengwu.smallprojects import alerts, selectors, services
from zhengwu.smallprojects.choices import CHECKPOINT_TONES, PROJECT_STATUS_TONES, AlertRule, ProjectStatus
from zhengwu.smallprojects.forms import (
    AcceptanceForm,
    ChangeForm,
    ContractForm,
    FilterForm,
    PaymentForm,
    ProjectForm,
)
from zhengwu.smallprojects.models import SmallProject
from zhengwu.smallprojects.rendering import alert_dict, flag_url
from zhengwu.smallprojects.workflow import buttons
from zhengwu.supervision.choices import FLAG_STATUS_TONES, FlagStatus

VIEW = "smallprojects.view"
RECORD = "smallprojects.record"
PAGE_SIZE = 50


def project_rows_filtered(user: Any, params: Any) -> tuple[Any, Any]:
    """The list's form and rows for ``params`` (the screen and its Excel export read the same)."""
    form = FilterForm(params or None, user=user)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    rule = params.get("rule", "")
    if rule in AlertRule.values:
        filters["rule"] = rule
    return form, selectors.small_project_list(user=user, **filters).order_by("-contract_date", "-id")


@require_GET
@permission_required_403(VIEW)
def project_list(request: HttpRequest) -> HttpResponse:
    form, qs = project_rows_filtered(request.user, request.GET)
    rule = request.GET.get("rule", "")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    badges = selectors.alert_badges(user=request.user, project_ids=[p.pk for p in page])
    for project_badges in badges.values():
        for badge in project_badges:
            badge.update(tone=FLAG_STATUS_TONES.get(badge["status"], "grey"), url=flag_url(badge["flag_id"]),
                         status_label=FlagStatus(badge["status"]).label, rule_label=AlertRule(badge["rule"]).label)
    rows = [{"project": p, "alerts": badges.get(p.pk, [])} for p in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "smallprojects/list.html", {
        "form": form, "page_obj": page, "rows": rows, "query": query.urlencode(), "rule": rule,
        "rules": AlertRule.choices, "status_tones": PROJECT_STATUS_TONES, "flag_tones": FLAG_STATUS_TONES,
    })


@require_http_methods(["GET", "POST"])
@permission_required_403(RECORD)
@handles_app_errors
def project_new(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ProjectForm(request.POST, user=request.user)
        done = submit(form, lambda data: services.small_project_register(actor=request.user, **data),
                      passthrough=(403,))
        if done.ok:
            messages.success(request, _("项目 %(number)s 已登记。") % {"number": done.value.number})
            return redirect("smallprojects:detail", pk=done.value.pk)
        status = done.status
    else:
        form = ProjectForm(user=request.user)
    return render(request, "smallprojects/new.html", {"form": form,
                                                      "limit": services.mandatory_limit()}, status=status)


FORMS = {"contract": ContractForm, "change": ChangeForm, "payment": PaymentForm, "acceptance": AcceptanceForm}


def _detail_context(request: HttpRequest, project: SmallProject, bound: dict[str, Form] | None = None) -> dict:
    bound = bound or {}
    user = request.user
    can_record = user.has_perm(RECORD)
    forms = {}
    if can_record:
        wanted = []
        if project.status == ProjectStatus.REGISTERED:
            wanted = ["contract"]
        elif project.status != ProjectStatus.SETTLED:
            wanted = ["change", "payment"] + (["acceptance"] if project.status in (
                ProjectStatus.CONTRACTED, ProjectStatus.IN_PROGRESS) else [])
        forms = {name: bound.get(name) or FORMS[name](prefix=name, initial=_initial(project, name))
                 for name in wanted}
    changes = list(project.changes.all())
    payments = list(project.payments.all())
    return {
        "project": project, "checkpoints": selectors.checkpoints(project), "changes": changes, "payments": payments,
        "acceptances": list(project.acceptances.all()),
        "change_total": sum(c.amount for c in changes), "paid_total": sum(p.amount for p in payments),
        "alerts": [alert_dict(a) for a in selectors.project_alerts(user=user, project=project)],
        "forms": forms, "buttons": buttons(project, user), "status_tones": PROJECT_STATUS_TONES,
        "checkpoint_tones": CHECKPOINT_TONES, "flag_tones": FLAG_STATUS_TONES,
        "reads_alerts": user.has_perm("supervision.view"),
    }


def _initial(project: SmallProject, name: str) -> dict[str, Any]:
    if name == "contract":
        return {"contracting_way": project.contracting_way, "planned_completion": project.planned_completion}
    return {}


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.small_project_get(user=request.user, pk=pk)
    return render(request, "smallprojects/detail.html", _detail_context(request, project))


def _record(name: str):
    """A POST view recording one kind of record through its one service."""

    def call(request: HttpRequest, project: SmallProject, data: dict[str, Any]) -> Any:
        if name == "contract":
            return services.contract_record(actor=request.user, project=project, **data)
        if name == "change":
            return services.change_order_record(actor=request.user, project=project, **data)
        if name == "payment":
            return services.payment_record(actor=request.user, project=project, **data)
        return services.acceptance_record(actor=request.user, project=project, **data)

    @require_POST
    @permission_required_403(RECORD)
    @handles_app_errors
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        project = selectors.small_project_get(user=request.user, pk=pk)
        form = FORMS[name](request.POST, prefix=name)
        done = submit(form, lambda data: call(request, project, data))
        if done.ok:
            messages.success(request, _("已记录。"))
            return redirect("smallprojects:detail", pk=pk)
        project = selectors.small_project_get(user=request.user, pk=pk)
        return render(request, "smallprojects/detail.html", _detail_context(request, project, {name: form}),
                      status=done.status)

    view.__name__ = f"project_{name}"
    return view


project_contract = _record("contract")
project_change = _record("change")
project_payment = _record("payment")
project_acceptance = _record("acceptance")


@require_POST
@permission_required_403(RECORD)
@handles_app_errors
def project_start(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.small_project_get(user=request.user, pk=pk)
    services.project_start(actor=request.user, project=project)
    messages.success(request, _("已开工。"))
    return redirect("smallprojects:detail", pk=pk)


@require_GET
@permission_required_403(VIEW)
def figures(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    data = selectors.figures(user=request.user, year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100
                             else None)
    return render(request, "smallprojects/figures.html", {"figures": data, "year": data["year"] or "",
                                                          "can_run": request.user.has_perm("smallprojects.run_alerts"),
                                                          "reads_alerts": request.user.has_perm("supervision.view")})


@require_POST
@permission_required_403("smallprojects.run_alerts")
@handles_app_errors
def alerts_run(request: HttpRequest) -> HttpResponse:
    created = alerts.alerts_run(actor=request.user)
    messages.success(request, _("预警检查完成,新增 %(n)d 条预警。") % {"n": sum(created.values())})
    return redirect("smallprojects:figures")
