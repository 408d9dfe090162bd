"""Every write of the enterprise service center: ``<entity>_<verb>(*, actor, ...)``, one transaction each.

The demand's status moves only through ``workflow.DEMAND_WORKFLOW``; these functions validate the input (a
refusal names the field), stage the values the transition writes and add the rows that belong to the step
(the assignments of a routing, the rating of a round, an escalation).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhengwu.cases.models import ServiceItem
from zhengwu.core import audit, calendar
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.identifiers import validate_credit_code, validate_mobile
from zhengwu.core.inputs import acting_user, clean_text
from zhengwu.core.inputs import choice as _choice
from zhengwu.core.permissions import require
from zhengwu.core.reminders import reminder_send
from zhengwu.core.workflow import create_with_status
from zhengwu.enterprise.choices import (
    AssignmentRole,
    Channel,
    CloseReason,
    DemandClass,
    DemandStatus,
    EscalationLevel,
    Rating,
)
from zhengwu.enterprise.models import (
    Consultation,
    ConsultationTask,
    Demand,
    DemandAssignment,
    DemandRating,
    Escalation,
    LiaisonAssignment,
    LiaisonVisit,
    SectionItem,
    ServiceSection,
)
from zhengwu.enterprise.workflow import DEMAND_WORKFLOW
from zhengwu.org.models import Department, Enterprise, ServiceNode, User
from zhengwu.org.roles import Role, ScopeKind

HANDLE = "enterprise.handle"
RAISE = "enterprise.raise"
LIAISON = "enterprise.liaison"
MANAGE = "enterprise.manage"

#: ``settings.ZHENGWU["ENTERPRISE"]`` overrides any of these
DEFAULTS: dict[str, Any] = {
    "ROUTINE_DAYS": 3,          # working days from routing for a routine demand
    "COMPLEX_DAYS": 10,         # ... for a complex one
    "RATING_WINDOW_DAYS": 5,    # working days after the answer before it closes as "default satisfied"
    # the supervision ladder: (level, working days past the deadline before it escalates to that level)
    "ESCALATION": [("department_leader", 0), ("center_leader", 2), ("district_leader", 5)],
}


def conf(key: str) -> Any:
    return {**DEFAULTS, **(getattr(settings, "ZHENGWU", {}).get("ENTERPRISE") or {})}[key]


def _limit_days(demand_class: str) -> int:
    return int(conf("COMPLEX_DAYS") if demand_class == DemandClass.COMPLEX else conf("ROUTINE_DAYS"))


def _department(value: Any, *, field: str) -> Department:
    if isinstance(value, Department):
        return value
    if value in (None, ""):
        raise InvalidInput("请选择部门。", field=field, code="required")
    try:
        dept = Department.objects.filter(pk=int(value), is_active=True).first()
    except (TypeError, ValueError):
        dept = None
    if dept is None:
        raise InvalidInput("部门不存在或已停用。", field=field, code="unknown_department")
    return dept


def _section(value: Any) -> ServiceSection:
    if isinstance(value, ServiceSection):
        return value
    if value in (None, ""):
        raise InvalidInput("请选择板块。", field="section", code="required")
    try:
        section = ServiceSection.objects.filter(pk=int(value), active=True).first()
    except (TypeError, ValueError):
        section = None
    if section is None:
        raise InvalidInput("板块不存在或已停用。", field="section", code="unknown_section")
    return section



# --- sections ----------------------------------------------------------------------------------------------

def section_item_assign(*, actor: Any, item: ServiceItem | int, section: ServiceSection | int) -> SectionItem:
    """Enter an enterprise-related service item into a section (moving it if it was in another)."""
    require(actor, MANAGE)
    section = _section(section)
    if not isinstance(item, ServiceItem):
        item = ServiceItem.objects.filter(pk=item).first()
        if item is None:
            raise InvalidInput("事项不存在。", field="item", code="unknown_item")
    if not item.enterprise_related:
        raise InvalidInput("只有涉企事项可以入驻板块。", field="item", code="not_enterprise_related")
    with transaction.atomic():
        row, created = SectionItem.objects.update_or_create(
            item=item, defaults={"section": section, "assigned_by": acting_user(actor)})
        audit.record(actor=actor, action="section_item.assign", obj=row,
                     payload={"item": item.code, "section": section.code, "created": created})
    return row


# --- demands -----------------------------------------------------------------------------------------------

def _next_number(now: dt.datetime) -> str:
    last = Demand.objects.aggregate(m=Max("pk"))["m"] or 0
    return f"QS{timezone.localtime(now):%Y%m%d}{last + 1:06d}"


def _enterprise_for(actor: Any, credit_code: str, name: str) -> Enterprise:
    if not isinstance(actor, str) and actor.scope == ScopeKind.ENTERPRISE:
        own = actor.enterprise
        if own is None:
            raise Forbidden("您的账号未关联企业。", code="no_enterprise")
        if credit_code and validate_credit_code(credit_code, field="credit_code") != own.credit_code:
            raise Forbidden("企业用户只能为本企业提出诉求。", code="other_enterprise")
        return own
    code = validate_credit_code(credit_code, field="credit_code")
    existing = Enterprise.objects.filter(credit_code=code).first()
    if existing is not None:
        return existing
    from zhengwu.org.services import enterprise_register

    name = clean_text(name, field="enterprise_name", label="企业名称", max_length=128)
    return enterprise_register(actor=actor, credit_code=code, name=name)


def demand_raise(*, actor: Any, title: str, content: str, contact_name: str, contact_mobile: str,
                 channel: str = Channel.ONLINE, credit_code: str = "", enterprise_name: str = "",
                 ticket_12345: str = "", node: ServiceNode | int | None = None, visit: LiaisonVisit | None = None,
                 now: dt.datetime | None = None) -> Demand:
    """An enterprise user raises a demand for its own enterprise, or staff on behalf of one (one entry point)."""
    require(actor, RAISE)
    now = now or timezone.now()
    channel = _choice(channel, Channel, field="channel", label="受理渠道")
    title = clean_text(title, field="title", label="诉求标题", max_length=200)
    content = clean_text(content, field="content", label="诉求内容", max_length=5000)
    contact_name = clean_text(contact_name, field="contact_name", label="联系人", max_length=32)
    mobile = validate_mobile(contact_mobile, field="contact_mobile")
    ticket = str(ticket_12345 or "").strip()
    if channel == Channel.TRANSFERRED_12345 and not ticket:
        raise InvalidInput("12345转办的诉求须填写12345工单号。", field="ticket_12345", code="required")
    if len(ticket) > 32:
        raise InvalidInput("12345工单号不能超过 32 个字符。", field="ticket_12345", code="too_long")
    if channel == Channel.LIAISON_VISIT and visit is None:
        raise InvalidInput("驻企员走访收集的诉求请在走访记录中登记。", field="channel", code="visit_required")
    if node is not None and not isinstance(node, ServiceNode):
        node = ServiceNode.objects.filter(pk=node).first()
        if node is None:
            raise InvalidInput("受理网点不存在。", field="node", code="unknown_node")
    with transaction.atomic():
        enterprise = visit.enterprise if visit is not None else _enterprise_for(actor, credit_code, enterprise_name)
        if node is None and channel != Channel.LIAISON_VISIT:
            node = ServiceNode.objects.filter(kind="center").first()
        demand = create_with_status(
            Demand, actor=actor, initial=DemandStatus.RECEIVED, audit_action="demand.raise",
            audit_payload={"channel": channel, "enterprise": enterprise.credit_code},
            number=_next_number(now), enterprise=enterprise, title=title, content=content, channel=channel,
            ticket_12345=ticket if channel == Channel.TRANSFERRED_12345 else "", contact_name=contact_name,
            contact_mobile=mobile, node=node, visit=visit, raised_by=acting_user(actor), received_at=now)
    return demand


def demand_classify(*, actor: Any, demand: Demand | int, section: ServiceSection | int,
                    demand_class: str = DemandClass.ROUTINE, now: dt.datetime | None = None) -> Demand:
    section = _section(section)
    demand_class = _choice(demand_class or DemandClass.ROUTINE, DemandClass, field="demand_class", label="诉求类别")
    return DEMAND_WORKFLOW.run(demand, "classify", actor=actor, now=now, payload={
        "section": section.code, "demand_class": demand_class,
        "_updates": {"section_id": section.pk, "demand_class": demand_class}})


def _parse_assisting(assisting: Iterable[Any] | None, lead: Department) -> list[tuple[Department, str]]:
    result: list[tuple[Department, str]] = []
    seen = {lead.pk}
    for n, entry in enumerate(assisting or []):
        if isinstance(entry, dict):
            dept_value, part = entry.get("department"), entry.get("part", "")
        else:
            dept_value, part = entry, ""
        dept = _department(dept_value, field=f"assisting.{n}.department")
        if dept.pk in seen:
            raise InvalidInput(f"部门“{dept.name}”重复,牵头部门不能同时为协办部门。",
                               field=f"assisting.{n}.department", code="duplicate_department")
        seen.add(dept.pk)
        result.append((dept, clean_text(part, field=f"assisting.{n}.part", label="协办事项", max_length=2000,
                                        required=False)))
    return result


def _create_assignments(demand: Demand, round: int, lead: Department, lead_part: str,
                        assisting: list[tuple[Department, str]]) -> None:
    DemandAssignment.objects.bulk_create(
        [DemandAssignment(demand=demand, round=round, department=lead, role=AssignmentRole.LEAD, part=lead_part)]
        + [DemandAssignment(demand=demand, round=round, department=d, role=AssignmentRole.ASSIST, part=p)
           for d, p in assisting])


def demand_route(*, actor: Any, demand: Demand | int, lead_department: Department | int | None,
                 lead_part: str = "", assisting: Iterable[Any] | None = None, demand_class: str = "",
                 now: dt.datetime | None = None) -> Demand:
    """Route to a lead department (required) and assisting departments, each with its part; the deadline is
    counted in working days from now (routine 3, complex configurable)."""
    now = now or timezone.now()
    if lead_department in (None, ""):
        raise InvalidInput("请选择牵头部门。", field="lead_department", code="lead_required")
    lead = _department(lead_department, field="lead_department")
    lead_part = clean_text(lead_part, field="lead_part", label="牵头事项", max_length=2000, required=False)
    parts = _parse_assisting(assisting, lead)
    with transaction.atomic():
        current = Demand.objects.filter(pk=getattr(demand, "pk", demand)).values_list(
            "round", "demand_class").first()
        if current is None:
            raise NotFound("对象不存在或不在您的数据范围内。")
        klass = demand_class or current[1] or DemandClass.ROUTINE
        klass = _choice(klass, DemandClass, field="demand_class", label="诉求类别")
        new_round = current[0] + 1
        deadline = calendar.deadline(start=now, working_days=_limit_days(klass))
        routed = DEMAND_WORKFLOW.run(demand, "route", actor=actor, now=now, payload={
            "lead_department": lead.code, "assisting": [d.code for d, _ in parts], "round": new_round,
            "deadline": deadline.isoformat(),
            "_updates": {"lead_department_id": lead.pk, "demand_class": klass, "round": new_round,
                         "routed_at": now, "deadline": deadline}})
        _create_assignments(routed, new_round, lead, lead_part, parts)
    return routed


def _own_department(actor: Any, department_id: int) -> None:
    if isinstance(actor, str) or actor.scope == ScopeKind.ALL:
        return
    if actor.department_id != department_id:
        raise Forbidden("只能填写本部门承办部分的办理意见。", code="other_department")


def assignment_answer(*, actor: Any, assignment: DemandAssignment, answer: str,
                      now: dt.datetime | None = None) -> DemandAssignment:
    """A department gives its part's answer (an assisting department before the lead answers)."""
    require(actor, "enterprise.answer")
    answer = clean_text(answer, field="answer", label="办理意见", max_length=5000)
    with transaction.atomic():
        row = DemandAssignment.objects.select_for_update().select_related("demand").get(pk=assignment.pk)
        _own_department(actor, row.department_id)
        if row.demand.status != DemandStatus.ROUTED or row.round != row.demand.round:
            raise Conflict("该交办已不在办理中。", code="not_in_progress")
        if row.answered_at is not None:
            raise Conflict("本部门已反馈,不能重复提交。", code="already_answered")
        row.answer, row.answered_at, row.answered_by = answer, now or timezone.now(), acting_user(actor)
        row.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
        audit.record(actor=actor, action="demand.assignment_answer", obj=row.demand,
                     payload={"assignment": row.pk, "department": row.department_id, "role": row.role})
    return row


def assignment_waive(*, actor: Any, assignment: DemandAssignment, reason: str) -> DemandAssignment:
    """The center lets the lead answer without an assisting department's part (a reason is required)."""
    require(actor, HANDLE)
    reason = clean_text(reason, field="reason", label="免于反馈理由", max_length=200)
    with transaction.atomic():
        row = DemandAssignment.objects.select_for_update().select_related("demand").get(pk=assignment.pk)
        if row.role != AssignmentRole.ASSIST:
            raise Conflict("牵头部门不能免于答复。", code="lead_cannot_be_waived")
        if row.settled:
            raise Conflict("该部门已反馈或已免于反馈。", code="already_settled")
        if row.demand.status != DemandStatus.ROUTED or row.round != row.demand.round:
            raise Conflict("该交办已不在办理中。", code="not_in_progress")
        row.waived, row.waived_reason = True, reason
        row.save(update_fields=["waived", "waived_reason", "updated_at"])
        audit.record(actor=actor, action="demand.assignment_waive", obj=row.demand, reason=reason,
                     payload={"assignment": row.pk, "department": row.department_id})
    return row


def demand_answer(*, actor: Any, demand: Demand | int, content: str, now: dt.datetime | None = None) -> Demand:
    """The lead department answers the enterprise; the rating window starts."""
    now = now or timezone.now()
    content = clean_text(content, field="content", label="答复内容", max_length=5000)
    due = calendar.deadline(start=now, working_days=int(conf("RATING_WINDOW_DAYS")))
    with transaction.atomic():
        answered = DEMAND_WORKFLOW.run(demand, "answer", actor=actor, now=now, payload={
            "rating_due": due.isoformat(),
            "_updates": {"answer": content, "answered_at": now, "answered_by": acting_user(actor),
                         "rating_due": due}})
        DemandAssignment.objects.filter(demand=answered, round=answered.round, role=AssignmentRole.LEAD,
                                        answered_at__isnull=True).update(
            answer=content, answered_at=now, answered_by=acting_user(actor), updated_at=now)
        from zhengwu.core.reminders import reminder_mark_answered

        reminder_mark_answered(obj=answered, kind="enterprise.escalation", at=now)
    return answered


def demand_rate(*, actor: Any, demand: Demand | int, rating: str, comment: str = "",
                now: dt.datetime | None = None) -> Demand:
    """The enterprise rates the answer: satisfied or basically satisfied closes it; unsatisfied (with a
    comment) leaves it rated, to be reopened."""
    now = now or timezone.now()
    rating = _choice(rating, Rating, field="rating", label="评价")
    comment = clean_text(comment, field="comment", label="评价意见", max_length=2000,
                         required=rating == Rating.UNSATISFIED)
    with transaction.atomic():
        rated = DEMAND_WORKFLOW.run(demand, "rate", actor=actor, now=now, payload={
            "rating": rating, "_updates": {"rating": rating, "rating_comment": comment, "rated_at": now}})
        DemandRating.objects.create(demand=rated, round=rated.round, rating=rating, comment=comment, at=now,
                                    by=acting_user(actor))
        if rating != Rating.UNSATISFIED:
            rated = DEMAND_WORKFLOW.run(rated.pk, "close", actor=actor, now=now, payload={
                "_updates": {"closed_at": now, "close_reason": CloseReason.RATED}})
    return rated


def demand_reopen(*, actor: Any, demand: Demand | int, reason: str = "", now: dt.datetime | None = None) -> Demand:
    """An unsatisfied demand goes back to its departments: a new round, the deadline restarts."""
    now = now or timezone.now()
    reason = clean_text(reason, field="reason", label="重新办理理由", max_length=500, required=False)
    with transaction.atomic():
        current = Demand.objects.filter(pk=getattr(demand, "pk", demand)).first()
        if current is None:
            raise NotFound("对象不存在或不在您的数据范围内。")
        new_round = current.round + 1
        deadline = calendar.deadline(start=now, working_days=_limit_days(current.demand_class))
        reopened = DEMAND_WORKFLOW.run(demand, "reopen", actor=actor, now=now, reason=reason, payload={
            "round": new_round, "deadline": deadline.isoformat(),
            "_updates": {"round": new_round, "routed_at": now, "deadline": deadline, "answer": "",
                         "answered_at": None, "answered_by": None, "rating_due": None, "rating": "",
                         "rating_comment": "", "rated_at": None}})
        previous = list(DemandAssignment.objects.filter(demand=reopened, round=current.round))
        DemandAssignment.objects.bulk_create([
            DemandAssignment(demand=reopened, round=new_round, department_id=a.department_id, role=a.role,
                             part=a.part) for a in previous])
    return reopened


# --- the sweeps --------------------------------------------------------------------------------------------

def _ladder() -> list[tuple[str, int]]:
    return [(str(level), int(days)) for level, days in conf("ESCALATION")]


def _recipients(level: str, demand: Demand) -> list[User]:
    active = User.objects.filter(is_active=True)
    if level == EscalationLevel.DEPARTMENT_LEADER:
        return list(active.filter(role=Role.DEPARTMENT_LEADER, department_id=demand.lead_department_id))
    if level == EscalationLevel.CENTER_LEADER:
        return list(active.filter(role=Role.LEADER))
    # The district's leaders have no accounts here: the center's leaders and administrators forward it.
    return list(active.filter(role__in=[Role.LEADER, Role.CENTER_ADMIN]))


def demands_escalate(*, now: dt.datetime | None = None) -> int:
    """Escalate every routed demand past its deadline one rung per its overdue working days (督办).

    Each rung is one row (unique per demand, round and level), one audit event and one reminder with a unique
    key: running the sweep twice escalates nothing twice. An answered demand is no longer routed: it stops.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    made = 0
    ladder = _ladder()
    overdue = Demand.objects.filter(status=DemandStatus.ROUTED, deadline__lt=now).select_related("lead_department")
    for demand in overdue:
        days = max(0, calendar.working_days_between(timezone.localdate(demand.deadline), today))
        done = set(Escalation.objects.filter(demand=demand, round=demand.round).values_list("level", flat=True))
        for level, grace in ladder:
            if days < grace or level in done:
                continue
            with transaction.atomic():
                row, created = Escalation.objects.get_or_create(
                    demand=demand, round=demand.round, level=level,
                    defaults={"at": now, "overdue_days": days})
                if not created:
                    continue
                users = _recipients(level, demand)
                row.notified.set(users)
                label = EscalationLevel(level).label
                audit.record(actor=audit.SYSTEM_ACTOR, action="demand.escalate", obj=demand,
                             payload={"level": level, "round": demand.round, "overdue_days": days,
                                      "notified": [u.pk for u in users]})
                reminder_send(obj=demand, kind="enterprise.escalation", stage=f"{demand.round}:{level}",
                              message=f"【{label}】诉求 {demand.number} 已超期 {days} 个工作日:{demand.title}",
                              recipients=users, level="red" if level != EscalationLevel.DEPARTMENT_LEADER
                              else "yellow", url=f"/enterprise/demands/{demand.pk}/",
                              department=demand.lead_department, due_at=demand.deadline)
                made += 1
    return made


def demands_close_unrated(*, now: dt.datetime | None = None) -> int:
    """Close the answered demands whose rating window ran out, recorded as "default satisfied"."""
    now = now or timezone.now()
    closed = 0
    for pk in Demand.objects.filter(status=DemandStatus.ANSWERED, rating_due__lt=now).values_list("pk", flat=True):
        DEMAND_WORKFLOW.run(pk, "close_default", actor=None, now=now, payload={
            "_updates": {"closed_at": now, "close_reason": CloseReason.DEFAULT_SATISFIED}})
        closed += 1
    return closed


def tasks_remind(*, now: dt.datetime | None = None) -> int:
    """Remind the owner department of every consultation task past its deadline (once per task)."""
    now = now or timezone.now()
    sent = 0
    for task in ConsultationTask.objects.filter(done_at__isnull=True, deadline__lt=now).select_related(
            "department", "consultation__demand"):
        users = list(User.objects.filter(is_active=True, department_id=task.department_id,
                                         role__in=[Role.DEPARTMENT_LEADER, Role.WINDOW_CLERK]))
        result = reminder_send(obj=task, kind="enterprise.task_overdue", stage="overdue",
                               message=f"会商任务已超期:{task.description}", recipients=users, level="red",
                               url=f"/enterprise/demands/{task.consultation.demand_id}/",
                               department=task.department, due_at=task.deadline)
        sent += int(result.created)
    return sent


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {"escalated": demands_escalate(now=now), "closed": demands_close_unrated(now=now),
            "tasks_reminded": tasks_remind(now=now)}


# --- joint consultations -----------------------------------------------------------------------------------

def consultation_convene(*, actor: Any, demand: Demand, held_on: dt.date, record: str, decisions: str,
                         departments: Iterable[Any] = (), attendees: str = "",
                         tasks: Iterable[dict[str, Any]] = ()) -> Consultation:
    """A joint consultation on a hard case, with follow-up tasks each due in working days from the meeting."""
    require(actor, HANDLE)
    if not isinstance(held_on, dt.date):
        raise InvalidInput("请填写会商日期。", field="held_on", code="required")
    record = clean_text(record, field="record", label="会商记录", max_length=10000)
    decisions = clean_text(decisions, field="decisions", label="会商决定", max_length=5000)
    attendees = clean_text(attendees, field="attendees", label="参会人员", max_length=500, required=False)
    depts = [_department(d, field=f"departments.{n}") for n, d in enumerate(departments)]
    if not depts:
        raise InvalidInput("请至少选择一个参会部门。", field="departments", code="required")
    parsed = []
    for n, t in enumerate(tasks):
        dept = _department(t.get("department"), field=f"tasks.{n}.department")
        text = clean_text(t.get("description"), field=f"tasks.{n}.description", label="任务", max_length=500)
        try:
            days = int(t.get("working_days"))
        except (TypeError, ValueError):
            days = -1
        if not 1 <= days <= 60:
            raise InvalidInput("任务时限应为 1 至 60 个工作日。", field=f"tasks.{n}.working_days", code="bad_limit")
        parsed.append((dept, text, days))
    if demand.status in (DemandStatus.CLOSED,):
        raise Conflict("诉求已办结,不能再召集会商。", code="closed")
    with transaction.atomic():
        meeting = Consultation.objects.create(demand=demand, held_on=held_on, attendees=attendees, record=record,
                                              decisions=decisions, convened_by=acting_user(actor))
        meeting.departments.set(depts)
        ConsultationTask.objects.bulk_create([
            ConsultationTask(consultation=meeting, department=d, description=text, working_days=days,
                             deadline=calendar.deadline(start=held_on, working_days=days))
            for d, text, days in parsed])
        audit.record(actor=actor, action="demand.consult", obj=demand,
                     payload={"consultation": meeting.pk, "departments": [d.code for d in depts],
                              "tasks": len(parsed)})
    return meeting


def task_done(*, actor: Any, task: ConsultationTask, note: str, now: dt.datetime | None = None) -> ConsultationTask:
    require(actor, "enterprise.answer")
    note = clean_text(note, field="note", label="完成情况", max_length=500)
    with transaction.atomic():
        row = ConsultationTask.objects.select_for_update().select_related("consultation").get(pk=task.pk)
        _own_department(actor, row.department_id)
        if row.done_at is not None:
            raise Conflict("该任务已完成。", code="already_done")
        row.done_at, row.done_note, row.done_by = now or timezone.now(), note, acting_user(actor)
        row.save(update_fields=["done_at", "done_note", "done_by", "updated_at"])
        audit.record(actor=actor, action="demand.task_done", obj=("enterprise.demand", row.consultation.demand_id),
                     payload={"task": row.pk})
        from zhengwu.core.reminders import reminder_mark_answered

        reminder_mark_answered(obj=row, kind="enterprise.task_overdue", at=row.done_at)
    return row


# --- liaison officers --------------------------------------------------------------------------------------

def liaison_assign(*, actor: Any, officer: User, enterprise: Enterprise, start: dt.date,
                   end: dt.date | None = None) -> LiaisonAssignment:
    require(actor, MANAGE)
    if officer.role not in (Role.WINDOW_CLERK, Role.CENTER_ADMIN, Role.TOWNSHIP_STAFF, Role.DEPARTMENT_LEADER,
                            Role.LEADER) or not officer.is_active:
        raise InvalidInput("驻企员应为在岗的工作人员。", field="officer", code="not_staff")
    if end is not None and end < start:
        raise InvalidInput("结束日期不能早于开始日期。", field="end", code="end_before_start")
    with transaction.atomic():
        row = LiaisonAssignment.objects.create(officer=officer, enterprise=enterprise, start=start, end=end)
        audit.record(actor=actor, action="liaison.assign", obj=row,
                     payload={"officer": officer.pk, "enterprise": enterprise.credit_code})
    return row


def visit_log(*, actor: Any, enterprise: Enterprise | int, visited_on: dt.date, content: str,
              demands: Iterable[dict[str, Any]] = (), now: dt.datetime | None = None) -> LiaisonVisit:
    """A liaison officer logs a visit to an assigned enterprise with the demands collected (each becomes a
    demand received through the channel "liaison visit", linked to the visit)."""
    require(actor, LIAISON)
    now = now or timezone.now()
    if not isinstance(enterprise, Enterprise):
        enterprise = Enterprise.objects.filter(pk=enterprise).first()
        if enterprise is None:
            raise InvalidInput("企业不存在。", field="enterprise", code="unknown_enterprise")
    if not isinstance(visited_on, dt.date):
        raise InvalidInput("请填写走访日期。", field="visited_on", code="required")
    if visited_on > timezone.localdate(now):
        raise InvalidInput("走访日期不能晚于今天。", field="visited_on", code="future")
    officer = acting_user(actor)
    if officer is None:
        raise InvalidInput("走访记录须由驻企员本人登记。", field="officer", code="officer_required")
    if not officer.has_perm(MANAGE):
        assigned = LiaisonAssignment.objects.filter(officer=officer, enterprise=enterprise,
                                                    start__lte=visited_on)
        if not assigned.exclude(end__lt=visited_on).exists():
            raise Forbidden("该企业不是您联系的企业。", code="not_assigned")
    content = clean_text(content, field="content", label="走访内容", max_length=5000)
    with transaction.atomic():
        visit = LiaisonVisit.objects.create(officer=officer, enterprise=enterprise, visited_on=visited_on, content=content)
        audit.record(actor=actor, action="liaison.visit", obj=visit, payload={"enterprise": enterprise.credit_code})
        for n, d in enumerate(demands):
            try:
                demand_raise(actor=actor, title=d.get("title", ""), content=d.get("content", ""),
                             contact_name=d.get("contact_name", ""), contact_mobile=d.get("contact_mobile", ""),
                             channel=Channel.LIAISON_VISIT, visit=visit, now=now)
            except InvalidInput as exc:
                raise InvalidInput(exc.message, field=f"demands.{n}.{exc.field}", code=exc.code) from None
    return visit
