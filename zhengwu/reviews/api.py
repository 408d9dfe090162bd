"""The reviews API: the same services and selectors as the web."""


from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhengwu.cases.selectors import case_get
from zhengwu.core.paging import mapped
from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.reviews import deadlines, selectors, services
from zhengwu.reviews.models import BadReviewHandling, Review
from zhengwu.reviews.schemas import (
    BadReviewDetailOut,
    BadReviewFilter,
    BadReviewOut,
    PublicReviewIn,
    PublicReviewOut,
    ReviewFilter,
    ReviewIn,
    ReviewOut,
    StatsFilter,
    StatsOut,
    TimelineEventOut,
    TransitionIn,
    YearOnYearOut,
)
from zhengwu.reviews.workflow import BAD_REVIEW_WORKFLOW

router = Router(tags=["reviews"])
public_router = Router(tags=["public"], auth=None)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def review_out(review: Review) -> ReviewOut:
    handling = getattr(review, "handling", None)
    return ReviewOut(id=review.pk, case_id=review.case_id, case_number=review.case.number,
                     item_name=review.case.item.name, department_id=review.department_id,
                     township_id=review.township_id, channel=review.channel,
                     channel_label=review.get_channel_display(), level=review.level,
                     level_label=review.get_level_display(), is_bad=review.is_bad, comment=review.comment,
                     created_at=review.created_at, is_default=review.is_default, excluded=review.excluded,
                     handling_id=handling.pk if handling is not None else None)


HANDLING_FIELDS = ("id", "status", "version", "department_id", "visit_deadline", "rectify_deadline", "visited_at",
                   "visit_note", "rectified_at", "rectify_note", "rectified_on_time", "feedback_at",
                   "feedback_note", "appealed_at", "appeal_reason", "appeal_decided_at", "appeal_upheld",
                   "appeal_decision", "created_at")


def _handling_data(handling: BadReviewHandling, user) -> dict:  # noqa: ANN001
    return {**{f: getattr(handling, f) for f in HANDLING_FIELDS},
            "status_label": handling.get_status_display(), "review": review_out(handling.review),
            "deadline_state": deadlines.deadline_state(handling),
            "actions": [t.name for t in BAD_REVIEW_WORKFLOW.available(handling, user)]}


def timeline_out(handling: BadReviewHandling) -> list[TimelineEventOut]:
    return [TimelineEventOut(created_at=e.created_at, actor=e.actor_label, action=e.action,
                             from_state=e.from_state, to_state=e.to_state, reason=e.reason)
            for e in selectors.bad_review_timeline(handling)]


@router.post("/reviews", response={201: ReviewOut, **ERRORS})
def review_create(request: HttpRequest, data: ReviewIn):
    case = case_get(user=request.user, pk=data.case_id)
    review = services.review_submit(actor_or_applicant=request.user, case=case, channel=data.channel,
                                    level=data.level, comment=data.comment)
    return Status(201, review_out(selectors.review_get(user=request.user, pk=review.pk)))


@router.get("/reviews", response={200: list[ReviewOut], **ERRORS})
@paginate(LimitOffsetPagination)
def review_list(request: HttpRequest, filters: Query[ReviewFilter]):
    require(request.user, "reviews.view")
    return mapped(selectors.review_list(user=request.user, filters=filters), review_out)


@router.get("/reviews/{review_id}", response={200: ReviewOut, **ERRORS})
def review_detail(request: HttpRequest, review_id: int):
    require(request.user, "reviews.view")
    return review_out(selectors.review_get(user=request.user, pk=review_id))


@router.get("/bad", response={200: list[BadReviewOut], **ERRORS})
@paginate(LimitOffsetPagination)
def bad_review_list(request: HttpRequest, filters: Query[BadReviewFilter]):
    require(request.user, "reviews.view_bad")
    return mapped(selectors.bad_review_list(user=request.user, filters=filters),
                  lambda h: BadReviewOut(**_handling_data(h, request.user)))


@router.get("/bad/{handling_id}", response={200: BadReviewDetailOut, **ERRORS})
def bad_review_detail(request: HttpRequest, handling_id: int):
    require(request.user, "reviews.view_bad")
    handling = selectors.bad_review_get(user=request.user, pk=handling_id)
    return BadReviewDetailOut(**_handling_data(handling, request.user), timeline=timeline_out(handling))


@router.post("/bad/{handling_id}/transitions", response={200: BadReviewDetailOut, **ERRORS})
def bad_review_transition(request: HttpRequest, handling_id: int, data: TransitionIn):
    handling = selectors.bad_review_get(user=request.user, pk=handling_id)
    if data.version is not None:
        handling.version = data.version
    services.bad_review_transition(actor=request.user, handling=handling, action=data.action, reason=data.reason)
    handling = selectors.bad_review_get(user=request.user, pk=handling_id)
    return BadReviewDetailOut(**_handling_data(handling, request.user), timeline=timeline_out(handling))


@router.get("/stats", response={200: StatsOut, **ERRORS})
def review_stats(request: HttpRequest, filters: Query[StatsFilter]):
    require(request.user, "reviews.view_stats")
    """The figures of the reviews in the reader's scope for the period (the review's local date). With neither
    ``date_from`` nor ``date_to`` the period is the current year up to today; the answer names the period used."""
    reviews = filters.apply(selectors.reviews_visible_to(request.user))
    date_from, date_to = selectors.stats_period(filters.date_from, filters.date_to)
    stats = selectors.review_stats(reviews=reviews, date_from=date_from, date_to=date_to)
    return StatsOut(date_from=date_from, date_to=date_to, **stats.as_dict())


@router.get("/stats/year-on-year", response={200: YearOnYearOut, **ERRORS})
def bad_review_change(request: HttpRequest, year: int = Query(..., ge=2000, le=2100)):
    require(request.user, "reviews.view_stats")
    result = selectors.bad_review_change(year, reviews=selectors.reviews_visible_to(request.user))
    return YearOnYearOut(year=result.year, bad_reviews=result.bad_reviews,
                         previous_bad_reviews=result.previous_bad_reviews, change=result.change)


@public_router.post("/rate", response={201: PublicReviewOut, **ERRORS})
def review_rate(request: HttpRequest, data: PublicReviewIn):
    review = services.review_submit_public(number=data.number, code=data.code, channel=data.channel,
                                           level=data.level, comment=data.comment)
    return Status(201, PublicReviewOut(case_number=review.case.number, channel=review.channel,
                                       channel_label=review.get_channel_display(), level=review.level,
                                       level_label=review.get_level_display(), created_at=review.created_at))
