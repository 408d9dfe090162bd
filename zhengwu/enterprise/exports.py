"""Excel exports (openpyxl): the figures (by section, by department) and the demand list, with the same numbers
as the screen (both read ``selectors.figures`` / ``selectors.demand_list``) and contact phone numbers masked."""

from __future__ import annotations

import io
from typing import Any, Iterable

from django.utils import timezone

from zhengwu.enterprise.rendering import is_overdue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FIGURE_COLUMNS = [("name", "名称"), ("received", "受理"), ("answered", "已答复"), ("on_time", "按期答复"),
                  ("overdue", "超期"), ("escalated", "督办"), ("satisfied", "满意"), ("basic", "基本满意"),
                  ("unsatisfied", "不满意"), ("default_satisfied", "默认满意"), ("satisfaction", "满意率(%)"),
                  ("on_time_rate", "按期率(%)")]


def _sheet(book: Any, title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "B2"
    for col, _ in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = 28 if col == 1 else 12


def figures_workbook(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    header = [label for _, label in FIGURE_COLUMNS]
    for title, rows in (("按板块", data["by_section"]), ("按牵头部门", data["by_department"])):
        _sheet(book, title, header, ([r[key] for key, _ in FIGURE_COLUMNS] for r in
                                     [*rows, {**data["total"], "name": "合计"}]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DEMAND_HEADER = ["诉求编号", "企业", "标题", "受理渠道", "受理时间", "板块", "牵头部门", "状态", "办理期限", "答复时间",
                 "是否超期", "评价", "办结方式", "联系人", "联系电话"]


def demands_workbook(demands: Iterable[Any]) -> bytes:
    from openpyxl import Workbook

    def moment(value: Any) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    book = Workbook()
    book.remove(book.active)
    now = timezone.now()
    _sheet(book, "诉求清单", DEMAND_HEADER, (
        [d.number, d.enterprise.name, d.title, str(d.get_channel_display()), moment(d.received_at),
         d.section.name if d.section else "", d.lead_department.name if d.lead_department else "",
         str(d.get_status_display()), moment(d.deadline), moment(d.answered_at),
         "是" if is_overdue(d, now) else "否", str(d.get_rating_display()) if d.rating else "",
         str(d.get_close_reason_display()) if d.close_reason else "", d.contact_name, d.contact_mobile_masked]
        for d in demands))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
