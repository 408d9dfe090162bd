"""The project service lists in Excel (core/exports.py): the same rows as the screens, free text scrubbed."""

from __future__ import annotations

from typing import Any, Iterator

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import BATCH, Column, register_export
from zhengwu.projectservice import selectors
from zhengwu.projectservice.permissions import VIEW
from zhengwu.projectservice.views import (
    action_rows,
    factor_rows,
    issue_rows,
    overdue_connection_rows,
    overdue_issue_rows,
    project_rows,
    visit_rows,
)


def project_export_rows(user: Any, params: Any) -> Iterator[dict[str, Any]]:
    """The projects with their agent on duty, as the screen shows them, a batch at a time."""
    batch: list[Any] = []
    for project in project_rows(user, params).iterator(chunk_size=BATCH):
        batch.append(project)
        if len(batch) == BATCH:
            yield from _with_agents(batch)
            batch = []
    yield from _with_agents(batch)


def _with_agents(projects: list[Any]) -> Iterator[dict[str, Any]]:
    agents = selectors.active_agents([p.pk for p in projects]) if projects else {}
    for p in projects:
        yield {"project": p, "agent": agents.get(p.pk)}


def _agent(row: dict[str, Any]) -> str:
    agent = row["agent"]
    return (agent.agent.display_name or agent.agent.username) if agent is not None else ""


def _person(user: Any) -> str:
    return (user.display_name or user.username) if user is not None else ""


register_export("projectservice.projects", title=_("重点项目帮办代办"), permission=VIEW,
                screen="projectservice:projects", rows=project_export_rows,
                count=lambda user, params: project_rows(user, params).count(), columns=[
                    Column("project.code", _("项目代码"), width=24),
                    Column("project.name", _("项目名称"), width=32),
                    Column("project.investor.name", _("投资主体"), width=28),
                    Column("project.township.name", _("建设地点")),
                    Column("agent", _("在岗代办员"), value=_agent),
                    Column("agent.started_on", _("代办起始日期")),
                ])

FACTOR_COLUMNS = [
    Column("project.name", _("项目"), width=32),
    Column("get_kind_display", _("要素")),
    Column("capacity", _("需求量"), number_format="#,##0.00"),
    Column("capacity_unit", _("单位")),
    Column("provider", _("供应单位"), width=24),
    Column("requested_on", _("申请日期")),
    Column("promised_on", _("承诺接入")),
    Column("connected_on", _("实际接入")),
    Column("get_status_display", _("状态")),
    Column("problem_note", _("问题说明"), mask="text", width=32),
]

register_export("projectservice.factors", title=_("要素保障"), permission=VIEW, screen="projectservice:factors",
                rows=factor_rows, columns=FACTOR_COLUMNS)

register_export("projectservice.actions", title=_("帮办代办记录"), permission=VIEW, screen="projectservice:actions",
                rows=action_rows, columns=[
                    Column("handled_on", _("办理日期")),
                    Column("project.name", _("项目"), width=32),
                    Column("item_label", _("事项"), width=28),
                    Column("what_done", _("办理情况"), mask="text", width=40),
                    Column("trips_saved", _("减少跑腿")),
                    Column("agent", _("代办员"), value=lambda a: _person(a.agent)),
                ])


def _issues(visit: Any) -> str:
    today = timezone.localdate()
    parts = []
    for issue in visit.issues.all():
        if issue.followed_up_on:
            state = _("已跟进")
        else:
            state = _("截止") + f" {issue.due_on:%Y-%m-%d}" + (f"({_('逾期')})" if issue.due_on < today else "")
        parts.append(f"{issue.description}({state})")
    return ";".join(parts)


register_export("projectservice.visits", title=_("服务团走访"), permission=VIEW, screen="projectservice:visits",
                rows=visit_rows, columns=[
                    Column("visited_on", _("走访日期")),
                    Column("team_lead", _("带队人")),
                    Column("summary", _("走访情况"), mask="text", width=40),
                    Column("units", _("走访单位"), value=lambda v: [str(u) for u in v.units.all()], width=32),
                    Column("projects", _("服务项目"), value=lambda v: [p.name for p in v.projects.all()], width=32),
                    Column("issues", _("发现问题"), value=_issues, mask="text", width=48),
                ])

ISSUE_COLUMNS = [
    Column("description", _("问题"), mask="text", width=40),
    Column("visit.visited_on", _("走访日期")),
    Column("project.name", _("项目"), width=32),
    Column("owner", _("责任人"), value=lambda i: _person(i.owner)),
    Column("due_on", _("跟进截止")),
    Column("follow_up_days", _("跟进时限(工作日)")),
    Column("followed_up_on", _("跟进日期")),
    Column("follow_up_note", _("跟进情况"), mask="text", width=32),
]

register_export("projectservice.issues", title=_("走访问题"), permission=VIEW, screen="projectservice:issues",
                rows=issue_rows, columns=ISSUE_COLUMNS)

register_export("projectservice.overdue_issues", title=_("逾期未跟进的走访问题"), permission=VIEW,
                screen="projectservice:overdue", screen_rows="issues", rows=overdue_issue_rows,
                columns=ISSUE_COLUMNS)

register_export("projectservice.overdue_connections", title=_("超过承诺日期未接入的要素"), permission=VIEW,
                screen="projectservice:overdue", screen_rows="connections", rows=overdue_connection_rows,
                columns=FACTOR_COLUMNS)
