"""The supervision lists in Excel (core/exports.py): the same rows as the screens, free text scrubbed.

The workspace's tables are previews of these lists (each links to the full list, which exports)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import Column, register_export
from zhengwu.supervision.views import campaign_rows, clue_rows, flag_rows

register_export("supervision.clues", title=_("违法违规线索"), permission="supervision.view",
                screen="supervision:clues", rows=clue_rows, columns=[
                    Column("number", _("编号"), width=18),
                    Column("get_source_display", _("来源")),
                    Column("source_reference", _("来源说明"), mask="text", width=24),
                    Column("description", _("线索内容"), mask="text", width=48),
                    Column("project.number", _("涉及项目")),
                    Column("enterprise.name", _("涉及企业"), width=28),
                    Column("registered_at", _("登记时间")),
                    Column("due_at", _("本环节期限")),
                    Column("get_status_display", _("状态")),
                ])

register_export("supervision.flags", title=_("预警"), permission="supervision.view", screen="supervision:flags",
                rows=flag_rows, columns=[
                    Column("rule", _("规则")),
                    Column("get_family_display", _("类别")),
                    Column("title", _("摘要"), mask="text", width=40),
                    Column("subject_label", _("对象"), mask="text", width=28),
                    Column("case.number", _("监管案件"), width=18),
                    Column("detected_at", _("发现时间")),
                    Column("get_status_display", _("状态")),
                ])

register_export("supervision.campaigns", title=_("专项排查"), permission="supervision.view",
                screen="supervision:campaigns", screen_rows="campaigns", rows=campaign_rows, columns=[
                    Column("name", _("排查名称"), width=32),
                    Column("period_start", _("开始日期")),
                    Column("period_end", _("结束日期")),
                    Column("inspected", _("排查项目")),
                    Column("with_problems", _("发现问题")),
                    Column("clues_raised", _("形成线索")),
                ])
