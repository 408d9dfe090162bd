"""Timing figures (reads only): elapsed working days against the sequential baseline, time saved, the low-risk
construction permit target, and the year-on-year change of the average elapsed days.

* elapsed: working days from the application's receipt to the last item's completion
  (``core.calendar.working_days_between``: the receipt day excluded, the completion day included; the same
  day is 0); an application still open counts up to ``today``;
* baseline: the sum of the items' promised limits, what the items would take one after the other;
* saved: baseline − elapsed (days) and its share of the baseline (%).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from django.utils import timezone

from zhengwu.approvals.choices import (
    LOW_RISK_PERMIT_TARGET_DAYS,
    STAGE_ORDER,
    YEAR_ON_YEAR_GOAL_PERCENT,
    ApplicationStatus,
    ProjectType,
    RiskClass,
    Stage,
)
from zhengwu.approvals.models import CombinedApplication
from zhengwu.core.calendar import working_days_between

DONE = (ApplicationStatus.READY, ApplicationStatus.ISSUED)


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


@dataclass
class ItemTiming:
    item: str
    department: str
    case_id: int
    case_number: str
    status: str
    status_label: str
    promised: int
    start: int  # working-day offset of the receipt (0)
    elapsed: int  # working days from the application's receipt to this item's completion (or today)
    done: bool


@dataclass
class Timing:
    elapsed: int
    baseline: int
    done: bool
    items: list[ItemTiming] = field(default_factory=list)

    @property
    def saved(self) -> int:
        return self.baseline - self.elapsed

    @property
    def saved_percent(self) -> float:
        return round(100 * self.saved / self.baseline, 1) if self.baseline else 0.0


def application_timing(application: CombinedApplication, *, today: dt.date | None = None) -> Timing:
    """The timing of one application and of each of its items (the Gantt bars)."""
    today = today or timezone.localdate()
    received = _local(application.received_at)
    items = []
    for link in application.items.all():
        case = link.case
        end = _local(case.completed_at) if case.completed_at else today
        items.append(ItemTiming(
            item=link.item.name, department=case.department.name if case.department_id else "", case_id=case.pk,
            case_number=case.number, status=case.status, status_label=str(case.get_status_display()),
            promised=link.promised_limit, start=0, elapsed=max(0, working_days_between(received, end)),
            done=case.completed_at is not None))
    done = application.status in DONE
    if application.items_completed_at is not None:
        elapsed = max(0, working_days_between(received, _local(application.items_completed_at)))
    else:
        elapsed = max((i.elapsed for i in items), default=0)
    return Timing(elapsed=elapsed, baseline=sum(i.promised for i in items), done=done, items=items)


@dataclass
class Totals:
    applications: int = 0
    elapsed: int = 0
    baseline: int = 0

    def add(self, t: Timing) -> None:
        self.applications += 1
        self.elapsed += t.elapsed
        self.baseline += t.baseline

    @property
    def saved(self) -> int:
        return self.baseline - self.elapsed

    @property
    def saved_percent(self) -> float:
        return round(100 * self.saved / self.baseline, 1) if self.baseline else 0.0

    @property
    def average_elapsed(self) -> float:
        return round(self.elapsed / self.applications, 2) if self.applications else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"applications": self.applications, "elapsed": self.elapsed, "baseline": self.baseline,
                "saved": self.saved, "saved_percent": self.saved_percent, "average_elapsed": self.average_elapsed}


def _completed(applications: Iterable[CombinedApplication]) -> list[tuple[CombinedApplication, Timing]]:
    return [(a, application_timing(a)) for a in applications if a.status in DONE]


def project_timing(project: Any, *, applications: Iterable[CombinedApplication]) -> dict[str, Any]:
    """Per stage and in total, over the project's completed applications."""
    per_stage: dict[str, Totals] = defaultdict(Totals)
    total = Totals()
    for application, t in _completed(a for a in applications if a.project_id == project.pk):
        per_stage[application.stage].add(t)
        total.add(t)
    return {"total": total.as_dict(),
            "stages": [{"stage": s.value, "label": str(s.label), **per_stage[s.value].as_dict()}
                       for s in STAGE_ORDER]}


def _is_low_risk_permit(application: CombinedApplication) -> bool:
    return (application.stage == Stage.CONSTRUCTION_PERMIT
            and application.project.risk_class == RiskClass.LOW_RISK)


def figures(applications: Iterable[CombinedApplication], *, year: int | None = None,
            today: dt.date | None = None) -> dict[str, Any]:
    """The figures screen, the API and the Excel export read this one dict.

    ``applications`` come scoped from the selector (with project, bundle and items prefetched)."""
    today = today or timezone.localdate()
    rows = list(applications)
    by_year: dict[int, Totals] = defaultdict(Totals)
    by_type: dict[str, Totals] = defaultdict(Totals)
    by_township: dict[str, Totals] = defaultdict(Totals)
    by_stage: dict[str, Totals] = defaultdict(Totals)
    total = Totals()
    low_risk = {"applications": 0, "within_target": 0, "breaches": []}
    for application in rows:
        received_year = _local(application.received_at).year
        t = application_timing(application, today=today)
        if _is_low_risk_permit(application) and (year is None or received_year == year):
            if application.status in DONE or t.elapsed > LOW_RISK_PERMIT_TARGET_DAYS:
                low_risk["applications"] += 1
                if t.elapsed <= LOW_RISK_PERMIT_TARGET_DAYS:
                    low_risk["within_target"] += 1
                else:
                    low_risk["breaches"].append({
                        "application_id": application.pk, "number": application.number,
                        "project": application.project.name, "project_code": application.project.code,
                        "received_on": _local(application.received_at).isoformat(), "elapsed": t.elapsed,
                        "open": application.status not in DONE})
        if application.status not in DONE:
            continue
        by_year[received_year].add(t)
        if year is not None and received_year != year:
            continue
        total.add(t)
        by_type[application.project.project_type].add(t)
        by_township[application.project.township.name].add(t)
        by_stage[application.stage].add(t)
    low_risk["target_days"] = LOW_RISK_PERMIT_TARGET_DAYS
    low_risk["rate"] = (round(100 * low_risk["within_target"] / low_risk["applications"], 1)
                        if low_risk["applications"] else 0.0)
    years = sorted(by_year)
    yoy = []
    for y in years:
        prev = by_year.get(y - 1)
        change = None
        if prev is not None and prev.average_elapsed:
            change = round(100 * (prev.average_elapsed - by_year[y].average_elapsed) / prev.average_elapsed, 1)
        yoy.append({"year": y, **by_year[y].as_dict(), "faster_percent": change,
                    "goal_met": None if change is None else change >= YEAR_ON_YEAR_GOAL_PERCENT})
    type_labels = dict(ProjectType.choices)
    return {
        "year": year,
        "total": total.as_dict(),
        "by_type": [{"key": k, "label": str(type_labels.get(k, k)), **v.as_dict()} for k, v in sorted(by_type.items())],
        "by_township": [{"key": k, "label": k, **v.as_dict()} for k, v in sorted(by_township.items())],
        "by_stage": [{"key": s.value, "label": str(s.label), **by_stage[s.value].as_dict()} for s in STAGE_ORDER],
        "low_risk": low_risk,
        "year_on_year": yoy,
        "goal_percent": YEAR_ON_YEAR_GOAL_PERCENT,
    }
