"""The trading lists in Excel (core/exports.py): the same rows as the screens.

The figures page keeps its own workbook (``views_figures.figures_export``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import MONEY, Column, register_export
from zhengwu.trading.views import WORKSPACE, deposit_overdue_rows, project_rows
from zhengwu.trading.views_experts import expert_account_rows
from zhengwu.trading.views_fees import fee_schedule_rows
from zhengwu.trading.views_sessions import session_rows

register_export("trading.projects", title=_("交易项目"), permission=WORKSPACE, screen="trading:projects",
                rows=project_rows, columns=[
                    Column("number", _("项目编号"), width=20),
                    Column("name", _("项目名称"), width=32),
                    Column("tendering_party_name", _("招标人"), width=28),
                    Column("get_project_type_display", _("类型")),
                    Column("get_procedure_display", _("交易方式")),
                    Column("estimate", _("估算价(元)"), number_format=MONEY, width=18),
                    Column("above_limit", _("限额以上")),
                    Column("tender_count", _("招标次数")),
                ])


def _section(session: Any) -> str:
    return str(session.tender_section.section) if session.tender_section_id else ""


register_export("trading.sessions", title=_("远程异地评标"), permission=WORKSPACE, screen="trading:sessions",
                rows=session_rows, columns=[
                    Column("scheduled_start", _("计划开始")),
                    Column("project_name", _("项目"), width=32),
                    Column("project_number", _("项目编号"), width=20),
                    Column("section", _("标段"), value=_section),
                    Column("get_our_role_display", _("本中心角色")),
                    Column("host_center", _("主场交易中心"), width=24),
                    Column("venues", _("场地"), value=lambda s: [v.city for v in s.venues.all()], width=24),
                    Column("get_status_display", _("状态")),
                ])

register_export("trading.deposits_overdue", title=_("逾期未退保证金"), permission=WORKSPACE,
                screen="trading:deposits_overdue", screen_rows="rows", rows=deposit_overdue_rows, columns=[
                    Column("registration.tender_section.tender.number", _("招标编号"), width=20),
                    Column("section", _("标段"), value=lambda d: str(d.registration.tender_section.section)),
                    Column("registration.enterprise.name", _("投标人"), width=32),
                    Column("amount", _("金额(元)"), number_format=MONEY, width=16),
                    Column("refund_due_on", _("应退还日期")),
                ])


def _fee_state(row: dict[str, Any]) -> str:
    if row["charging"]:
        return str(_("现行,收取"))
    return str(_("现行,免收")) if row["in_force"] else ""


register_export("trading.fee_schedules", title=_("交易服务费收费标准"), permission=WORKSPACE,
                screen="trading:fee_schedules", screen_rows="rows", rows=fee_schedule_rows, columns=[
                    Column("schedule.get_project_type_display", _("项目类型")),
                    Column("schedule.effective_from", _("执行日期")),
                    Column("schedule.switched_off_from", _("停止收取日期")),
                    Column("state", _("状态"), value=_fee_state),
                    Column("tiers", _("分档费率"), value=lambda r: ";".join(r["tiers"]), width=48),
                    Column("schedule.minimum", _("最低收费(元)"), number_format=MONEY),
                    Column("schedule.cap", _("最高收费(元)"), number_format=MONEY),
                    Column("schedule.basis", _("依据"), width=32),
                ])

register_export("trading.expert_accounts", title=_("专家账号"), permission="trading.view_experts",
                screen="trading:expert_accounts", rows=expert_account_rows, columns=[
                    Column("name", _("专家")),
                    Column("specialties", _("专业"), value=lambda e: [s.name for s in e.specialties.all()], width=30),
                    Column("get_source_display", _("所属专家库")),
                    Column("get_status_display", _("状态")),
                    Column("user.username", _("登录账号"), width=20),
                ])
