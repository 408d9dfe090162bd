"""Excel exports (openpyxl): the figures (by section, by department) and the demand list, with the same numbers
as the screen (both read ``selectors.figures`` / ``selectors.demand_list``) and contact phone numbers masked.

The screens' lists (the workspace, the department inbox, coverage and the network, the liaison tables) are also
registered with the one export registry (``core/exports.py``) at the end of this module."""

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


# --- the lists, through the one export registry (core/exports.py) ----------------------------------------------
# The rows come from the views' own functions, imported when called (the views import this module).

def _demand_rows(user: Any, params: Any) -> Any:
    from zhengwu.enterprise.views import demand_rows

    return demand_rows(user, params).select_related("enterprise", "section", "lead_department")


def _view_rows(name: str) -> Any:
    def rows(user: Any, params: Any) -> Any:
        from zhengwu.enterprise import views

        return getattr(views, name)(user, params)

    rows.__name__ = name
    return rows


def _coverage_missing(user: Any, params: Any) -> list[Any]:
    from zhengwu.enterprise.selectors import coverage

    return coverage()["missing"]


def _coverage_sections(user: Any, params: Any) -> list[dict[str, Any]]:
    from zhengwu.enterprise.selectors import coverage

    return coverage()["sections"]


def _network(user: Any, params: Any) -> list[dict[str, Any]]:
    from zhengwu.enterprise.selectors import network

    return network()


def _register_lists() -> None:
    from django.utils.translation import gettext_lazy as _

    from zhengwu.core.exports import Column, register_export

    def overdue(d: Any) -> bool:
        return is_overdue(d, timezone.now())

    demand_columns = [
        Column("number", _("诉求编号"), width=20),
        Column("title", _("标题"), mask="text", width=32),
        Column("enterprise.name", _("企业"), width=28),
        Column("section.name", _("板块")),
        Column("get_channel_display", _("渠道")),
        Column("received_at", _("受理时间")),
        Column("deadline", _("办理期限")),
        Column("get_status_display", _("状态")),
    ]
    register_export("enterprise.demands", title=_("诉求工作台"), permission="enterprise.view",
                    screen="enterprise:workspace", rows=_demand_rows, columns=[
                        *demand_columns,
                        Column("overdue", _("是否超期"), value=overdue),
                        Column("lead_department.name", _("牵头部门"), width=24),
                        Column("contact_name", _("联系人"), mask="name"),
                        Column("contact_mobile_masked", _("联系电话")),
                    ])
    register_export("enterprise.inbox", title=_("部门待办诉求"), permission="enterprise.answer",
                    screen="enterprise:inbox", screen_rows="rows", rows=_view_rows("inbox_rows"), columns=[
                        *[Column(f"demand.{c.key}", c.label, mask=c.mask, width=c.width) for c in demand_columns],
                        Column("overdue", _("是否超期")),
                    ])
    register_export("enterprise.coverage_sections", title=_("板块入驻事项"), permission="enterprise.view",
                    screen="enterprise:coverage", screen_rows="coverage.sections", rows=_coverage_sections,
                    columns=[Column("code", _("板块编码")), Column("name", _("板块"), width=24),
                             Column("items", _("入驻事项"))])
    register_export("enterprise.coverage_missing", title=_("尚未入驻的涉企事项"), permission="enterprise.view",
                    screen="enterprise:coverage", screen_rows="coverage.missing", rows=_coverage_missing,
                    columns=[Column("code", _("事项编码"), width=20), Column("name", _("事项名称"), width=40),
                             Column("department.name", _("实施部门"), width=24)])
    register_export("enterprise.network", title=_("企业服务网络"), permission="enterprise.view",
                    screen="enterprise:coverage", screen_rows="network", rows=_network,
                    columns=[Column("node.name", _("网点"), width=28), Column("kind", _("类型")),
                             Column("node.parent.name", _("上级"), width=28), Column("demands", _("受理诉求"))])
    register_export("enterprise.liaison_officers", title=_("驻企员走访情况"), permission="enterprise.liaison",
                    screen="enterprise:liaison", screen_rows="officers", rows=_view_rows("liaison_officer_rows"),
                    columns=[Column("officer", _("驻企员")), Column("enterprises", _("联系企业")),
                             Column("visits", _("走访")), Column("demands", _("收集诉求"))])
    register_export("enterprise.not_visited", title=_("期间未走访的企业"), permission="enterprise.liaison",
                    screen="enterprise:liaison", screen_rows="not_visited", rows=_view_rows("not_visited_rows"),
                    columns=[Column("enterprise.name", _("企业"), width=32), Column("officer", _("驻企员"))])
    register_export("enterprise.visits", title=_("最近走访"), permission="enterprise.liaison",
                    screen="enterprise:liaison", screen_rows="visits", rows=_view_rows("visit_rows"), columns=[
                        Column("visited_on", _("走访日期")),
                        Column("officer", _("驻企员"), value=lambda v: str(v.officer)),
                        Column("enterprise.name", _("企业"), width=32),
                        Column("content", _("走访内容"), mask="text", width=48),
                        Column("demands", _("收集诉求"), value=lambda v: [d.number for d in v.demands.all()],
                               width=24),
                    ])


_register_lists()
