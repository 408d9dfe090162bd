"""The experts' credit list in Excel (core/exports.py): the same rows as the screen."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import Column, register_export
from zhengwu.credit.views import expert_rows

register_export("credit.experts", title=_("专家信用"), permission="credit.view", screen="credit:experts",
                rows=expert_rows, columns=[
                    Column("name", _("专家")),
                    Column("credit_score", _("信用分")),
                    Column("get_status_display", _("状态")),
                    Column("ratings_count", _("评价次数")),
                    Column("penalty_points", _("扣分")),
                ])
