"""The violation clues in Excel (core/exports.py): the same rows as the clues screen, free text scrubbed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import Column, register_export
from zhengwu.supervision.views import clue_rows

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
