"""Every non-trivial read of the enterprise service center, scoped to the user.

Who sees which demand (one place, :func:`demands_visible_to`):

* district-wide staff (scope "all": the center's staff and leaders, supervisors) see every demand;
* a department's clerk or leader sees the demands routed to the department (lead or assisting, any round) and
  those where a joint consultation gave the department a task;
* an enterprise user sees the demands of its own enterprise;
* anyone sees the demands they registered themselves (a liaison officer's visits).

A row outside the scope is a 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhengwu.cases.models import ServiceItem
from zhengwu.core.permissions import get_visible
from zhengwu.enterprise.choices import DemandStatus, Rating
from zhengwu.enterprise.models import (
    Consultation,
    ConsultationTask,
    Demand,
    DemandAssignment,
    Escalation,
    LiaisonAssignment,
    LiaisonVisit,
    SectionItem,
    ServiceSection,
)
from zhengwu.org.models import Enterprise
from zhengwu.org.roles import ScopeKind

VIEW = "enterprise.view"
RAISE = "enterprise.raise"


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def demands_visible_to(user: Any) -> QuerySet[Demand]:
    if not _active(user) or not (user.has_perm(VIEW) or user.has_perm(RAISE)):
        return Demand.objects.none()
    qs = Demand.objects.all()
    scope = user.scope
    if scope == ScopeKind.ALL and user.has_perm(VIEW):
        return qs
    own = Q(raised_by_id=user.pk)
    if scope == ScopeKind.DEPARTMENT and user.department_id:
        routed = DemandAssignment.objects.filter(department_id=user.department_id).values("demand_id")
        tasked = ConsultationTask.objects.filter(department_id=user.department_id).values("consultation__demand_id")
        return qs.filter(Q(pk__in=routed) | Q(pk__in=tasked) | own)
    if scope == ScopeKind.ENTERPRISE and user.enterprise_id:
        return qs.filter(Q(enterprise_id=user.enterprise_id) | own)
    return qs.filter(own)


DEMAND_RELATED = ("enterprise", "section", "lead_department", "node", "raised_by", "visit")


def demand_get(*, user: Any, pk: int) -> Demand:
    return get_visible(demands_visible_to(user).select_related(*DEMAND_RELATED), pk=pk)


def demand_list(*, user: Any, status: str = "", section: int | None = None, channel: str = "",
                department: int | None = None, enterprise: int | None = None, overdue: bool = False,
                q: str = "", date_from: dt.date | None = None, date_to: dt.date | None = None,
                now: dt.datetime | None = None) -> QuerySet[Demand]:
    qs = demands_visible_to(user).select_related("enterprise", "section", "lead_department", "node")
    if status:
        qs = qs.filter(status=status)
    if section:
        qs = qs.filter(section_id=section)
    if channel:
        qs = qs.filter(channel=channel)
    if department:
        qs = qs.filter(lead_department_id=department)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if overdue:
        qs = qs.filter(status=DemandStatus.ROUTED, deadline__lt=now or timezone.now())
    if q:
        qs = qs.filter(Q(number__startswith=q) | Q(title__icontains=q) | Q(enterprise__name__icontains=q))
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    return qs


def inbox_for(*, user: Any) -> QuerySet[Demand]:
    """The demands routed to the user's department in their current round and still waiting for its answer."""
    if not _active(user) or not user.department_id:
        return Demand.objects.none()
    mine = DemandAssignment.objects.filter(department_id=user.department_id, answered_at__isnull=True,
                                           waived=False)
    return (demands_visible_to(user).filter(status=DemandStatus.ROUTED)
            .filter(pk__in=mine.filter(round=_round_of_demand()).values("demand_id"))
            .select_related("enterprise", "section", "lead_department").order_by("deadline", "id"))


def _round_of_demand() -> Any:
    from django.db.models import OuterRef, Subquery

    return Subquery(Demand.objects.filter(pk=OuterRef("demand_id")).values("round")[:1])


def assignments_of(demand: Demand, *, round: int | None = None) -> list[DemandAssignment]:
    r = demand.round if round is None else round
    return list(demand.assignments.filter(round=r).select_related("department", "answered_by")
                .order_by("-role", "id"))


def assignment_get(*, user: Any, pk: int) -> DemandAssignment:
    return get_visible(DemandAssignment.objects.filter(demand__in=demands_visible_to(user))
                       .select_related("demand", "department"), pk=pk)


def escalations_of(demand: Demand) -> list[Escalation]:
    return list(demand.escalations.prefetch_related("notified").order_by("round", "at", "id"))


def consultations_visible_to(user: Any) -> QuerySet[Consultation]:
    return Consultation.objects.filter(demand__in=demands_visible_to(user))


def consultation_get(*, user: Any, pk: int) -> Consultation:
    return get_visible(consultations_visible_to(user).select_related("demand"), pk=pk)


def tasks_visible_to(user: Any) -> QuerySet[ConsultationTask]:
    return ConsultationTask.objects.filter(consultation__demand__in=demands_visible_to(user))


def task_get(*, user: Any, pk: int) -> ConsultationTask:
    return get_visible(tasks_visible_to(user).select_related("consultation", "department"), pk=pk)


def tasks_overdue(*, user: Any | None = None, now: dt.datetime | None = None) -> QuerySet[ConsultationTask]:
    qs = tasks_visible_to(user) if user is not None else ConsultationTask.objects.all()
    return qs.filter(done_at__isnull=True, deadline__lt=now or timezone.now()).select_related(
        "department", "consultation", "consultation__demand")


ACTION_LABELS = {
    "demand.raise": "受理诉求", "demand.classify": "分类到板块", "demand.route": "交办部门",
    "demand.answer": "答复企业", "demand.rate": "企业评价", "demand.close": "办结", "demand.reopen": "重新办理",
    "demand.close_default": "评价期满默认满意办结", "demand.escalate": "超期督办", "demand.consult": "协同会商",
    "demand.assignment_answer": "部门反馈办理意见", "demand.assignment_waive": "免于反馈", "demand.task_done": "会商任务完成",
    "reminder.send": "发送督办提醒",
}


def timeline(demand: Demand) -> list[Any]:
    """The demand's audit events, oldest first (the transitions and the records made on it), each with a
    ``label`` in Chinese."""
    from zhengwu.core.models import AuditEvent

    events = list(AuditEvent.objects.filter(object_type="enterprise.demand", object_id=str(demand.pk))
                  .order_by("created_at", "id"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    return events


# --- sections and coverage ---------------------------------------------------------------------------------

def sections(*, active_only: bool = True) -> QuerySet[ServiceSection]:
    qs = ServiceSection.objects.all()
    return qs.filter(active=True) if active_only else qs


def enterprise_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(enterprise_related=True, is_active=True)


def coverage() -> dict[str, Any]:
    """Assigned / enterprise-related active items (goal 100 %), per section, and the items not yet entered."""
    items = enterprise_items()
    total = items.count()
    assigned = SectionItem.objects.filter(item__in=items, section__active=True)
    entered = assigned.count()
    per_section = dict(assigned.values_list("section_id").annotate(n=Count("id")))
    missing = list(items.exclude(pk__in=assigned.values("item_id")).select_related("department")
                   .order_by("department__sort", "code"))
    return {
        "total": total, "assigned": entered, "missing_count": total - entered,
        "percent": round(100 * entered / total, 1) if total else 100.0,
        "sections": [{"id": s.pk, "code": s.code, "name": s.name, "items": per_section.get(s.pk, 0)}
                     for s in sections()],
        "missing": missing,
    }


def network() -> list[dict[str, Any]]:
    """The 1+2+N network (center, sub-centers, stations) with the demands each received."""
    from zhengwu.org.models import ServiceNode

    counts = dict(Demand.objects.values_list("node_id").annotate(n=Count("id")))
    nodes = list(ServiceNode.objects.select_related("region", "parent").order_by("kind", "name"))
    return [{"node": n, "kind": n.get_kind_display(), "demands": counts.get(n.pk, 0)} for n in nodes]


# --- liaison officers ----------------------------------------------------------------------------------------

def visits_visible_to(user: Any) -> QuerySet[LiaisonVisit]:
    if not _active(user):
        return LiaisonVisit.objects.none()
    if user.has_perm(VIEW) and user.scope == ScopeKind.ALL:
        return LiaisonVisit.objects.all()
    return LiaisonVisit.objects.filter(officer_id=user.pk)


def liaison_figures(*, user: Any, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    """Per officer: enterprises assigned, visits and demands collected in the period."""
    visits = visits_visible_to(user).filter(visited_on__gte=date_from, visited_on__lte=date_to)
    per_officer = {r["officer_id"]: r for r in visits.values("officer_id").annotate(
        visits=Count("id", distinct=True), demands=Count("demands", distinct=True))}
    officers = LiaisonAssignment.objects.filter(officer__in=_officers_visible(user)).values_list(
        "officer_id", "officer__display_name", "officer__username").annotate(n=Count("enterprise", distinct=True))
    rows = []
    for officer_id, display, username, n in officers:
        r = per_officer.get(officer_id, {})
        rows.append({"officer_id": officer_id, "officer": display or username, "enterprises": n,
                     "visits": r.get("visits", 0), "demands": r.get("demands", 0)})
    return sorted(rows, key=lambda r: (-r["visits"], r["officer"]))


def _officers_visible(user: Any) -> QuerySet[Any]:
    from zhengwu.org.models import User

    if _active(user) and user.has_perm(VIEW) and user.scope == ScopeKind.ALL:
        return User.objects.all()
    return User.objects.filter(pk=getattr(user, "pk", None))


def enterprises_not_visited(*, user: Any, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    """Assigned enterprises (assignment overlapping the period) with no visit in the period."""
    assignments = (LiaisonAssignment.objects.filter(officer__in=_officers_visible(user), start__lte=date_to)
                   .filter(Q(end__isnull=True) | Q(end__gte=date_from)).select_related("enterprise", "officer"))
    visited = set(LiaisonVisit.objects.filter(visited_on__gte=date_from, visited_on__lte=date_to)
                  .values_list("officer_id", "enterprise_id"))
    return [{"enterprise": a.enterprise, "officer": a.officer} for a in assignments
            if (a.officer_id, a.enterprise_id) not in visited]


def officer_enterprises(user: Any, *, on: dt.date | None = None) -> QuerySet[Enterprise]:
    on = on or timezone.localdate()
    ids = LiaisonAssignment.objects.filter(officer_id=user.pk, start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)).values("enterprise_id")
    return Enterprise.objects.filter(pk__in=ids)


# --- figures -------------------------------------------------------------------------------------------------

FIGURE_KEYS = ("received", "answered", "on_time", "overdue", "escalated", "satisfied", "basic", "unsatisfied",
               "default_satisfied")


def _blank() -> dict[str, Any]:
    return {k: 0 for k in FIGURE_KEYS}


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    rated = row["satisfied"] + row["basic"] + row["unsatisfied"]
    row["rated"] = rated
    row["satisfaction"] = round(100 * (row["satisfied"] + row["basic"]) / rated, 1) if rated else None
    row["on_time_rate"] = round(100 * row["on_time"] / row["answered"], 1) if row["answered"] else None
    return row


def figures(*, user: Any, date_from: dt.date | None = None, date_to: dt.date | None = None,
            now: dt.datetime | None = None) -> dict[str, Any]:
    """Received, answered on time, overdue, escalated and ratings of the demands received in the period,
    by section and by lead department (what the page, the chart, the API and the Excel file all show).

    * on time: answered no later than the deadline of its current round;
    * overdue: answered after the deadline, or still being handled past it at ``now``;
    * satisfaction: (satisfied + basically satisfied) / the enterprise's ratings; demands closed when the rating
      window ran out count as "default satisfied", apart, never as ratings.
    """
    return _figures_of(demand_list(user=user, date_from=date_from, date_to=date_to), date_from=date_from,
                       date_to=date_to, now=now)


def figures_district(*, date_from: dt.date | None = None, date_to: dt.date | None = None,
                     now: dt.datetime | None = None) -> dict[str, Any]:
    """The same figures as :func:`figures` for the whole district, without a user (the leadership dashboard and
    the work report, whose scope is the district): every demand received in the period counts."""
    qs = Demand.objects.select_related("enterprise", "section", "lead_department", "node")
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    return _figures_of(qs, date_from=date_from, date_to=date_to, now=now)


def _figures_of(qs: QuerySet[Demand], *, date_from: dt.date | None, date_to: dt.date | None,
                now: dt.datetime | None) -> dict[str, Any]:
    now = now or timezone.now()
    escalated = set(Escalation.objects.filter(demand__in=qs).values_list("demand_id", flat=True))
    rows = qs.values_list("pk", "status", "section_id", "section__name", "lead_department_id",
                          "lead_department__name", "deadline", "answered_at", "rating", "close_reason")
    by_section: dict[Any, dict[str, Any]] = defaultdict(_blank)
    by_department: dict[Any, dict[str, Any]] = defaultdict(_blank)
    names: dict[tuple[str, Any], str] = {}
    total = _blank()
    for pk, status, section_id, section_name, dept_id, dept_name, deadline, answered_at, rating, reason in rows:
        names[("s", section_id)] = section_name or "未分类"
        names[("d", dept_id)] = dept_name or "未交办"
        flags = {"received": 1, "answered": 0, "on_time": 0, "overdue": 0, "escalated": int(pk in escalated),
                 "satisfied": int(rating == Rating.SATISFIED), "basic": int(rating == Rating.BASIC),
                 "unsatisfied": int(rating == Rating.UNSATISFIED),
                 "default_satisfied": int(reason == "default_satisfied")}
        if answered_at is not None:
            flags["answered"] = 1
            late = deadline is not None and answered_at > deadline
            flags["on_time"] = int(not late)
            flags["overdue"] = int(late)
        elif status == DemandStatus.ROUTED and deadline is not None and deadline < now:
            flags["overdue"] = 1
        for target in (by_section[section_id], by_department[dept_id], total):
            for k, v in flags.items():
                target[k] += v
    order = {s.pk: (s.order, s.code) for s in ServiceSection.objects.all()}

    def listed(groups: dict[Any, dict[str, Any]], kind: str, key: Any) -> list[dict[str, Any]]:
        out = [{"id": gid, "name": names[(kind, gid)], **_finish(dict(v))} for gid, v in groups.items()]
        return sorted(out, key=key)

    return {
        "date_from": date_from, "date_to": date_to,
        "by_section": listed(by_section, "s", lambda r: (r["id"] is None, order.get(r["id"], (0, "")))),
        "by_department": listed(by_department, "d", lambda r: (r["id"] is None, -r["received"], r["name"])),
        "total": _finish(total),
    }
