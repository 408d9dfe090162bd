"""The nightly job of approvals: follow the running combined applications after their cases (the fan-in runs
on each case transition; this catches cases moved by a bulk import, which publishes no transition events)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from zhengwu.core import context
from zhengwu.core.scheduling import once_per_tick


@once_per_tick
@db_periodic_task(crontab(hour="3", minute="40"))
@lock_task("zhengwu-approvals-reconcile")
def approvals_reconcile_nightly() -> dict[str, int]:
    from zhengwu.approvals.fanin import applications_reconcile

    with context.outside_request("job:approvals_reconcile"):
        return applications_reconcile()
