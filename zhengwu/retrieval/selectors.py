"""Every non-trivial read of third-party information retrieval, scoped to the user.

* requester users see their enterprise's requests; a subject (a citizen whose account is the subject person, or
  an enterprise user of the subject enterprise) sees the requests about them;
* window clerks and department leaders see the items of their department, and the requests behind them, only
  once consent is granted (an item is assigned);
* administrators, supervisors and leaders see every request, never the answers' content
  (:func:`can_read_answers`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from zhengwu.core.models import AuditEvent
from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter
from zhengwu.core.ui import DeadlineState
from zhengwu.org.models import Department, User
from zhengwu.org.roles import ScopeKind
from zhengwu.retrieval.choices import ItemStatus, RequestStatus
from zhengwu.retrieval.models import Consent, InfoType, Requester, RequestItem, RetrievalRequest, Scenario
from zhengwu.retrieval.permissions import ANSWER, CONSENT, MANAGE, REQUEST, VIEW

READ_PERMISSIONS = (VIEW, REQUEST, ANSWER, CONSENT)
REQUEST_PATHS = ScopePaths(enterprise="requester__enterprise", owner="subject_person__users")
ITEM_PATHS = ScopePaths(department="department", enterprise="request__requester__enterprise",
                        owner="request__subject_person__users")


def _signed_in(user: Any) -> bool:
    return bool(user is not None and not isinstance(user, str) and getattr(user, "is_authenticated", False)
                and user.is_active)


def _reader(user: Any) -> bool:
    return _signed_in(user) and any(user.has_perm(p) for p in READ_PERMISSIONS)


# --- the catalog --------------------------------------------------------------------------------------------

def scenarios(*, active_only: bool = True) -> QuerySet[Scenario]:
    qs = Scenario.objects.all()
    return qs.filter(active=True) if active_only else qs


def info_types(*, active_only: bool = True) -> QuerySet[InfoType]:
    """The catalog is public information of the platform: every signed-in reader sees it."""
    qs = InfoType.objects.select_related("department").prefetch_related("scenarios")
    return qs.filter(active=True) if active_only else qs


def info_type_get(*, pk: int) -> InfoType:
    return get_visible(info_types(active_only=False), pk=pk)


# --- requesters ---------------------------------------------------------------------------------------------

def requesters_visible_to(user: Any) -> QuerySet[Requester]:
    if not _reader(user):
        return Requester.objects.none()
    qs = Requester.objects.select_related("enterprise")
    if user.has_perm(MANAGE) or user.has_perm(VIEW) and user.scope == ScopeKind.ALL:
        return qs
    return scope_filter(user, qs, ScopePaths(enterprise="enterprise"))


def requester_of(user: Any) -> Requester | None:
    """The registered requester a user asks for (through the user's enterprise), active or not."""
    if not _signed_in(user) or not user.enterprise_id:
        return None
    return Requester.objects.select_related("enterprise").filter(enterprise_id=user.enterprise_id).first()


# --- requests and items -------------------------------------------------------------------------------------

def items_visible_to(user: Any) -> QuerySet[RequestItem]:
    if not _reader(user):
        return RequestItem.objects.none()
    qs = RequestItem.objects.all()
    scoped = scope_filter(user, qs, ITEM_PATHS)
    if user.scope == ScopeKind.DEPARTMENT:
        # Nothing reaches a department before consent: an item is visible once it is assigned.
        return scoped.filter(assigned_at__isnull=False)
    if user.scope == ScopeKind.ENTERPRISE and user.enterprise_id:
        scoped = scoped | qs.filter(request__subject_enterprise_id=user.enterprise_id)
    return scoped


def requests_visible_to(user: Any) -> QuerySet[RetrievalRequest]:
    if not _reader(user):
        return RetrievalRequest.objects.none()
    qs = RetrievalRequest.objects.all()
    if user.scope == ScopeKind.DEPARTMENT:
        return qs.filter(pk__in=items_visible_to(user).values("request_id"))
    scoped = scope_filter(user, qs, REQUEST_PATHS)
    if user.scope == ScopeKind.ENTERPRISE and user.enterprise_id:
        scoped = scoped | qs.filter(subject_enterprise_id=user.enterprise_id)
    return scoped


def consents_visible_to(user: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(request__in=requests_visible_to(user))


def requests_about(user: Any) -> QuerySet[RetrievalRequest]:
    """The requests about the user themselves (the subject's page)."""
    if not _signed_in(user) or not user.has_perm(CONSENT):
        return RetrievalRequest.objects.none()
    cond = Q()
    if user.person_id:
        cond |= Q(subject_person_id=user.person_id)
    if user.enterprise_id:
        cond |= Q(subject_enterprise_id=user.enterprise_id)
    if not cond:
        return RetrievalRequest.objects.none()
    return (RetrievalRequest.objects.filter(cond)
            .select_related("requester__enterprise", "scenario", "consent", "subject_person", "subject_enterprise"))


def is_subject(user: Any, request: RetrievalRequest) -> bool:
    if not _signed_in(user) or not user.has_perm(CONSENT):
        return False
    if request.subject_person_id:
        return bool(user.person_id and user.person_id == request.subject_person_id)
    return bool(user.enterprise_id and user.enterprise_id == request.subject_enterprise_id)


def can_read_answers(user: Any, request: RetrievalRequest) -> bool:
    """Only the requester's own users read answers; staff who oversee see numbers, digests and states."""
    return (_signed_in(user) and user.has_perm(REQUEST) and bool(user.enterprise_id)
            and user.enterprise_id == request.requester.enterprise_id)


def request_get(*, user: Any, pk: int) -> RetrievalRequest:
    return get_visible(requests_visible_to(user).select_related(
        "requester__enterprise", "scenario", "consent", "subject_person", "subject_enterprise", "created_by"), pk=pk)


def request_list(*, user: Any, status: str = "", scenario: int | None = None, q: str = "",
                 mine: bool = False) -> QuerySet[RetrievalRequest]:
    """Requests in the user's scope; ``mine`` keeps only the requests the user's enterprise asked."""
    qs = requests_visible_to(user).select_related("requester__enterprise", "scenario", "subject_person",
                                                  "subject_enterprise")
    if mine:
        qs = qs.filter(requester__enterprise_id=getattr(user, "enterprise_id", None))
    if status:
        qs = qs.filter(status=status)
    if scenario:
        qs = qs.filter(scenario_id=scenario)
    if q:
        qs = qs.filter(number__icontains=q.strip())
    return qs.order_by("-submitted_at", "-id")


def items_of(request: RetrievalRequest) -> list[RequestItem]:
    return list(request.items.select_related("info_type", "department").order_by("id"))


def item_get(*, user: Any, pk: int) -> RequestItem:
    return get_visible(items_visible_to(user).select_related(
        "request__requester__enterprise", "request__scenario", "request__consent", "request__subject_person",
        "request__subject_enterprise", "info_type", "department", "answered_by"), pk=pk)


def inbox(*, user: Any, status: str = "open") -> QuerySet[RequestItem]:
    """The department's items (only assigned ones exist for it); ``open`` keeps those still to answer."""
    qs = items_visible_to(user).filter(assigned_at__isnull=False).select_related(
        "request__requester__enterprise", "request__scenario", "info_type", "department")
    if status == "open":
        qs = qs.filter(status=ItemStatus.ASSIGNED)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "id")


def deadline_state(item: RequestItem, *, now: dt.datetime | None = None) -> str:
    """Where an item stands against its deadline: done, overdue, warning (due within one working day) or
    normal."""
    if item.status != ItemStatus.ASSIGNED:
        return DeadlineState.DONE if item.status in (ItemStatus.ANSWERED, ItemStatus.UNAVAILABLE) else ""
    if item.due_at is None:
        return DeadlineState.NORMAL
    now = now or timezone.now()
    if now > item.due_at:
        return DeadlineState.OVERDUE
    from zhengwu.core import calendar

    if calendar.deadline(start=now, working_days=1) >= item.due_at:
        return DeadlineState.WARNING
    return DeadlineState.NORMAL


# --- the access log -----------------------------------------------------------------------------------------

ACCESS_ACTIONS = {
    "retrievalrequest.create": gettext_lazy("发起请求"),
    "consent.grant": gettext_lazy("授权"),
    "consent.refuse": gettext_lazy("拒绝授权"),
    "consent.expire": gettext_lazy("授权码过期"),
    "consent.withdraw": gettext_lazy("撤回授权"),
    "requestitem.view": gettext_lazy("部门查看"),
    "requestitem.answer": gettext_lazy("答复"),
    "requestitem.receive": gettext_lazy("外部系统答复"),
    "requestitem.give_up": gettext_lazy("外部系统不可用"),
    "retrievalrequest.deliver": gettext_lazy("交付"),
    "requestitem.read": gettext_lazy("查阅"),
    "requestitem.verify": gettext_lazy("核验"),
}


def access_log(request: RetrievalRequest) -> list[dict[str, Any]]:
    """Who did what with a request and its answers, from the audit trail (the subject's 访问记录), oldest
    first: the requester's name, the department's name or 本人, never a staff member's personal account."""
    refs = [("retrieval.retrievalrequest", str(request.pk))]
    consent = Consent.objects.filter(request=request).values_list("pk", flat=True).first()
    if consent:
        refs.append(("retrieval.consent", str(consent)))
    items = {str(pk): (name, dept) for pk, name, dept in request.items.values_list("pk", "info_type__name",
                                                                                 "department__name")}
    refs += [("retrieval.requestitem", pk) for pk in items]
    cond = Q()
    for object_type, object_id in refs:
        cond |= Q(object_type=object_type, object_id=object_id)
    events = list(AuditEvent.objects.filter(cond, action__in=list(ACCESS_ACTIONS)).order_by("created_at", "id"))
    users = {u.pk: u for u in User.objects.filter(pk__in={e.actor_id for e in events if e.actor_id})
             .select_related("department", "enterprise")}
    rows = []
    for e in events:
        user = users.get(e.actor_id)
        if user is not None and request.subject_person_id and user.person_id == request.subject_person_id:
            who = gettext("本人")
        elif user is not None and user.enterprise_id and user.enterprise_id == request.subject_enterprise_id:
            who = gettext("本企业")
        elif user is not None and user.department_id:
            who = user.department.name
        elif user is not None and user.enterprise_id:
            who = user.enterprise.name
        elif user is not None:
            who = user.display_name or user.username
        elif e.action.startswith("consent."):
            who = gettext("本人(短信链接)") if e.action != "consent.expire" else gettext("系统")
        elif e.action == "requestitem.verify":
            who = gettext("核验人")
        elif e.action == "requestitem.receive" and e.object_id in items:
            who = gettext("%(system)s(外部系统)") % {"system": items[e.object_id][1]}
        else:
            who = gettext("系统")
        what = str(ACCESS_ACTIONS[e.action])
        if e.object_type == "retrieval.requestitem" and e.object_id in items:
            what = f"{what}:{items[e.object_id][0]}"
        rows.append({"at": e.created_at, "who": who, "what": what, "action": e.action})
    return rows


# --- figures ------------------------------------------------------------------------------------------------

def _median_hours(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def figures(*, user: Any, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Any]:
    """By scenario and by department: requests, items, answered, answered on time, on-time rate, median answer
    time (hours from assignment to answer), refusals and withdrawals, for requests submitted in the period."""
    return _figures_of(requests_visible_to(user), start=start, end=end)


def figures_district(*, date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict[str, Any]:
    """:func:`figures` for every request of the district, without a user (the leadership dashboard and the work
    report, whose scope is the whole district)."""
    return _figures_of(RetrievalRequest.objects.all(), start=date_from, end=date_to)


def _figures_of(requests: QuerySet[RetrievalRequest], *, start: dt.date | None,
                end: dt.date | None) -> dict[str, Any]:
    if start:
        requests = requests.filter(submitted_at__date__gte=start)
    if end:
        requests = requests.filter(submitted_at__date__lte=end)
    req_rows = list(requests.values_list("pk", "scenario_id", "status"))
    status_of = {pk: status for pk, _, status in req_rows}
    items = list(RequestItem.objects.filter(request_id__in=list(status_of)).values_list(
        "request_id", "department_id", "status", "assigned_at", "answered_at", "due_at", "request__scenario_id"))

    def blank() -> dict[str, Any]:
        return {"requests": set(), "items": 0, "answered": 0, "on_time": 0, "hours": [], "refused": set(),
                "withdrawn": set(), "unavailable": 0}

    by_scenario: dict[int, dict[str, Any]] = {}
    by_department: dict[int, dict[str, Any]] = {}
    for pk, scenario_id, status in req_rows:
        row = by_scenario.setdefault(scenario_id, blank())
        row["requests"].add(pk)
        if status == RequestStatus.REFUSED:
            row["refused"].add(pk)
        if status == RequestStatus.WITHDRAWN:
            row["withdrawn"].add(pk)
    for request_id, department_id, status, assigned_at, answered_at, due_at, scenario_id in items:
        for row in (by_scenario.setdefault(scenario_id, blank()), by_department.setdefault(department_id, blank())):
            row["items"] += 1
            if row is by_department[department_id]:
                row["requests"].add(request_id)
                if status_of[request_id] == RequestStatus.REFUSED:
                    row["refused"].add(request_id)
                if status_of[request_id] == RequestStatus.WITHDRAWN:
                    row["withdrawn"].add(request_id)
            if status == ItemStatus.UNAVAILABLE:
                row["unavailable"] += 1
            if status == ItemStatus.ANSWERED and answered_at:
                row["answered"] += 1
                if due_at is None or answered_at <= due_at:
                    row["on_time"] += 1
                if assigned_at:
                    row["hours"].append((answered_at - assigned_at).total_seconds() / 3600)

    def finish(key: Any, name: str, row: dict[str, Any]) -> dict[str, Any]:
        return {"id": key, "name": name, "requests": len(row["requests"]), "items": row["items"],
                "answered": row["answered"], "on_time": row["on_time"],
                "on_time_rate": round(row["on_time"] / row["answered"], 4) if row["answered"] else None,
                "median_hours": _median_hours(row["hours"]), "unavailable": row["unavailable"],
                "refused": len(row["refused"]), "withdrawn": len(row["withdrawn"])}

    scenario_names = dict(Scenario.objects.values_list("pk", "name"))
    department_names = dict(Department.objects.filter(pk__in=list(by_department)).values_list("pk", "name"))
    all_hours = [h for row in by_department.values() for h in row["hours"]]
    answered = sum(r["answered"] for r in by_department.values())
    on_time = sum(r["on_time"] for r in by_department.values())
    return {
        "start": start, "end": end,
        "totals": {"requests": len(req_rows), "items": len(items), "answered": answered, "on_time": on_time,
                   "on_time_rate": round(on_time / answered, 4) if answered else None,
                   "median_hours": _median_hours(all_hours),
                   "refused": sum(1 for s in status_of.values() if s == RequestStatus.REFUSED),
                   "withdrawn": sum(1 for s in status_of.values() if s == RequestStatus.WITHDRAWN),
                   "delivered": sum(1 for s in status_of.values() if s == RequestStatus.DELIVERED)},
        "by_scenario": sorted((finish(k, scenario_names.get(k, "?"), v) for k, v in by_scenario.items()),
                              key=lambda r: -r["requests"]),
        "by_department": sorted((finish(k, department_names.get(k, "?"), v) for k, v in by_department.items()),
                                key=lambda r: -r["items"]),
    }
