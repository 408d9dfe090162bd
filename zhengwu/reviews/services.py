"""Every write of the reviews domain."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.cases.choices import CaseStatus
from zhengwu.cases.selectors import cases_visible_to
from zhengwu.cases.services import case_track
from zhengwu.core import audit, events
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import get_visible, require
from zhengwu.core.workflow import create_with_status
from zhengwu.reviews import deadlines, selectors
from zhengwu.reviews.choices import (
    APPLICANT_CHANNELS,
    MAX_LEVEL,
    MIN_LEVEL,
    HandlingStatus,
    ReviewChannel,
)
from zhengwu.reviews.models import BadReviewHandling, Review
from zhengwu.reviews.workflow import BAD_REVIEW_WORKFLOW

MAX_COMMENT = 1000
#: the audit label of an applicant rating through the public page
APPLICANT_ACTOR = "applicant"
#: cases given the default level per sweep run (the rest follow in the next run)
DEFAULT_BATCH = 2000


def _is_user(actor: Any) -> bool:
    return actor is not None and not isinstance(actor, str)


def review_validate(*, case: Any, channel: Any, level: Any, comment: Any) -> str:
    """The review's rules, each refusal naming the field; returns the cleaned comment."""
    if channel not in ReviewChannel.values:
        raise InvalidInput(f"未知的评价渠道:{channel}。", field="channel", code="bad_choice")
    if isinstance(level, bool) or not isinstance(level, int) or not MIN_LEVEL <= level <= MAX_LEVEL:
        raise InvalidInput(f"评价等级必须是 {MIN_LEVEL} 到 {MAX_LEVEL} 之间的整数(5 非常满意 … 1 非常不满意)。",
                           field="level", code="out_of_range")
    comment = str(comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"评价内容不能超过 {MAX_COMMENT} 字。", field="comment", code="too_long")
    if case.status != CaseStatus.COMPLETED:
        raise InvalidInput("办件尚未办结,办结后才能评价。", field="case", code="case_not_completed")
    return comment


def review_submit(*, actor_or_applicant: Any, case: Any, channel: str, level: int, comment: str = "",
                  now: datetime | None = None, is_default: bool = False) -> Review:
    """Record one review of a completed case; a bad review (level 1–2) opens its handling.

    ``actor_or_applicant`` is a signed-in user (staff entering a review, or the
    applicant for their own case: the case must be in their scope), or a label
    such as ``"applicant"`` (the public page, after the tracking code was
    checked) or ``"system"`` (the default review). Either everything is
    written (review, handling, audit events) or nothing.
    """
    actor = actor_or_applicant
    if _is_user(actor):
        require(actor, "reviews.check" if channel == ReviewChannel.GOVERNMENT else "reviews.submit")
        get_visible(cases_visible_to(actor), pk=case.pk)
    comment = review_validate(case=case, channel=channel, level=level, comment=comment)
    now = now or timezone.now()
    if Review.objects.filter(case_id=case.pk, channel=channel).exists():
        raise _duplicate(channel)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                case_id=case.pk, channel=channel, level=level, comment=comment, created_at=now,
                is_default=is_default, submitted_by=actor if _is_user(actor) else None,
                department_id=case.department_id, township_id=case.township_id,
            )
            audit.record(actor=actor, action="review.submit", obj=review,
                         payload={"case": case.number, "channel": channel, "level": level, "default": is_default})
            events.publish("reviews.review.created", review=review)
            if review.is_bad:
                _open_handling(actor=actor, review=review)
    except IntegrityError:
        # Another submission for the same case and channel won the race: nothing of ours is kept.
        raise _duplicate(channel) from None
    return review


def _duplicate(channel: str) -> Conflict:
    return Conflict(f"该办件已有“{ReviewChannel(channel).label}”评价,每个渠道只能评价一次。", field="channel",
                    code="duplicate_review")


def _open_handling(*, actor: Any, review: Review) -> BadReviewHandling:
    return create_with_status(
        BadReviewHandling, actor=actor, initial=HandlingStatus.REGISTERED, audit_action="badreviewhandling.register",
        audit_payload={"review": review.pk, "level": review.level},
        review=review, department_id=review.department_id, township_id=review.township_id,
        visit_deadline=deadlines.visit_deadline(review.created_at),
        rectify_deadline=deadlines.rectify_deadline(review.created_at),
    )


def review_submit_public(*, number: str, code: str, channel: str = ReviewChannel.ONLINE, level: int,
                         comment: str = "", now: datetime | None = None) -> Review:
    """The applicant rates a case with its number and tracking code, without signing in.

    A wrong number or code is a 404 that does not tell which of the two was wrong.
    """
    case = case_track(number=number, code=code)
    if channel not in APPLICANT_CHANNELS:
        raise InvalidInput("请选择一次一评、一事一评或综合点评。", field="channel", code="bad_choice")
    return review_submit(actor_or_applicant=APPLICANT_ACTOR, case=case, channel=channel, level=level,
                         comment=comment, now=now)


def reviews_apply_defaults(*, now: datetime | None = None, batch: int = DEFAULT_BATCH) -> int:
    """Give the configured default level to completed cases nobody rated within N natural days.

    The default review is an online (一事一评) review marked ``is_default``,
    dated when the default took effect (completion + N days). Nothing happens
    while ``REVIEW_DEFAULT_LEVEL`` is ``None``. Running it again gives nothing
    twice: a case with any review is skipped, and the unique (case, channel)
    constraint settles a race.
    """
    level = deadlines.default_level()
    if level is None:
        return 0
    now = now or timezone.now()
    after = timedelta(days=deadlines.default_after_days())
    given = 0
    for case in selectors.cases_awaiting_default(completed_before=now - after, limit=batch):
        try:
            review_submit(actor_or_applicant=audit.SYSTEM_ACTOR, case=case, channel=ReviewChannel.ONLINE,
                          level=level, now=case.completed_at + after, is_default=True)
        except Conflict:
            continue  # rated meanwhile
        given += 1
    return given


def review_exclude(*, actor: Any, review: Review, reason: str, handling: BadReviewHandling | None = None) -> Review:
    """Keep the review but count it nowhere (an upheld appeal). Called by the ``uphold`` transition."""
    with transaction.atomic():
        Review.objects.filter(pk=review.pk).update(excluded=True)
        review.excluded = True
        audit.record(actor=actor or audit.SYSTEM_ACTOR, action="review.exclude", obj=review, reason=reason,
                     payload={"handling": handling.pk if handling is not None else None})
        events.publish("reviews.review.excluded", review=review)
    return review


def bad_review_transition(*, actor: Any, handling: BadReviewHandling | int, action: str, reason: str = "",
                          payload: dict[str, Any] | None = None, now: datetime | None = None) -> BadReviewHandling:
    """Run one transition of the bad-review table (the API and the web call this, nothing else)."""
    return BAD_REVIEW_WORKFLOW.run(handling, action, actor=actor, reason=reason, payload=payload, now=now)
