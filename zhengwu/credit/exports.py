"""The credit lists in Excel (core/exports.py): the same rows as the screens."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import Column, register_export
from zhengwu.core.identifiers import mask_name
from zhengwu.credit.views import expert_rows, penalty_rows, rating_rows, record_rows

register_export("credit.experts", title=_("专家信用"), permission="credit.view", screen="credit:experts",
                rows=expert_rows, columns=[
                    Column("name", _("专家")),
                    Column("credit_score", _("信用分")),
                    Column("get_status_display", _("状态")),
                    Column("ratings_count", _("评价次数")),
                    Column("penalty_points", _("扣分")),
                ])

register_export("credit.penalties", title=_("考核扣分"), permission="credit.view", screen="credit:penalties",
                rows=penalty_rows, columns=[
                    Column("expert.name", _("专家")),
                    Column("occurred_on", _("发生日期")),
                    Column("get_basis_display", _("事由"), width=24),
                    Column("reason", _("说明"), mask="text", width=40),
                    Column("points", _("扣分")),
                    Column("get_status_display", _("状态")),
                    Column("suspended", _("因此暂停")),
                ])

register_export("credit.ratings", title=_("专家评价(一标一评)"), permission="credit.rate", screen="credit:ratings",
                rows=rating_rows, columns=[
                    Column("tender.project.name", _("项目"), width=32),
                    Column("tender.number", _("招标编号"), width=20),
                    Column("section", _("标段"), value=lambda s: str(s), width=24),
                    Column("evaluation.reported_at", _("评标报告")),
                    Column("rated", _("已评价")),
                    Column("served", _("评标专家")),
                ])


def _record_subject(record: Any) -> str:
    """An enterprise by its name; a natural person's name masked (personal data)."""
    return record.enterprise.name if record.enterprise_id else mask_name(record.person.name)


register_export("credit.records", title=_("市场主体行为记录"), permission="credit.view", screen="credit:records",
                rows=record_rows, columns=[
                    Column("subject", _("对象"), value=_record_subject, width=28),
                    Column("get_kind_display", _("类别")),
                    Column("get_scope_display", _("禁止范围")),
                    Column("title", _("标题"), mask="text", width=32),
                    Column("document_number", _("文号"), width=20),
                    Column("department_name", _("作出部门"), width=24),
                    Column("effective_from", _("生效日期")),
                    Column("effective_until", _("截止日期")),
                    Column("get_status_display", _("状态")),
                ])
