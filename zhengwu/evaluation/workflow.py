"""Transition tables of the evaluation domain: publishing a week, answering a suggestion."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhengwu.core.permissions import ScopePaths, scope_filter
from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.evaluation.choices import PublicationStatus, SuggestionStatus
from zhengwu.evaluation.models import Publication, Suggestion


def publications_visible_to(user: Any):
    if getattr(user, "is_authenticated", False) and user.is_active and user.has_perm("evaluation.view"):
        return Publication.objects.all()
    return Publication.objects.none()


def suggestions_visible_to(user: Any):
    return scope_filter(user, Suggestion.objects.all(), ScopePaths(department="department_id"))


def guard_publish(publication: Publication, ctx: TransitionContext) -> None:
    # Freeze the figures as they stand now (late data included), with their digest.
    from zhengwu.evaluation.services import freeze

    payload, digest = freeze(publication)
    ctx.updates.update(payload=payload, digest=digest, published_at=ctx.now,
                       published_by=ctx.actor if not isinstance(ctx.actor, str) else None)
    ctx.audit["digest"] = digest


def guard_decide(suggestion: Suggestion, ctx: TransitionContext) -> None:
    ctx.updates.update(decision_reason=ctx.reason, decided_at=ctx.now)


PUBLICATION_WORKFLOW = Workflow(
    model=Publication, visible_to=publications_visible_to, initial=PublicationStatus.DRAFT,
    transitions=[Transition("publish", source={PublicationStatus.DRAFT}, target=PublicationStatus.PUBLISHED,
                            permission="evaluation.publish", label=_("晾晒发布"), guard=guard_publish)],
)

SUGGESTION_WORKFLOW = Workflow(
    model=Suggestion, visible_to=suggestions_visible_to, initial=SuggestionStatus.SUBMITTED,
    transitions=[
        Transition("adopt", source={SuggestionStatus.SUBMITTED}, target=SuggestionStatus.ADOPTED,
                   permission="evaluation.decide_suggestion", label=_("采纳"), guard=guard_decide, needs_reason=True,
                   style="success"),
        Transition("decline", source={SuggestionStatus.SUBMITTED}, target=SuggestionStatus.DECLINED,
                   permission="evaluation.decide_suggestion", label=_("不予采纳"), guard=guard_decide,
                   needs_reason=True, style="secondary"),
    ],
)
