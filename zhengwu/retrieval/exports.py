"""The retrieval lists in Excel (core/exports.py): the same rows as the screens.

An answer's content never leaves through an export: only numbers, SM3 digests, statuses and dates (not
the answer's conclusion, not its text); the subject's name is masked and free text scrubbed.
"""

from __future__ import annotations

from typing import Any, Iterator

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import BATCH, Column, register_export
from zhengwu.retrieval import selectors
from zhengwu.retrieval.permissions import ANSWER, CONSENT, MANAGE, VIEW
from zhengwu.retrieval.views import catalog_rows, inbox_rows, mine_rows, request_rows, requester_rows

register_export("retrieval.requests", title=_("信息调取申请"), permission=VIEW, screen="retrieval:requests",
                rows=request_rows, columns=[
                    Column("number", _("申请编号"), width=20),
                    Column("requester.enterprise.name", _("申请单位"), width=28),
                    Column("scenario.name", _("应用场景"), width=20),
                    Column("subject_name_masked", _("信息主体")),
                    Column("purpose", _("用途"), mask="text", width=40),
                    Column("submitted_at", _("申请时间")),
                    Column("get_status_display", _("状态")),
                ])


def inbox_export_rows(user: Any, params: Any) -> Iterator[dict[str, Any]]:
    """The inbox's items with their deadline state, as the screen shows them."""
    now = timezone.now()
    for item in inbox_rows(user, params).iterator(chunk_size=BATCH):
        yield {"item": item, "deadline": selectors.deadline_state(item, now=now)}


register_export("retrieval.inbox", title=_("信息调取待办"), permission=ANSWER, screen="retrieval:inbox",
                rows=inbox_export_rows, count=lambda user, params: inbox_rows(user, params).count(), columns=[
                    Column("item.request.number", _("申请编号"), width=20),
                    Column("item.info_type.name", _("信息"), width=24),
                    Column("item.request.requester.enterprise.name", _("申请单位"), width=28),
                    Column("item.request.scenario.name", _("应用场景"), width=20),
                    Column("item.assigned_at", _("分派时间")),
                    Column("item.due_at", _("答复期限")),
                    Column("deadline", _("期限状态")),
                    Column("item.get_status_display", _("状态")),
                    Column("item.answered_at", _("答复时间")),
                    Column("item.answer_number", _("答复编号"), width=20),
                    Column("item.digest", _("答复摘要(SM3)"), width=40),
                ])

register_export("retrieval.mine", title=_("调取我的信息的申请"), permission=CONSENT, screen="retrieval:mine",
                screen_rows="rows", rows=mine_rows, columns=[
                    Column("number", _("申请编号"), width=20),
                    Column("requester.enterprise.name", _("申请单位"), width=28),
                    Column("purpose", _("用途"), mask="text", width=40),
                    Column("consent.scope", _("授权范围"), width=28),
                    Column("consent.get_status_display", _("授权")),
                    Column("consent.valid_until", _("有效期至")),
                    Column("get_status_display", _("状态")),
                ])

register_export("retrieval.catalog", title=_("信息调取目录"), permission=VIEW, screen="retrieval:catalog",
                screen_rows="types", rows=catalog_rows, columns=[
                    Column("code", _("编码")),
                    Column("name", _("信息名称"), width=28),
                    Column("get_subject_kind_display", _("主体")),
                    Column("department.name", _("数源部门"), width=24),
                    Column("get_source_display", _("来源")),
                    Column("adapter", _("接口")),
                    Column("get_answer_format_display", _("答复形式")),
                    Column("requester_kind_labels", _("允许的申请单位"), width=28),
                    Column("scenarios", _("适用场景"), value=lambda t: [s.name for s in t.scenarios.all()], width=28),
                    Column("answer_days", _("时限(工作日)")),
                    Column("validity_days", _("有效期(天)")),
                    Column("active", _("启用")),
                ])

register_export("retrieval.requesters", title=_("申请单位"), permission=MANAGE, screen="retrieval:requesters",
                screen_rows="rows", rows=requester_rows, columns=[
                    Column("enterprise.name", _("单位名称"), width=28),
                    Column("enterprise.credit_code", _("统一社会信用代码"), width=22),
                    Column("get_kind_display", _("单位类型")),
                    Column("contact", _("联系人"), mask="name"),
                    Column("get_status_display", _("状态")),
                    Column("status_reason", _("状态说明"), mask="text", width=32),
                ])
