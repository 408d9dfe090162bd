"""Every non-trivial read of the reviews domain, scoped to the user; and the figures of §4."""

from __future__ import annotations

import operator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Count, DateTimeField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.models import AuditEvent
from zhengwu.core.periods import day_start
from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter
from zhengwu.reviews.choices import BAD_LEVEL_MAX, GOOD_LEVEL_MIN, HandlingStatus
from zhengwu.reviews.deadlines import DUE_FIELD
from zhengwu.reviews.models import BadReviewHandling, Review

REVIEW_SCOPE = ScopePaths(department="department_id", township="township_id", village="case__village_id",
                          enterprise="case__applicant_enterprise_id", owner="case__applicant_person__users")
HANDLING_SCOPE = ScopePaths(department="department_id", township="township_id",
                            village="review__case__village_id")

BAD = Q(level__lte=BAD_LEVEL_MAX)
GOOD = Q(level__gte=GOOD_LEVEL_MIN)
COUNTED = Q(excluded=False)


# --- rows -------------------------------------------------------------------------------------------

def reviews_visible_to(user: Any) -> QuerySet[Review]:
    return scope_filter(user, Review.objects.all(), REVIEW_SCOPE)


REVIEW_RELATED = ("case", "case__item", "department", "handling")


def review_get(*, user: Any, pk: int) -> Review:
    return get_visible(reviews_visible_to(user).select_related(*REVIEW_RELATED), pk=pk)


def review_list(*, user: Any, filters: Any = None) -> QuerySet[Review]:
    """Reviews the user may see, filtered by a ``ReviewFilter`` (the API list and the web list)."""
    qs = reviews_visible_to(user).select_related(*REVIEW_RELATED)
    return filters.apply(qs) if filters is not None else qs


def bad_reviews_visible_to(user: Any) -> QuerySet[BadReviewHandling]:
    return scope_filter(user, BadReviewHandling.objects.all(), HANDLING_SCOPE)


def bad_review_get(*, user: Any, pk: int) -> BadReviewHandling:
    return get_visible(bad_reviews_visible_to(user).select_related(
        "review", "review__case", "review__case__item", "department", "township"), pk=pk)


def bad_review_timeline(handling: BadReviewHandling) -> list[AuditEvent]:
    """The audit events of the handling and of its review, oldest first."""
    events = [*audit.events_for(handling.review), *audit.events_for(handling)]
    return sorted(events, key=lambda e: (e.created_at, e.pk))


def bad_review_list(*, user: Any, filters: Any = None) -> QuerySet[BadReviewHandling]:
    """Bad reviews the user may see, the most urgent first: open ones by the deadline they wait for."""
    due = SqlCase(*(When(status=state, then=F(name)) for state, name in DUE_FIELD.items()),
                  default=Value(None), output_field=DateTimeField())
    finished = SqlCase(
        When(status__in=[HandlingStatus.CLOSED, HandlingStatus.APPEAL_UPHELD], then=Value(2)),
        When(status=HandlingStatus.RECTIFIED, then=Value(1)),
        default=Value(0), output_field=IntegerField(),
    )
    qs = (bad_reviews_visible_to(user)
          .select_related("review", "review__case", "review__case__item", "department")
          .annotate(due=due, finished=finished)
          .order_by("finished", F("due").asc(nulls_last=True), "-created_at", "-id"))
    return filters.apply(qs) if filters is not None else qs


def overdue_q(now: datetime) -> Q:
    """Handlings past the deadline of the step they wait for (see ``deadlines.due``)."""
    return reduce(operator.or_, (Q(status=state, **{f"{name}__lt": now}) for state, name in DUE_FIELD.items()))


def cases_awaiting_default(*, completed_before: datetime, limit: int) -> list:
    """Completed cases with no review on any channel, completed before the moment (oldest first).

    A system read for the default-review sweep: it crosses into the cases
    tables read-only, because no user's scope applies to the system.
    """
    from zhengwu.cases.choices import CaseStatus
    from zhengwu.cases.models import Case

    return list(Case.objects
                .filter(status=CaseStatus.COMPLETED, completed_at__lte=completed_before)
                .filter(~Exists(Review.objects.filter(case_id=OuterRef("pk"))))
                .order_by("completed_at", "pk")[:limit])


def handlings_past_visit(*, now: datetime) -> QuerySet[BadReviewHandling]:
    return (BadReviewHandling.objects.filter(status=HandlingStatus.REGISTERED, visit_deadline__lt=now)
            .select_related("review", "review__case"))


def handlings_past_rectification(*, now: datetime) -> QuerySet[BadReviewHandling]:
    return (BadReviewHandling.objects.filter(status=HandlingStatus.VISITED, rectify_deadline__lt=now)
            .select_related("review", "review__case"))


# --- figures ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewStats:
    """The review figures of one scope and period (DOMAIN.md §4, indicators 7 and 8 of §5).

    A review whose appeal was upheld counts nowhere but ``excluded``. Rates are
    percentages rounded to two places, ``None`` when there is nothing to divide by.
    """

    reviews: int = 0
    bad_reviews: int = 0
    good_reviews: int = 0
    default_reviews: int = 0
    excluded: int = 0
    rectify_due: int = 0
    rectified_on_time: int = 0

    @property
    def bad_rate(self) -> float | None:
        return percent(self.bad_reviews, self.reviews)

    @property
    def good_rate(self) -> float | None:
        return percent(self.good_reviews, self.reviews)

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.rectified_on_time, self.rectify_due)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "bad_rate": self.bad_rate, "good_rate": self.good_rate,
                "on_time_rate": self.on_time_rate}


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(part * 100 / whole, 2)


def percent_change(current: int, previous: int) -> float | None:
    """Year-on-year change in percent: 101 bad reviews after 127 is −20.47."""
    return None if not previous else round((current - previous) * 100 / previous, 2)


def _in_period(reviews: QuerySet[Review], date_from: date | None, date_to: date | None) -> QuerySet[Review]:
    if date_from is not None:
        reviews = reviews.filter(created_at__gte=day_start(date_from))
    if date_to is not None:
        reviews = reviews.filter(created_at__lt=day_start(date_to + timedelta(days=1)))
    return reviews


def review_stats_by(*, reviews: QuerySet[Review], key: str | None, date_from: date | None = None,
                    date_to: date | None = None, now: datetime | None = None) -> dict[Any, ReviewStats]:
    """The figures for each value of ``key`` (``"department_id"``, ``"township_id"``; ``None``: one total).

    ``reviews`` is already scoped (``reviews_visible_to(user)``) and may be
    filtered further; the period is the local date of the review. A bad review
    counts as due for rectification once rectified or past its deadline at ``now``.
    """
    now = now or timezone.now()
    period = _in_period(reviews, date_from, date_to).order_by()
    review_counts = {
        "reviews": Count("id", filter=COUNTED),
        "bad_reviews": Count("id", filter=COUNTED & BAD),
        "good_reviews": Count("id", filter=COUNTED & GOOD),
        "default_reviews": Count("id", filter=COUNTED & Q(is_default=True)),
        "excluded": Count("id", filter=Q(excluded=True)),
    }
    handlings = BadReviewHandling.objects.filter(review__in=period.filter(COUNTED & BAD).values("pk")).order_by()
    handling_counts = {
        "rectify_due": Count("id", filter=Q(rectified_at__isnull=False) | Q(rectify_deadline__lt=now)),
        "rectified_on_time": Count("id", filter=Q(rectified_on_time=True)),
    }
    rows: dict[Any, dict[str, int]] = {}
    if key is None:
        rows[None] = {**period.aggregate(**review_counts), **handlings.aggregate(**handling_counts)}
    else:
        for row in period.values(key).annotate(**review_counts):
            rows[row.pop(key)] = row
        for row in handlings.values(key).annotate(**handling_counts):
            rows.setdefault(row.pop(key), {}).update(row)
    return {k: ReviewStats(**v) for k, v in rows.items()}


def stats_period(date_from: date | None, date_to: date | None) -> tuple[date | None, date | None]:
    """The period of the review figures of a list or the stats API: the one chosen; with neither end chosen, the
    current year up to today (本年度). All-time figures would count every review ever made in the scope, which no
    index can bound at province scale (docs/query-plans.md); one end chosen is kept as it is."""
    if date_from is None and date_to is None:
        today = timezone.localdate()
        return date(today.year, 1, 1), today
    return date_from, date_to


def review_stats(*, reviews: QuerySet[Review], date_from: date | None = None, date_to: date | None = None,
                 now: datetime | None = None) -> ReviewStats:
    """The figures of all ``reviews`` in the period (see :func:`review_stats_by`)."""
    return review_stats_by(reviews=reviews, key=None, date_from=date_from, date_to=date_to, now=now)[None]


@dataclass(frozen=True)
class YearOnYear:
    year: int
    bad_reviews: int
    previous_bad_reviews: int

    @property
    def change(self) -> float | None:
        return percent_change(self.bad_reviews, self.previous_bad_reviews)


def bad_review_change(year: int, *, reviews: QuerySet[Review] | None = None) -> YearOnYear:
    """Bad reviews (after upheld appeals) of ``year`` against the year before, by local date."""
    qs = (reviews if reviews is not None else Review.objects.all()).order_by()
    # The two years as ranges of the raw column, in the WHERE clause too: the created_at index serves it.
    first, middle, after = (day_start(date(y, 1, 1)) for y in (year - 1, year, year + 1))
    counts = qs.filter(COUNTED & BAD, created_at__gte=first, created_at__lt=after).aggregate(
        current=Count("id", filter=Q(created_at__gte=middle)),
        previous=Count("id", filter=Q(created_at__lt=middle)),
    )
    return YearOnYear(year=year, bad_reviews=counts["current"], previous_bad_reviews=counts["previous"])


# --- district-wide reads for the leadership dashboard and the work report (issue 11) ----------------------------

def review_stats_district(*, date_from: date, date_to: date, now: datetime | None = None) -> ReviewStats:
    """:func:`review_stats` of every review of the district in the period (the leadership's scope)."""
    return review_stats(reviews=Review.objects.all(), date_from=date_from, date_to=date_to, now=now)


def bad_reviews_rectified(*, date_from: date, date_to: date) -> int:
    """Bad reviews received in the period (local date; upheld appeals excluded) whose rectification is done
    (整改完成: ``rectified_at`` recorded), whenever it was done."""
    counted_bad = _in_period(Review.objects.all(), date_from, date_to).filter(COUNTED & BAD)
    return BadReviewHandling.objects.filter(review__in=counted_bad.values("pk"), rectified_at__isnull=False).count()
