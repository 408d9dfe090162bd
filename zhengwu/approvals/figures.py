"""One definition of the approvals figures' tables, for the page and the Excel workbook (so the two cannot
disagree), and the ECharts option drawing the same numbers. Every number comes from ``timing.figures``."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cols() -> list[tuple[Any, str]]:
    return [(_("申请数"), "int"), (_("实际用时(工作日)"), "int"), (_("串联基准(工作日)"), "int"),
            (_("节省(工作日)"), "int"), (_("节省比例(%)"), "pct"), (_("平均用时(工作日)"), "pct")]


def _vals(r: dict[str, Any]) -> list[Any]:
    return [r["applications"], r["elapsed"], r["baseline"], r["saved"], r["saved_percent"], r["average_elapsed"]]


def figure_tables(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Tables as {key, title, columns [(label, kind)], rows [[values]]}; kind is text, int or pct."""
    low = data["low_risk"]
    return [
        {"key": "totals", "title": _("总体"), "columns": _cols(), "rows": [_vals(data["total"])]},
        {"key": "by_type", "title": _("按项目类型"), "columns": [(_("项目类型"), "text"), *_cols()],
         "rows": [[r["label"], *_vals(r)] for r in data["by_type"]]},
        {"key": "by_township", "title": _("按乡镇(街道)"), "columns": [(_("乡镇(街道)"), "text"), *_cols()],
         "rows": [[r["label"], *_vals(r)] for r in data["by_township"]]},
        {"key": "by_stage", "title": _("按阶段"), "columns": [(_("阶段"), "text"), *_cols()],
         "rows": [[r["label"], *_vals(r)] for r in data["by_stage"]]},
        {"key": "low_risk", "title": _("低风险项目施工许可"),
         "columns": [(_("目标(工作日)"), "int"), (_("申请数"), "int"), (_("达标数"), "int"), (_("达标率(%)"), "pct"),
                     (_("超标数"), "int")],
         "rows": [[low["target_days"], low["applications"], low["within_target"], low["rate"],
                   len(low["breaches"])]]},
        {"key": "breaches", "title": _("低风险超标清单"),
         "columns": [(_("申请编号"), "text"), (_("项目代码"), "text"), (_("项目名称"), "text"), (_("申请日期"), "text"),
                     (_("用时(工作日)"), "int")],
         "rows": [[b["number"], b["project_code"], b["project"], b["received_on"], b["elapsed"]]
                  for b in low["breaches"]]},
        {"key": "year_on_year", "title": _("同比"),
         "columns": [(_("年度"), "text"), (_("申请数"), "int"), (_("平均用时(工作日)"), "pct"), (_("提速(%)"), "pct")],
         "rows": [[str(r["year"]), r["applications"], r["average_elapsed"],
                   r["faster_percent"] if r["faster_percent"] is not None else "—"] for r in data["year_on_year"]]},
    ]


def chart(data: dict[str, Any]) -> str:
    """Elapsed working days against the sequential baseline, by project type and by township."""
    rows = [*data["by_type"], *data["by_township"]]
    option = {
        "title": {"text": _("实际用时与串联基准(工作日,按类型和乡镇)"), "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "confine": True},
        "legend": {"top": 24},
        "grid": {"left": 8, "right": 8, "top": 64, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [r["label"] for r in rows], "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value", "name": _("平均工作日")},
        "series": [
            {"type": "bar", "name": _("平均实际用时"), "data": [r["average_elapsed"] for r in rows],
             "itemStyle": {"color": "#0b4f9c"}},
            {"type": "bar", "name": _("平均串联基准"),
             "data": [round(r["baseline"] / r["applications"], 2) if r["applications"] else 0 for r in rows],
             "itemStyle": {"color": "#adb5bd"}},
        ],
    }
    return json.dumps(option, ensure_ascii=False)


def workbook(tables: list[dict[str, Any]], *, heading: str) -> bytes:
    """One sheet per table: the heading, the header row, the rows (numbers as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", str(table["title"]))[:28])
        sheet.cell(row=1, column=1, value=f"{table['title']} · {heading}").font = bold
        for col, (label, _kind) in enumerate(table["columns"], start=1):
            sheet.cell(row=2, column=col, value=str(label)).font = bold
            sheet.column_dimensions[get_column_letter(col)].width = 26 if col == 1 else 16
        for line, row in enumerate(table["rows"], start=3):
            for col, value in enumerate(row, start=1):
                sheet.cell(row=line, column=col, value=value)
        sheet.freeze_panes = "A3"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def page_tables(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same tables for the page: each cell with its exact value (``data-value``) and its text."""
    result = []
    for table in tables:
        rows = [[{"value": v, "text": f"{v:,}" if kind == "int" and isinstance(v, int) else str(v),
                  "number": kind != "text"} for (_label, kind), v in zip(table["columns"], row)]
                for row in table["rows"]]
        result.append({**table, "rows": rows})
    return result
