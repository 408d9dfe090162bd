"""The fair-competition review lists in Excel (core/exports.py): the same rows as the screens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import Column, register_export
from zhengwu.fairreview.views import VIEW, rule_rows, tender_rows

register_export("fairreview.index", title=_("公平竞争审查"), permission=VIEW, screen="fairreview:index",
                screen_rows="page", rows=tender_rows, columns=[
                    Column("number", _("招标编号"), width=20),
                    Column("title", _("招标公告标题"), width=40),
                    Column("project.name", _("项目"), width=32),
                    Column("get_status_display", _("状态")),
                    Column("documents_issued_at", _("招标文件发出时间")),
                    Column("reviews", _("审查次数")),
                    Column("open_findings", _("待处理问题")),
                ])

register_export("fairreview.rules", title=_("审查规则"), permission="fairreview.manage_rules",
                screen="fairreview:rules", screen_rows="rules", rows=rule_rows, columns=[
                    Column("code", _("规则编号")),
                    Column("get_category_display", _("类别")),
                    Column("message", _("提示"), width=40),
                    Column("legal_basis", _("依据"), width=32),
                    Column("get_matcher_display", _("匹配方式")),
                    Column("threshold", _("阈值"), number_format="0.####"),
                    Column("get_severity_display", _("严重程度")),
                    Column("active", _("启用")),
                    Column("n_findings", _("发现")),
                ])
