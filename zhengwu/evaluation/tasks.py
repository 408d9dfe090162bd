"""The Monday job: prepare the draft of last week's publication for every scheme."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from zhengwu.core import context
from zhengwu.core.scheduling import once_per_tick


@once_per_tick
@db_periodic_task(crontab(day_of_week="1", hour="6", minute="0"))
@lock_task("zhengwu-evaluation-weekly-draft")
def prepare_weekly_drafts() -> int:
    from zhengwu.core.errors import Conflict
    from zhengwu.evaluation.models import Scheme
    from zhengwu.evaluation.services import publication_prepare, week_of

    week = week_of(timezone.localdate()) - timedelta(days=7)
    made = 0
    with context.outside_request("job:evaluation_weekly_draft"):
        for scheme in Scheme.objects.all():
            try:
                publication_prepare(actor="system", scheme=scheme, week_start=week)
                made += 1
            except Conflict:
                continue  # already published
    return made


@once_per_tick
@db_periodic_task(crontab(minute="*"))
@lock_task("zhengwu-evaluation-fold")
def fold_rollup_deltas() -> int:
    """Move the live counter deltas into the daily rollups (readers add unfolded ones meanwhile)."""
    from zhengwu.evaluation import rollups

    with context.outside_request("job:evaluation_fold"):
        return rollups.fold()
