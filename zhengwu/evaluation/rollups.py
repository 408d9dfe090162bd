"""Daily rollups kept up to date incrementally, and rebuilt from scratch.

Subscribers to the domain events (``zhengwu.core.events``) turn every change of a
case, review, bad-review handling or reminder into counter deltas
(``evaluation.counters``), in the same transaction as the change. A live change
appends its deltas to :class:`RollupDelta` (insert-only: concurrent transactions
never wait on the same day's rollup row); bulk loads, which run alone, upsert into
:class:`DailyRollup` directly. ``fold`` moves the appended deltas into the rollups
(a periodic job, and before a rebuild or a check); readers add the rows not yet
folded, so a figure is exact at any moment. ``rebuild`` recomputes every row from
the raw tables with the same definitions.
"""

from __future__ import annotations

from collections import Counter as Tally
from typing import Any, Iterable

from django.db import connection, transaction

from zhengwu.cases.choices import CaseStatus
from zhengwu.cases.models import Case
from zhengwu.core import events
from zhengwu.core.models import Reminder
from zhengwu.evaluation import counters as c
from zhengwu.evaluation.models import DailyRollup, RollupDelta

TABLE = DailyRollup._meta.db_table
DELTA_TABLE = RollupDelta._meta.db_table
KEY_COLUMNS = ("day", "department_id", "township_id", "item_id", "channel")


def append(deltas: dict[tuple[c.Key, str], int]) -> int:
    """Record a live change's deltas as new rows (no shared row is locked)."""
    rows = c.group_by_key(deltas.items())
    if not rows:
        return 0
    columns = ", ".join(KEY_COLUMNS + c.COUNTERS)
    placeholders = ", ".join(["%s"] * (len(KEY_COLUMNS) + len(c.COUNTERS)))
    params = [(*key, *(values[name] for name in c.COUNTERS)) for key, values in rows.items()]
    with connection.cursor() as cursor:
        # Table and column names are module constants; the values are %s parameters.
        cursor.executemany(f"INSERT INTO {DELTA_TABLE} ({columns}) VALUES ({placeholders})", params)  # nosec B608
    return len(params)


def fold() -> int:
    """Move the appended deltas into the rollups: exactly the rows deleted are added."""
    columns = ", ".join(KEY_COLUMNS + c.COUNTERS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DELTA_TABLE} RETURNING {columns}")  # nosec B608 (module constants only)
        taken = cursor.fetchall()
        deltas: dict[tuple[c.Key, str], int] = {}
        for row in taken:
            key = c.Key(*row[:5])
            for name, n in zip(c.COUNTERS, row[5:]):
                if n:
                    deltas[(key, name)] = deltas.get((key, name), 0) + n
        apply(deltas)
    return len(taken)


def apply(deltas: dict[tuple[c.Key, str], int]) -> int:
    """Add counter deltas to their rollup rows (INSERT … ON CONFLICT DO UPDATE, on SQLite and PostgreSQL)."""
    rows = c.group_by_key(deltas.items())
    if not rows:
        return 0
    columns = ", ".join(KEY_COLUMNS + c.COUNTERS)
    placeholders = ", ".join(["%s"] * (len(KEY_COLUMNS) + len(c.COUNTERS)))
    updates = ", ".join(f"{name} = {TABLE}.{name} + excluded.{name}" for name in c.COUNTERS)
    # Table and column names are module constants; the values are %s parameters.
    sql = (f"INSERT INTO {TABLE} ({columns}) VALUES ({placeholders}) "  # nosec B608
           f"ON CONFLICT (day, department_id, township_id, item_id, channel) DO UPDATE SET {updates}")
    params = [(*key, *(values[name] for name in c.COUNTERS)) for key, values in rows.items()]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


# -- subscribers -------------------------------------------------------------------------

@events.subscribe("cases.case.created")
def on_case_created(*, obj: Case, **_: Any) -> None:
    append(dict(c.case_contribution(obj)))


@events.subscribe("cases.case.transitioned")
def on_case_transitioned(*, before: Case, obj: Case, **_: Any) -> None:
    append(c.difference(c.case_contribution(obj), c.case_contribution(before)))


@events.subscribe("cases.case.imported")
def on_cases_imported(*, ids: Iterable[int], **_: Any) -> None:
    ids = list(ids)
    for start in range(0, len(ids), 5000):
        tally: Tally = Tally()
        # Plain rows, not model instances: the counters read attributes only.
        for case in Case.objects.filter(pk__in=ids[start:start + 5000]).values_list(*CASE_FIELDS, named=True):
            tally.update(c.case_contribution(case))
        apply(dict(tally))


CASE_FIELDS = ("id", "department_id", "township_id", "item_id", "channel", "received_at", "accepted_on",
               "acceptance_overdue", "status", "completed_at", "outcome")


def _case_of(review: Any) -> Case:
    return Case.objects.only(*CASE_FIELDS).get(pk=review.case_id)


def _counted_reviews(case_id: int) -> int:
    from zhengwu.reviews.models import Review

    return Review.objects.filter(case_id=case_id, excluded=False).count()


@events.subscribe("reviews.review.created")
def on_review_created(*, review: Any, **_: Any) -> None:
    case = _case_of(review)
    tally = c.review_contribution(review, case)
    if not review.excluded and case.status == CaseStatus.COMPLETED and _counted_reviews(case.pk) == 1:
        tally[(c.case_key(case, c.local_day(case.completed_at)), "completed_reviewed")] += 1
    append(dict(tally))


@events.subscribe("reviews.review.excluded")
def on_review_excluded(*, review: Any, **_: Any) -> None:
    case = _case_of(review)
    counted = type(review)(pk=review.pk, case_id=review.case_id, level=review.level,
                           created_at=review.created_at, excluded=False)
    tally = Tally({k: -n for k, n in c.review_contribution(counted, case).items()})
    if case.status == CaseStatus.COMPLETED and _counted_reviews(case.pk) == 0:
        tally[(c.case_key(case, c.local_day(case.completed_at)), "completed_reviewed")] -= 1
    from zhengwu.reviews.models import BadReviewHandling

    handling = BadReviewHandling.objects.filter(review_id=review.pk).first()
    if handling is not None:
        for key, n in c.handling_contribution(handling, counted, case).items():
            tally[key] -= n
    append(dict(tally))


@events.subscribe("reviews.badreviewhandling.created")
def on_handling_created(*, obj: Any, **_: Any) -> None:
    review = obj.review
    append(dict(c.handling_contribution(obj, review, _case_of(review))))


@events.subscribe("reviews.badreviewhandling.transitioned")
def on_handling_transitioned(*, before: Any, obj: Any, **_: Any) -> None:
    review = obj.review
    if review.excluded:
        return  # the exclusion event already removed this handling from the counters
    case = _case_of(review)
    append(c.difference(c.handling_contribution(obj, review, case), c.handling_contribution(before, review, case)))


@events.subscribe("reviews.review.imported")
def on_reviews_imported(*, ids: Iterable[int], **_: Any) -> None:
    """Bulk-loaded reviews (and the handlings of the bad ones), in batches."""
    from django.db.models import Count

    from zhengwu.reviews.models import BadReviewHandling, Review

    ids = list(ids)
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        # Plain rows, not model instances: the counters read attributes only.
        reviews = list(Review.objects.filter(pk__in=chunk).values_list(
            "pk", "case_id", "level", "created_at", "excluded", named=True))
        case_ids = {r.case_id for r in reviews}
        cases = {row.id: row for row in Case.objects.filter(pk__in=case_ids).values_list(*CASE_FIELDS, named=True)}
        tally: Tally = Tally()
        for review in reviews:
            tally.update(c.review_contribution(review, cases[review.case_id]))
        new_counted = Tally(r.case_id for r in reviews if not r.excluded)
        counted_now = dict(Review.objects.filter(case_id__in=new_counted, excluded=False).values("case_id")
                           .annotate(n=Count("id")).values_list("case_id", "n"))
        for case_id, added in new_counted.items():
            case = cases[case_id]
            if counted_now.get(case_id, 0) == added and case.status == CaseStatus.COMPLETED:
                tally[(c.case_key(case, c.local_day(case.completed_at)), "completed_reviewed")] += 1
        by_review = {r.pk: r for r in reviews}
        for handling in BadReviewHandling.objects.filter(review_id__in=chunk).values_list(
                "review_id", "rectify_deadline", "rectified_on_time", named=True):
            review = by_review[handling.review_id]
            tally.update(c.handling_contribution(handling, review, cases[review.case_id]))
        apply(dict(tally))


@events.subscribe("core.reminder.imported")
def on_reminders_imported(*, ids: Iterable[int], **_: Any) -> None:
    ids = list(ids)
    for start in range(0, len(ids), 5000):
        tally: Tally = Tally()
        for reminder, case in _case_reminders(Reminder.objects.filter(pk__in=ids[start:start + 5000])):
            tally.update(c.reminder_contribution(reminder, case))
        apply(dict(tally))


def _case_reminders(reminders: Iterable[Reminder]) -> list[tuple[Reminder, Case]]:
    wanted = [r for r in reminders if r.kind == c.CASE_REMINDER_KIND and r.object_type == "cases.case"]
    cases = Case.objects.only(*CASE_FIELDS).in_bulk([int(r.object_id) for r in wanted])
    return [(r, cases[int(r.object_id)]) for r in wanted if int(r.object_id) in cases]


@events.subscribe("core.reminder.created")
def on_reminders_created(*, reminders: Iterable[Reminder], **_: Any) -> None:
    tally: Tally = Tally()
    for reminder, case in _case_reminders(reminders):
        tally.update(c.reminder_contribution(reminder, case))
    append(dict(tally))


@events.subscribe("core.reminder.answered")
def on_reminders_answered(*, reminders: Iterable[Reminder], **_: Any) -> None:
    tally: Tally = Tally()
    for reminder, case in _case_reminders(reminders):
        if reminder.answered_in_time:
            tally[(c.case_key(case, c.local_day(reminder.created_at)), "reminders_answered")] += 1
    append(dict(tally))


# -- rebuild -----------------------------------------------------------------------------

def rebuild() -> int:
    """Recompute every rollup row from the raw tables (one command: ``zhengwu rollups rebuild``)."""
    from zhengwu.evaluation.raw import raw_rows

    with transaction.atomic():
        RollupDelta.objects.all().delete()
        DailyRollup.objects.all().delete()
        deltas: dict[tuple[c.Key, str], int] = {}
        for counter in c.COUNTERS:
            for key, n in raw_rows(counter):
                deltas[(key, counter)] = n
        apply(deltas)
    return DailyRollup.objects.count()
