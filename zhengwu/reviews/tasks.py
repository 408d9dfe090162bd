"""Periodic entry points of the reviews domain: default reviews and bad-review deadline reminders."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhengwu.core.reminders import register_sweep, reminder_send
from zhengwu.org.models import User
from zhengwu.org.roles import Role
from zhengwu.reviews import selectors
from zhengwu.reviews.models import BadReviewHandling
from zhengwu.reviews.services import reviews_apply_defaults
from zhengwu.reviews.workflow import RECTIFY_REMINDER, VISIT_REMINDER


CENTER = Q(role=Role.INDICATOR_SPECIALIST)


def _visit_recipients() -> QuerySet[User]:
    """Those who visit bad reviews: the indicator specialists."""
    return User.objects.filter(CENTER, is_active=True)


def _rectify_recipients(department_id: int) -> QuerySet[User]:
    """The department's leaders and window clerks, who rectify, and the specialists, who follow up.

    Lazy: evaluated only when the reminder is new.
    """
    department = Q(department_id=department_id, role__in=[Role.DEPARTMENT_LEADER, Role.WINDOW_CLERK])
    return User.objects.filter(department | CENTER, is_active=True)


def _url(handling: BadReviewHandling) -> str:
    try:
        return reverse("reviews:bad_detail", args=[handling.pk])
    except NoReverseMatch:  # the web module may not be mounted (API-only deployments)
        return ""


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


@register_sweep("reviews.deadlines")
def sweep_review_deadlines(now: datetime) -> int:
    """Give default reviews; remind once for each bad review past its visit or rectification deadline."""
    reviews_apply_defaults(now=now)
    sent = 0
    for handling in selectors.handlings_past_visit(now=now).iterator(chunk_size=500):
        sent += reminder_send(
            obj=handling, kind=VISIT_REMINDER, stage="red", level="red", department=handling.department_id,
            message=f"差评(办件 {handling.review.case.number})回访核实已超期,期限 {_when(handling.visit_deadline)}",
            recipients=_visit_recipients(), url=_url(handling), due_at=handling.visit_deadline,
        ).created
    for handling in selectors.handlings_past_rectification(now=now).iterator(chunk_size=500):
        sent += reminder_send(
            obj=handling, kind=RECTIFY_REMINDER, stage="red", level="red", department=handling.department_id,
            message=f"差评(办件 {handling.review.case.number})整改已超期,期限 {_when(handling.rectify_deadline)}",
            recipients=_rectify_recipients(handling.department_id), url=_url(handling),
            due_at=handling.rectify_deadline,
        ).created
    return sent
