"""The demand closed loop's rules: bad input refused naming the field with nothing written, the assisting parts
before the lead's answer, reopening, the escalation ladder across the National Day holiday and its
idempotence, the rating window, consultation tasks, the coverage figure, liaison visits and the scopes."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.cases.testing import make_item
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent, Notification, Reminder
from zhengwu.core.testing import make_user
from zhengwu.enterprise import selectors, services
from zhengwu.enterprise.choices import CloseReason, DemandStatus
from zhengwu.enterprise.models import ConsultationTask, Demand, DemandRating, Escalation
from zhengwu.enterprise.testing import MOBILE, answered, at, credit, raise_demand, routed, section
from zhengwu.org.models import Enterprise
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


# --- raising ----------------------------------------------------------------------------------------------

def test_staff_raise_a_demand_on_behalf_of_an_enterprise_registering_it_by_credit_code(w):
    demand = services.demand_raise(actor=w["clerk_a"], credit_code=credit(9), enterprise_name="新企业有限公司",
                                   title="用工招聘", content="需要招聘技工", contact_name="李", contact_mobile=MOBILE,
                                   channel="hall", now=at("2024-03-01 10:00"))
    assert (demand.status, demand.enterprise.name, demand.contact_mobile_masked) == (
        DemandStatus.RECEIVED, "新企业有限公司", "138****5678")
    assert Demand.objects.get(pk=demand.pk).contact_mobile == MOBILE


@pytest.mark.parametrize(("field", "values"), [
    ("credit_code", {"credit_code": "91330702MA2XXXXX1"}),
    ("contact_name", {"contact_name": "  "}),
    ("contact_mobile", {"contact_mobile": "1234"}),
    ("ticket_12345", {"channel": "transferred_12345"}),
    ("channel", {"channel": "fax"}),
])
def test_a_demand_without_a_valid_credit_code_or_contact_is_refused_naming_the_field(w, field, values):
    args = {"credit_code": credit(9), "enterprise_name": "新企业", "title": "诉求", "content": "内容",
            "contact_name": "李", "contact_mobile": MOBILE, "channel": "hall", **values}
    before = (Demand.objects.count(), Enterprise.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as caught:
        services.demand_raise(actor=w["staff"], **args)
    assert caught.value.field == field
    assert (Demand.objects.count(), Enterprise.objects.count(), AuditEvent.objects.count()) == before


def test_an_enterprise_user_raises_only_for_its_own_enterprise(w):
    mine = raise_demand(w, by="user_x")
    assert mine.enterprise == w["ent_x"]
    with pytest.raises(Forbidden):
        services.demand_raise(actor=w["user_x"], credit_code=w["ent_y"].credit_code, title="t", content="c",
                              contact_name="王", contact_mobile=MOBILE)


def test_a_transferred_demand_keeps_its_12345_ticket(w):
    demand = raise_demand(w, by="staff", credit_code=w["ent_y"].credit_code, channel="transferred_12345",
                          ticket_12345="GD20240301001")
    assert (demand.channel, demand.ticket_12345, demand.enterprise) == ("transferred_12345", "GD20240301001",
                                                                         w["ent_y"])


# --- routing and answering ----------------------------------------------------------------------------------

def test_routing_with_no_lead_department_is_refused_and_changes_nothing(w):
    demand = raise_demand(w)
    services.demand_classify(actor=w["staff"], demand=demand, section=section())
    with pytest.raises(InvalidInput) as caught:
        services.demand_route(actor=w["staff"], demand=demand.pk, lead_department=None)
    assert caught.value.field == "lead_department"
    fresh = Demand.objects.get(pk=demand.pk)
    assert (fresh.status, fresh.round, fresh.assignments.count()) == (DemandStatus.CLASSIFIED, 0, 0)


def test_routing_sets_a_routine_deadline_of_three_working_days_across_the_national_day(w):
    demand = routed(w, now="2024-09-27 10:00", assisting=[{"department": w["dept_b"].pk, "part": "用地部分"}])
    # 2024-09-29 (Sunday) is a make-up working day, 1-7 October are holidays
    assert timezone_date(demand.deadline) == dt.date(2024, 10, 8)
    roles = sorted((a.department.code, a.role, a.part) for a in selectors.assignments_of(demand))
    assert roles == [("DA", "lead", "答复验收流程"), ("DB", "assist", "用地部分")]


def test_a_complex_demand_gets_the_configured_number_of_working_days(w, settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "ENTERPRISE": {"COMPLEX_DAYS": 5}}
    demand = routed(w, now="2024-09-27 10:00", demand_class="complex")
    assert timezone_date(demand.deadline) == dt.date(2024, 10, 10)


def timezone_date(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(moment)


def test_an_answer_without_content_is_refused_and_changes_nothing(w):
    demand = routed(w)
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        services.demand_answer(actor=w["clerk_a"], demand=demand.pk, content="   ")
    assert caught.value.field == "content"
    assert (Demand.objects.get(pk=demand.pk).status, AuditEvent.objects.count()) == (DemandStatus.ROUTED, events)


def test_the_lead_answers_only_after_the_assisting_parts_are_in_or_waived(w):
    demand = routed(w, assisting=[{"department": w["dept_b"].pk, "part": "用地部分"}])
    with pytest.raises(Conflict) as caught:
        services.demand_answer(actor=w["clerk_a"], demand=demand.pk, content="答复")
    assert caught.value.code == "assist_parts_pending"
    assist = [a for a in selectors.assignments_of(demand) if a.role == "assist"][0]
    with pytest.raises(Forbidden):
        services.assignment_answer(actor=w["clerk_a"], assignment=assist, answer="不是我部门")
    services.assignment_answer(actor=w["clerk_b"], assignment=assist, answer="用地符合规划")
    done = services.demand_answer(actor=w["clerk_a"], demand=demand.pk, content="可以办理", now=at("2024-09-30 09:00"))
    assert (done.status, done.answer) == (DemandStatus.ANSWERED, "可以办理")


def test_the_center_may_waive_an_assisting_part_with_a_reason(w):
    demand = routed(w, assisting=[{"department": w["dept_b"].pk}])
    assist = [a for a in selectors.assignments_of(demand) if a.role == "assist"][0]
    with pytest.raises(InvalidInput):
        services.assignment_waive(actor=w["staff"], assignment=assist, reason="")
    services.assignment_waive(actor=w["staff"], assignment=assist, reason="乙局意见已在会商中给出")
    assert services.demand_answer(actor=w["clerk_a"], demand=demand.pk, content="答复").status == "answered"


def test_the_assisting_department_cannot_answer_for_the_lead(w):
    demand = routed(w, assisting=[{"department": w["dept_b"].pk}])
    with pytest.raises(Forbidden):
        services.demand_answer(actor=w["clerk_b"], demand=demand.pk, content="答复")


# --- rating and reopening -------------------------------------------------------------------------------

def test_rating_a_demand_not_answered_is_a_conflict_and_changes_nothing(w):
    demand = routed(w)
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        services.demand_rate(actor=w["user_x"], demand=demand.pk, rating="satisfied")
    assert (Demand.objects.get(pk=demand.pk).status, DemandRating.objects.count(), AuditEvent.objects.count()) == (
        DemandStatus.ROUTED, 0, events)


def test_a_satisfied_rating_closes_the_demand(w):
    demand = answered(w)
    closed = services.demand_rate(actor=w["user_x"], demand=demand.pk, rating="basic", now=at("2024-10-08 09:00"))
    assert (closed.status, closed.rating, closed.close_reason) == (DemandStatus.CLOSED, "basic", CloseReason.RATED)


def test_an_unsatisfied_rating_needs_a_comment_and_reopens_a_new_round_with_a_new_deadline(w):
    demand = answered(w)
    with pytest.raises(InvalidInput) as caught:
        services.demand_rate(actor=w["user_x"], demand=demand.pk, rating="unsatisfied")
    assert caught.value.field == "comment"
    services.demand_rate(actor=w["user_x"], demand=demand.pk, rating="unsatisfied", comment="没有给出时间",
                         now=at("2024-10-08 09:00"))
    again = services.demand_reopen(actor=w["user_x"], demand=demand.pk, now=at("2024-10-09 09:00"))
    assert (again.status, again.round, again.answered_at, again.rating) == (DemandStatus.ROUTED, 2, None, "")
    assert timezone_date(again.deadline) == dt.date(2024, 10, 12)  # Saturday 12 October is a make-up day
    assert again.assignments.filter(round=2, role="lead", department=w["dept_a"]).exists()
    assert list(DemandRating.objects.values_list("round", "rating")) == [(1, "unsatisfied")]


def test_another_enterprise_cannot_see_or_rate_the_demand(w):
    demand = answered(w)
    with pytest.raises(NotFound):
        services.demand_rate(actor=w["user_y"], demand=demand.pk, rating="satisfied")
    with pytest.raises(NotFound):
        selectors.demand_get(user=w["user_y"], pk=demand.pk)


# --- the sweeps ------------------------------------------------------------------------------------------

def test_the_escalation_ladder_climbs_by_overdue_working_days_across_the_holiday(w):
    demand = routed(w, now="2024-09-27 10:00")  # deadline: end of 8 October
    head = w["head_a"]
    # during the holiday a Monday–Friday count would already be late: nothing happens
    assert services.demands_escalate(now=at("2024-10-07 12:00")) == 0
    assert services.demands_escalate(now=at("2024-10-09 09:00")) == 1
    first = Escalation.objects.get()
    assert (first.level, first.overdue_days, list(first.notified.all())) == ("department_leader", 1, [head])
    assert Notification.objects.filter(recipient=head).count() == 1
    assert services.demands_escalate(now=at("2024-10-10 09:00")) == 1  # 2 working days over: center leader
    assert services.demands_escalate(now=at("2024-10-11 09:00")) == 0
    assert services.demands_escalate(now=at("2024-10-14 09:00")) == 1  # 12 Oct (Sat) works: 5 days over
    assert list(Escalation.objects.filter(demand=demand).values_list("level", "overdue_days")) == [
        ("department_leader", 1), ("center_leader", 2), ("district_leader", 5)]
    assert AuditEvent.objects.filter(action="demand.escalate").count() == 3


def test_running_the_sweep_twice_escalates_nothing_twice(w):
    routed(w, now="2024-09-27 10:00")
    assert services.demands_escalate(now=at("2024-10-15 09:00")) == 3
    reminders = Reminder.objects.count()
    assert services.demands_escalate(now=at("2024-10-15 09:00")) == 0
    assert services.demands_escalate(now=at("2024-10-16 09:00")) == 0
    assert (Escalation.objects.count(), Reminder.objects.count()) == (3, reminders)


def test_escalation_stops_once_the_demand_is_answered(w):
    demand = routed(w, now="2024-09-27 10:00")
    services.demands_escalate(now=at("2024-10-09 09:00"))
    services.demand_answer(actor=w["clerk_a"], demand=demand.pk, content="答复", now=at("2024-10-09 15:00"))
    assert services.demands_escalate(now=at("2024-10-20 09:00")) == 0
    assert Escalation.objects.count() == 1


def test_the_ladder_levels_and_grace_days_are_configurable(w, settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "ENTERPRISE": {"ESCALATION": [("department_leader", 1),
                                                                           ("district_leader", 2)]}}
    routed(w, now="2024-09-27 10:00")
    assert services.demands_escalate(now=at("2024-10-10 09:00")) == 2
    assert set(Escalation.objects.values_list("level", flat=True)) == {"department_leader", "district_leader"}


def test_the_rating_window_closes_an_unrated_answer_as_default_satisfied_after_five_working_days(w):
    demand = answered(w, answer_at="2024-09-30 10:00")  # window: 8, 9, 10, 11, 12 October
    assert services.demands_close_unrated(now=at("2024-10-12 20:00")) == 0
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.ANSWERED
    assert services.demands_close_unrated(now=at("2024-10-13 09:00")) == 1
    closed = Demand.objects.get(pk=demand.pk)
    assert (closed.status, closed.close_reason, closed.rating) == (DemandStatus.CLOSED, "default_satisfied", "")
    assert DemandRating.objects.count() == 0


# --- consultations ---------------------------------------------------------------------------------------

def test_a_consultation_sets_task_deadlines_in_working_days_and_the_sweep_reminds_overdue_ones_once(w):
    demand = routed(w)
    meeting = services.consultation_convene(
        actor=w["staff"], demand=demand, held_on=dt.date(2024, 9, 30), record="会商记录", decisions="甲局牵头",
        departments=[w["dept_a"], w["dept_b"]], attendees="甲局张三、乙局李四",
        tasks=[{"department": w["dept_b"].pk, "description": "出具用地意见", "working_days": 2},
               {"department": w["dept_a"].pk, "description": "现场踏勘", "working_days": 5}])
    deadlines = {t.description: timezone_date(t.deadline) for t in meeting.tasks.all()}
    assert deadlines == {"出具用地意见": dt.date(2024, 10, 9), "现场踏勘": dt.date(2024, 10, 12)}
    assert services.tasks_remind(now=at("2024-10-10 09:00")) == 1
    assert services.tasks_remind(now=at("2024-10-11 09:00")) == 0
    overdue = list(selectors.tasks_overdue(user=w["staff"], now=at("2024-10-10 09:00")))
    assert [t.description for t in overdue] == ["出具用地意见"]
    task = overdue[0]
    with pytest.raises(Forbidden):
        services.task_done(actor=w["clerk_a"], task=task, note="完成")
    services.task_done(actor=w["clerk_b"], task=task, note="已出具意见", now=at("2024-10-10 15:00"))
    assert list(selectors.tasks_overdue(user=w["staff"], now=at("2024-10-10 16:00"))) == []


def test_a_consultation_task_needs_a_sensible_limit(w):
    demand = routed(w)
    with pytest.raises(InvalidInput) as caught:
        services.consultation_convene(actor=w["staff"], demand=demand, held_on=dt.date(2024, 9, 30), record="r",
                                      decisions="d", departments=[w["dept_a"]],
                                      tasks=[{"department": w["dept_a"].pk, "description": "x", "working_days": 0}])
    assert caught.value.field == "tasks.0.working_days"
    assert ConsultationTask.objects.count() == 0


# --- coverage -------------------------------------------------------------------------------------------

def test_the_coverage_is_assigned_over_active_enterprise_related_items_and_lists_the_missing(w):
    items = [make_item(department=w["dept_a"], code=f"E{n}", enterprise_related=True) for n in range(4)]
    make_item(department=w["dept_a"], code="P1", enterprise_related=False)
    make_item(department=w["dept_a"], code="E-old", enterprise_related=True, is_active=False)
    for item in items[:3]:
        services.section_item_assign(actor=w["staff"], item=item, section=section("policy"))
    services.section_item_assign(actor=w["staff"], item=items[0], section=section("talent"))  # moved, counted once
    figure = selectors.coverage()
    assert (figure["total"], figure["assigned"], figure["percent"]) == (4, 3, 75.0)
    assert [i.code for i in figure["missing"]] == ["E3"]
    per = {s["code"]: s["items"] for s in figure["sections"]}
    assert (per["policy"], per["talent"]) == (2, 1)


def test_an_item_not_enterprise_related_cannot_be_entered(w):
    item = make_item(department=w["dept_a"], code="P1", enterprise_related=False)
    with pytest.raises(InvalidInput):
        services.section_item_assign(actor=w["staff"], item=item, section=section())


# --- scope ----------------------------------------------------------------------------------------------

def test_a_clerk_of_department_a_never_sees_a_demand_routed_to_department_b(w):
    to_a = routed(w)
    demand = raise_demand(w, title="乙局的诉求")
    services.demand_classify(actor=w["staff"], demand=demand, section=section())
    to_b = services.demand_route(actor=w["staff"], demand=demand.pk, lead_department=w["dept_b"])
    assert list(selectors.demands_visible_to(w["clerk_a"])) == [to_a]
    assert list(selectors.inbox_for(user=w["clerk_b"])) == [to_b]
    with pytest.raises(NotFound):
        selectors.demand_get(user=w["clerk_a"], pk=to_b.pk)
    assert selectors.demands_visible_to(w["citizen"]).count() == 0


# --- liaison officers -----------------------------------------------------------------------------------

def test_a_liaison_visit_collects_demands_and_the_figures_count_them(w):
    officer = w["clerk_a"]
    services.liaison_assign(actor=w["staff"], officer=officer, enterprise=w["ent_x"], start=dt.date(2024, 1, 1))
    services.liaison_assign(actor=w["staff"], officer=officer, enterprise=w["ent_y"], start=dt.date(2024, 1, 1))
    visit = services.visit_log(actor=officer, enterprise=w["ent_x"], visited_on=dt.date(2024, 3, 5),
                               content="了解用工情况", now=at("2024-03-05 16:00"),
                               demands=[{"title": "招工难", "content": "缺技工", "contact_name": "赵",
                                         "contact_mobile": MOBILE}])
    demand = visit.demands.get()
    assert (demand.channel, demand.enterprise, demand.visit) == ("liaison_visit", w["ent_x"], visit)
    rows = selectors.liaison_figures(user=w["staff"], date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31))
    assert [(r["officer_id"], r["enterprises"], r["visits"], r["demands"]) for r in rows] == [(officer.pk, 2, 1, 1)]
    missing = selectors.enterprises_not_visited(user=w["staff"], date_from=dt.date(2024, 1, 1),
                                                date_to=dt.date(2024, 12, 31))
    assert [m["enterprise"] for m in missing] == [w["ent_y"]]


def test_a_visit_to_an_enterprise_not_assigned_is_refused(w):
    with pytest.raises(Forbidden):
        services.visit_log(actor=w["clerk_a"], enterprise=w["ent_x"], visited_on=dt.date(2024, 3, 5), content="x",
                           now=at("2024-03-05 16:00"))


def test_a_visit_demand_with_a_bad_mobile_names_the_row_and_writes_nothing(w):
    services.liaison_assign(actor=w["staff"], officer=w["clerk_a"], enterprise=w["ent_x"], start=dt.date(2024, 1, 1))
    with pytest.raises(InvalidInput) as caught:
        services.visit_log(actor=w["clerk_a"], enterprise=w["ent_x"], visited_on=dt.date(2024, 3, 5), content="x",
                           now=at("2024-03-05 16:00"), demands=[{"title": "t", "content": "c", "contact_name": "赵",
                                                                 "contact_mobile": "12"}])
    assert caught.value.field == "demands.0.contact_mobile"
    assert Demand.objects.count() == 0


def test_only_staff_may_be_liaison_officers(w):
    with pytest.raises(InvalidInput):
        services.liaison_assign(actor=w["staff"], officer=make_user(role=Role.CITIZEN), enterprise=w["ent_x"],
                                start=dt.date(2024, 1, 1))
