"""The dashboard's warming job: every five minutes the figures of the usual periods are computed afresh into the
cache (``selectors.warm``), so the page and the hall display's self-refresh read them instead of waiting."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from zhengwu.core import context
from zhengwu.core.db import replica_reads
from zhengwu.core.scheduling import once_per_tick


@once_per_tick
@db_periodic_task(crontab(minute="*/5"))
@lock_task("leadership-warm")
def leadership_warm() -> int:
    from zhengwu.leadership import selectors

    with context.outside_request("job:leadership_warm"), replica_reads():  # reads only; a moment's lag is fine
        return len(selectors.warm())
