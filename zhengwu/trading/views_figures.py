"""The trading figures on the web (``/trading/figures/?year=``): tables, ECharts charts and an Excel export.

Every number comes from ``figures.trading_figures`` (read-only; staff, supervisors and the center): amount and
savings by month, by project type, above and below the limit, the savings rate, the 评定分离 share of
government-invested projects against its 30 % goal, guarantees and the money they freed, the service fee
charged and waived, remote sessions as main and as sub-venue. One definition (:func:`figure_tables`) serves the
page's tables and the workbook's sheets, so the two cannot disagree; the charts draw the same figures in 万元.
ECharts is the vendored copy in the core static files (``vendor/echarts/echarts.min.js``), never a CDN.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhengwu.core.errors import AppError
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.trading import figures
from zhengwu.trading.forms import attach_app_error
from zhengwu.trading.forms_award import YearForm
from zhengwu.trading.views import WORKSPACE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WAN = Decimal(10_000)
BLUE, GOLD, GREEN, RED, GREY = "#0b4f9c", "#c8a24a", "#198754", "#dc3545", "#6c757d"
FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"
NUMBER_FORMATS = {"int": "0", "money": "#,##0.00", "rate": "0.00%"}


# --- one definition of the tables: the page and the workbook -------------------------------------------------

@dataclass
class Cell:
    value: Any
    kind: str = "text"  # text, int, money, rate, bool
    key: str = ""  # the figure's name (the column's, or the row's in a table of named figures)

    @property
    def text(self) -> str:
        """The value as the page prints it (money with fen and thousands, a rate in %, none as a dash)."""
        if self.value is None:
            return "—"
        if self.kind == "money":
            return f"{Decimal(self.value):,.2f}"
        if self.kind == "rate":
            return f"{(Decimal(str(self.value)) * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"
        if self.kind == "bool":
            return _("是") if self.value else _("否")
        return str(self.value)

    @property
    def raw(self) -> str:
        """The exact value, for the page's data attributes (what the tests and a reader's tools compare)."""
        return "" if self.value is None else str(self.value)

    @property
    def excel(self) -> Any:
        if self.value is None:
            return None
        if self.kind == "money":
            return Decimal(self.value)
        if self.kind == "rate":
            return float(Decimal(str(self.value)))
        if self.kind == "int":
            return int(self.value)
        return self.text


@dataclass
class Row:
    key: str
    cells: list[Cell]


@dataclass
class FigureTable:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[Row] = field(default_factory=list)
    note: str = ""


CELL_COLUMNS = [("projects", "int"), ("awards", "int"), ("amount", "money"), ("control_total", "money"),
                ("savings", "money"), ("savings_rate", "rate"), ("awards_without_control_price", "int")]


def _cell_labels() -> list[tuple[str, str]]:
    return [("projects", _("项目数")), ("awards", _("定标数")), ("amount", _("成交金额(元)")),
            ("control_total", _("最高投标限价合计(元)")), ("savings", _("节约资金(元)")), ("savings_rate", _("节约率")),
            ("awards_without_control_price", _("无最高投标限价的定标数"))]


def _figure_row(key: str, label: str, cell: dict[str, Any]) -> Row:
    return Row(key, [Cell(label, key="label"), *[Cell(cell[k], kind, k) for k, kind in CELL_COLUMNS]])


def _pairs(key: str, title: str, items: list[tuple[str, str, Any, str]], note: str = "") -> FigureTable:
    """A table of named figures: (key, label, value, kind) per row."""
    return FigureTable(key, title, [("label", _("指标")), ("value", _("数值"))],
                       [Row(k, [Cell(label, key="label"), Cell(value, kind, "value")]) for k, label, value, kind in items],
                       note)


def figure_tables(data: dict[str, Any]) -> list[FigureTable]:
    """The tables of one period's figures, in the order of the page and of the workbook's sheets."""
    columns = [("label", _("范围")), *_cell_labels()]
    year = data["year"]
    overview = FigureTable("overview", _("成交与节约"), columns, [
        _figure_row("total", _("全部"), data),
        _figure_row("above_limit", _("限额以上"), data["above_limit"]),
        _figure_row("below_limit", _("限额以下"), data["below_limit"]),
    ], _("项目在其首次定标的期间计数;节约资金 = 最高投标限价 − 中标价,只计有最高投标限价的定标。"))
    months = FigureTable("by_month", _("按月"), [("label", _("月份")), *_cell_labels()[0:]],
                         [_figure_row(str(m["month"]), _("%(year)d年%(month)d月") % {"year": year, "month": m["month"]}, m)
                          for m in data["by_month"]])
    types = FigureTable("by_type", _("按项目类型"), [("label", _("项目类型")), *_cell_labels()],
                        [_figure_row(t["project_type"], t["label"], t) for t in data["by_type"]])
    s = data["separated"]
    separated = _pairs("separated", _("评定分离"), [
        ("share", _("政府投资项目采用评定分离的比例"), s["share"], "rate"),
        ("goal", _("目标"), s["goal"], "rate"),
        ("goal_met", _("达到目标"), s["goal_met"], "bool"),
        ("government_invested_separated", _("采用评定分离的政府投资项目"), s["government_invested_separated"], "int"),
        ("government_invested_projects", _("政府投资项目"), s["government_invested_projects"], "int"),
        ("projects", _("评定分离项目(各类资金)"), s["projects"], "int"),
        ("amount", _("评定分离成交金额(元)"), s["amount"], "money"),
    ], _("比例的分子、分母都是本期计数的政府投资项目。"))
    g, fee, rs = data["guarantees"], data["service_fee"], data["remote_sessions"]
    guarantees = _pairs("guarantees", _("电子保函"), [
        ("count", _("以保函提交的投标保证金(笔)"), g["count"], "int"),
        ("amount_freed", _("释放投标企业资金(元)"), g["amount_freed"], "money"),
    ])
    fees = _pairs("service_fee", _("交易服务费"), [
        ("charged_count", _("收取(笔)"), fee["charged_count"], "int"),
        ("charged", _("收取金额(元)"), fee["charged"], "money"),
        ("waived_count", _("免收(笔)"), fee["waived_count"], "int"),
        ("waived", _("免收金额,即减轻交易主体负担(元)"), fee["waived"], "money"),
    ])
    sessions = _pairs("remote_sessions", _("远程异地评标"), [
        ("main", _("本中心为主场(场)"), rs["main"], "int"),
        ("sub", _("本中心为副场(场)"), rs["sub"], "int"),
    ], _("已结束的远程异地评标,按开始日期计入。"))
    return [overview, months, types, separated, guarantees, fees, sessions]


# --- the charts -------------------------------------------------------------------------------------------

def _wan(value: Any) -> float:
    return float((Decimal(value) / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _percent(value: Any) -> float | None:
    return None if value is None else float((Decimal(str(value)) * 100).quantize(Decimal("0.01")))


def _base(title: str) -> dict[str, Any]:
    return {"color": [BLUE, GOLD, GREEN, RED, GREY], "textStyle": {"fontFamily": FONT}, "animation": False,
            "title": {"text": title, "left": 0, "textStyle": {"fontSize": 14, "fontWeight": 600, "color": "#072a66"}},
            "tooltip": {"trigger": "axis", "confine": True},
            "legend": {"top": 22, "left": 0},
            "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True}}


def _amount_bars(title: str, names: list[str], cells: list[dict[str, Any]], *, rate: bool = True) -> dict[str, Any]:
    """Amount and savings (万元) as bars per category, the savings rate (%) as a line on its own axis."""
    option = _base(title)
    series: list[dict[str, Any]] = [
        {"type": "bar", "name": _("成交金额(万元)"), "data": [_wan(c["amount"]) for c in cells], "barMaxWidth": 28},
        {"type": "bar", "name": _("节约资金(万元)"), "data": [_wan(c["savings"]) for c in cells], "barMaxWidth": 28}]
    axes: list[dict[str, Any]] = [{"type": "value", "name": _("万元")}]
    if rate:
        series.append({"type": "line", "name": _("节约率(%)"), "yAxisIndex": 1, "connectNulls": True,
                       "data": [_percent(c["savings_rate"]) for c in cells]})
        axes.append({"type": "value", "name": "%", "min": 0, "axisLabel": {"formatter": "{value}%"},
                     "splitLine": {"show": False}})
    option.update({"xAxis": {"type": "category", "data": names}, "yAxis": axes, "series": series})
    return option


def figure_charts(data: dict[str, Any]) -> dict[str, str]:
    """ECharts options (JSON for ``data-echarts``) of the same figures."""
    empty = {"amount": 0, "savings": 0, "savings_rate": None}
    by_month = {m["month"]: m for m in data["by_month"]}
    months = [by_month.get(m, empty) for m in range(1, 13)]
    s, fee, rs = data["separated"], data["service_fee"], data["remote_sessions"]
    share = _percent(s["share"])
    separated = _base(_("评定分离:政府投资项目占比与目标"))
    separated.update({
        "tooltip": {"trigger": "item", "confine": True}, "legend": {"show": False},
        "xAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "data": [_("占比")]},
        "series": [{"type": "bar", "name": _("占比"), "data": [share if share is not None else 0], "barMaxWidth": 28,
                    "itemStyle": {"color": GREEN if s["goal_met"] else RED},
                    "label": {"show": True, "position": "right", "formatter": "{c}%"},
                    "markLine": {"symbol": "none", "data": [{"xAxis": _percent(s["goal"]), "name": _("目标")}],
                                 "label": {"formatter": _("目标 {c}%")}, "lineStyle": {"color": GOLD, "type": "dashed"}}}],
        "grid": {"left": 8, "right": 48, "top": 44, "bottom": 8, "containLabel": True}})
    fees = _base(_("交易服务费(万元)"))
    fees.update({"tooltip": {"trigger": "item", "confine": True},
                 "xAxis": {"type": "category", "data": [_("收取"), _("免收")]}, "yAxis": {"type": "value", "name": _("万元")},
                 "legend": {"show": False},
                 "series": [{"type": "bar", "barMaxWidth": 40, "name": _("交易服务费(万元)"),
                             "data": [{"value": _wan(fee["charged"]), "itemStyle": {"color": BLUE}},
                                      {"value": _wan(fee["waived"]), "itemStyle": {"color": GREEN}}]}]})
    sessions = _base(_("远程异地评标(场)"))
    sessions.update({"tooltip": {"trigger": "item", "confine": True}, "legend": {"show": False},
                     "xAxis": {"type": "category", "data": [_("主场"), _("副场")]},
                     "yAxis": {"type": "value", "minInterval": 1},
                     "series": [{"type": "bar", "barMaxWidth": 40, "name": _("场次"), "data": [rs["main"], rs["sub"]],
                                 "label": {"show": True, "position": "top"}}]})
    options = {
        "month": _amount_bars(_("成交金额与节约资金(按月)"), [_("%(m)d月") % {"m": m} for m in range(1, 13)], months),
        "type": _amount_bars(_("按项目类型"), [t["label"] for t in data["by_type"]], data["by_type"]),
        "limit": _amount_bars(_("限额以上与限额以下"), [_("限额以上"), _("限额以下")],
                              [data["above_limit"], data["below_limit"]]),
        "separated": separated, "fee": fees, "sessions": sessions,
    }
    return {key: json.dumps(option, ensure_ascii=False) for key, option in options.items()}


# --- the workbook ----------------------------------------------------------------------------------------------

def workbook(tables: list[FigureTable], *, heading: str) -> bytes:
    """One sheet per table: the heading, the header row, the rows (numbers as numbers), the note."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EFF9")
    for table in tables:
        sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", str(table.title))[:28])
        sheet.cell(row=1, column=1, value=f"{table.title} · {heading}").font = bold
        for col, (_key, label) in enumerate(table.columns, start=1):
            head = sheet.cell(row=2, column=col, value=str(label))
            head.font, head.fill = bold, fill
            sheet.column_dimensions[get_column_letter(col)].width = 34 if col == 1 else 20
        for line, row in enumerate(table.rows, start=3):
            for col, cell in enumerate(row.cells, start=1):
                target = sheet.cell(row=line, column=col, value=cell.excel)
                if cell.kind in NUMBER_FORMATS and cell.value is not None:
                    target.number_format = NUMBER_FORMATS[cell.kind]
        if table.note:
            sheet.cell(row=len(table.rows) + 4, column=1, value=str(table.note))
        sheet.freeze_panes = "B3"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


# --- the views -------------------------------------------------------------------------------------------------

def _period(request: HttpRequest) -> tuple[YearForm, dict[str, Any] | None, int]:
    """The year asked for (this year by default) and its figures, or the form with the error on ``year``."""
    form = YearForm({"year": request.GET.get("year") or timezone.localdate().year})
    if not form.is_valid():
        return form, None, 422
    try:
        data = figures.trading_figures(user=request.user, year=form.cleaned_data["year"])
    except AppError as exc:
        if exc.status == 403:
            raise
        attach_app_error(form, exc)
        return form, None, exc.status
    return form, data, 200


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def figures_dashboard(request: HttpRequest) -> HttpResponse:
    """交易统计: one year's figures as tables and charts, with the Excel export."""
    form, data, status = _period(request)
    context: dict[str, Any] = {"form": form, "data": data}
    if data is not None:
        tables = figure_tables(data)
        context.update({"tables": tables, "charts": figure_charts(data), "year": data["year"],
                        "headline": {c.key: c for c in tables[0].rows[0].cells}})
    return render(request, "trading/figures.html", context, status=status)


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def figures_export(request: HttpRequest) -> HttpResponse:
    """The same figures as an .xlsx workbook, one sheet per table."""
    form, data, status = _period(request)
    if data is None:
        return render(request, "trading/figures.html", {"form": form, "data": None}, status=status)
    filename = _("交易统计-%(year)d.xlsx") % {"year": data["year"]}
    response = HttpResponse(workbook(figure_tables(data), heading=_("%(year)d年") % {"year": data["year"]}),
                            content_type=XLSX)
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response
