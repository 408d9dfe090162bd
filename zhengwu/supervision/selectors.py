"""Reads of supervision, scoped to the user: every supervision row is for the supervisors and the readers
(center leaders and administrators) who hold ``supervision.view``; nobody else sees any.

Besides the scoped querysets: the flag and clue statistics, the campaigns' figures, the overdue clues and the
supervisor's workspace. Reports read through here and never write.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhengwu.core.permissions import get_visible
from zhengwu.supervision.choices import (
    CLUE_ACTIVE,
    ClueConclusion,
    ClueSource,
    ClueStatus,
    FlagFamily,
    FlagStatus,
    InspectionResult,
)
from zhengwu.supervision.models import Clue, Flag, Inspection, InspectionCampaign, SupervisionCase


def _reader(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_perm("supervision.view"))


def flags_visible_to(user: Any) -> QuerySet[Flag]:
    return Flag.objects.all() if _reader(user) else Flag.objects.none()


def cases_visible_to(user: Any) -> QuerySet[SupervisionCase]:
    return SupervisionCase.objects.all() if _reader(user) else SupervisionCase.objects.none()


def clues_visible_to(user: Any) -> QuerySet[Clue]:
    return Clue.objects.all() if _reader(user) else Clue.objects.none()


def campaigns_visible_to(user: Any) -> QuerySet[InspectionCampaign]:
    return InspectionCampaign.objects.all() if _reader(user) else InspectionCampaign.objects.none()


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    return Inspection.objects.all() if _reader(user) else Inspection.objects.none()


# --- one row ---------------------------------------------------------------------------------------------

def flag_get(*, user: Any, pk: int) -> Flag:
    return get_visible(flags_visible_to(user).select_related("case", "project", "tender_section", "decided_by"),
                       pk=pk)


def case_get(*, user: Any, pk: int) -> SupervisionCase:
    return get_visible(cases_visible_to(user).select_related("project"), pk=pk)


def clue_get(*, user: Any, pk: int) -> Clue:
    return get_visible(clues_visible_to(user).select_related("flag", "case", "inspection", "project", "enterprise",
                                                             "handler"), pk=pk)


def campaign_get(*, user: Any, pk: int) -> InspectionCampaign:
    return get_visible(campaigns_visible_to(user), pk=pk)


def inspection_get(*, user: Any, pk: int) -> Inspection:
    return get_visible(inspections_visible_to(user).select_related("campaign", "project"), pk=pk)


# --- lists with filters ----------------------------------------------------------------------------------

def flag_list(*, user: Any, family: str = "", rule: str = "", status: str = "", project_id: int | None = None,
              case_id: int | None = None, q: str = "") -> QuerySet[Flag]:
    """The flags ``user`` may see, filtered (one definition for the web list and the API)."""
    qs = flags_visible_to(user).select_related("case")
    if family:
        qs = qs.filter(family=family)
    if rule:
        qs = qs.filter(rule=rule)
    if status:
        qs = qs.filter(status=status)
    if project_id:
        qs = qs.filter(project_id=project_id)
    if case_id:
        qs = qs.filter(case_id=case_id)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(subject_label__icontains=q) | Q(case__number__icontains=q))
    return qs


def clue_list(*, user: Any, source: str = "", status: str = "", overdue: bool = False,
              now: dt.datetime | None = None) -> QuerySet[Clue]:
    qs = clues_visible_to(user).select_related("project", "enterprise", "handler")
    if source:
        qs = qs.filter(source=source)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=CLUE_ACTIVE, due_at__lt=now or timezone.now())
    return qs


def clues_overdue(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Clue]:
    """Clues still waiting whose current stage is past its deadline, the most overdue first."""
    return clue_list(user=user, overdue=True, now=now).order_by("due_at", "id")


def flag_rules(*, user: Any) -> list[str]:
    return list(flags_visible_to(user).order_by("rule").values_list("rule", flat=True).distinct())


# --- figures ---------------------------------------------------------------------------------------------

def _period(qs: QuerySet, field: str, date_from: dt.date | None, date_to: dt.date | None) -> QuerySet:
    if date_from:
        qs = qs.filter(**{f"{field}__date__gte": date_from})
    if date_to:
        qs = qs.filter(**{f"{field}__date__lte": date_to})
    return qs


def flag_statistics(*, user: Any, date_from: dt.date | None = None,
                    date_to: dt.date | None = None) -> dict[str, Any]:
    """Flags detected in the period by rule (with its family) × outcome, and by family × outcome."""
    qs = _period(flags_visible_to(user), "detected_at", date_from, date_to)
    outcomes = list(FlagStatus.values)
    by_rule: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(outcomes, 0))
    by_family: dict[str, dict[str, int]] = {f: dict.fromkeys(outcomes, 0) for f in FlagFamily.values}
    for row in qs.order_by().values("family", "rule", "status").annotate(n=Count("pk")):
        by_rule[(row["family"], row["rule"])][row["status"]] += row["n"]
        by_family[row["family"]][row["status"]] += row["n"]
    family_labels = dict(FlagFamily.choices)
    rules = [{"family": family, "family_label": str(family_labels.get(family, family)), "rule": rule,
              **counts, "total": sum(counts.values())} for (family, rule), counts in sorted(by_rule.items())]
    families = [{"family": f, "family_label": str(family_labels[f]), **counts, "total": sum(counts.values())}
                for f, counts in by_family.items()]
    total = dict.fromkeys(outcomes, 0)
    for row in families:
        for o in outcomes:
            total[o] += row[o]
    return {"date_from": date_from, "date_to": date_to, "outcomes": outcomes, "by_rule": rules,
            "by_family": families, "total": {**total, "total": sum(total.values())}}


def clue_statistics(*, user: Any, date_from: dt.date | None = None, date_to: dt.date | None = None,
                    now: dt.datetime | None = None) -> dict[str, Any]:
    """Clues registered in the period by source and by stage; the rectification rate
    (verified rectifications / substantiated clues) and the overdue count."""
    return _clue_statistics(clues_visible_to(user), date_from=date_from, date_to=date_to, now=now)


def clue_statistics_district(*, date_from: dt.date | None = None, date_to: dt.date | None = None,
                             now: dt.datetime | None = None) -> dict[str, Any]:
    """:func:`clue_statistics` over every clue of the district, for the leadership dashboard and the work report
    (the reports' views check their reader; this read takes no user)."""
    return _clue_statistics(Clue.objects.all(), date_from=date_from, date_to=date_to, now=now)


def _clue_statistics(clues: QuerySet[Clue], *, date_from: dt.date | None, date_to: dt.date | None,
                     now: dt.datetime | None) -> dict[str, Any]:
    qs = _period(clues, "registered_at", date_from, date_to)
    by_source = {s: 0 for s in ClueSource.values}
    for row in qs.order_by().values("source").annotate(n=Count("pk")):
        by_source[row["source"]] = row["n"]
    by_status = {s: 0 for s in ClueStatus.values}
    for row in qs.order_by().values("status").annotate(n=Count("pk")):
        by_status[row["status"]] = row["n"]
    substantiated = qs.filter(conclusion=ClueConclusion.SUBSTANTIATED).count()
    verified = qs.filter(conclusion=ClueConclusion.SUBSTANTIATED, status=ClueStatus.VERIFIED).count()
    overdue = qs.filter(status__in=CLUE_ACTIVE, due_at__lt=now or timezone.now()).count()
    source_labels = dict(ClueSource.choices)
    return {"total": sum(by_source.values()),
            "by_source": [{"source": s, "label": str(source_labels[s]), "count": n} for s, n in by_source.items()],
            "by_status": by_status, "substantiated": substantiated, "verified": verified,
            "not_substantiated": by_status[ClueStatus.CLOSED],
            "rectification_rate": (verified / substantiated) if substantiated else None, "overdue": overdue}


def campaigns_with_figures(*, user: Any) -> QuerySet[InspectionCampaign]:
    """Campaigns with their figures: projects inspected, with problems, clues raised."""
    return campaigns_visible_to(user).annotate(
        inspected=Count("inspections", distinct=True),
        with_problems=Count("inspections", filter=Q(inspections__result=InspectionResult.PROBLEMS_FOUND),
                            distinct=True),
        clues_raised=Count("inspections__clues", distinct=True))


def inspection_statistics(*, user: Any, date_from: dt.date | None = None,
                          date_to: dt.date | None = None) -> dict[str, Any]:
    """Inspections dated in the period, the distinct projects inspected, those with problems, their clues."""
    return _inspection_statistics(inspections_visible_to(user), date_from=date_from, date_to=date_to)


def inspection_statistics_district(*, date_from: dt.date | None = None,
                                   date_to: dt.date | None = None) -> dict[str, Any]:
    """:func:`inspection_statistics` over every inspection of the district (leadership dashboard, work report)."""
    return _inspection_statistics(Inspection.objects.all(), date_from=date_from, date_to=date_to)


def _inspection_statistics(qs: QuerySet[Inspection], *, date_from: dt.date | None,
                           date_to: dt.date | None) -> dict[str, Any]:
    if date_from:
        qs = qs.filter(inspected_on__gte=date_from)
    if date_to:
        qs = qs.filter(inspected_on__lte=date_to)
    return {"inspections": qs.count(), "projects": qs.values("project_id").distinct().count(),
            "with_problems": qs.filter(result=InspectionResult.PROBLEMS_FOUND).count(),
            "clues": Clue.objects.filter(inspection__in=qs).count()}


def workspace(*, user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The supervisor's desk: open flags by family, open clues with their deadlines, overdue, recent campaigns."""
    now = now or timezone.now()
    open_flags = flags_visible_to(user).filter(status=FlagStatus.OPEN)
    counts = dict(open_flags.order_by().values_list("family").annotate(n=Count("pk")))
    family_labels = dict(FlagFamily.choices)
    return {
        "open_flags_by_family": [{"family": f, "label": family_labels[f], "count": counts.get(f, 0)}
                                 for f in FlagFamily.values],
        "open_flags": open_flags.count(),
        "recent_flags": list(open_flags.select_related("case")[:8]),
        "open_clues": list(clue_list(user=user).filter(status__in=CLUE_ACTIVE).order_by("due_at", "id")[:20]),
        "overdue": list(clues_overdue(user=user, now=now)[:20]),
        "open_cases": cases_visible_to(user).filter(status="open").count(),
        "campaigns": list(campaigns_with_figures(user=user)[:5]),
        "now": now,
    }
