"""The evaluation web (htmx): the indicator dashboard, the specialist's desk with the cases behind
every figure and one-click reminders, and the public ranking page.

Publications, suggestions and schemes are in ``views_manage``. Every view
states the permission it needs and reads through ``evaluation.selectors``;
each table is built once (``evaluation.tables``) and rendered both to HTML and
to xlsx (``evaluation.exports``), so the export carries the screen's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import InvalidInput
from zhengwu.core.web import handles_app_errors, is_htmx, permission_required_403
from zhengwu.evaluation import charts, exports, selectors, services_desk, tables
from zhengwu.evaluation.choices import Grouping
from zhengwu.evaluation.forms import PeriodForm
from zhengwu.evaluation.indicators import FORMULAS, indicator_values
from zhengwu.evaluation.models import Indicator

DESK_LIMIT = 30
PAGE_SIZE = 50
EXPORT_LIMIT = 20_000


# --- shared pieces ---------------------------------------------------------------------------

def _selected_indicator(request: HttpRequest, indicators: list[Indicator]) -> Indicator | None:
    code = (request.GET.get("indicator") or "").strip()
    for indicator in indicators:
        if indicator.code == code:
            return indicator
    return indicators[0] if indicators else None


def _drill_link(period: selectors.Period, indicators: list[Indicator], *, enabled: bool) -> tables.LinkFn | None:
    """The link from a figure to the cases behind it (none for the time-limit compression, which has no cases)."""
    if not enabled:
        return None
    base = reverse("evaluation:drilldown")
    with_cases = {i.code for i in indicators if FORMULAS[i.formula].numerator is not None}

    def link(group_id: Any, code: str) -> str:
        if code not in with_cases:
            return ""
        return f"{base}?{urlencode(period.query(indicator=code, group_id=group_id))}"

    return link


def _export_url(name: str, request: HttpRequest, **extra: Any) -> str:
    query = request.GET.copy()
    for key, value in extra.items():
        query[key] = value
    return f"{reverse(name)}?{query.urlencode()}"


def _invalid_period(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context, status=422)


# --- the dashboard ------------------------------------------------------------------------------

@dataclass
class DashboardData:
    period: selectors.Period
    values: selectors.IndicatorTable
    ranking: selectors.RankingTable | None
    weekly: selectors.Trend
    monthly: selectors.Trend
    tables: list[tables.Table]


def _dashboard_data(request: HttpRequest, period: selectors.Period, indicators: list[Indicator]) -> DashboardData:
    limits = selectors.item_limits(indicators)  # read once for the table and both trends
    values = selectors.indicator_table(period=period, indicators=indicators, limits=limits)
    version = selectors.scheme_version_current(grouping=period.group)
    ranking = selectors.ranking_table(version=version, period=period, values=values) if version else None
    weekly = selectors.indicator_trend(end=period.end, unit="week", indicators=indicators, limits=limits)
    monthly = selectors.indicator_trend(end=period.end, unit="month", indicators=indicators, limits=limits)
    link = _drill_link(period, indicators, enabled=request.user.has_perm("evaluation.view_details"))
    built = [tables.values_table(rows=values.rows, district=values.district, indicators=indicators,
                                 group=period.group, link=link)]
    if ranking is not None:
        built.append(tables.ranking_rows_table(rows=ranking.rows, indicators=ranking.indicators, group=period.group,
                                               weights=ranking.weights,
                                               title=_("排名(%(scheme)s v%(n)s)") % {
                                                   "scheme": ranking.version.scheme.name,
                                                   "n": ranking.version.number}))
    built.append(tables.trend_table(weekly, key="weekly", title=_("全区按周趋势")))
    built.append(tables.trend_table(monthly, key="monthly", title=_("全区按月趋势")))
    return DashboardData(period, values, ranking, weekly, monthly, built)


def _dashboard_charts(data: DashboardData, selected: Indicator) -> dict[str, Any]:
    names = [r.name for r in data.values.rows]
    result = {
        "values": charts.to_json(charts.bar(
            title=_("%(name)s(按%(group)s)") % {"name": selected.name, "group": tables.group_label(data.period.group)},
            names=names, values=[r.values[selected.code].percent for r in data.values.rows],
            average=data.values.district.values[selected.code].percent, average_label=_("全区"))),
        "weekly": charts.to_json(charts.lines(
            title=_("%(name)s · 按周") % {"name": selected.name}, labels=[b.label for b in data.weekly.buckets],
            series={selected.name: [v.percent for v in data.weekly.series[selected.code]]})),
        "monthly": charts.to_json(charts.lines(
            title=_("%(name)s · 按月") % {"name": selected.name}, labels=[b.label for b in data.monthly.buckets],
            series={selected.name: [v.percent for v in data.monthly.series[selected.code]]})),
    }
    if data.ranking is not None and data.ranking.rows:
        result["ranking_height"] = max(300, 30 * len(data.ranking.rows) + 80)
        result["ranking"] = charts.to_json(charts.ranking(
            title=_("综合得分排名"), names=[r.name for r in data.ranking.rows],
            totals=[r.total for r in data.ranking.rows]))
    return result


@require_GET
@permission_required_403("evaluation.view")
@handles_app_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    """指标看板: the nine indicators by department (or township), the ranking, trends by week and month."""
    form = PeriodForm(request.GET)
    indicators = selectors.indicators_active()
    context: dict[str, Any] = {"form": form, "indicators": indicators}
    if not form.is_valid():
        return _invalid_period(request, "evaluation/dashboard.html", context)
    selected = _selected_indicator(request, indicators)
    data = _dashboard_data(request, form.period, indicators)
    context.update(period=form.period, data=data, selected=selected, tables=data.tables,
                   charts=_dashboard_charts(data, selected) if selected else {},
                   export_url=_export_url("evaluation:dashboard_export", request))
    return render(request, "evaluation/dashboard.html", context)


@require_GET
@permission_required_403("evaluation.view")
@handles_app_errors
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables as an .xlsx (``table=values`` for one of them)."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        field, message = next(iter(form.errors.items()))
        raise InvalidInput(message, field=field, code="bad_period")
    data = _dashboard_data(request, form.period, selectors.indicators_active())
    wanted = (request.GET.get("table") or "").strip()
    chosen = [t for t in data.tables if not wanted or t.key == wanted]
    if not chosen:
        raise InvalidInput(_("没有这张表:%(name)s。") % {"name": wanted}, field="table", code="unknown_table")
    period = form.period
    return exports.xlsx_response(chosen, heading=period.label,
                                 filename=f"指标看板-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")


# --- the specialist's desk -------------------------------------------------------------------------

@dataclass
class DeskCase:
    """An open case on the desk: where it stands against its deadline, and whether it was reminded today."""

    case: Any
    state: str
    due: datetime | None
    reminded: bool


def _desk_cases(cases: list[Any], *, now: datetime, today: date) -> list[DeskCase]:
    from zhengwu.cases import deadlines

    reminded = selectors.reminded_on(case_ids=[c.pk for c in cases], day=today)
    return [DeskCase(case=c, state=deadlines.deadline_state(c, now=now),
                     due=c.acceptance_deadline if c.accepted_on is None else c.completion_deadline,
                     reminded=c.pk in reminded) for c in cases]


@require_GET
@permission_required_403("evaluation.view_details")
@handles_app_errors
def desk(request: HttpRequest) -> HttpResponse:
    """指标跟踪: the live indicators with the cases behind every figure, the cases near or past their
    deadline with one-click reminders, the bad reviews waiting, and the year-on-year comparison."""
    form = PeriodForm(request.GET)
    indicators = selectors.indicators_active()
    context: dict[str, Any] = {"form": form, "indicators": indicators}
    if not form.is_valid():
        return _invalid_period(request, "evaluation/desk.html", context)
    period = form.period
    now = timezone.now()
    today = timezone.localdate(now)
    limits = selectors.item_limits(indicators)
    values = selectors.indicator_table(period=period, indicators=indicators, limits=limits)
    changes = selectors.year_on_year(period=period, indicators=indicators, now=values.district, limits=limits)
    near = selectors.cases_near_deadline(user=request.user, now=now)
    near_counts = near.aggregate(overdue=Count("pk", filter=Q(urgency=0)), warning=Count("pk", filter=Q(urgency=1)))
    waiting = selectors.bad_reviews_awaiting(user=request.user)
    from zhengwu.reviews.choices import HANDLING_STATUS_TONES, HandlingStatus

    bad_counts = waiting.aggregate(visit=Count("pk", filter=Q(status=HandlingStatus.REGISTERED)),
                                   rectify=Count("pk", filter=Q(status=HandlingStatus.VISITED)))
    context.update(
        period=period,
        values_table=tables.values_table(rows=values.rows, district=values.district, indicators=indicators,
                                         group=period.group, link=_drill_link(period, indicators, enabled=True),
                                         title=_("指标值(点击数值查看办件)")),
        change_table=tables.change_table(changes, period=period),
        near_cases=_desk_cases(list(near[:DESK_LIMIT]), now=now, today=today), near_counts=near_counts,
        bad_reviews=list(waiting[:DESK_LIMIT]), bad_counts=bad_counts, HANDLING_STATUS_TONES=HANDLING_STATUS_TONES,
        bad_change=selectors.bad_review_change(user=request.user, year=period.end.year),
        reminders_this_year=selectors.reminders_sent(user=request.user, year=today.year), year=today.year,
        can_remind=request.user.has_perm("evaluation.remind"), desk_limit=DESK_LIMIT,
        export_url=_export_url("evaluation:desk_export", request),
    )
    return render(request, "evaluation/desk.html", context)


@require_GET
@permission_required_403("evaluation.view_details")
@handles_app_errors
def desk_export(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        field, message = next(iter(form.errors.items()))
        raise InvalidInput(message, field=field, code="bad_period")
    period, indicators = form.period, selectors.indicators_active()
    values = selectors.indicator_table(period=period, indicators=indicators)
    changes = selectors.year_on_year(period=period, indicators=indicators, now=values.district)
    sheets = [tables.values_table(rows=values.rows, district=values.district, indicators=indicators,
                                  group=period.group), tables.change_table(changes, period=period)]
    return exports.xlsx_response(sheets, heading=period.label,
                                 filename=f"指标跟踪-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")


# --- the cases behind a figure -------------------------------------------------------------------------

def _group_id(request: HttpRequest) -> int | None:
    raw = (request.GET.get("group_id") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput(_("请选择列表中的部门或乡镇。"), field="group_id", code="bad_group")
    return int(raw)


def _drilldown_query(request: HttpRequest) -> tuple[selectors.Period, Indicator, int | None, str, Any]:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        field, message = next(iter(form.errors.items()))
        raise InvalidInput(message, field=field, code="bad_period")
    indicator = selectors.indicator_get((request.GET.get("indicator") or "").strip())
    part = (request.GET.get("part") or "numerator").strip()
    if part not in ("numerator", "denominator"):
        raise InvalidInput(_("没有这个选项。"), field="part", code="bad_choice")
    group_id = _group_id(request)
    cases = selectors.drilldown_cases(user=request.user, indicator=indicator, period=form.period,
                                      group_id=group_id, part=part)
    return form.period, indicator, group_id, part, cases


@require_GET
@permission_required_403("evaluation.view_details")
@handles_app_errors
def drilldown(request: HttpRequest) -> HttpResponse:
    """The cases behind one figure: a department's (or the district's) numerator or denominator."""
    period, indicator, group_id, part, cases = _drilldown_query(request)
    group = period.group if group_id is not None else None
    figure = indicator_values(start=period.start, end=period.end, group=group, indicators=[indicator])
    value = figure.get(group_id, {}).get(indicator.code)
    name = (selectors.group_names(period.group, [group_id]).get(group_id, str(group_id))
            if group_id is not None else str(selectors.DISTRICT))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = _desk_cases(list(page.object_list), now=now, today=timezone.localdate(now))
    formula = FORMULAS[indicator.formula]
    expected = None if value is None else int(value.numerator if part == "numerator" else value.denominator)
    query = request.GET.copy()
    query.pop("page", None)
    switch = request.GET.copy()
    switch.pop("page", None)
    switch["part"] = "denominator" if part == "numerator" else "numerator"
    context = {
        "period": period, "indicator": indicator, "group_id": group_id, "name": name, "part": part,
        "value": value, "formula": formula, "page_obj": page, "rows": rows, "expected": expected,
        "query": query.urlencode(), "switch_query": switch.urlencode(),
        "can_remind": request.user.has_perm("evaluation.remind"),
        "export_url": _export_url("evaluation:drilldown_export", request),
        "back_url": f"{reverse('evaluation:desk')}?{urlencode(period.query())}",
    }
    template = "evaluation/partials/_drill_list.html" if is_htmx(request) else "evaluation/drilldown.html"
    return render(request, template, context)


@require_GET
@permission_required_403("evaluation.view_details")
@handles_app_errors
def drilldown_export(request: HttpRequest) -> HttpResponse:
    period, indicator, group_id, part, cases = _drilldown_query(request)
    cases = list(cases.select_related("item", "department")[:EXPORT_LIMIT])
    title = f"{indicator.name}-{'分子' if part == 'numerator' else '分母'}"
    table = tables.cases_table(cases, title=title)
    return exports.xlsx_response([table], heading=period.label,
                                 filename=f"{indicator.name}-办件-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")


# --- one-click reminders ---------------------------------------------------------------------------------

@require_POST
@permission_required_403("evaluation.remind")
@handles_app_errors
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """提醒: remind the department about a case (at most once per case and day, counted)."""
    result = services_desk.case_remind(actor=request.user, case=pk)
    today = timezone.localdate()
    if is_htmx(request):
        return render(request, "evaluation/partials/_remind_done.html", {
            "result": result, "case": result.case,
            "reminders_this_year": selectors.reminders_sent(user=request.user, year=today.year),
        })
    if result.sent:
        messages.success(request, _("已提醒:办件 %(number)s。") % {"number": result.case.number})
    else:
        messages.info(request, _("办件 %(number)s 今天已经提醒过,没有重复发送。") % {"number": result.case.number})
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("evaluation:desk")
    return redirect(target)


# --- the public ranking page -------------------------------------------------------------------------------

def _parse_week(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@require_GET
def public_ranking(request: HttpRequest) -> HttpResponse:
    """晾晒榜 for everyone, without signing in: the published weeks only, and only names, totals and ranks."""
    grouping = request.GET.get("grouping") or Grouping.DEPARTMENT
    if grouping not in Grouping.values:
        grouping = Grouping.DEPARTMENT
    weeks = list(selectors.publications_published(grouping=grouping).values_list("week_start", flat=True)[:104])
    wanted = _parse_week((request.GET.get("week") or "").strip())
    status = 200
    chosen = None
    if weeks:
        week = wanted if wanted in weeks else weeks[0]
        if wanted is not None and wanted not in weeks:
            status = 404
        chosen = selectors.publications_published(grouping=grouping).filter(week_start=week).first()
    rows = selectors.snapshot_rows(chosen) if chosen is not None else []
    table = tables.ranking_rows_table(rows=rows, indicators=[], group=grouping, scores=False, key="public",
                                      title=_("晾晒排名"))
    year = (chosen.week_start.year if chosen is not None else timezone.localdate().year)
    return render(request, "evaluation/public.html", {
        "publication": chosen, "table": table, "weeks": weeks, "grouping": grouping, "groupings": Grouping.choices,
        "year": year, "count": selectors.publication_count(year=year, grouping=grouping), "missing": status == 404,
    }, status=status)


# --- the dashboard panel ----------------------------------------------------------------------------------

def ranking_panel(request: HttpRequest) -> dict[str, Any] | None:
    """工作台 panel: the latest published week's top three and the number of publications this year (one query)."""
    from django.db.models import Window

    latest = (selectors.publications_published(year=timezone.localdate().year, grouping=Grouping.DEPARTMENT)
              .annotate(n=Window(Count("pk"))).first())
    if latest is None:
        return None
    return {"publication": latest, "count": latest.n, "top": selectors.snapshot_rows(latest)[:3]}
