"""The small projects registry in Excel (core/exports.py): the same rows as the list screen."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import MONEY, Column, register_export


def project_rows(user: Any, params: Any) -> Any:
    from zhengwu.smallprojects.views import project_rows_filtered

    return project_rows_filtered(user, params)[1]


register_export("smallprojects.list", title=_("小额工程"), permission="smallprojects.view",
                screen="smallprojects:list", rows=project_rows, columns=[
                    Column("number", _("项目编号"), width=18),
                    Column("name", _("项目名称"), width=32),
                    Column("township.name", _("乡镇(街道)")),
                    Column("village.name", _("村(社区)")),
                    Column("get_category_display", _("类别")),
                    Column("contract_amount", _("合同金额(元)"), number_format=MONEY),
                    Column("contract_date", _("合同日期")),
                    Column("contractor.name", _("承包单位"), width=28),
                    Column("get_status_display", _("状态")),
                ])
