"""Input, output and filter schemas. The filters serve both the API lists and the web lists."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.db.models import Q, QuerySet
from django.utils import timezone
from ninja import Field, FilterLookup, FilterSchema, Schema

from zhengwu.core.errors import InvalidInput
from zhengwu.reviews.selectors import overdue_q
from zhengwu.reviews.choices import BAD_LEVEL_MAX, GOOD_LEVEL_MIN, HandlingStatus, ReviewChannel

LEVEL_HELP = "5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"
CHANNEL_HELP = "on_site 一次一评 / online 一事一评 / public 综合点评 / government 监督查评"


class ReviewIn(Schema):
    case_id: int
    channel: str = Field(..., description=CHANNEL_HELP)
    level: int = Field(..., description=LEVEL_HELP)
    comment: str = ""


class PublicReviewIn(Schema):
    number: str = Field(..., description="办件编号")
    code: str = Field(..., description="查询码 (the tracking code on the receipt)")
    channel: str = Field(ReviewChannel.ONLINE, description="on_site / online / public")
    level: int = Field(..., description=LEVEL_HELP)
    comment: str = ""


class ReviewOut(Schema):
    id: int
    case_id: int
    case_number: str
    item_name: str
    department_id: int
    township_id: int | None
    channel: str
    channel_label: str
    level: int
    level_label: str
    is_bad: bool
    comment: str
    created_at: datetime
    is_default: bool
    excluded: bool
    handling_id: int | None


class PublicReviewOut(Schema):
    """What the applicant sees back: nothing personal."""

    case_number: str
    channel: str
    channel_label: str
    level: int
    level_label: str
    created_at: datetime


class TransitionIn(Schema):
    action: str = Field(..., description="visit / rectify / feedback / appeal / uphold / reject_appeal")
    reason: str = Field("", description="the text every step needs: findings, rectification, feedback, reasons")
    version: int | None = Field(None, description="the version the client saw; a newer one gives 409")


class TimelineEventOut(Schema):
    created_at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    reason: str


class BadReviewOut(Schema):
    id: int
    status: str
    status_label: str
    version: int
    review: ReviewOut
    department_id: int
    visit_deadline: datetime
    rectify_deadline: datetime
    deadline_state: str
    visited_at: datetime | None
    visit_note: str
    rectified_at: datetime | None
    rectify_note: str
    rectified_on_time: bool | None
    feedback_at: datetime | None
    feedback_note: str
    appealed_at: datetime | None
    appeal_reason: str
    appeal_decided_at: datetime | None
    appeal_upheld: bool | None
    appeal_decision: str
    created_at: datetime
    actions: list[str] = []


class BadReviewDetailOut(BadReviewOut):
    timeline: list[TimelineEventOut] = []


class StatsOut(Schema):
    date_from: date | None
    date_to: date | None
    reviews: int
    bad_reviews: int
    good_reviews: int
    default_reviews: int
    excluded: int
    bad_rate: float | None = Field(None, description="bad reviews / reviews, percent")
    good_rate: float | None = Field(None, description="reviews at level 4–5 / reviews, percent")
    rectify_due: int
    rectified_on_time: int
    on_time_rate: float | None = Field(None, description="rectified on time / due, percent")


class YearOnYearOut(Schema):
    year: int
    bad_reviews: int
    previous_bad_reviews: int
    change: float | None = Field(None, description="percent; −20.47 means 20.47 % fewer bad reviews")


def check_period(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_to < date_from:
        raise InvalidInput("结束日期不能早于开始日期。", field="date_to", code="bad_period")


class PeriodFilter(FilterSchema):
    date_from: Annotated[date | None, FilterLookup("created_at__date__gte")] = None
    date_to: Annotated[date | None, FilterLookup("created_at__date__lte")] = None

    def apply(self, qs: QuerySet) -> QuerySet:
        check_period(self.date_from, self.date_to)
        return self.filter(qs)


class StatsFilter(Schema):
    """The scope narrowed to a department or township, and the period (by the review's local date)."""

    date_from: date | None = None
    date_to: date | None = None
    department_id: int | None = None
    township_id: int | None = None

    def apply(self, qs: QuerySet) -> QuerySet:
        check_period(self.date_from, self.date_to)
        if self.department_id is not None:
            qs = qs.filter(department_id=self.department_id)
        if self.township_id is not None:
            qs = qs.filter(township_id=self.township_id)
        return qs


class ReviewFilter(PeriodFilter):
    """One filter definition for the API list and the web list of reviews."""

    q: str | None = Field(None, description="case number (prefix)")
    channel: Annotated[list[ReviewChannel] | None, FilterLookup("channel__in")] = None
    level: Annotated[list[int] | None, FilterLookup("level__in")] = None
    department_id: Annotated[int | None, FilterLookup("department_id")] = None
    township_id: Annotated[int | None, FilterLookup("township_id")] = None
    is_default: Annotated[bool | None, FilterLookup("is_default")] = None
    excluded: Annotated[bool | None, FilterLookup("excluded")] = None
    kind: Literal["good", "bad"] | None = Field(None, description="good: levels 4–5, bad: levels 1–2")

    def filter_q(self, value: str | None) -> Q:
        return Q(case__number__startswith=value.strip()) if value and value.strip() else Q()

    def filter_kind(self, value: str | None) -> Q:
        if value == "bad":
            return Q(level__lte=BAD_LEVEL_MAX)
        if value == "good":
            return Q(level__gte=GOOD_LEVEL_MIN)
        return Q()


class BadReviewFilter(PeriodFilter):
    """One filter definition for the API list and the web desk of bad reviews."""

    date_from: Annotated[date | None, FilterLookup("review__created_at__date__gte")] = None
    date_to: Annotated[date | None, FilterLookup("review__created_at__date__lte")] = None
    q: str | None = Field(None, description="case number (prefix)")
    status: Annotated[list[HandlingStatus] | None, FilterLookup("status__in")] = None
    department_id: Annotated[int | None, FilterLookup("department_id")] = None
    deadline: Literal["overdue"] | None = Field(None, description="overdue: past the visit or rectify deadline")

    def filter_q(self, value: str | None) -> Q:
        return Q(review__case__number__startswith=value.strip()) if value and value.strip() else Q()

    def filter_deadline(self, value: str | None) -> Q:
        if value != "overdue":
            return Q()
        return overdue_q(timezone.now())
