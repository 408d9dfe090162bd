"""The periodic clean-up review of the intermediary supermarket (proposals a person decides)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from zhengwu.core import context
from zhengwu.core.scheduling import once_per_tick


@once_per_tick
@db_periodic_task(crontab(day="1", hour="4", minute="10"))
@lock_task("zhengwu-intermediary-review")
def intermediary_removal_review_monthly() -> int:
    from zhengwu.intermediary.services import removal_review_run

    with context.outside_request("job:intermediary_review"):
        return len(removal_review_run(actor="system"))
