"""The financial services applications in Excel (core/exports.py): the same rows as the list screen."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import MONEY, Column, register_export
from zhengwu.finance.views import application_rows

register_export("finance.applications", title=_("金融服务申请"), permission="finance.view",
                screen="finance:applications", rows=application_rows, columns=[
                    Column("number", _("申请编号"), width=20),
                    Column("enterprise.name", _("企业"), width=28),
                    Column("get_kind_display", _("产品类型")),
                    Column("product.name", _("产品"), width=24),
                    Column("institution.name", _("金融机构"), width=28),
                    Column("amount_requested", _("申请金额(元)"), number_format=MONEY),
                    Column("amount_approved", _("批准金额(元)"), number_format=MONEY),
                    Column("submitted_at", _("提交时间")),
                    Column("get_status_display", _("状态")),
                ])
