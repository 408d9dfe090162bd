"""The generation job's transitions, as data (run by :mod:`zhengwu.core.workflow`)::

    queued ──start──▶ running ──finish──▶ done
    queued / running ──fail──▶ failed

All three are the system's (the job takes them); the service passes the columns that change with the status
(progress, files, finish time, the failure's message) in ``payload["_updates"]`` and the guard stages them into
the same compare-and-set UPDATE.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.reports.choices import ReportStatus as S
from zhengwu.reports.models import GeneratedReport
from zhengwu.reports.permissions import VIEW
from zhengwu.reports.selectors import reports_visible_to


def stage_updates(obj: Any, ctx: TransitionContext) -> None:
    ctx.updates.update(ctx.payload.pop("_updates", {}))


REPORT_WORKFLOW: Workflow[GeneratedReport] = Workflow(
    model=GeneratedReport, visible_to=reports_visible_to, initial=S.QUEUED,
    transitions=[
        Transition("start", source={S.QUEUED}, target=S.RUNNING, permission=VIEW, label=_("开始生成"),
                   guard=stage_updates, system=True),
        Transition("finish", source={S.RUNNING}, target=S.DONE, permission=VIEW, label=_("生成完成"),
                   guard=stage_updates, system=True),
        Transition("fail", source={S.QUEUED, S.RUNNING}, target=S.FAILED, permission=VIEW, label=_("生成失败"),
                   guard=stage_updates, system=True),
    ],
)
