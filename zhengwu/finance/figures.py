"""One definition of the finance figures' tables, for the page and the Excel workbook (so the two cannot
disagree), and the ECharts options drawing the same numbers. Every number comes from
``selectors.finance_figures``."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def figure_tables(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Tables as {key, title, columns [(label, kind)], rows [[values]]}; kind is text, int or money."""
    t = data["totals"]
    return [
        {"key": "totals", "title": _("总体"),
         "columns": [(_("申请笔数"), "int"), (_("服务企业(笔)"), "int"), (_("批准金额(元)"), "money"),
                     (_("保函笔数"), "int"), (_("释放保证金(元)"), "money")],
         "rows": [[t["applications"], t["services"], t["amount_approved"], t["guarantees"], t["money_freed"]]]},
        {"key": "by_kind", "title": _("按产品类型"),
         "columns": [(_("产品类型"), "text"), (_("服务企业(笔)"), "int"), (_("批准金额(元)"), "money")],
         "rows": [[r["label"], r["services"], r["amount_approved"]] for r in data["by_kind"]]},
        {"key": "by_institution", "title": _("按金融机构"),
         "columns": [(_("金融机构"), "text"), (_("服务企业(笔)"), "int"), (_("批准金额(元)"), "money"),
                     (_("保函笔数"), "int"), (_("释放保证金(元)"), "money")],
         "rows": [[r["institution"], r["services"], r["amount_approved"], r["guarantees"], r["money_freed"]]
                  for r in data["by_institution"]]},
        {"key": "by_month", "title": _("按月"),
         "columns": [(_("月份"), "text"), (_("服务企业(笔)"), "int"), (_("批准金额(元)"), "money"),
                     (_("保函笔数"), "int"), (_("释放保证金(元)"), "money")],
         "rows": [[f"{r['month']:%Y-%m}", r["services"], r["amount_approved"], r["guarantees"], r["money_freed"]]
                  for r in data["by_month"]]},
    ]


def chart(data: dict[str, Any]) -> str:
    """Services provided (bars) and money freed in 万元 (line), by month."""
    months = data["by_month"]
    option = {
        "title": {"text": _("服务企业与释放保证金(按月)"), "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "confine": True},
        "legend": {"top": 24},
        "grid": {"left": 8, "right": 8, "top": 64, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [f"{r['month']:%Y-%m}" for r in months]},
        "yAxis": [{"type": "value", "name": _("笔"), "minInterval": 1}, {"type": "value", "name": _("万元")}],
        "series": [
            {"type": "bar", "name": _("服务企业(笔)"), "data": [r["services"] for r in months], "itemStyle": {"color": "#0b4f9c"}},
            {"type": "line", "name": _("释放保证金(万元)"), "yAxisIndex": 1, "itemStyle": {"color": "#198754"},
             "data": [float((r["money_freed"] / WAN).quantize(Decimal("0.01"))) for r in months]},
        ],
    }
    return json.dumps(option, ensure_ascii=False)


def workbook(tables: list[dict[str, Any]], *, heading: str) -> bytes:
    """One sheet per table: the heading, the header row, the rows (numbers as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EFF9")
    for table in tables:
        sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", str(table["title"]))[:28])
        sheet.cell(row=1, column=1, value=f"{table['title']} · {heading}").font = bold
        for col, (label, _kind) in enumerate(table["columns"], start=1):
            head = sheet.cell(row=2, column=col, value=str(label))
            head.font, head.fill = bold, fill
            sheet.column_dimensions[get_column_letter(col)].width = 34 if col == 1 else 18
        for line, row in enumerate(table["rows"], start=3):
            for col, ((_label, kind), value) in enumerate(zip(table["columns"], row), start=1):
                cell = sheet.cell(row=line, column=col, value=Decimal(value) if kind == "money" else value)
                if kind == "money":
                    cell.number_format = "#,##0.00"
        sheet.freeze_panes = "A3"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def page_tables(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same tables for the page: each cell with its exact value (``data-value``) and its printed text
    (money with fen and thousands separators, counts with thousands separators)."""
    result = []
    for table in tables:
        rows = []
        for row in table["rows"]:
            cells = []
            for (_label, kind), value in zip(table["columns"], row):
                text = f"{Decimal(value):,.2f}" if kind == "money" else f"{value:,}" if kind == "int" else str(value)
                cells.append({"value": value, "text": text, "number": kind != "text"})
            rows.append(cells)
        result.append({**table, "rows": rows})
    return result
