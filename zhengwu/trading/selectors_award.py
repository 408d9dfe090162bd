"""Reads of part 5's award side: who reads district-wide figures, and the 评定分离 decision of an evaluation."""

from __future__ import annotations

from typing import Any

from zhengwu.core.permissions import get_visible
from zhengwu.org.roles import ScopeKind
from zhengwu.trading.models import AwardDecision
from zhengwu.trading.selectors import evaluations_visible_to


def may_read_district(user: Any) -> bool:
    """Trading staff, supervisors and the center read decisions, sessions, fees and figures; an enterprise
    user does not (the same readers as the evaluations of part 4)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm("trading.view")
                and user.scope != ScopeKind.ENTERPRISE)


def award_decision_get(*, user: Any, evaluation_id: int) -> AwardDecision:
    """The decision of one evaluation (404 outside the scope or when not decided yet)."""
    return get_visible(AwardDecision.objects.filter(evaluation__in=evaluations_visible_to(user))
                       .select_related("award", "winner", "evaluation"), evaluation_id=evaluation_id)
