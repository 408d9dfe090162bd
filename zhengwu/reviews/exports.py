"""The review lists in Excel (core/exports.py): the same rows as 好差评 and 差评处置, free text scrubbed."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import Column, register_export
from zhengwu.core.ui import DeadlineState
from zhengwu.reviews import deadlines, selectors
from zhengwu.reviews.forms import parse_filter
from zhengwu.reviews.schemas import BadReviewFilter, ReviewFilter


def review_rows(user: Any, params: Any) -> Any:
    filters, _errors = parse_filter(ReviewFilter, params)
    return selectors.review_list(user=user, filters=filters)


def bad_review_rows(user: Any, params: Any) -> Any:
    filters, _errors = parse_filter(BadReviewFilter, params)
    return selectors.bad_review_list(user=user, filters=filters)


register_export("reviews.list", title=_("好差评"), permission="reviews.view", screen="reviews:list", columns=[
    Column("created_at", _("评价时间"), width=18),
    Column("case.number", _("办件编号"), width=24),
    Column("case.item.name", _("事项"), width=36),
    Column("department.name", _("部门"), width=24),
    Column("get_channel_display", _("渠道")),
    Column("get_level_display", _("等级")),
    Column("comment", _("内容"), mask="text", width=40),
], rows=review_rows)

register_export("reviews.bad", title=_("差评处置"), permission="reviews.view_bad", screen="reviews:bad_list", columns=[
    Column("review.created_at", _("差评时间"), width=18),
    Column("review.case.number", _("办件编号"), width=24),
    Column("review.case.item.name", _("事项"), width=36),
    Column("department.name", _("责任部门"), width=24),
    Column("review.get_level_display", _("等级")),
    Column("get_status_display", _("状态")),
    Column("state", _("期限状态"),
           value=lambda h: str(DeadlineState(deadlines.deadline_state(h, now=timezone.now())).label)),
    Column("due", _("当前期限"), value=lambda h: deadlines.due(h)),
    Column("rectified_on_time", _("按时整改")),
], rows=bad_review_rows)
