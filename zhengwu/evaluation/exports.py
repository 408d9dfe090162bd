"""Excel exports (openpyxl) of the evaluation tables.

Each sheet is one :class:`~zhengwu.evaluation.tables.Table`, the same object
the page renders: the cells hold the values the page prints, with a number
format that prints them the same way (two decimals for rates and scores).
"""

from __future__ import annotations

import io
import re
from typing import Any, Iterable
from urllib.parse import quote

from django.http import HttpResponse

from zhengwu.evaluation.tables import NUMBER_FORMATS, Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}-{n}", n + 1
    used.add(name)
    return name


def workbook(tables: Iterable[Table], *, heading: str = "") -> bytes:
    """An .xlsx with one sheet per table: an optional heading line, the header row, the rows, the note."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8EFF9")
    for table in tables:
        sheet = book.create_sheet(_sheet_title(str(table.title), used))
        line = 1
        if heading:
            sheet.cell(row=line, column=1, value=f"{table.title} · {heading}").font = bold
            line += 1
        for col, column in enumerate(table.columns, start=1):
            head = sheet.cell(row=line, column=col, value=str(column.label))
            head.font, head.fill = bold, header_fill
            head.alignment = Alignment(wrap_text=True, vertical="center")
            sheet.column_dimensions[get_column_letter(col)].width = 24 if col == 1 else max(
                12, min(30, len(str(column.label)) * 2 + 2))
        sheet.freeze_panes = sheet.cell(row=line + 1, column=2)
        for row in table.rows:
            line += 1
            for col, (column, c) in enumerate(zip(table.columns, row.cells), start=1):
                numeric = column.kind in ("int", "number", "percent") and c.value is not None
                target = sheet.cell(row=line, column=col, value=c.value if c.value is not None else c.text)
                if numeric:
                    target.value = float(c.value) if column.kind != "int" else int(c.value)
                    target.number_format = NUMBER_FORMATS[column.kind]
                elif column.kind in ("date", "datetime") and c.value is not None:
                    target.number_format = NUMBER_FORMATS[column.kind]
                if row.total:
                    target.font = bold
        if table.note:
            sheet.cell(row=line + 2, column=1, value=str(table.note))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def xlsx_response(tables: Iterable[Table], *, filename: str, heading: str = "") -> HttpResponse:
    response = HttpResponse(workbook(tables, heading=heading), content_type=XLSX)
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response


# --- the suggestions list, through the one export registry (core/exports.py) ------------------------------------
# The per-table workbooks above stay as they are; the list's rows come from the screen's own function,
# imported when called (the views import this module).

def _suggestion_rows(user: Any, params: Any) -> Any:
    from zhengwu.evaluation.views_manage import suggestion_rows

    return suggestion_rows(user, params).select_related("department", "indicator")


def _register_lists() -> None:
    from django.utils.translation import gettext_lazy as _

    from zhengwu.core.exports import Column, register_export

    register_export("evaluation.suggestions", title=_("评价建议"), permission="evaluation.view",
                    screen="evaluation:suggestions", rows=_suggestion_rows, columns=[
                        Column("title", _("标题"), mask="text", width=32),
                        Column("department.name", _("提出部门"), width=24),
                        Column("indicator.name", _("涉及指标"), width=24),
                        Column("submitted_at", _("提出时间")),
                        Column("content", _("建议内容"), mask="text", width=48),
                        Column("get_status_display", _("状态")),
                        Column("decision_reason", _("答复意见"), mask="text", width=40),
                        Column("decided_at", _("答复时间")),
                    ])


_register_lists()
