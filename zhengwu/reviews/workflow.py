"""The bad-review handling table (DOMAIN.md §4), run by the one workflow engine.

::

    registered 待回访 ──visit──▶ visited 已回访核实 ──rectify──▶ rectified 已整改 ──feedback──▶ closed 已反馈办结
        │                          │
        └──────appeal──────────────┴──▶ appealing 申诉中 ──uphold──▶ appeal_upheld 申诉成立 (review excluded)
                                              │
                                              └──reject_appeal──▶ visited

* The center (indicator specialist, center administrator) visits, gives
  feedback and decides appeals; the case's department (leader, window clerk)
  rectifies and may appeal, before the rectification.
* Every step needs a text: the visit's findings, the rectification, the
  feedback given, the appeal's reasons, the re-check's decision. It is the
  audit event's reason and is kept in the matching column.
* ``reject_appeal`` goes to ``visited``: the bad review stands and the
  department rectifies next. The re-check (复核) of an appeal verifies the
  review, so when the appeal came before the return visit, the re-check is
  recorded as the verification (``visited_at`` = the decision, the decision
  text as the visit note) and the audit event says so. One transition has one
  target; the alternative, back to ``registered``, would make the center visit
  again a review it has just re-checked, or re-open a visit that happened.
* An appeal does not stop the rectification clock.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.reminders import reminder_mark_answered
from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.reviews.choices import HandlingStatus as S
from zhengwu.reviews.models import BadReviewHandling
from zhengwu.reviews.selectors import bad_reviews_visible_to

VISIT_REMINDER = "bad_review_visit"
RECTIFY_REMINDER = "bad_review_rectify"

#: what the text of each step is called on a form
REASON_LABELS = {
    "visit": _("回访核实情况"),
    "rectify": _("整改情况"),
    "feedback": _("反馈内容"),
    "appeal": _("申诉理由"),
    "uphold": _("复核意见"),
    "reject_appeal": _("复核意见"),
}


def guard_visit(handling: BadReviewHandling, ctx: TransitionContext) -> None:
    ctx.updates.update(visited_at=ctx.now, visit_note=ctx.reason)
    ctx.audit["late"] = ctx.now > handling.visit_deadline


def guard_rectify(handling: BadReviewHandling, ctx: TransitionContext) -> None:
    on_time = ctx.now <= handling.rectify_deadline
    ctx.updates.update(rectified_at=ctx.now, rectify_note=ctx.reason, rectified_on_time=on_time)
    ctx.audit["on_time"] = on_time


def guard_feedback(handling: BadReviewHandling, ctx: TransitionContext) -> None:
    ctx.updates.update(feedback_at=ctx.now, feedback_note=ctx.reason)


def guard_appeal(handling: BadReviewHandling, ctx: TransitionContext) -> None:
    ctx.updates.update(appealed_at=ctx.now, appeal_reason=ctx.reason)


def guard_uphold(handling: BadReviewHandling, ctx: TransitionContext) -> None:
    ctx.updates.update(appeal_decided_at=ctx.now, appeal_upheld=True, appeal_decision=ctx.reason)
    ctx.audit["review"] = handling.review_id


def guard_reject_appeal(handling: BadReviewHandling, ctx: TransitionContext) -> None:
    ctx.updates.update(appeal_decided_at=ctx.now, appeal_upheld=False, appeal_decision=ctx.reason)
    if handling.visited_at is None:
        ctx.updates.update(visited_at=ctx.now, visit_note=ctx.reason)
        ctx.audit["visit_recorded_by_recheck"] = True


def on_visited(handling: BadReviewHandling, ctx: TransitionContext) -> None:
    reminder_mark_answered(obj=handling, kind=VISIT_REMINDER, at=ctx.now)


def on_rectified(handling: BadReviewHandling, ctx: TransitionContext) -> None:
    reminder_mark_answered(obj=handling, kind=RECTIFY_REMINDER, at=ctx.now)


def on_upheld(handling: BadReviewHandling, ctx: TransitionContext) -> None:
    """The review stays, excluded from the statistics."""
    from zhengwu.reviews.services import review_exclude

    review_exclude(actor=ctx.actor, review=handling.review, reason=ctx.reason, handling=handling)
    reminder_mark_answered(obj=handling, kind=VISIT_REMINDER, at=ctx.now)
    reminder_mark_answered(obj=handling, kind=RECTIFY_REMINDER, at=ctx.now)


BAD_REVIEW_WORKFLOW: Workflow[BadReviewHandling] = Workflow(
    model=BadReviewHandling,
    visible_to=bad_reviews_visible_to,
    initial=S.REGISTERED,
    transitions=[
        Transition("visit", source={S.REGISTERED}, target=S.VISITED, permission="reviews.visit",
                   label=_("回访核实"), guard=guard_visit, on_enter=(on_visited,), needs_reason=True),
        Transition("rectify", source={S.VISITED}, target=S.RECTIFIED, permission="reviews.rectify",
                   label=_("整改完成"), guard=guard_rectify, on_enter=(on_rectified,), needs_reason=True,
                   style="success"),
        Transition("feedback", source={S.RECTIFIED}, target=S.CLOSED, permission="reviews.feedback",
                   label=_("反馈评价人"), guard=guard_feedback, needs_reason=True, style="success"),
        Transition("appeal", source={S.REGISTERED, S.VISITED}, target=S.APPEALING, permission="reviews.appeal",
                   label=_("申诉"), guard=guard_appeal, needs_reason=True, style="warning"),
        Transition("uphold", source={S.APPEALING}, target=S.APPEAL_UPHELD, permission="reviews.decide_appeal",
                   label=_("申诉成立"), guard=guard_uphold, on_enter=(on_upheld,), needs_reason=True,
                   style="secondary"),
        Transition("reject_appeal", source={S.APPEALING}, target=S.VISITED, permission="reviews.decide_appeal",
                   label=_("驳回申诉"), guard=guard_reject_appeal, on_enter=(on_visited,), needs_reason=True,
                   style="danger"),
    ],
)
