"""Periodic jobs run once per scheduled tick across the cluster (core/scheduling.py).

Two consumers' schedulers are played here by two calls of huey's own ``read_periodic`` with the same timestamp,
against the suite's cache (per process: the claim store of a single machine). The cluster test
(test_cluster.py) runs the real thing: two consumers on one Redis.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from zhengwu.core import scheduling

# Monday 30 November 2026, 06:00: the weekly publication draft, the ten-minute reminder sweep and the
# every-minute rollup fold are all due.
MONDAY_0600 = dt.datetime(2026, 11, 30, 6, 0, 12)
TUESDAY_1001 = dt.datetime(2026, 12, 1, 10, 1, 40)
WEEKLY = "zhengwu.evaluation.tasks.prepare_weekly_drafts"
SWEEP = "zhengwu.core.tasks.reminders_sweep"
FOLD = "zhengwu.evaluation.tasks.fold_rollup_deltas"


def _scheduler_check(timestamp: dt.datetime) -> set[str]:
    """What one consumer's scheduler would enqueue at ``timestamp`` (huey's Scheduler.enqueue_periodic_tasks)."""
    return {f"{type(task).__module__}.{type(task).__name__}" for task in HUEY.read_periodic(timestamp)}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_tick_is_claimed_by_the_first_claimant_only():
    assert scheduling.tick_claim(SWEEP, MONDAY_0600) is True
    assert scheduling.tick_claim(SWEEP, MONDAY_0600) is False
    assert scheduling.tick_claim(SWEEP, MONDAY_0600.replace(second=59)) is False  # the same minute
    assert scheduling.tick_claim(SWEEP, MONDAY_0600 + dt.timedelta(minutes=10)) is True  # the next tick
    assert scheduling.tick_claim(WEEKLY, MONDAY_0600) is True  # another job's tick


def test_the_claim_key_names_the_task_and_the_minute():
    assert scheduling.tick_key(SWEEP, MONDAY_0600) == f"periodic:{SWEEP}:202611300600"


def test_two_schedulers_checking_the_same_minute_enqueue_each_due_job_once():
    first = _scheduler_check(MONDAY_0600)
    second = _scheduler_check(MONDAY_0600.replace(second=47))

    assert {WEEKLY, SWEEP, FOLD} <= first
    assert second == set()


def test_the_next_minute_is_a_new_tick():
    _scheduler_check(MONDAY_0600)

    assert _scheduler_check(MONDAY_0600 + dt.timedelta(minutes=1)) == {FOLD}


def test_a_job_not_due_is_neither_enqueued_nor_claimed():
    assert WEEKLY not in _scheduler_check(TUESDAY_1001)
    assert cache.get(scheduling.tick_key(WEEKLY, TUESDAY_1001)) is None


def test_every_periodic_task_is_claimed_once_per_tick():
    periodic = HUEY._registry.periodic_tasks

    assert len(periodic) >= 9
    assert [type(t).__name__ for t in periodic if not getattr(t, "once_per_tick", False)] == []


def test_the_every_minute_override_makes_only_the_named_jobs_due():
    with override_settings(ZHENGWU_PERIODIC_EVERY_MINUTE=["prepare_weekly_drafts", SWEEP]):
        due = _scheduler_check(TUESDAY_1001)

    assert {WEEKLY, SWEEP, FOLD} <= due
    assert "zhengwu.intermediary.tasks.intermediary_removal_review_monthly" not in due


@pytest.mark.django_db
def test_a_job_enqueued_directly_runs_even_when_its_tick_is_claimed(monkeypatch):
    from zhengwu.core import tasks

    runs: list[int] = []
    monkeypatch.setattr(tasks, "run_sweeps", lambda: runs.append(1) or {})
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert scheduling.tick_claim(SWEEP, now) is True

    tasks.reminders_sweep()  # enqueued now; the suite runs huey in immediate mode, so it runs here

    assert runs == [1]
