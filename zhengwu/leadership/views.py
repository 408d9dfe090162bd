"""The leadership dashboard (驾驶舱) on the web, under /leadership/.

* ``/leadership/``: the period switch, one card per area with its figures (value, year-on-year change coloured
  by which way is better, each a link to the list behind it), the indicator ranking, monthly trends against the
  same months a year earlier (a point links to the list behind it), the plan targets; ``?display=1`` is the
  hall's dark full-screen layout. The figures area reloads itself from ``/leadership/figures/`` with htmx.
* ``/leadership/targets/``: the plan targets with their progress; center administrators add and edit them.

Every view states its permission, reads through the selectors (figures only through the reports registry) and
writes through one service call; bad input is shown on the field it names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhengwu.core.forms import submit
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.leadership import selectors, services
from zhengwu.leadership.forms import PeriodForm, TargetForm
from zhengwu.leadership.permissions import MANAGE, VIEW
from zhengwu.reports.formatting import change_text, exact, value_text
from zhengwu.reports.registry import Better, FigureValue, Unit

FONT = "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif"
THIS_YEAR_COLOUR = "#0b3d91"
LAST_YEAR_COLOUR = "#9aa7bd"


# --- presentation of one figure ------------------------------------------------------------------------------

def trend_tone(fv: FigureValue) -> str:
    """"better" / "worse" / "same" against the same period a year earlier, following the figure's ``better``;
    "" when there is nothing to compare or no direction is good."""
    diff = fv.difference if fv.figure.compare else None
    if diff is None or fv.figure.better == Better.NEUTRAL:
        return ""
    if diff == 0:
        return "same"
    up = diff > 0
    return "better" if up == (fv.figure.better == Better.UP) else "worse"


@dataclass
class Tile:
    key: str
    label: str
    text: str
    exact: str
    previous: str
    change: str
    tone: str
    link: str
    definition: str
    headline: bool


def tile(fv: FigureValue) -> Tile:
    f = fv.figure
    return Tile(key=f.key, label=f.label, text=value_text(fv),
                exact=exact(fv.value, unit=f.unit, decimals=f.decimals) if fv.value is not None else "",
                previous=(value_text(FigureValue(f, fv.period, fv.previous)) if fv.previous is not None else ""),
                change=change_text(fv) if f.compare else "", tone=trend_tone(fv), link=fv.link,
                definition=f.definition, headline=f.headline)


# --- charts --------------------------------------------------------------------------------------------------

def _scale(unit: str, numbers: list[Any]) -> tuple[Decimal, str]:
    """Money in the chart's unit (亿元 / 万元 / 元) so the axis stays readable; others as they are."""
    if unit != Unit.YUAN:
        return Decimal(1), unit
    top = max((abs(Decimal(n)) for n in numbers if n is not None), default=Decimal(0))
    if top >= Decimal(10) ** 8:
        return Decimal(10) ** 8, "亿元"
    if top >= Decimal(10) ** 4:
        return Decimal(10) ** 4, "万元"
    return Decimal(1), "元"


def _num(value: Any, divisor: Decimal) -> float | None:
    if value is None:
        return None
    return float((Decimal(value) / divisor).quantize(Decimal("0.01")))


def trend_chart(trend: selectors.Trend, *, dark: bool) -> dict[str, Any]:
    divisor, unit = _scale(trend.unit, [p.value for p in trend.points] + [p.previous for p in trend.points])
    text = "#e6ecf5" if dark else "#1f2a3d"
    option = {
        "textStyle": {"fontFamily": FONT, "color": text}, "animation": False,
        "title": {"text": f"{trend.label}({unit})", "textStyle": {"fontSize": 14, "color": text}},
        "tooltip": {"trigger": "axis", "confine": True}, "legend": {"top": 22, "left": 0, "textStyle": {"color": text}},
        "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [p.label[5:] + "月" for p in trend.points]},
        "yAxis": {"type": "value"},
        "series": [
            {"name": _("本期"), "type": "bar", "barMaxWidth": 28, "itemStyle": {"color": THIS_YEAR_COLOUR if not dark
                                                                                   else "#4da3ff"},
             "data": [_num(p.value, divisor) for p in trend.points], "cursor": "pointer"},
            {"name": _("上年同期"), "type": "line", "itemStyle": {"color": LAST_YEAR_COLOUR}, "symbolSize": 8,
             "data": [_num(p.previous, divisor) for p in trend.points], "cursor": "pointer"},
        ],
    }
    return option


def ranking_chart(ranking: selectors.Ranking, *, dark: bool) -> dict[str, Any]:
    rows = ranking.top + ranking.bottom
    text = "#e6ecf5" if dark else "#1f2a3d"
    names = [f"{r.rank}. {r.name}" for r in rows]
    colours = ["#198754"] * len(ranking.top) + ["#dc3545"] * len(ranking.bottom)
    return {
        "textStyle": {"fontFamily": FONT, "color": text}, "animation": False,
        "title": {"text": _("指标排名(前%(n)s名与后%(m)s名)") % {"n": len(ranking.top), "m": len(ranking.bottom)},
                  "textStyle": {"fontSize": 14, "color": text}},
        "tooltip": {"trigger": "axis", "confine": True},
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "inverse": True, "data": names},
        "series": [{"name": _("综合得分"), "type": "bar", "barMaxWidth": 22, "cursor": "pointer",
                    "label": {"show": True, "position": "right", "color": text},
                    "data": [{"value": float(r.total), "itemStyle": {"color": c}} for r, c in zip(rows, colours)]}],
    }


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- the dashboard -------------------------------------------------------------------------------------------

def _choose(request: HttpRequest) -> tuple[PeriodForm, selectors.Chosen | None, int]:
    form = PeriodForm(request.GET, years=selectors.years_offered())
    done = submit(form, lambda data: selectors.period_resolve(**data))
    return form, (done.value if done.ok else None), done.status


def _report_url(chosen: selectors.Chosen) -> str:
    try:
        return f"{reverse('reports:home')}?{chosen.period.querystring()}"
    except NoReverseMatch:  # the report page is not installed
        return ""


def _figures_context(request: HttpRequest, chosen: selectors.Chosen, *, display: bool) -> dict[str, Any]:
    period = chosen.period
    computed = selectors.figure_values(period)
    areas = [{"key": key, "label": label, "tiles": [tile(v) for v in rows]}
             for key, label, rows in computed.figures.by_area()]
    headline = [t for a in areas for t in a["tiles"] if t.headline]
    trends = []
    for trend in selectors.trends(period):
        trends.append({"key": trend.key, "label": trend.label, "chart": _json(trend_chart(trend, dark=display)),
                       "links": _json([[p.link for p in trend.points], [p.previous_link for p in trend.points]])})
    ranking = selectors.ranking(period)
    ranking_links = ""
    if ranking is not None and (ranking.top or ranking.bottom):
        try:
            url = f"{reverse('evaluation:dashboard')}?{period.querystring()}&group=department"
        except NoReverseMatch:
            url = ""
        ranking_links = _json([[url] * (len(ranking.top) + len(ranking.bottom))])
    progress = selectors.target_progress(selectors.target_list(user=request.user, year=period.end.year, active=True))
    return {
        "chosen": chosen, "period": period, "previous": period.previous_year(), "areas": areas,
        "headline": headline, "trends": trends, "ranking": ranking,
        "ranking_chart": _json(ranking_chart(ranking, dark=display)) if ranking and ranking_links else "",
        "ranking_links": ranking_links, "progress": progress,
        "computed_at": timezone.localtime(computed.computed_at), "display": display,
        "refresh_seconds": selectors.refresh_seconds(),
        "refresh_url": f"{reverse('leadership:figures')}?{chosen.query()}{'&display=1' if display else ''}",
        "report_url": _report_url(chosen),
    }


def _display(request: HttpRequest) -> bool:
    return request.GET.get("display") in ("1", "true", "on")


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    display = _display(request)
    form, chosen, status = _choose(request)
    context: dict[str, Any] = {"form": form, "display": display, "presets": _preset_links(request, display)}
    if chosen is not None:
        context.update(_figures_context(request, chosen, display=display))
        context["display_url"] = f"{reverse('leadership:dashboard')}?{chosen.query()}&display=1"
        context["normal_url"] = f"{reverse('leadership:dashboard')}?{chosen.query()}"
    return render(request, "leadership/dashboard.html", context, status=status)


def _preset_links(request: HttpRequest, display: bool) -> list[dict[str, Any]]:
    from zhengwu.leadership.choices import Preset

    year = request.GET.get("year", "")
    current = request.GET.get("preset") or (Preset.CUSTOM if request.GET.get("start") else Preset.YEAR_TO_DATE)
    out = []
    for value, label in Preset.choices:
        if value == Preset.CUSTOM:
            continue
        query = f"preset={value}" + (f"&year={year}" if year.isdigit() else "") + ("&display=1" if display else "")
        out.append({"value": value, "label": label, "url": f"?{query}", "active": value == current})
    return out


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def figures(request: HttpRequest) -> HttpResponse:
    """The figures area alone, for the dashboard's self-refresh (htmx, every ``refresh_seconds``)."""
    display = _display(request)
    form, chosen, status = _choose(request)
    if chosen is None:
        first = next(iter(form.errors.values()))[0] if form.errors else _("统计区间有误。")
        from zhengwu.core.web import render_alert

        return render_alert(request, first, status=status)
    return render(request, "leadership/partials/_figures.html", _figures_context(request, chosen, display=display))


# --- plan targets --------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def targets(request: HttpRequest) -> HttpResponse:
    years = selectors.target_years(user=request.user)
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    year = int(raw) if raw.isdigit() else (today.year if today.year in years else (years[0] if years else None))
    rows = selectors.target_list(user=request.user, year=year) if year is not None else []
    return render(request, "leadership/targets.html", {
        "years": years, "year": year, "progress": selectors.target_progress(rows),
        "can_manage": request.user.has_perm(MANAGE), "period": selectors.target_period(year) if year else None,
    })


def _target_page(request: HttpRequest, form: TargetForm, *, target: Any = None, status: int = 200) -> HttpResponse:
    return render(request, "leadership/target_form.html", {"form": form, "target": target}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required_403(MANAGE)
@handles_app_errors
def target_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _target_page(request, TargetForm(initial={"year": timezone.localdate().year}))
    form = TargetForm(request.POST)
    done = submit(form, lambda d: services.target_create(actor=request.user, **d))
    if done.ok:
        messages.success(request, _("目标已添加。"))
        return redirect(f"{reverse('leadership:targets')}?year={done.value.year}")
    return _target_page(request, form, status=done.status)


@require_http_methods(["GET", "POST"])
@permission_required_403(MANAGE)
@handles_app_errors
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(user=request.user, pk=pk)
    if request.method == "GET":
        return _target_page(request, TargetForm(initial={
            "year": target.year, "name": target.name, "figure": target.figure_key, "comparison": target.comparison,
            "target_value": f"{target.target_value.normalize():f}", "note": target.note, "order": target.order,
            "active": target.active}), target=target)
    form = TargetForm(request.POST)
    done = submit(form, lambda d: services.target_update(actor=request.user, target=target, **d))
    if done.ok:
        messages.success(request, _("目标已保存。"))
        return redirect(f"{reverse('leadership:targets')}?year={done.value.year}")
    return _target_page(request, form, target=target, status=done.status)
