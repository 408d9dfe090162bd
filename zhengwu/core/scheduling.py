"""Periodic jobs run once per scheduled tick across the cluster.

Every huey consumer started with its scheduler (``zhengwu worker``) checks the periodic tasks once a minute and
enqueues those whose crontab matches. With several consumers on one Redis queue, every consumer would enqueue every
due job: the reminder sweep, the Monday publication draft, ... once per consumer. :func:`once_per_tick` puts a claim
in front of the scheduler's check: the first consumer to claim ``periodic:<task>:<tick minute>`` enqueues the run,
the others find the claim taken and enqueue nothing.

The claim is Django's ``cache.add`` (atomic add-if-absent with an expiry): on Redis (``REDIS_URL`` set) it is
``SET key value NX EX``, shared by every node, in the same Redis the queue lives in; on the single-machine setup
the cache is per process, which is exact there since one consumer's scheduler runs in one process. The tick is the
scheduler's minute, not the time a job runs, so nodes whose clocks differ by a few seconds still claim the same key
for the same scheduled run. Why not a database table: see docs/deploy.md ("Periodic jobs").

Only the scheduler's enqueue is claimed: a job called directly (``reminders_sweep()`` enqueues it now,
``reminders_sweep.call_local()`` runs it here) always runs. Jobs stay idempotent whatever this does (reminders are
unique rows, a week has one publication), so a lost claim costs a wasted run, never a second message.

``ZHENGWU_PERIODIC_EVERY_MINUTE`` (a list of task names, ignored in production) makes the named jobs due every
minute, so the cluster test and a drill can watch real scheduler ticks without waiting for Monday 06:00.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger("zhengwu.scheduling")

# How long a claim is kept: longer than any clock difference between nodes, short enough to keep Redis small
# (the every-minute jobs leave at most this many minutes of keys each).
CLAIM_SECONDS = 3600
CACHE_ALIAS = "default"

W = TypeVar("W")


def node_name() -> str:
    """Who claimed a tick (kept as the claim's value, for whoever inspects Redis)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def tick_key(task_name: str, tick: dt.datetime) -> str:
    return f"periodic:{task_name}:{tick:%Y%m%d%H%M}"


def tick_claim(task_name: str, tick: dt.datetime) -> bool:
    """Claim the run of ``task_name`` scheduled at ``tick`` (its minute); True for the first claimant only."""
    return bool(caches[CACHE_ALIAS].add(tick_key(task_name, tick), node_name(), timeout=CLAIM_SECONDS))


def forced_every_minute(task_name: str) -> bool:
    names = getattr(settings, "ZHENGWU_PERIODIC_EVERY_MINUTE", None) or ()
    short = task_name.rsplit(".", 1)[-1]
    return "*" in names or task_name in names or short in names


def once_per_tick(wrapper: W) -> W:
    """Decorator over ``@db_periodic_task(...)``: the task's scheduled run is enqueued by one consumer only.

    ::

        @once_per_tick
        @db_periodic_task(crontab(minute="*/10"))
        @lock_task("zhengwu-reminders-sweep")
        def reminders_sweep(): ...
    """
    task_class: Any = wrapper.task_class  # type: ignore[attr-defined]
    name = f"{task_class.__module__}.{task_class.__name__}"
    scheduled = task_class.validate_datetime

    def validate_datetime(self: Any, timestamp: dt.datetime) -> bool:
        if not (scheduled(self, timestamp) or forced_every_minute(name)):
            return False
        claimed = tick_claim(name, timestamp)
        logger.info(
            "periodic tick %s@%s %s on %s",
            name,
            f"{timestamp:%Y%m%d%H%M}",
            "claimed" if claimed else "skipped (claimed by another node)",
            node_name(),
        )
        return claimed

    task_class.validate_datetime = validate_datetime
    task_class.once_per_tick = True
    return wrapper
