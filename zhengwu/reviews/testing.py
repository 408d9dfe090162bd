"""Factories for the reviews domain's tests (plain functions, explicit arguments)."""

from __future__ import annotations

import itertools
from typing import Any

from zhengwu.cases import services as case_services
from zhengwu.cases.choices import Channel
from zhengwu.cases.models import Case
from zhengwu.cases.testing import VALID_ID, at, make_item, move
from zhengwu.reviews import services
from zhengwu.reviews.choices import ReviewChannel
from zhengwu.reviews.models import BadReviewHandling, Review

_items = itertools.count(1)


def completed_case_with_code(*, clerk, received: str = "2024-09-23 09:00", completed: str = "2024-09-27 16:00",
                             item=None, **extra: Any) -> tuple[Case, str]:
    """A case of the clerk's department, received, accepted and approved; and its tracking code."""
    item = item or make_item(department=clerk.department, code=f"RV-{next(_items)}", promised=10)
    fields = {"applicant_kind": "person", "applicant_name": "张三", "id_number": VALID_ID, **extra}
    case, code = case_services.case_receive(actor=clerk, item=item, channel=Channel.WINDOW, received_at=at(received),
                                            **fields)
    case = move(case, "accept", actor=clerk, when=received)
    return move(case, "approve", actor=clerk, when=completed), code


def completed_case(*, clerk, received: str = "2024-09-23 09:00", completed: str = "2024-09-27 16:00",
                   **extra: Any) -> Case:
    return completed_case_with_code(clerk=clerk, received=received, completed=completed, **extra)[0]


def review(*, case: Case, when: str, level: int, channel: str = ReviewChannel.ONLINE, comment: str = "",
           actor: Any = services.APPLICANT_ACTOR) -> Review:
    return services.review_submit(actor_or_applicant=actor, case=case, channel=channel, level=level,
                                  comment=comment, now=at(when))


def bad_review(*, case: Case, when: str, level: int = 1, channel: str = ReviewChannel.ONLINE) -> BadReviewHandling:
    return review(case=case, when=when, level=level, channel=channel, comment="窗口态度差,材料一次没讲清").handling


def step(handling: BadReviewHandling, action: str, *, actor, when: str,
         reason: str = "已处理") -> BadReviewHandling:
    return services.bad_review_transition(actor=actor, handling=handling, action=action, reason=reason, now=at(when))
