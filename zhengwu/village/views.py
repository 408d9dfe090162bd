"""Village-level service on the web (under /village/): stations with the renovation progress per township, a
station's checklist and state, agents with the age structure, an agent's record (cases credited, trainings,
star ratings), the trainings, the directory coverage and the star ratings.

Every view states its permission and reads through the scoped selectors (outside the scope → 404); every write
is one call to the service the API calls too, and a refusal shows next to the field it names.
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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.cases import services as case_services
from zhengwu.cases.choices import CASE_STATUS_TONES, Channel, Level
from zhengwu.core.forms import submit
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.village import selectors, services
from zhengwu.village.choices import (
    AGENT_STATUS_TONES,
    CHECKLIST,
    STATION_STATE_TONES,
    AgentStatus,
    StationState,
)
from zhengwu.village.forms import AgentCaseForm, SchemeForm, StationActionForm, TrainingForm
from zhengwu.village.workflow import AGENT_WORKFLOW, STATION_WORKFLOW

VIEW = "village.view"
MANAGE = "village.manage"
RATE = "village.rate"
PAGE_SIZE = 50
BASE_CHART = {"textStyle": {"fontFamily": "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif"},
              "animation": False, "tooltip": {"trigger": "axis", "confine": True}, "legend": {"top": 22, "left": 0},
              "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True}}


def _chart(title: str, categories: list[str], series: list[dict[str, Any]], *, rotate: bool = False) -> str:
    option = {**BASE_CHART, "title": {"text": title, "textStyle": {"fontSize": 14}},
              "xAxis": {"type": "category", "data": categories, "axisLabel": {"rotate": 30 if rotate else 0}},
              "yAxis": {"type": "value", "minInterval": 1},
              "series": [{"type": "bar", "barMaxWidth": 32, **s} for s in series]}
    return json.dumps(option, ensure_ascii=False)


def _int(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def station_rows(user: Any, params: Any) -> Any:
    """The stations list's rows for ``params`` (the screen and its Excel export read the same)."""
    status = params.get("status", "") if params.get("status") in StationState.values else ""
    return selectors.station_list(user=user, township=_int(params.get("township")), status=status,
                                  q=params.get("q", ""))


def agent_rows(user: Any, params: Any) -> Any:
    """The agents list's rows for ``params`` (the screen and its Excel export read the same)."""
    status = params.get("status", "") if params.get("status") in AgentStatus.values else ""
    return selectors.agent_list(user=user, township=_int(params.get("township")), status=status,
                                q=params.get("q", ""))


@require_GET
@permission_required_403(VIEW)
def stations(request: HttpRequest) -> HttpResponse:
    township = _int(request.GET.get("township"))
    status = request.GET.get("status", "") if request.GET.get("status") in StationState.values else ""
    qs = station_rows(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    progress = selectors.renovation_progress(user=request.user)
    rows = progress["by_township"]
    chart = _chart(_("各乡镇(街道)站点改造进度"), [r["township"] for r in rows], [
        {"name": _("已改造提升(含样板站)"), "data": [r["renovated"] - r["model"] for r in rows], "stack": "s"},
        {"name": _("样板站"), "data": [r["model"] for r in rows], "stack": "s"},
        {"name": _("未改造"), "data": [r["stations"] - r["renovated"] for r in rows], "stack": "s"},
    ], rotate=len(rows) > 8)
    return render(request, "village/stations.html", {
        "page_obj": page, "progress": progress, "chart": chart, "query": _query(request),
        "townships": selectors.townships_visible_to(request.user), "township": township, "status": status,
        "states": StationState.choices, "tones": STATION_STATE_TONES, "checklist_total": len(CHECKLIST),
    })


def _station_context(request: HttpRequest, station: Any, form: StationActionForm | None = None) -> dict[str, Any]:
    done = set(station.checklist_done)
    return {"station": station, "tones": STATION_STATE_TONES, "agent_tones": AGENT_STATUS_TONES,
            "checklist": [{"key": k, "label": label, "done": k in done} for k, label in CHECKLIST],
            "agents": list(station.agents.all()), "inspections": list(station.inspections.all()[:20]),
            "buttons": STATION_WORKFLOW.available(station, request.user),
            "form": form or StationActionForm(initial={"on": timezone.localdate()})}


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    station = selectors.station_get(user=request.user, pk=pk)
    return render(request, "village/station_detail.html", _station_context(request, station))


STATION_ACTIONS = {
    "renovate": lambda user, s, d: services.station_renovate(actor=user, station=s, on=d["on"]),
    "promote": lambda user, s, d: services.station_promote(actor=user, station=s, on=d["on"]),
    "demote": lambda user, s, d: services.station_demote(actor=user, station=s, reason=d["reason"]),
}


@require_POST
@permission_required_403(MANAGE)
@handles_app_errors
def station_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    station = selectors.station_get(user=request.user, pk=pk)
    if action not in STATION_ACTIONS:
        return redirect("village:station", pk=pk)
    form = StationActionForm(request.POST)
    done = submit(form, lambda data: STATION_ACTIONS[action](request.user, station, data))
    if done.ok:
        messages.success(request, _("已保存。"))
        return redirect("village:station", pk=pk)
    return render(request, "village/station_detail.html", _station_context(request, station, form),
                  status=done.status)


@require_GET
@permission_required_403(VIEW)
def agents(request: HttpRequest) -> HttpResponse:
    township = _int(request.GET.get("township"))
    status = request.GET.get("status", "") if request.GET.get("status") in AgentStatus.values else ""
    qs = agent_rows(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    bands = selectors.age_structure(user=request.user, on=today)
    chart = _chart(_("在岗代办员年龄结构"), [b["band"] for b in bands],
                   [{"name": _("人数"), "data": [b["agents"] for b in bands]}])
    year_start = today.replace(month=1, day=1)
    counts = selectors.cases_per_agent(agents=list(page), start=year_start, end=today)
    rows = [{"agent": a, "age": selectors.age_of(a.birth_date, today), "cases": counts.get(a.pk, 0)} for a in page]
    return render(request, "village/agents.html", {
        "page_obj": page, "rows": rows, "bands": bands, "chart": chart, "query": _query(request),
        "townships": selectors.townships_visible_to(request.user), "township": township, "status": status,
        "statuses": AgentStatus.choices, "tones": AGENT_STATUS_TONES, "year": today.year,
    })


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def agent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agent = selectors.agent_get(user=request.user, pk=pk)
    cases = selectors.agent_cases(agent=agent).select_related("item").order_by("-received_at", "-id")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "village/agent_detail.html", {
        "agent": agent, "age": selectors.age_of(agent.birth_date, today), "page_obj": page,
        "cases_total": page.paginator.count,
        "cases_year": selectors.agent_cases(agent=agent, start=today.replace(month=1, day=1), end=today).count(),
        "trainings": list(agent.trainings.order_by("-held_on")[:50]), "history": list(selectors.agent_history(agent=agent)),
        "tones": AGENT_STATUS_TONES, "case_tones": CASE_STATUS_TONES, "query": "",
        "buttons": AGENT_WORKFLOW.available(agent, request.user),
    })


@require_POST
@permission_required_403(MANAGE)
@handles_app_errors
def agent_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    agent = selectors.agent_get(user=request.user, pk=pk)
    if action == "deactivate":
        services.agent_deactivate(actor=request.user, agent=agent, reason=request.POST.get("reason", ""))
    elif action == "reactivate":
        services.agent_reactivate(actor=request.user, agent=agent)
    return redirect("village:agent", pk=pk)


def training_rows(user: Any, params: Any) -> Any:
    """The trainings with their attendance, newest first (the screen and its Excel export read the same)."""
    from django.db.models import Count

    qs = selectors.trainings_visible_to(user).select_related("township").annotate(n=Count("attendance"))
    return qs.order_by("-held_on", "-id")


def _chosen_scheme(params: Any) -> tuple[list[Any], Any]:
    """The rating schemes and the one chosen by ``scheme`` (default: the first listed)."""
    schemes = list(selectors.schemes())
    return schemes, next((s for s in schemes if str(s.pk) == params.get("scheme")), schemes[0] if schemes else None)


def stars_rows(user: Any, params: Any) -> list[dict[str, Any]]:
    """The chosen scheme's stars by township (the screen and its Excel export read the same)."""
    _schemes, scheme = _chosen_scheme(params)
    return selectors.stars_by_township(user=user, scheme=scheme) if scheme is not None else []


def ranking_rows(user: Any, params: Any) -> Any:
    """The chosen scheme's ranking within each township, for ``params`` (the screen and its export)."""
    _schemes, scheme = _chosen_scheme(params)
    if scheme is None:
        return []
    return selectors.rating_ranking(user=user, scheme=scheme, township=_int(params.get("township")))


def directory_item_rows(user: Any, params: Any) -> Any:
    """The items a village may handle (the directory screen and its export read the same)."""
    return selectors.village_items()


@require_http_methods(["GET", "POST"])
@permission_required_403(VIEW)
@handles_app_errors
def trainings(request: HttpRequest) -> HttpResponse:
    townships = selectors.townships_visible_to(request.user)
    can_manage = request.user.has_perm(MANAGE)
    status = 200
    form = TrainingForm(townships=townships)
    if request.method == "POST":
        if not can_manage:
            return redirect("village:trainings")
        form = TrainingForm(request.POST, townships=townships)
        done = submit(form, lambda data: services.training_record(actor=request.user, **data))
        if done.ok:
            messages.success(request, _("培训已登记。"))
            return redirect("village:trainings")
        status = done.status
    page = Paginator(training_rows(request.user, request.GET), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "village/trainings.html", {"page_obj": page, "form": form, "can_manage": can_manage,
                                                      "total": page.paginator.count, "query": ""}, status=status)


@require_GET
@permission_required_403(VIEW)
def directory(request: HttpRequest) -> HttpResponse:
    return render(request, "village/directory.html", {"coverage": selectors.directory_coverage(),
                                                      "items": directory_item_rows(request.user, request.GET)})


@require_http_methods(["GET", "POST"])
@permission_required_403(VIEW)
@handles_app_errors
def ratings(request: HttpRequest) -> HttpResponse:
    can_rate = request.user.has_perm(RATE)
    form = SchemeForm()
    status = 200
    if request.method == "POST" and can_rate:
        form = SchemeForm(request.POST)
        done = submit(form, lambda data: services.rating_run(
            actor=request.user, scheme=services.scheme_create(actor=request.user, **data)))
        if done.ok:
            messages.success(request, _("星级评定已完成。"))
            return redirect("village:ratings")
        status = done.status
    schemes, scheme = _chosen_scheme(request.GET)
    township = _int(request.GET.get("township"))
    context: dict[str, Any] = {"schemes": schemes, "scheme": scheme, "form": form, "can_rate": can_rate,
                               "townships": selectors.townships_visible_to(request.user), "township": township}
    if scheme is not None:
        by_township = stars_rows(request.user, request.GET)
        context["by_township"] = by_township
        context["chart"] = _chart(_("各乡镇(街道)代办员星级分布"), [r["township"] for r in by_township], [
            {"name": f"{n}星", "stack": "s", "data": [r["stars"][n - 1] for r in by_township]} for n in range(1, 6)],
            rotate=len(by_township) > 8)
        qs = ranking_rows(request.user, request.GET)
        context["page_obj"] = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        context["query"] = _query(request)
    return render(request, "village/ratings.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required_403("cases.receive")
@handles_app_errors
def agent_workspace(request: HttpRequest) -> HttpResponse:
    """代办工作台: the signed-in agent submits a case for a villager (channel 村级代办 at the agent's village,
    through the cases service) and sees the cases credited to them."""
    agent = selectors.agent_of(request.user)
    items = selectors.village_items()
    status = 200
    form = AgentCaseForm(items=items)
    if request.method == "POST":
        form = AgentCaseForm(request.POST, items=items)
        done = submit(form, lambda d: case_services.case_receive(
            actor=request.user, item=d["item"], channel=Channel.AGENT, level=Level.VILLAGE,
            village=agent.station.village, applicant_kind="person", applicant_name=d["applicant_name"],
            id_number=d["id_number"], phone=d["phone"]))
        if done.ok:
            case, code = done.value
            messages.success(request, _("已代办收件:办件编号 %(number)s,查询码 %(code)s(仅显示一次)。")
                             % {"number": case.number, "code": code})
            return redirect("village:workspace")
        status = done.status
    recent = selectors.agent_cases(agent=agent).select_related("item").order_by("-received_at", "-id")[:20]
    return render(request, "village/workspace.html", {"agent": agent, "form": form, "recent": recent,
                                                      "case_tones": CASE_STATUS_TONES}, status=status)
