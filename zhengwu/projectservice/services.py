"""Every write of project services: assign and release an agent, record an agent's action, record a service team
visit with its units, projects and issues, record an issue's follow-up, and register and move a factor need.

One service per operation; the web forms and the API call the same function. Each runs in one transaction and
writes one audit event (the workflow's, for a factor need's status). Bad input is refused naming the field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.approvals.models import InvestmentProject
from zhengwu.cases.models import ServiceItem
from zhengwu.core import audit
from zhengwu.core.calendar import add_working_days
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.inputs import acting_user, clean_text
from zhengwu.core.inputs import choice as _choice
from zhengwu.core.inputs import date_value as _date
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.org.models import Department, Enterprise, User
from zhengwu.org.roles import STAFF_ROLES
from zhengwu.projectservice import selectors
from zhengwu.projectservice.choices import (
    DEFAULT_UNITS,
    MAX_FOLLOW_UP_DAYS,
    MAX_TRIPS_SAVED,
    FactorKind,
    FactorStatus,
)
from zhengwu.projectservice.models import (
    AgentAction,
    AgentAssignment,
    FactorNeed,
    ServiceVisit,
    VisitIssue,
    VisitUnit,
)
from zhengwu.projectservice.permissions import ACT, MANAGE
from zhengwu.projectservice.workflow import FACTOR_WORKFLOW


# --- input helpers ---------------------------------------------------------------------------------------------


def _not_future(day: dt.date | None, *, field: str, label: str, today: dt.date) -> None:
    if day is not None and day > today:
        raise InvalidInput(f"{label}({day})不能晚于今天。", field=field, code="date_in_future")


def _not_before(day: dt.date | None, earliest: dt.date | None, *, field: str, message: str) -> None:
    if day is not None and earliest is not None and day < earliest:
        raise InvalidInput(message, field=field, code="dates_out_of_order",
                           details={"date": str(day), "not_before": str(earliest)})


def _small_int(value: Any, *, field: str, label: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        value = str(value)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise InvalidInput(f"{label}应为整数。", field=field, code="bad_integer") from None
    if not low <= number <= high:
        raise InvalidInput(f"{label}应在 {low} 到 {high} 之间。", field=field, code="out_of_range",
                           details={"min": low, "max": high})
    return number


def _positive_decimal(value: Any, *, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{label}应为数字。", field=field, code="bad_number") from None
    if not number.is_finite() or number <= 0:
        raise InvalidInput(f"{label}应大于 0。", field=field, code="not_positive")
    if number >= Decimal("1e10") or number != number.quantize(Decimal("0.01")):
        raise InvalidInput(f"{label}最多保留两位小数且小于 100 亿。", field=field, code="bad_number")
    return number



def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def _project(actor: Any, project: InvestmentProject | int, *, field: str = "project") -> InvestmentProject:
    """The project through the actor's scope (outside it: 404; a bad reference in a list: 422)."""
    pk = getattr(project, "pk", project)
    source = InvestmentProject.objects.all() if isinstance(actor, str) else selectors.projects_visible_to(actor)
    try:
        obj = source.filter(pk=int(pk)).first() if pk not in (None, "") else None
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        if field != "project":
            raise InvalidInput(f"项目不存在或不在您的数据范围内:{pk}。", field=field, code="unknown_reference")
        raise NotFound("对象不存在或不在您的数据范围内。")
    return obj


def _staff_user(value: Any, *, field: str, label: str, permission: str | None = None) -> User:
    pk = getattr(value, "pk", value)
    try:
        user = User.objects.filter(pk=int(pk)).first() if pk not in (None, "") else None
    except (TypeError, ValueError):
        user = None
    if user is None:
        raise InvalidInput(f"请选择{label}。", field=field, code="required" if pk in (None, "") else
                           "unknown_reference")
    if not user.is_active or user.role not in STAFF_ROLES:
        raise InvalidInput(f"{label}应为在岗的工作人员。", field=field, code="not_staff")
    if permission and not user.has_perm(permission):
        raise InvalidInput(f"“{user.display_name or user.username}”不能担任{label}(需为帮办代办人员)。",
                           field=field, code="not_an_agent")
    return user


def _model_ref(model: Any, value: Any, *, field: str, label: str) -> Any:
    pk = getattr(value, "pk", value)
    try:
        obj = model.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        raise InvalidInput(f"{label}不存在:{pk}。", field=field, code="unknown_reference")
    return obj


# --- assisted handling -----------------------------------------------------------------------------------------

def agent_assign(*, actor: Any, project: InvestmentProject | int, agent: Any, started_on: Any, note: str = "",
                 now: dt.datetime | None = None) -> AgentAssignment:
    """Assign an agent (a staff user who may act as one) to a project from a date. A project has at most one
    active agent: release the current one first."""
    require(actor, MANAGE)
    today = _today(now)
    start = _date(started_on, field="started_on", label="开始日期")
    _not_future(start, field="started_on", label="开始日期", today=today)
    note = clean_text(note, field="note", label="备注", max_length=200, required=False)
    agent_user = _staff_user(agent, field="agent", label="代办员", permission=ACT)
    with transaction.atomic():
        current = _project(actor, project)
        InvestmentProject.objects.select_for_update().filter(pk=current.pk).first()
        active = AgentAssignment.objects.filter(project=current, ended_on__isnull=True).select_related("agent").first()
        if active is not None:
            raise Conflict(f"该项目已有在岗代办员“{active.agent.display_name or active.agent.username}”,"
                           f"请先结束其指派。", code="agent_active", details={"assignment": active.pk})
        last_end = (AgentAssignment.objects.filter(project=current).order_by("-ended_on")
                    .values_list("ended_on", flat=True).first())
        _not_before(start, last_end, field="started_on",
                    message=f"开始日期不能早于上一任代办员的结束日期({last_end})。")
        try:
            with transaction.atomic():
                assignment = AgentAssignment.objects.create(project=current, agent=agent_user, started_on=start,
                                                            note=note, assigned_by=acting_user(actor))
        except IntegrityError:
            raise Conflict("该项目已有在岗代办员,请先结束其指派。", code="agent_active") from None
        audit.record(actor=actor, action="projectservice.agent_assign", obj=current,
                     payload={"assignment": assignment.pk, "agent": agent_user.pk, "started_on": str(start)})
    return assignment


def agent_release(*, actor: Any, assignment: AgentAssignment | int, ended_on: Any,
                  now: dt.datetime | None = None) -> AgentAssignment:
    """End an agent's assignment on a date (not before its start, nor before the agent's last action)."""
    require(actor, MANAGE)
    end = _date(ended_on, field="ended_on", label="结束日期")
    _not_future(end, field="ended_on", label="结束日期", today=_today(now))
    with transaction.atomic():
        pk = getattr(assignment, "pk", assignment)
        source = AgentAssignment.objects.all() if isinstance(actor, str) else selectors.assignments_visible_to(actor)
        current = source.select_for_update().filter(pk=pk).first()
        if current is None:
            raise NotFound("对象不存在或不在您的数据范围内。")
        if current.ended_on is not None:
            raise Conflict("该指派已结束。", code="already_ended")
        _not_before(end, current.started_on, field="ended_on",
                    message=f"结束日期不能早于开始日期({current.started_on})。")
        last_action = current.actions.order_by("-handled_on").values_list("handled_on", flat=True).first()
        _not_before(end, last_action, field="ended_on",
                    message=f"结束日期不能早于该代办员最后一次办理日期({last_action})。")
        AgentAssignment.objects.filter(pk=current.pk).update(ended_on=end)
        current.ended_on = end
        audit.record(actor=actor, action="projectservice.agent_release", obj=current.project,
                     payload={"assignment": current.pk, "ended_on": str(end)})
    return current


def _can_record_action(actor: Any, assignment: AgentAssignment) -> bool:
    if isinstance(actor, str):
        return True
    return actor.has_perm(MANAGE) or (actor.has_perm(ACT) and assignment.agent_id == actor.pk)


def agent_action_record(*, actor: Any, project: InvestmentProject | int, handled_on: Any, what_done: str,
                        trips_saved: Any, item: Any = None, item_text: str = "",
                        now: dt.datetime | None = None) -> AgentAction:
    """Record one item the project's active agent handled: the service item (or a free description), the date,
    what was done and the trips it saved the enterprise (a small integer). The agent records their own actions;
    the center's administrators may record them for the agent."""
    if not isinstance(actor, str) and not (actor.has_perm(ACT) or actor.has_perm(MANAGE)):
        raise Forbidden("您没有记录帮办代办的权限。", code="permission_denied")
    today = _today(now)
    day = _date(handled_on, field="handled_on", label="办理日期")
    _not_future(day, field="handled_on", label="办理日期", today=today)
    done = clean_text(what_done, field="what_done", label="办理情况", max_length=500)
    trips = _small_int(trips_saved, field="trips_saved", label="减少跑腿次数", low=0, high=MAX_TRIPS_SAVED)
    text = clean_text(item_text, field="item_text", label="事项", max_length=200, required=False)
    service_item = None
    if item not in (None, ""):
        service_item = _model_ref(ServiceItem, item, field="item", label="事项")
    elif not text:
        raise InvalidInput("请选择事项或填写事项名称。", field="item", code="required")
    with transaction.atomic():
        current = _project(actor, project)
        assignment = (AgentAssignment.objects.select_for_update().filter(project=current, ended_on__isnull=True)
                      .first())
        if assignment is None:
            raise Conflict("该项目没有在岗代办员,请先指派。", code="no_active_agent")
        if not _can_record_action(actor, assignment):
            raise Forbidden("只有该项目的在岗代办员可以记录办理情况。", code="not_the_agent")
        _not_before(day, assignment.started_on, field="handled_on",
                    message=f"办理日期不能早于代办员开始日期({assignment.started_on})。")
        action = AgentAction.objects.create(
            assignment=assignment, project=current, agent_id=assignment.agent_id, item=service_item,
            item_text="" if service_item else text, handled_on=day, what_done=done, trips_saved=trips,
            recorded_by=acting_user(actor))
        audit.record(actor=actor, action="projectservice.agent_action", obj=current,
                     payload={"action": action.pk, "item": service_item.code if service_item else text,
                              "handled_on": str(day), "trips_saved": trips})
    return action


# --- the service team ------------------------------------------------------------------------------------------

def _issue_fields(actor: Any, issue: dict[str, Any], *, index: int | None, visited_on: dt.date,
                  projects: list[InvestmentProject]) -> dict[str, Any]:
    prefix = f"issues[{index}]." if index is not None else ""
    description = clean_text(issue.get("description"), field=f"{prefix}description", label="问题", max_length=500)
    owner = _staff_user(issue.get("owner"), field=f"{prefix}owner", label="责任人")
    days = _small_int(issue.get("follow_up_days"), field=f"{prefix}follow_up_days", label="跟进时限(工作日)",
                      low=1, high=MAX_FOLLOW_UP_DAYS)
    project = None
    if issue.get("project") not in (None, ""):
        project = _project(actor, issue["project"], field=f"{prefix}project")
        if projects is not None and project.pk not in {p.pk for p in projects}:
            raise InvalidInput("问题所属项目应为本次走访服务的项目之一。", field=f"{prefix}project",
                               code="project_not_visited")
    return {"description": description, "owner": owner, "follow_up_days": days, "project": project,
            "due_on": add_working_days(visited_on, days)}


def visit_record(*, actor: Any, visited_on: Any, team_lead: str, summary: str = "",
                 departments: Iterable[Any] = (), enterprises: Iterable[Any] = (), projects: Iterable[Any] = (),
                 issues: Iterable[dict[str, Any]] = (), now: dt.datetime | None = None) -> ServiceVisit:
    """Record a visit of the project service team: the units visited (departments or enterprises, at least one),
    the projects served, and the issues found, each with an owner and a follow-up deadline in working days."""
    require(actor, MANAGE)
    day = _date(visited_on, field="visited_on", label="走访日期")
    _not_future(day, field="visited_on", label="走访日期", today=_today(now))
    lead = clean_text(team_lead, field="team_lead", label="带队人", max_length=50)
    text = clean_text(summary, field="summary", label="走访情况", max_length=1000, required=False)
    dept_objs = _unique_refs(Department, departments, field="departments", label="部门")
    ent_objs = _unique_refs(Enterprise, enterprises, field="enterprises", label="企业")
    if not dept_objs and not ent_objs:
        raise InvalidInput("请至少选择一个走访单位(部门或企业)。", field="departments", code="required")
    project_ids = list(projects or [])
    if len({getattr(p, "pk", p) for p in project_ids}) != len(project_ids):
        raise InvalidInput("服务项目重复。", field="projects", code="duplicate")
    project_objs = [_project(actor, p, field="projects") for p in project_ids]
    issue_rows = [_issue_fields(actor, dict(i), index=n, visited_on=day, projects=project_objs)
                  for n, i in enumerate(issues or [])]
    with transaction.atomic():
        visit = ServiceVisit.objects.create(visited_on=day, team_lead=lead, summary=text,
                                            recorded_by=acting_user(actor))
        VisitUnit.objects.bulk_create([VisitUnit(visit=visit, department=d) for d in dept_objs]
                                      + [VisitUnit(visit=visit, enterprise=e) for e in ent_objs])
        visit.projects.set(project_objs)
        VisitIssue.objects.bulk_create([VisitIssue(visit=visit, **row) for row in issue_rows])
        audit.record(actor=actor, action="projectservice.visit_record", obj=visit,
                     payload={"visited_on": str(day), "departments": [d.pk for d in dept_objs],
                              "enterprises": [e.pk for e in ent_objs], "projects": [p.pk for p in project_objs],
                              "issues": len(issue_rows)})
    return visit


def _unique_refs(model: Any, values: Iterable[Any], *, field: str, label: str) -> list[Any]:
    values = [v for v in (values or []) if v not in (None, "")]
    objs = [_model_ref(model, v, field=field, label=label) for v in values]
    if len({o.pk for o in objs}) != len(objs):
        raise InvalidInput(f"{label}重复。", field=field, code="duplicate")
    return objs


def issue_add(*, actor: Any, visit: ServiceVisit | int, description: str, owner: Any, follow_up_days: Any,
              project: Any = None) -> VisitIssue:
    """Add an issue found on a visit (the deadline counts working days from the visit)."""
    require(actor, MANAGE)
    with transaction.atomic():
        pk = getattr(visit, "pk", visit)
        source = ServiceVisit.objects.all() if isinstance(actor, str) else selectors.visits_visible_to(actor)
        current = source.filter(pk=pk).first()
        if current is None:
            raise NotFound("对象不存在或不在您的数据范围内。")
        row = _issue_fields(actor, {"description": description, "owner": owner, "follow_up_days": follow_up_days,
                                    "project": project}, index=None, visited_on=current.visited_on,
                            projects=list(current.projects.all()))
        issue = VisitIssue.objects.create(visit=current, **row)
        audit.record(actor=actor, action="projectservice.issue_add", obj=current,
                     payload={"issue": issue.pk, "owner": row["owner"].pk, "due_on": str(row["due_on"])})
    return issue


def issue_follow_up(*, actor: Any, issue: VisitIssue | int, followed_up_on: Any, note: str,
                    now: dt.datetime | None = None) -> VisitIssue:
    """Record the follow-up of an issue (closes it). Its owner or the center's administrators record it."""
    day = _date(followed_up_on, field="followed_up_on", label="跟进日期")
    _not_future(day, field="followed_up_on", label="跟进日期", today=_today(now))
    text = clean_text(note, field="note", label="跟进情况", max_length=500)
    with transaction.atomic():
        pk = getattr(issue, "pk", issue)
        source = VisitIssue.objects.all() if isinstance(actor, str) else selectors.issues_visible_to(actor)
        current = source.select_for_update().select_related("visit").filter(pk=pk).first()
        if current is None:
            raise NotFound("对象不存在或不在您的数据范围内。")
        if not isinstance(actor, str) and not (actor.has_perm(MANAGE) or current.owner_id == actor.pk):
            raise Forbidden("只有责任人或中心管理员可以登记跟进。", code="permission_denied")
        if current.followed_up_on is not None:
            raise Conflict("该问题已登记跟进。", code="already_followed_up")
        _not_before(day, current.visit.visited_on, field="followed_up_on",
                    message=f"跟进日期不能早于走访日期({current.visit.visited_on})。")
        VisitIssue.objects.filter(pk=current.pk).update(followed_up_on=day, follow_up_note=text,
                                                        followed_up_by=acting_user(actor))
        current.followed_up_on, current.follow_up_note = day, text
        current.followed_up_by = acting_user(actor)
        audit.record(actor=actor, action="projectservice.issue_follow_up", obj=current,
                     payload={"followed_up_on": str(day), "late": day > current.due_on})
    return current


# --- factor guarantee library ----------------------------------------------------------------------------------

def factor_need_register(*, actor: Any, project: InvestmentProject | int, kind: str, capacity: Any,
                         provider: str, requested_on: Any, capacity_unit: str = "",
                         now: dt.datetime | None = None) -> FactorNeed:
    """Register a project's need for water, electricity, gas or telecom (one per kind per project)."""
    require(actor, MANAGE)
    kind = _choice(kind, FactorKind, field="kind", label="要素类型")
    amount = _positive_decimal(capacity, field="capacity", label="需求量")
    unit = clean_text(capacity_unit or DEFAULT_UNITS[FactorKind(kind)], field="capacity_unit", label="单位",
                      max_length=16)
    supplier = clean_text(provider, field="provider", label="供应单位", max_length=100)
    day = _date(requested_on, field="requested_on", label="申请日期")
    _not_future(day, field="requested_on", label="申请日期", today=_today(now))
    with transaction.atomic():
        current = _project(actor, project)
        if FactorNeed.objects.filter(project=current, kind=kind).exists():
            raise InvalidInput(f"该项目已登记{FactorKind(kind).label}需求。", field="kind", code="duplicate_kind")
        try:
            with transaction.atomic():
                need = create_with_status(
                    FactorNeed, actor=actor, initial=FactorStatus.REQUESTED, audit_action="factorneed.register",
                    audit_payload={"project": current.pk, "kind": kind, "capacity": f"{amount} {unit}"},
                    project=current, kind=kind, capacity=amount, capacity_unit=unit, provider=supplier,
                    requested_on=day, recorded_by=acting_user(actor))
        except IntegrityError:
            raise InvalidInput(f"该项目已登记{FactorKind(kind).label}需求。", field="kind",
                               code="duplicate_kind") from None
    return need


def _need(actor: Any, need: FactorNeed | int) -> FactorNeed:
    pk = getattr(need, "pk", need)
    source = FactorNeed.objects.all() if isinstance(actor, str) else selectors.factor_needs_visible_to(actor)
    obj = source.filter(pk=pk).first()
    if obj is None:
        raise NotFound("对象不存在或不在您的数据范围内。")
    return obj


def factor_need_promise(*, actor: Any, need: FactorNeed | int, promised_on: Any,
                        now: dt.datetime | None = None) -> FactorNeed:
    """The provider's promised connection date (not before the request): requested / problem → promised."""
    day = _date(promised_on, field="promised_on", label="承诺接入日期")
    current = _need(actor, need)
    _not_before(day, current.requested_on, field="promised_on",
                message=f"承诺接入日期不能早于申请日期({current.requested_on})。")
    return FACTOR_WORKFLOW.run(current, "promise", actor=actor, now=now,
                               payload={"promised_on": str(day), "_updates": {"promised_on": day}})


def factor_need_connect(*, actor: Any, need: FactorNeed | int, connected_on: Any,
                        now: dt.datetime | None = None) -> FactorNeed:
    """The need was connected on a date (not before the request, not in the future): → connected."""
    day = _date(connected_on, field="connected_on", label="实际接入日期")
    _not_future(day, field="connected_on", label="实际接入日期", today=_today(now))
    current = _need(actor, need)
    _not_before(day, current.requested_on, field="connected_on",
                message=f"实际接入日期不能早于申请日期({current.requested_on})。")
    late = bool(current.promised_on and day > current.promised_on)
    return FACTOR_WORKFLOW.run(current, "connect", actor=actor, now=now,
                               payload={"connected_on": str(day), "late": late,
                                        "_updates": {"connected_on": day}})


def factor_need_report_problem(*, actor: Any, need: FactorNeed | int, note: str,
                               now: dt.datetime | None = None) -> FactorNeed:
    """A problem holds the connection up (the note says which): requested / promised → problem."""
    text = clean_text(note, field="note", label="问题说明", max_length=500)
    current = _need(actor, need)
    return FACTOR_WORKFLOW.run(current, "report_problem", actor=actor, now=now, reason=text,
                               payload={"_updates": {"problem_note": text}})
