"""The approvals lists in Excel (core/exports.py): the same rows as the screens.

The figures page keeps its own workbook (``views.figures_export``).
"""

from __future__ import annotations

from typing import Any, Iterator

from django.utils.translation import gettext_lazy as _

from zhengwu.approvals import selectors
from zhengwu.approvals.views import VIEW, inbox_rows, project_rows
from zhengwu.core.exports import BATCH, MONEY, Column, register_export


def project_export_rows(user: Any, params: Any) -> Iterator[dict[str, Any]]:
    """The projects list's rows with the stage progress the screen shows, computed a batch at a time."""
    qs = project_rows(user, params).select_related("investor", "township")
    batch: list[Any] = []
    for project in qs.iterator(chunk_size=BATCH):
        batch.append(project)
        if len(batch) == BATCH:
            yield from _with_progress(batch)
            batch = []
    yield from _with_progress(batch)


def _with_progress(projects: list[Any]) -> Iterator[dict[str, Any]]:
    progress = selectors.stage_progress(projects) if projects else {}
    for p in projects:
        yield {"project": p, "progress": progress[p.pk]}


def _stages(row: dict[str, Any]) -> str:
    states = {"done": _("已批复"), "running": _("办理中"), "stopped": _("已终止"), "todo": _("未开始")}
    return ";".join(f"{s['label']}:{states.get(s['state'], s['state'])}" for s in row["progress"]["stages"])


register_export("approvals.projects", title=_("投资项目"), permission=VIEW, screen="approvals:projects",
                rows=project_export_rows, count=lambda user, params: project_rows(user, params).count(), columns=[
                    Column("project.code", _("项目代码"), width=24),
                    Column("project.name", _("项目名称"), width=32),
                    Column("project.investor.name", _("投资主体"), width=28),
                    Column("project.get_project_type_display", _("类型")),
                    Column("project.get_risk_class_display", _("风险等级")),
                    Column("project.township.name", _("乡镇(街道)")),
                    Column("project.total_investment", _("总投资(万元)"), number_format=MONEY),
                    Column("progress.done", _("已批复阶段")),
                    Column("progress.percent", _("进度(%)")),
                    Column("stages", _("各阶段"), value=_stages, width=48),
                ])

register_export("approvals.inbox", title=_("多合一待办事项"), permission=VIEW, screen="approvals:inbox",
                screen_rows="rows", rows=inbox_rows, columns=[
                    Column("link.case.number", _("办件编号"), width=22),
                    Column("link.item.name", _("事项"), width=32),
                    Column("link.application.project.name", _("项目"), width=32),
                    Column("link.application.number", _("多合一申请"), width=20),
                    Column("link.case.get_status_display", _("办件状态")),
                    Column("link.case.completion_deadline", _("办结期限")),
                ])
