"""The counters computed straight from the raw tables with SQL aggregates.

Used to rebuild the rollups, to prove that rollups and raw data agree, for the
drill-down from a figure to the cases behind it, and by the benchmark.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable, Iterator

from django.db.models import BigIntegerField, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce, TruncDate

from zhengwu.cases.choices import ONLINE_CHANNELS, CaseStatus, Outcome
from zhengwu.cases.models import Case
from zhengwu.core.models import Reminder
from zhengwu.core.periods import day_start
from zhengwu.evaluation import counters as c


def _counted_review_exists() -> Exists:
    from zhengwu.reviews.models import Review

    return Exists(Review.objects.filter(case_id=OuterRef("pk"), excluded=False))


def _cases(flt: Q, day: Any) -> QuerySet:
    return Case.objects.filter(flt).annotate(
        d=day, dept=F("department_id"), town=Coalesce(F("township_id"), 0, output_field=IntegerField()), itm=F("item_id"), chan=F("channel"))


def _reviews(flt: Q) -> QuerySet:
    from zhengwu.reviews.models import Review

    return Review.objects.filter(Q(excluded=False) & flt).annotate(
        d=TruncDate("created_at"), dept=F("case__department_id"), town=Coalesce(F("case__township_id"), 0, output_field=IntegerField()),
        itm=F("case__item_id"), chan=F("case__channel"))


def _handlings(flt: Q) -> QuerySet:
    from zhengwu.reviews.models import BadReviewHandling

    return BadReviewHandling.objects.filter(Q(review__excluded=False) & flt).annotate(
        d=TruncDate("rectify_deadline"), dept=F("review__case__department_id"),
        town=Coalesce(F("review__case__township_id"), 0, output_field=IntegerField()), itm=F("review__case__item_id"),
        chan=F("review__case__channel"))


def _reminders(flt: Q) -> QuerySet:
    case = Case.objects.filter(pk=OuterRef("case_pk"))
    return (Reminder.objects.filter(Q(kind=c.CASE_REMINDER_KIND, object_type="cases.case") & flt)
            .annotate(case_pk=Cast("object_id", BigIntegerField()))
            .annotate(d=TruncDate("created_at"), dept=Subquery(case.values("department_id")[:1]),
                      town=Coalesce(Subquery(case.values("township_id")[:1]), 0, output_field=IntegerField()),
                      itm=Subquery(case.values("item_id")[:1]), chan=Subquery(case.values("channel")[:1]))
            .filter(dept__isnull=False))


COMPLETED = Q(status=CaseStatus.COMPLETED, completed_at__isnull=False)

#: counter -> the annotated queryset whose rows it counts (d, dept, town, itm, chan)
SOURCES: dict[str, Callable[[], QuerySet]] = {
    "received": lambda: _cases(Q(), TruncDate("received_at")),
    "received_online": lambda: _cases(Q(channel__in=ONLINE_CHANNELS), TruncDate("received_at")),
    "accepted": lambda: _cases(Q(accepted_on__isnull=False), F("accepted_on")),
    "accepted_overdue": lambda: _cases(Q(accepted_on__isnull=False, acceptance_overdue=True), F("accepted_on")),
    "completed": lambda: _cases(COMPLETED, TruncDate("completed_at")),
    "completed_overdue": lambda: _cases(COMPLETED & Q(outcome=Outcome.OVERDUE), TruncDate("completed_at")),
    "completed_instant": lambda: _cases(COMPLETED & Q(outcome=Outcome.INSTANT), TruncDate("completed_at")),
    "completed_reviewed": lambda: _cases(COMPLETED, TruncDate("completed_at")).filter(_counted_review_exists()),
    "reviews": lambda: _reviews(Q()),
    "bad_reviews": lambda: _reviews(Q(level__lte=2)),
    "rectify_due": lambda: _handlings(Q()),
    "rectified_on_time": lambda: _handlings(Q(rectified_on_time=True)),
    "reminders": lambda: _reminders(Q()),
    "reminders_answered": lambda: _reminders(Q(answered_in_time=True)),
}
assert set(SOURCES) == set(c.COUNTERS)

#: counter -> the raw column whose local date is the counter's day (``d`` above). A period filters that column
#: itself, so an index on it can serve the filter: whole local days as a half-open range of moments
#: (core.periods), never the date expression ``d``, which no index serves (docs/query-plans.md).
DAY_COLUMNS: dict[str, str] = {
    "received": "received_at", "received_online": "received_at",
    "accepted": "accepted_on", "accepted_overdue": "accepted_on",
    "completed": "completed_at", "completed_overdue": "completed_at", "completed_instant": "completed_at",
    "completed_reviewed": "completed_at",
    "reviews": "created_at", "bad_reviews": "created_at",
    "rectify_due": "rectify_deadline", "rectified_on_time": "rectify_deadline",
    "reminders": "created_at", "reminders_answered": "created_at",
}
assert set(DAY_COLUMNS) == set(c.COUNTERS)
#: the day columns that are dates already (compared with the dates themselves)
DATE_COLUMNS = {"accepted_on"}


def _period(qs: QuerySet, start: date | None, end: date | None, *, counter: str) -> QuerySet:
    column = DAY_COLUMNS[counter]
    if column in DATE_COLUMNS:
        if start is not None:
            qs = qs.filter(**{f"{column}__gte": start})
        if end is not None:
            qs = qs.filter(**{f"{column}__lte": end})
        return qs
    if start is not None:
        qs = qs.filter(**{f"{column}__gte": day_start(start)})
    if end is not None:
        qs = qs.filter(**{f"{column}__lt": day_start(end + timedelta(days=1))})
    return qs


def raw_rows(counter: str, *, start: date | None = None, end: date | None = None) -> Iterator[tuple[c.Key, int]]:
    """Every rollup key of one counter with its count, straight from the raw table."""
    qs = _period(SOURCES[counter](), start, end, counter=counter)
    for row in qs.values("d", "dept", "town", "itm", "chan").annotate(n=Count("pk")).order_by():
        yield c.Key(row["d"], row["dept"], row["town"], row["itm"], row["chan"]), row["n"]


def raw_counts(counter: str, *, start: date, end: date, group: str | None) -> dict[Any, int]:
    """One counter over a period, per department (``group="department"``), per township, or in total (None)."""
    qs = _period(SOURCES[counter](), start, end, counter=counter)
    if group is None:
        return {None: qs.count()}
    field = {"department": "dept", "township": "town"}[group]
    return {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("pk")).order_by()}


def raw_items(*, start: date, end: date, group: str | None) -> dict[Any, set[int]]:
    """The items with cases received in the period, per group (for the time-limit compression)."""
    qs = _period(SOURCES["received"](), start, end, counter="received")
    field = {"department": "dept", "township": "town", None: None}[group]
    result: dict[Any, set[int]] = {}
    for row in qs.values(*(f for f in (field, "itm") if f)).distinct().order_by():
        result.setdefault(row[field] if field else None, set()).add(row["itm"])
    return result


def cases_behind(counter: str, *, start: date, end: date, group: str | None, group_id: Any) -> QuerySet:
    """The cases behind a counter's figure (the drill-down of the specialist's desk)."""
    qs = _period(SOURCES[counter](), start, end, counter=counter)
    if group is not None:
        qs = qs.filter(**{{"department": "dept", "township": "town"}[group]: group_id})
    model = qs.model
    if model is Case:
        ids = qs.values("pk")
    elif model is Reminder:
        ids = qs.values("case_pk")
    elif model.__name__ == "Review":
        ids = qs.values("case_id")
    else:
        ids = qs.values("review__case_id")
    return Case.objects.filter(pk__in=Subquery(ids)).select_related("item", "department", "township")
