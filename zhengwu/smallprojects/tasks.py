"""The daily job of small projects: run the alerts over the registry (each new finding becomes a flag)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from zhengwu.core import context
from zhengwu.core.scheduling import once_per_tick


@once_per_tick
@db_periodic_task(crontab(hour="3", minute="20"))
@lock_task("zhengwu-smallprojects-alerts")
def small_project_alerts_daily() -> dict[str, int]:
    from zhengwu.smallprojects.alerts import alerts_run

    with context.outside_request("job:smallprojects_alerts"):
        return alerts_run(actor="system")
