"""The enterprise center on the web (under /enterprise/): the staff workspace by section, a demand's page with
its timeline and the forms of each step, the department inbox, the enterprise portal, the figures with a chart
and their Excel exports, the coverage of the sections and the liaison officers' page.

Every view states the permission it needs and reads through the scoped selectors (another department's or
another enterprise's demand is a 404); every write is one call to the service the API also calls, and a refusal
is shown next to the field it names (422/409). The buttons come from the transitions available to the user.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.errors import AppError, Forbidden
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.enterprise import exports, selectors, services
from zhengwu.enterprise.choices import DEMAND_STATUS_TONES, ESCALATION_TONES, DemandStatus
from zhengwu.core.forms import submit
from zhengwu.enterprise.forms import (
    AnswerForm,
    AssignmentAnswerForm,
    ClassifyForm,
    ConsultForm,
    DemandForm,
    FilterForm,
    PeriodForm,
    RateForm,
    ReopenForm,
    RouteForm,
    SectionItemForm,
    TaskDoneForm,
    VisitForm,
    WaiveForm,
)
from zhengwu.enterprise.models import Demand
from zhengwu.enterprise.rendering import is_overdue
from zhengwu.enterprise.workflow import buttons
from zhengwu.org.roles import ScopeKind

VIEW = "enterprise.view"
HANDLE = "enterprise.handle"
ANSWER = "enterprise.answer"
PORTAL = "enterprise.portal"
PAGE_SIZE = 50


def _may_read_demands(user: Any) -> bool:
    return user.has_perm(VIEW) or user.has_perm("enterprise.raise")


def _rows(demands: Any, now: dt.datetime) -> list[dict[str, Any]]:
    return [{"demand": d, "overdue": is_overdue(d, now)} for d in demands]


def demand_rows(user: Any, params: Any, *, form: Any = None, now: dt.datetime | None = None) -> Any:
    """The workspace's demand list for ``params`` (the screen and its Excel export read the same)."""
    form = form if form is not None else FilterForm(params or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {"status": data["status"], "section": int(data["section"]) if data["section"] else None,
                   "overdue": data["overdue"], "q": data["q"], "date_from": data["date_from"],
                   "date_to": data["date_to"]}
    return selectors.demand_list(user=user, now=now or timezone.now(), **filters).order_by("-received_at", "-id")


def inbox_rows(user: Any, params: Any) -> list[dict[str, Any]]:
    """The department's waiting demands (its first 200) with their overdue mark, for the screen and its export."""
    return _rows(list(selectors.inbox_for(user=user)[:200]), timezone.now())


def liaison_period(params: Any) -> tuple[PeriodForm, dt.date, dt.date]:
    """The liaison page's period: the chosen dates, else the 90 days up to today."""
    form = PeriodForm(params or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    date_to = data.get("date_to") or timezone.localdate()
    return form, data.get("date_from") or date_to - dt.timedelta(days=90), date_to


def liaison_officer_rows(user: Any, params: Any) -> list[dict[str, Any]]:
    """Per liaison officer in the page's period (the screen and its export read the same)."""
    _form, date_from, date_to = liaison_period(params)
    return selectors.liaison_figures(user=user, date_from=date_from, date_to=date_to)


def not_visited_rows(user: Any, params: Any) -> list[dict[str, Any]]:
    """The assigned enterprises not visited in the page's period (the screen and its export read the same)."""
    _form, date_from, date_to = liaison_period(params)
    return selectors.enterprises_not_visited(user=user, date_from=date_from, date_to=date_to)


def visit_rows(user: Any, params: Any) -> list[Any]:
    """The most recent visits (50) the page lists, for the screen and its export."""
    return list(selectors.visits_visible_to(user).select_related("enterprise", "officer")
                .prefetch_related("demands")[:50])


# --- workspace ---------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(VIEW)
def workspace(request: HttpRequest) -> HttpResponse:
    """诉求工作台: counts per state and section, the demands waiting for each step, overdue highlighted."""
    now = timezone.now()
    form = FilterForm(request.GET or None)
    qs = demand_rows(request.user, request.GET, form=form, now=now)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = selectors.demands_visible_to(request.user)
    from django.db.models import Count

    counts = visible.values_list("section_id", "status").annotate(n=Count("id"))
    grid: dict[Any, dict[str, int]] = {}
    for section_id, status, n in counts:
        grid.setdefault(section_id, {})[status] = n
    overdue_by_section = dict(visible.filter(status=DemandStatus.ROUTED, deadline__lt=now)
                              .values_list("section_id").annotate(n=Count("id")))
    sections = [{"id": s.pk, "name": s.name, "counts": [grid.get(s.pk, {}).get(st, 0) for st in DemandStatus.values],
                 "overdue": overdue_by_section.get(s.pk, 0)} for s in selectors.sections()]
    unclassified = {"id": None, "name": _("未分类"), "overdue": 0,
                    "counts": [grid.get(None, {}).get(st, 0) for st in DemandStatus.values]}
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "enterprise/workspace.html", {
        "form": form, "page_obj": page, "rows": _rows(page, now), "query": query.urlencode(),
        "sections": [unclassified, *sections], "statuses": DemandStatus.choices, "status_tones": DEMAND_STATUS_TONES,
        "overdue_total": sum(s["overdue"] for s in sections),
        "tasks_overdue": list(selectors.tasks_overdue(user=request.user, now=now)[:20]),
    })


@require_GET
@permission_required_403(ANSWER)
def inbox(request: HttpRequest) -> HttpResponse:
    """部门待办: the demands routed to the user's department still waiting for its answer."""
    return render(request, "enterprise/inbox.html", {"rows": inbox_rows(request.user, request.GET),
                                                     "status_tones": DEMAND_STATUS_TONES})


# --- raising -----------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required_403("enterprise.raise")
@handles_app_errors
def demand_new(request: HttpRequest) -> HttpResponse:
    for_enterprise = request.user.scope == ScopeKind.ENTERPRISE
    status = 200
    if request.method == "POST":
        form = DemandForm(request.POST, for_enterprise=for_enterprise)
        done = submit(form, lambda data: services.demand_raise(actor=request.user, **data), passthrough=(403,))
        if done.ok:
            messages.success(request, _("诉求 %(number)s 已受理。") % {"number": done.value.number})
            return redirect("enterprise:detail", pk=done.value.pk)
        status = done.status
    else:
        form = DemandForm(for_enterprise=for_enterprise)
    return render(request, "enterprise/new.html", {"form": form, "for_enterprise": for_enterprise}, status=status)


# --- a demand ----------------------------------------------------------------------------------------------

def _my_assignment(demand: Demand, user: Any) -> Any:
    if not user.department_id:
        return None
    return next((a for a in selectors.assignments_of(demand) if a.department_id == user.department_id
                 and a.role == "assist" and not a.settled), None)


def _detail_context(request: HttpRequest, demand: Demand, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    bound = bound or {}
    user = request.user
    actions = {t.name for t in buttons(demand, user)}
    forms: dict[str, Any] = {}
    if "classify" in actions:
        forms["classify"] = bound.get("classify") or ClassifyForm(prefix="classify", initial={
            "section": demand.section_id, "demand_class": demand.demand_class or "routine"})
    if "route" in actions:
        forms["route"] = bound.get("route") or RouteForm(prefix="route", initial={"demand_class": demand.demand_class})
    if "answer" in actions and (user.scope == ScopeKind.ALL or user.department_id == demand.lead_department_id):
        forms["answer"] = bound.get("answer") or AnswerForm(prefix="answer")
    if "rate" in actions:
        forms["rate"] = bound.get("rate") or RateForm(prefix="rate")
    if "reopen" in actions and demand.rating == "unsatisfied":
        forms["reopen"] = bound.get("reopen") or ReopenForm(prefix="reopen")
    mine = _my_assignment(demand, user) if demand.status == DemandStatus.ROUTED and user.has_perm(ANSWER) else None
    if mine is not None:
        forms["part"] = bound.get("part") or AssignmentAnswerForm(prefix="part")
    can_handle = user.has_perm(HANDLE)
    if can_handle and demand.status not in (DemandStatus.CLOSED,):
        forms["consult"] = bound.get("consult") or ConsultForm(prefix="consult",
                                                               initial={"held_on": timezone.localdate()})
    consultations = list(demand.consultations.prefetch_related("departments", "tasks__department"))
    return {
        "demand": demand, "overdue": is_overdue(demand), "forms": forms, "my_assignment": mine,
        "assignments": list(demand.assignments.select_related("department", "answered_by")
                            .order_by("-round", "-role", "id")),
        "escalations": selectors.escalations_of(demand), "escalation_tones": ESCALATION_TONES,
        "consultations": consultations, "ratings": list(demand.ratings.all()),
        "timeline": selectors.timeline(demand), "status_tones": DEMAND_STATUS_TONES,
        "can_handle": can_handle, "waive_form": WaiveForm(prefix="waive") if can_handle else None,
        "task_form": TaskDoneForm(prefix="task") if user.has_perm(ANSWER) else None,
        "user_department": user.department_id, "all_scope": user.scope == ScopeKind.ALL,
    }


@require_GET
@handles_app_errors
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from zhengwu.core.web import redirect_to_login_page

        return redirect_to_login_page(request)
    if not _may_read_demands(request.user):
        raise Forbidden(_("您没有访问此页面的权限。"))
    demand = selectors.demand_get(user=request.user, pk=pk)
    return render(request, "enterprise/detail.html", _detail_context(request, demand))


def _step(name: str, form_class: type, call: Callable[[HttpRequest, Demand, Any], Any], done: str,
          permission: str | None = None) -> Callable[..., HttpResponse]:
    """A POST view running one step through its one service; a refusal is shown on the demand's page."""

    @require_POST
    @handles_app_errors
    def view(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            from zhengwu.core.web import redirect_to_login_page

            return redirect_to_login_page(request)
        if permission and not request.user.has_perm(permission):
            raise Forbidden(_("您没有执行此操作的权限。"))
        demand = selectors.demand_get(user=request.user, pk=pk)
        form = form_class(request.POST, prefix=name)
        result = submit(form, lambda data: call(request, demand, form, **kwargs))
        if result.ok:
            messages.success(request, done)
            return redirect("enterprise:detail", pk=pk)
        demand = selectors.demand_get(user=request.user, pk=pk)
        return render(request, "enterprise/detail.html", _detail_context(request, demand, {name: form}),
                      status=result.status)

    view.__name__ = f"demand_{name}"
    return view


demand_classify = _step("classify", ClassifyForm, lambda r, d, f: services.demand_classify(
    actor=r.user, demand=d, section=f.cleaned_data["section"], demand_class=f.cleaned_data["demand_class"]),
    _("已分类。"), HANDLE)
demand_route = _step("route", RouteForm, lambda r, d, f: services.demand_route(
    actor=r.user, demand=d, lead_department=f.cleaned_data["lead_department"], lead_part=f.cleaned_data["lead_part"],
    assisting=f.assisting(), demand_class=f.cleaned_data["demand_class"]), _("已交办。"), HANDLE)
demand_answer = _step("answer", AnswerForm, lambda r, d, f: services.demand_answer(
    actor=r.user, demand=d, content=f.cleaned_data["content"]), _("已答复企业。"), ANSWER)
demand_rate = _step("rate", RateForm, lambda r, d, f: services.demand_rate(
    actor=r.user, demand=d, rating=f.cleaned_data["rating"], comment=f.cleaned_data["comment"]),
    _("感谢您的评价。"), "enterprise.rate")
demand_reopen = _step("reopen", ReopenForm, lambda r, d, f: services.demand_reopen(
    actor=r.user, demand=d, reason=f.cleaned_data["reason"]), _("已重新交办。"), "enterprise.reopen")


def _part(request: HttpRequest, demand: Demand, form: Any) -> Any:
    mine = _my_assignment(demand, request.user)
    if mine is None:
        raise Forbidden(_("本部门在该诉求中没有待反馈的协办事项。"))
    return services.assignment_answer(actor=request.user, assignment=mine, answer=form.cleaned_data["answer"])


demand_part = _step("part", AssignmentAnswerForm, _part, _("已反馈本部门办理意见。"), ANSWER)


def _consult(request: HttpRequest, demand: Demand, form: Any) -> Any:
    data = form.cleaned_data
    return services.consultation_convene(actor=request.user, demand=demand, held_on=data["held_on"],
                                         record=data["record"], decisions=data["decisions"],
                                         departments=data["departments"], attendees=data["attendees"],
                                         tasks=form.tasks())


demand_consult = _step("consult", ConsultForm, _consult, _("会商已记录。"), HANDLE)


def _waive(request: HttpRequest, demand: Demand, form: Any, assignment: int) -> Any:
    row = selectors.assignment_get(user=request.user, pk=assignment)
    if row.demand_id != demand.pk:
        raise Forbidden(_("交办记录不属于该诉求。"))
    return services.assignment_waive(actor=request.user, assignment=row, reason=form.cleaned_data["reason"])


assignment_waive = _step("waive", WaiveForm, _waive, _("已免于反馈。"), HANDLE)


def _task(request: HttpRequest, demand: Demand, form: Any, task: int) -> Any:
    row = selectors.task_get(user=request.user, pk=task)
    if row.consultation.demand_id != demand.pk:
        raise Forbidden(_("任务不属于该诉求。"))
    return services.task_done(actor=request.user, task=row, note=form.cleaned_data["note"])


task_done = _step("task", TaskDoneForm, _task, _("任务已完成。"), ANSWER)


# --- the portal ----------------------------------------------------------------------------------------------

def _finance_applications(user: Any) -> list[Any] | None:
    """The enterprise's financial-service applications, or None when the finance app offers none (yet)."""
    try:
        from zhengwu.finance.selectors import applications_for
    except (ImportError, AttributeError):
        return None
    try:
        return list(applications_for(enterprise=user.enterprise)[:50])
    except (AttributeError, TypeError):
        return None


@require_GET
@permission_required_403(PORTAL)
def portal(request: HttpRequest) -> HttpResponse:
    """企业服务门户: the enterprise's demands, cases, registrations and bids, and financial-service applications."""
    user = request.user
    now = timezone.now()
    demands = list(selectors.demands_visible_to(user).filter(enterprise_id=user.enterprise_id)
                   .select_related("section", "enterprise").order_by("-received_at", "-id")[:100])
    from zhengwu.cases.selectors import cases_visible_to

    cases = list(cases_visible_to(user).filter(applicant_enterprise_id=user.enterprise_id)
                 .select_related("item").order_by("-id")[:50]) if user.has_perm("cases.view") else []
    registrations, bids = [], []
    if user.has_perm("trading.view"):
        from zhengwu.trading import selectors as trading

        registrations = list(trading.registration_list(user=user).order_by("-id")[:50])
        bids = list(trading.bids_visible_to(user).select_related(
            "registration__tender_section__tender").order_by("-id")[:50])
    return render(request, "enterprise/portal.html", {
        "rows": _rows(demands, now), "status_tones": DEMAND_STATUS_TONES, "cases": cases,
        "registrations": registrations, "bids": bids, "finance": _finance_applications(user),
        "enterprise": user.enterprise,
    })


# --- figures and exports -------------------------------------------------------------------------------------

def _period(request: HttpRequest) -> tuple[PeriodForm, dict[str, Any]]:
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, {"date_from": data.get("date_from"), "date_to": data.get("date_to")}


def figures_chart(data: dict[str, Any]) -> str:
    rows = data["by_section"]
    base = {"textStyle": {"fontFamily": "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif"},
            "animation": False, "tooltip": {"trigger": "axis", "confine": True}, "legend": {"top": 22, "left": 0},
            "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True}}
    series = [("on_time", _("按期答复"), "#198754"), ("overdue", _("超期"), "#dc3545"),
              ("escalated", _("督办"), "#e0a800")]
    chart = {**base, "title": {"text": _("各板块诉求办理情况"), "textStyle": {"fontSize": 14}},
             "xAxis": {"type": "category", "data": [r["name"] for r in rows]},
             "yAxis": {"type": "value", "minInterval": 1},
             "series": [{"type": "bar", "name": str(_("受理")), "data": [r["received"] for r in rows],
                         "itemStyle": {"color": "#0d6efd"}, "barMaxWidth": 28}]
             + [{"type": "bar", "name": str(label), "data": [r[key] for r in rows], "itemStyle": {"color": colour},
                 "barMaxWidth": 28} for key, label, colour in series]}
    return json.dumps(chart, ensure_ascii=False)


@require_GET
@permission_required_403(VIEW)
def figures(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    data = selectors.figures(user=request.user, **period)
    return render(request, "enterprise/figures.html", {
        "form": form, "figures": data, "chart": figures_chart(data), "query": request.GET.urlencode(),
        "liaison": selectors.liaison_figures(user=request.user, date_from=period["date_from"] or dt.date(2000, 1, 1),
                                             date_to=period["date_to"] or timezone.localdate()),
    }, status=200 if not request.GET or form.is_valid() else 422)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_GET
@permission_required_403(VIEW)
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    _form, period = _period(request)
    return _xlsx(exports.figures_workbook(selectors.figures(user=request.user, **period)), "诉求统计.xlsx")


@require_GET
@permission_required_403(VIEW)
def demands_xlsx(request: HttpRequest) -> HttpResponse:
    _form, period = _period(request)
    qs = selectors.demand_list(user=request.user, **period).select_related("lead_department").order_by("received_at")
    return _xlsx(exports.demands_workbook(qs[:20000]), "诉求清单.xlsx")


# --- coverage and network -------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required_403(VIEW)
@handles_app_errors
def coverage(request: HttpRequest) -> HttpResponse:
    status = 200
    form = SectionItemForm()
    if request.method == "POST":
        if not request.user.has_perm("enterprise.manage"):
            raise Forbidden(_("您没有执行此操作的权限。"))
        form = SectionItemForm(request.POST)
        if form.is_valid():
            try:
                services.section_item_assign(actor=request.user, item=form.cleaned_data["item"],
                                             section=form.cleaned_data["section"])
            except AppError as exc:
                if exc.status in (403, 404):
                    raise
                messages.error(request, exc.message)
                status = exc.status
            else:
                messages.success(request, _("事项已入驻板块。"))
                return redirect("enterprise:coverage")
        else:
            status = 422
    return render(request, "enterprise/coverage.html", {
        "coverage": selectors.coverage(), "network": selectors.network(), "form": form,
        "can_manage": request.user.has_perm("enterprise.manage"),
    }, status=status)


# --- liaison officers -----------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required_403("enterprise.liaison")
@handles_app_errors
def liaison(request: HttpRequest) -> HttpResponse:
    user = request.user
    enterprises = list(selectors.officer_enterprises(user))
    status = 200
    if request.method == "POST":
        form = VisitForm(request.POST, enterprises=enterprises)
        done = submit(form, lambda data: services.visit_log(
            actor=user, enterprise=int(data["enterprise"]), visited_on=data["visited_on"], content=data["content"],
            demands=form.demands()))
        if done.ok:
            messages.success(request, _("走访记录已登记。"))
            return redirect("enterprise:liaison")
        status = done.status
    else:
        form = VisitForm(enterprises=enterprises, initial={"visited_on": timezone.localdate()})
    period_form, date_from, date_to = liaison_period(request.GET)
    return render(request, "enterprise/liaison.html", {
        "form": form, "period_form": period_form, "date_from": date_from, "date_to": date_to,
        "enterprises": enterprises,
        "visits": visit_rows(user, request.GET),
        "officers": liaison_officer_rows(user, request.GET),
        "not_visited": not_visited_rows(user, request.GET),
    }, status=status)
