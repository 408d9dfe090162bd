"""Reads of the credit domain, scoped.

* ``penalties_visible_to`` / ``ratings_visible_to`` / ``behaviour_records_visible_to``: readers hold
  ``credit.view`` (trading staff, supervisors, leaders, the center; records are shared across departments);
  a tendering party (``credit.rate``) sees the ratings it gave.
* ``sections_ratable_by``: the sections whose experts this user may rate (staff on behalf of any tendering
  party; an enterprise user for the projects its enterprise tenders).
* ``behaviour_records_for``: what bidding, drawing and supervision consult (not scoped: the caller is code).
* ``expert_credit_list`` / ``expert_credit_history``: the expert credit screens.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Subquery, OuterRef, Sum, Value
from django.db.models.functions import Coalesce

from zhengwu.core.models import AuditEvent
from zhengwu.core.permissions import get_visible
from zhengwu.credit.choices import PenaltyStatus, RecordStatus
from zhengwu.credit.models import BehaviourRecord, ExpertPenalty, ExpertRating
from zhengwu.trading.choices import EvaluationStatus
from zhengwu.trading.models import Expert, ExpertDrawMember, TenderSection

#: the thresholds of expert credit; ``settings.ZHENGWU_EXPERT_CREDIT`` overrides any of them
CREDIT_DEFAULTS: dict[str, int | float] = {
    "suspend_below": 80,        # a score below this after a penalty suspends the expert
    "suspend_points_year": 12,  # effective points in one calendar year at or above this suspend the expert
    "low_rating_below": 2,      # a rating whose mean of the four marks is below this proposes a penalty
    "low_rating_points": 2,     # the points such a proposal asks for
    "max_points": 20,           # the most points one penalty may take
}


def credit_rules() -> dict[str, Any]:
    return {**CREDIT_DEFAULTS, **getattr(settings, "ZHENGWU_EXPERT_CREDIT", {})}


def _reads(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.has_perm("credit.view")


# --- ratings --------------------------------------------------------------------------------------------

def sections_ratable_by(user: Any) -> QuerySet[TenderSection]:
    qs = TenderSection.objects.filter(evaluation__isnull=False)
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.has_perm("credit.rate_any"):
        return qs
    if user.has_perm("credit.rate") and user.enterprise_id:
        ent = user.enterprise
        return qs.filter(Q(tender__project__tendering_enterprise_id=ent.pk)
                         | Q(tender__project__tendering_party_credit_code=ent.credit_code))
    return qs.none()


def rating_sections(*, user: Any) -> QuerySet[TenderSection]:
    """The sections to rate, finished evaluations first by date, with served and rated counts."""
    return (sections_ratable_by(user).filter(evaluation__status=EvaluationStatus.REPORTED)
            .select_related("tender__project", "section", "evaluation")
            .annotate(served=Count("expert_draw__members", filter=Q(expert_draw__members__replaced_at__isnull=True),
                                   distinct=True),
                      rated=Count("expert_ratings", distinct=True))
            .order_by("-evaluation__reported_at", "-id"))


def section_for_rating(*, user: Any, pk: int) -> TenderSection:
    return get_visible(sections_ratable_by(user).select_related("tender__project", "section", "evaluation"), pk=pk)


def served_members(tender_section: TenderSection) -> list[ExpertDrawMember]:
    """The experts who served on the section's committee (not replaced), in the draw's order."""
    return list(ExpertDrawMember.objects.filter(draw__tender_section=tender_section, replaced_at__isnull=True)
                .select_related("expert", "specialty").order_by("position"))


def ratings_visible_to(user: Any) -> QuerySet[ExpertRating]:
    if _reads(user):
        return ExpertRating.objects.all()
    return ExpertRating.objects.filter(tender_section__in=sections_ratable_by(user))


# --- penalties ------------------------------------------------------------------------------------------

def penalties_visible_to(user: Any) -> QuerySet[ExpertPenalty]:
    return ExpertPenalty.objects.all() if _reads(user) else ExpertPenalty.objects.none()


def penalty_list(*, user: Any, expert: int | None = None, status: str = "") -> QuerySet[ExpertPenalty]:
    qs = penalties_visible_to(user).select_related("expert", "tender_section__tender", "tender_section__section",
                                                   "recorded_by")
    if expert:
        qs = qs.filter(expert_id=expert)
    if status:
        qs = qs.filter(status=status)
    return qs


def penalty_get(*, user: Any, pk: int) -> ExpertPenalty:
    return get_visible(penalty_list(user=user), pk=pk)


def points_in_year(expert_id: int, year: int) -> int:
    return (ExpertPenalty.objects.filter(expert_id=expert_id, status=PenaltyStatus.EFFECTIVE,
                                         occurred_on__year=year).aggregate(n=Sum("points"))["n"] or 0)


def experts_penalized_count(*, date_from: dt.date, date_to: dt.date) -> int:
    """Experts with at least one effective penalty (考核扣分, not rejected or revoked, not merely proposed) that
    occurred in [date_from, date_to], counted once each, district-wide (the leadership dashboard and the work
    report; their views check the reader). For a calendar year it is the count of the expert list's
    "penalized" filter (``expert_credit_list(penalized=True)``)."""
    return (ExpertPenalty.objects.filter(status=PenaltyStatus.EFFECTIVE, occurred_on__gte=date_from,
                                         occurred_on__lte=date_to)
            .values("expert_id").distinct().count())


# --- expert credit --------------------------------------------------------------------------------------

def experts_visible_to(user: Any) -> QuerySet[Expert]:
    return Expert.objects.all() if _reads(user) else Expert.objects.none()


def expert_credit_list(*, user: Any, year: int, q: str = "", status: str = "",
                       penalized: bool = False) -> QuerySet[Expert]:
    """Experts with ``ratings_count``, ``rating_average``, ``penalty_points`` (effective, in ``year``)."""
    points = (ExpertPenalty.objects.filter(expert=OuterRef("pk"), status=PenaltyStatus.EFFECTIVE,
                                           occurred_on__year=year)
              .order_by().values("expert").annotate(n=Sum("points")).values("n"))
    ratings = (ExpertRating.objects.filter(expert=OuterRef("pk")).order_by().values("expert")
               .annotate(n=Count("id")).values("n"))
    qs = experts_visible_to(user).annotate(
        ratings_count=Coalesce(Subquery(ratings), Value(0)),
        penalty_points=Coalesce(Subquery(points), Value(0)))
    if q:
        qs = qs.filter(name__icontains=q)
    if status:
        qs = qs.filter(status=status)
    if penalized:
        qs = qs.filter(penalty_points__gt=0)
    return qs.order_by("credit_score", "id")


def expert_credit_get(*, user: Any, pk: int) -> Expert:
    return get_visible(experts_visible_to(user).select_related("person"), pk=pk)


STATUS_ACTIONS = ("expert.register", "expert.suspend", "expert.punish", "expert.reinstate")


def expert_credit_history(expert: Expert) -> dict[str, Any]:
    """Ratings, penalties, status events (register, suspend, punish, reinstate) and the score over time
    (from the ``expert.credit_adjust`` audit events: a point per change, starting from the score before
    the first one)."""
    ratings = list(ExpertRating.objects.filter(expert=expert)
                   .select_related("tender_section__tender", "tender_section__section").order_by("-rated_at"))
    penalties = list(ExpertPenalty.objects.filter(expert=expert)
                     .select_related("tender_section__tender", "tender_section__section").order_by("-recorded_at"))
    events = list(AuditEvent.objects.filter(object_type="trading.expert", object_id=str(expert.pk))
                  .filter(Q(action__in=STATUS_ACTIONS) | Q(action="expert.credit_adjust")).order_by("seq"))
    adjustments = [e for e in events if e.action == "expert.credit_adjust"]
    series: list[dict[str, Any]] = []
    if adjustments:
        adjustments.sort(key=lambda e: (e.payload.get("at") or e.created_at.isoformat(), e.seq))
        first = adjustments[0]
        series.append({"at": first.payload.get("at") or first.created_at.isoformat(),
                       "score": first.payload.get("before"), "reason": ""})
        series += [{"at": e.payload.get("at") or e.created_at.isoformat(), "score": e.payload.get("after"),
                    "reason": e.reason} for e in adjustments]
    if not series:  # never adjusted: one point, the score it has had since it was registered
        series.append({"at": expert.created_at.isoformat(), "score": expert.credit_score, "reason": ""})
    status_events = [e for e in events if e.action in STATUS_ACTIONS]
    return {"ratings": ratings, "penalties": penalties, "status_events": status_events, "series": series}


# --- behaviour records ----------------------------------------------------------------------------------

def behaviour_records_visible_to(user: Any) -> QuerySet[BehaviourRecord]:
    return BehaviourRecord.objects.all() if _reads(user) else BehaviourRecord.objects.none()


def effective_filter(day: dt.date) -> Q:
    return (Q(status=RecordStatus.EFFECTIVE, effective_from__lte=day)
            & (Q(effective_until__isnull=True) | Q(effective_until__gte=day)))


def behaviour_record_list(*, user: Any, kind: str = "", q: str = "", effective_on: dt.date | None = None,
                          enterprise: int | None = None, person: int | None = None) -> QuerySet[BehaviourRecord]:
    qs = behaviour_records_visible_to(user).select_related("enterprise", "person", "department")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(enterprise__name__icontains=q) | Q(person__name__icontains=q)
                       | Q(document_number__icontains=q))
    if effective_on is not None:
        qs = qs.filter(effective_filter(effective_on))
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if person:
        qs = qs.filter(person_id=person)
    return qs


def behaviour_record_get(*, user: Any, pk: int) -> BehaviourRecord:
    return get_visible(behaviour_record_list(user=user), pk=pk)


def behaviour_records_for(*, enterprise: Any = None, person: Any = None,
                          effective_on: dt.date | None = None) -> QuerySet[BehaviourRecord]:
    """The records of an enterprise and/or a person (not revoked); with ``effective_on``, only those in
    force that day. For bidding, drawing and the supervision screens (code, not a request: not scoped)."""
    subject = Q(pk__in=[])
    if enterprise is not None:
        subject |= Q(enterprise_id=getattr(enterprise, "pk", enterprise))
    if person is not None:
        subject |= Q(person_id=getattr(person, "pk", person))
    qs = BehaviourRecord.objects.filter(subject).exclude(status=RecordStatus.REVOKED)
    if effective_on is not None:
        qs = qs.filter(effective_filter(effective_on))
    return qs.select_related("enterprise", "person", "department").order_by("-effective_from", "-id")
