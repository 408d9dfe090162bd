"""The case lists in Excel (core/exports.py): the same rows as the inbox and the case list, applicants masked."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.cases import deadlines
from zhengwu.cases.choices import DeadlineState
from zhengwu.core.exports import Column, register_export


def _state(case: Any) -> str:
    if not case.is_open:
        return str(case.get_outcome_display()) if case.outcome else ""
    return str(DeadlineState(deadlines.deadline_state(case, now=timezone.now())).label)


def _days_left(case: Any) -> int | None:
    return deadlines.working_days_left(case, today=timezone.localdate()) if case.is_open else None


COLUMNS = [
    Column("number", _("办件编号"), width=24),
    Column("item.name", _("事项"), width=36),
    Column("applicant_name_masked", _("申请人")),
    Column("department.name", _("部门"), width=24),
    Column("get_channel_display", _("收件渠道")),
    Column("get_status_display", _("状态")),
    Column("state", _("期限状态"), value=_state),
    Column("days_left", _("剩余工作日"), value=_days_left),
    Column("acceptance_deadline", _("受理期限")),
    Column("completion_deadline", _("办结期限")),
    Column("received_at", _("收件时间"), width=18),
    Column("completed_at", _("办结时间"), width=18),
]


def case_list_rows(user: Any, params: Any) -> Any:
    from zhengwu.cases.views import case_list_filtered

    return case_list_filtered(user, params)[1]


def inbox_rows(user: Any, params: Any) -> Any:
    from zhengwu.cases.views import inbox_filtered

    return inbox_filtered(user, params, now=timezone.now())[2]


register_export("cases.list", title=_("办件查询"), permission="cases.view", columns=COLUMNS, rows=case_list_rows,
                screen="cases:list")
register_export("cases.inbox", title=_("待办办件"), permission="cases.view", columns=COLUMNS, rows=inbox_rows,
                screen="cases:inbox")
