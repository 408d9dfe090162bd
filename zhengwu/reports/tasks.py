"""The report generation job: a thin huey entry point, enqueued when a generation is requested (on commit)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from zhengwu.core import context
from zhengwu.core.db import replica_reads


@db_task()
def reports_generate(report_id: int) -> str:
    from zhengwu.reports.services import report_run

    # the figures are read on a replica; the report row's transitions run in transactions, so on the primary
    with context.outside_request("job:reports_generate"), replica_reads():
        return report_run(report=report_id).status
