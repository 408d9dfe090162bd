"""The intermediary supermarket's lists in Excel (core/exports.py): the same rows as the screens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import MONEY, Column, register_export
from zhengwu.intermediary.views import agency_rows, purchase_rows

register_export("intermediary.agencies", title=_("中介机构"), permission="intermediary.view",
                screen="intermediary:agencies", rows=agency_rows, columns=[
                    Column("name", _("机构名称"), width=32),
                    Column("credit_code", _("统一社会信用代码"), width=22),
                    Column("department.name", _("监管部门"), width=24),
                    Column("types", _("服务类型"), value=lambda a: [t.name for t in a.service_types.all()], width=30),
                    Column("credit_score", _("信用分")),
                    Column("get_status_display", _("状态")),
                ])

register_export("intermediary.purchases", title=_("中介采购"), permission="intermediary.view",
                screen="intermediary:purchases", rows=purchase_rows, columns=[
                    Column("number", _("采购编号"), width=20),
                    Column("project_name", _("项目名称"), width=32),
                    Column("owner.name", _("项目业主"), width=28),
                    Column("service_type.name", _("服务类型")),
                    Column("budget", _("预算(元)"), number_format=MONEY),
                    Column("get_selection_method_display", _("选取方式")),
                    Column("selected_answer.agency.name", _("成交机构"), width=28),
                    Column("get_status_display", _("状态")),
                ])
