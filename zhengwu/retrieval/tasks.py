"""Jobs of information retrieval: the deadline sweep (registered with the core reminders job) and the fetch of
external items, enqueued on commit when consent is granted."""

from __future__ import annotations

from datetime import datetime

from huey.contrib.djhuey import db_task

from zhengwu.core import context
from zhengwu.core.reminders import register_sweep


@register_sweep("retrieval.deadlines")
def retrieval_sweep(now: datetime) -> int:
    from zhengwu.retrieval.services_answers import sweep

    result = sweep(now=now)
    return result["due_soon"] + result["overdue"] + result["escalated"]


@db_task()
def retrieval_fetch_external(item_ids: list[int]) -> int:
    from zhengwu.retrieval.services_answers import item_fetch_external

    with context.outside_request("job:retrieval_fetch"):
        return sum(1 for pk in item_ids if item_fetch_external(item=pk) == "answered")
