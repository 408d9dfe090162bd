"""The intermediary supermarket's lists in Excel (core/exports.py): the same rows as the screens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import MONEY, Column, register_export
from zhengwu.intermediary.views import MANAGE, agency_rows, deal_rows, proposal_rows, purchase_rows, service_rows

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

register_export("intermediary.service_list", title=_("中介服务事项清单"), permission="intermediary.view",
                screen="intermediary:service_list", screen_rows="items", rows=service_rows, columns=[
                    Column("service_type.name", _("服务类型")),
                    Column("name", _("中介服务事项"), width=32),
                    Column("legal_basis", _("设定依据"), width=32),
                    Column("department.name", _("主管部门"), width=24),
                    Column("time_limit_days", _("时限(工作日)")),
                    Column("workflow_text", _("办理流程"), width=40),
                    Column("conditions", _("申请条件"), width=40),
                    Column("fee_standard", _("收费标准"), width=28),
                ])

register_export("intermediary.deals", title=_("中介服务成交公告"), permission="intermediary.view",
                screen="intermediary:deals", rows=deal_rows, columns=[
                    Column("number", _("采购编号"), width=20),
                    Column("project_name", _("项目名称"), width=32),
                    Column("owner.name", _("项目业主"), width=28),
                    Column("service_type.name", _("服务类型")),
                    Column("get_selection_method_display", _("选取方式")),
                    Column("draw_seed", _("随机种子")),
                    Column("selected_answer.agency.name", _("成交机构"), width=28),
                    Column("selected_answer.price", _("成交价(元)"), number_format=MONEY),
                    Column("deal_at", _("成交时间")),
                ])

register_export("intermediary.proposals", title=_("中介机构清理建议"), permission=MANAGE,
                screen="intermediary:proposals", screen_rows="rows", rows=proposal_rows, columns=[
                    Column("proposal.agency.name", _("机构"), width=28),
                    Column("reasons", _("理由"), width=28),
                    Column("proposal.detail", _("说明"), mask="text", width=40),
                    Column("proposal.review_date", _("检查日期")),
                    Column("proposal.get_status_display", _("状态")),
                    Column("proposal.decision_reason", _("决定理由"), mask="text", width=32),
                ])
