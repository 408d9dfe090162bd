"""The supervisor's screens (web, under /supervision/): the workspace, flags with their evidence and decisions,
cases, clues with their stages and timeline, inspection campaigns, and the statistics.

Every view states the permission it needs and reads through the scoped selectors (a row outside the scope is a
404); every write is one call to a supervision service, the same the API makes; the buttons come from the
workflow's "transitions available to this user".
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.audit import events_for
from zhengwu.core.errors import AppError, InvalidInput
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.core.forms import submit
from zhengwu.org.selectors import enterprises_visible_to
from zhengwu.supervision import selectors, services
from zhengwu.supervision.choices import (
    CASE_STATUS_TONES,
    CLUE_ACTIVE,
    CLUE_STATUS_TONES,
    FLAG_STATUS_TONES,
    INSPECTION_RESULT_TONES,
    ClueSource,
    FlagFamily,
    FlagStatus,
)
from zhengwu.supervision.evidence import evidence_rows
from zhengwu.supervision.forms import (
    CampaignForm,
    CaseCloseForm,
    ClueFilterForm,
    ClueForm,
    ClueStageForm,
    FlagClueForm,
    FlagFilterForm,
    InspectionForm,
    PeriodForm,
    ReasonForm,
    attach_app_error,
)
from zhengwu.supervision.models import Clue, Flag, SupervisionCase
from zhengwu.supervision.workflow import CASE_WORKFLOW, CLUE_WORKFLOW, FLAG_WORKFLOW
from zhengwu.trading import selectors as trading_selectors

VIEW = "supervision.view"
PAGE_SIZE = 50
TONES = {"FLAG_STATUS_TONES": FLAG_STATUS_TONES, "CASE_STATUS_TONES": CASE_STATUS_TONES,
         "CLUE_STATUS_TONES": CLUE_STATUS_TONES, "INSPECTION_RESULT_TONES": INSPECTION_RESULT_TONES}
#: what the text of each clue stage is called on its form
STAGE_TEXT = {"investigate": gettext_lazy("调查情况"), "conclude": gettext_lazy("处理决定"),
              "close": gettext_lazy("不属实的理由"), "require_rectification": gettext_lazy("整改要求"),
              "verify": gettext_lazy("验收意见")}


#: what an audit action is called on a timeline
ACTION_LABELS = {"flag.raise": gettext_lazy("发现预警"), "supervisioncase.open": gettext_lazy("立案"),
                 "clue.register": gettext_lazy("登记线索"), "reminder.send": gettext_lazy("发送提醒")}


def _timeline(obj: Any, workflow: Any) -> list[Any]:
    """The object's audit events, oldest first, each with a readable ``label`` and ``state_label``."""
    events = list(events_for(obj).select_related("actor"))
    for e in events:
        name = e.action.rsplit(".", 1)[-1]
        transition = workflow.transitions.get(name) if e.action.startswith(workflow.model._meta.model_name) else None
        e.label = transition.label if transition is not None else ACTION_LABELS.get(e.action, e.action)
        e.state_label = workflow.state_label(e.to_state) if e.to_state else ""
    return events


def _version(request: HttpRequest) -> int | None:
    text = (request.POST.get("version") or "").strip()
    return int(text) if text.isdigit() else None


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# --- workspace -------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def workspace(request: HttpRequest) -> HttpResponse:
    """监管工作台: open flags by family, open clues with their deadlines, overdue clues, recent campaigns."""
    return render(request, "supervision/workspace.html", {**selectors.workspace(user=request.user), **TONES})


def flag_rows(user: Any, params: Any, *, form: Any = None) -> Any:
    """The flags list's rows for ``params`` (the screen and its Excel export read the same)."""
    form = form if form is not None else FlagFilterForm(params or None)
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.flag_list(user=user, family=data.get("family", ""), rule=data.get("rule", ""),
                               status=data.get("status", ""), q=data.get("q", ""))


def campaign_rows(user: Any, params: Any) -> Any:
    """The campaigns with their figures (the screen and its Excel export read the same)."""
    return selectors.campaigns_with_figures(user=user)


# --- flags -----------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def flags(request: HttpRequest) -> HttpResponse:
    form = FlagFilterForm(request.GET or None)
    qs = flag_rows(request.user, request.GET, form=form)
    return render(request, "supervision/flags.html",
                  {"form": form, "page_obj": _page(request, qs), "rules": selectors.flag_rules(user=request.user),
                   **TONES})


def _behaviour_records(flag: Flag) -> list[dict[str, Any]]:
    """The market-entity behaviour records of the flag's enterprises, when the credit app provides them."""
    try:
        from zhengwu.credit.selectors import behaviour_records_for  # noqa: PLC0415 - optional app
    except ImportError:
        return []
    result = []
    for enterprise in flag.enterprises.order_by("name"):
        records = list(behaviour_records_for(enterprise=enterprise))
        if records:
            result.append({"enterprise": enterprise, "records": records[:20]})
    return result


def _flag_context(request: HttpRequest, flag: Flag, **forms: Any) -> dict[str, Any]:
    actions = FLAG_WORKFLOW.available(flag, request.user)
    return {
        "flag": flag, "case": flag.case, "evidence": evidence_rows(flag.evidence),
        "enterprises": list(flag.enterprises.order_by("name")),
        "decisions": [t for t in actions if t.name in ("confirm", "dismiss")],
        "to_clue": next((t for t in actions if t.name == "to_clue"), None),
        "decide_form": forms.get("decide_form") or ReasonForm(),
        "clue_form": forms.get("clue_form") or FlagClueForm(prefix="clue"),
        "clue": Clue.objects.filter(flag=flag).first(),
        "behaviour": _behaviour_records(flag),
        "timeline": _timeline(flag, FLAG_WORKFLOW),
        **TONES,
    }


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_get(user=request.user, pk=pk)
    return render(request, "supervision/flag_detail.html", _flag_context(request, flag))


@require_POST
@permission_required_403("supervision.decide_flag")
@handles_app_errors
def flag_decide(request: HttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    action = request.POST.get("action", "")
    try:
        flag.version = _version(request) if _version(request) is not None else flag.version
        services.flag_decide(actor=request.user, flag=flag, action=action, reason=form.cleaned_data.get("reason", ""))
    except AppError as exc:
        attach_app_error(form, exc)
        flag = selectors.flag_get(user=request.user, pk=pk)
        return render(request, "supervision/flag_detail.html", _flag_context(request, flag, decide_form=form),
                      status=exc.status)
    messages.success(request, _("预警已处理。"))
    return redirect("supervision:flag", pk=pk)


@require_POST
@permission_required_403("supervision.decide_flag")
@handles_app_errors
def flag_clue(request: HttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_get(user=request.user, pk=pk)
    form = FlagClueForm(request.POST, prefix="clue")
    form.is_valid()
    try:
        clue = services.flag_to_clue(actor=request.user, flag=flag, reason=form.cleaned_data.get("reason", ""),
                                     description=form.cleaned_data.get("description", ""))
    except AppError as exc:
        attach_app_error(form, exc)
        flag = selectors.flag_get(user=request.user, pk=pk)
        return render(request, "supervision/flag_detail.html", _flag_context(request, flag, clue_form=form),
                      status=exc.status)
    messages.success(request, _("已转为线索 %(number)s。") % {"number": clue.number})
    return redirect("supervision:clue", pk=clue.pk)


# --- cases -----------------------------------------------------------------------------------------------

def _case_context(request: HttpRequest, case: SupervisionCase, form: CaseCloseForm | None = None) -> dict[str, Any]:
    actions = CASE_WORKFLOW.available(case, request.user)
    return {"case": case, "flags": list(case.flags.order_by("-detected_at")),
            "clues": list(selectors.clues_visible_to(request.user).filter(case=case)),
            "close": next((t for t in actions if t.name == "close"), None),
            "form": form or CaseCloseForm(), "timeline": _timeline(case, CASE_WORKFLOW), **TONES}


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    return render(request, "supervision/case_detail.html", _case_context(request, case))


@require_POST
@permission_required_403("supervision.decide_flag")
@handles_app_errors
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    form = CaseCloseForm(request.POST)
    form.is_valid()
    try:
        services.case_close(actor=request.user, case=case, conclusion=form.cleaned_data.get("conclusion", ""))
    except AppError as exc:
        if exc.field == "reason":
            exc = InvalidInput(exc.message, field="conclusion", code=exc.code)
        attach_app_error(form, exc)
        return render(request, "supervision/case_detail.html", _case_context(request, case, form),
                      status=exc.status)
    messages.success(request, _("案件已办结。"))
    return redirect("supervision:case", pk=pk)


def clue_rows(user: Any, params: Any, *, form: Any = None) -> Any:
    """The clues list's rows for ``params`` (the screen and its Excel export read the same)."""
    form = form if form is not None else ClueFilterForm(params or None)
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.clue_list(user=user, source=data.get("source", ""), status=data.get("status", ""),
                               overdue=bool(data.get("overdue")))


# --- clues -----------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def clues(request: HttpRequest) -> HttpResponse:
    form = ClueFilterForm(request.GET or None)
    qs = clue_rows(request.user, request.GET, form=form)
    return render(request, "supervision/clues.html",
                  {"form": form, "page_obj": _page(request, qs), "active": CLUE_ACTIVE, **TONES})


def _project_by_number(user: Any, number: str) -> Any:
    number = (number or "").strip()
    if not number:
        return None
    project = trading_selectors.project_list(user=user).filter(number=number).first()
    if project is None:
        raise InvalidInput(_("没有编号为 %(n)s 的交易项目。") % {"n": number}, field="project", code="unknown_project")
    return project


def _enterprise_by_code(user: Any, code: str) -> Any:
    code = (code or "").strip().upper()
    if not code:
        return None
    enterprise = enterprises_visible_to(user).filter(credit_code=code).first()
    if enterprise is None:
        raise InvalidInput(_("没有统一社会信用代码为 %(c)s 的企业。") % {"c": code}, field="enterprise",
                           code="unknown_enterprise")
    return enterprise


@require_http_methods(["GET", "POST"])
@permission_required_403("supervision.handle_clue")
@handles_app_errors
def clue_new(request: HttpRequest) -> HttpResponse:
    status = 200
    form = ClueForm(request.POST or None)
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                clue = services.clue_register(
                    actor=request.user, source=data["source"], source_reference=data["source_reference"],
                    description=data["description"], project=_project_by_number(request.user, data["project"]),
                    enterprise=_enterprise_by_code(request.user, data["enterprise"]))
            except AppError as exc:
                attach_app_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("线索 %(number)s 已登记。") % {"number": clue.number})
                return redirect("supervision:clue", pk=clue.pk)
    return render(request, "supervision/clue_new.html", {"form": form}, status=status)


def _clue_context(request: HttpRequest, clue: Clue, *, failed: str = "",
                  failed_form: ClueStageForm | None = None) -> dict[str, Any]:
    stages = []
    for t in CLUE_WORKFLOW.available(clue, request.user):
        form = failed_form if failed == t.name and failed_form is not None else ClueStageForm(prefix=t.name)
        form.fields["reason"].label = STAGE_TEXT.get(t.name, _("内容"))
        if t.name != "require_rectification":
            del form.fields["days"]
        stages.append({"transition": t, "form": form})
    return {"clue": clue, "stages": stages, "timeline": _timeline(clue, CLUE_WORKFLOW), "now": timezone.now(),
            **TONES}


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def clue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    clue = selectors.clue_get(user=request.user, pk=pk)
    return render(request, "supervision/clue_detail.html", _clue_context(request, clue))


@require_POST
@permission_required_403("supervision.handle_clue")
@handles_app_errors
def clue_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    clue = selectors.clue_get(user=request.user, pk=pk)
    form = ClueStageForm(request.POST, prefix=action)
    done = submit(form, lambda data: services.clue_transition(
        actor=request.user, clue=clue.pk, action=action, reason=data.get("reason", ""), days=data.get("days"),
        version=_version(request)), passthrough=())
    if done.ok:
        label = CLUE_WORKFLOW.transition(action).label
        messages.success(request, _("已%(action)s。") % {"action": label})
        return redirect("supervision:clue", pk=pk)
    clue = selectors.clue_get(user=request.user, pk=pk)
    return render(request, "supervision/clue_detail.html",
                  _clue_context(request, clue, failed=action, failed_form=form), status=done.status)


# --- inspections -----------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required_403(VIEW)
@handles_app_errors
def campaigns(request: HttpRequest) -> HttpResponse:
    can_create = request.user.has_perm("supervision.inspect")
    form = CampaignForm(request.POST or None) if can_create else None
    status = 200
    if request.method == "POST":
        if form is None:
            return redirect("supervision:campaigns")
        done = submit(form, lambda data: services.campaign_create(
            actor=request.user, name=data["name"], period_start=data["period_start"],
            period_end=data["period_end"], scope=data["scope"]), passthrough=())
        if done.ok:
            messages.success(request, _("专项排查已创建。"))
            return redirect("supervision:campaign", pk=done.value.pk)
        status = done.status
    return render(request, "supervision/campaigns.html",
                  {"campaigns": campaign_rows(request.user, request.GET), "form": form,
                   "figures": selectors.inspection_statistics(user=request.user)}, status=status)


def _campaign_context(request: HttpRequest, campaign: Any, form: InspectionForm | None = None) -> dict[str, Any]:
    figures = selectors.campaigns_with_figures(user=request.user).get(pk=campaign.pk)
    inspections = (selectors.inspections_visible_to(request.user).filter(campaign=campaign)
                   .select_related("project", "inspector").prefetch_related("clues"))
    can = request.user.has_perm("supervision.inspect")
    return {"campaign": figures, "page_obj": _page(request, inspections),
            "form": (form or InspectionForm()) if can else None,
            "can_clue": request.user.has_perm("supervision.handle_clue"), **TONES}


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    return render(request, "supervision/campaign_detail.html", _campaign_context(request, campaign))


@require_POST
@permission_required_403("supervision.inspect")
@handles_app_errors
def inspection_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form = InspectionForm(request.POST)
    done = submit(form, lambda data: services.inspection_record(
        actor=request.user, campaign=campaign, project=_project_by_number(request.user, data["project"]),
        inspected_on=data["inspected_on"], result=data["result"], findings=data["findings"]), passthrough=())
    if done.ok:
        messages.success(request, _("排查结果已登记。"))
        return redirect("supervision:campaign", pk=pk)
    return render(request, "supervision/campaign_detail.html", _campaign_context(request, campaign, form),
                  status=done.status)


@require_POST
@permission_required_403("supervision.handle_clue")
@handles_app_errors
def inspection_clue(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    clue = services.inspection_to_clue(actor=request.user, inspection=inspection)
    messages.success(request, _("已转为线索 %(number)s。") % {"number": clue.number})
    return redirect("supervision:clue", pk=clue.pk)


# --- statistics ------------------------------------------------------------------------------------------

def statistics_charts(flag_stats: dict[str, Any], clue_stats: dict[str, Any]) -> dict[str, str]:
    """ECharts options (JSON for ``data-echarts``): flags by rule × outcome (stacked bars), clues by source."""
    from zhengwu.core.ui import STATUS_COLOURS

    labels = dict(FlagStatus.choices)
    colours = {s: STATUS_COLOURS[t].chart for s, t in FLAG_STATUS_TONES.items()}
    base = {"textStyle": {"fontFamily": "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif"},
            "animation": False, "tooltip": {"trigger": "axis", "confine": True},
            "legend": {"top": 22, "left": 0},
            "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True}}
    rules = flag_stats["by_rule"]
    flags_chart = {**base, "title": {"text": _("预警按规则与处理结果"), "textStyle": {"fontSize": 14}},
                   "xAxis": {"type": "category", "data": [r["rule"] for r in rules],
                             "axisLabel": {"rotate": 30 if len(rules) > 8 else 0}},
                   "yAxis": {"type": "value", "minInterval": 1},
                   "series": [{"type": "bar", "stack": "outcome", "name": str(labels[o]), "barMaxWidth": 32,
                               "itemStyle": {"color": colours[o]}, "data": [r[o] for r in rules]}
                              for o in flag_stats["outcomes"]]}
    clue_chart = {**base, "title": {"text": _("线索来源"), "textStyle": {"fontSize": 14}},
                  "tooltip": {"trigger": "item", "confine": True},
                  "series": [{"type": "pie", "radius": ["35%", "65%"], "top": 40,
                              "data": [{"name": s["label"], "value": s["count"]} for s in clue_stats["by_source"]],
                              "label": {"formatter": "{b}:{c}"}}]}
    return {"flags": json.dumps(flags_chart, ensure_ascii=False), "clues": json.dumps(clue_chart, ensure_ascii=False)}


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def statistics(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    period = {"date_from": data.get("date_from"), "date_to": data.get("date_to")}
    flag_stats = selectors.flag_statistics(user=request.user, **period)
    clue_stats = selectors.clue_statistics(user=request.user, **period)
    status_labels = dict(FlagStatus.choices)
    return render(request, "supervision/statistics.html", {
        "form": form, "flag_stats": flag_stats, "clue_stats": clue_stats,
        "outcome_labels": [status_labels[o] for o in flag_stats["outcomes"]],
        "inspections": selectors.inspection_statistics(user=request.user, **period),
        "charts": statistics_charts(flag_stats, clue_stats),
        "families": FlagFamily, "sources": ClueSource,
    }, status=200 if form.is_valid() or not request.GET else 422)
