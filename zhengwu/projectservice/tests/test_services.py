"""Assisted handling, the service team and the factor library through their services: validation naming the
field, one active agent per project, the figures, the overdue lists and the sweep's idempotence."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.core.audit import events_for
from zhengwu.core.calendar import add_working_days
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.models import Notification, Reminder
from zhengwu.projectservice import selectors, services, tasks
from zhengwu.projectservice.models import AgentAction, AgentAssignment, FactorNeed, ServiceVisit, VisitIssue
from zhengwu.projectservice.testing import LATER, make_item, make_project

pytestmark = pytest.mark.django_db


def assign(world, project=None, agent=None, on="2024-02-01"):
    return services.agent_assign(actor=world["admin"], project=project or world["project_a"],
                                 agent=agent or world["agent"], started_on=on, now=LATER)


def act(world, *, actor=None, project=None, on="2024-03-01", trips=2, **extra):
    extra.setdefault("item_text", "施工图审查代办")
    return services.agent_action_record(actor=actor or world["agent"], project=project or world["project_a"],
                                        handled_on=on, what_done="代企业提交材料并领取批文", trips_saved=trips,
                                        now=LATER, **extra)


def visit(world, *, on="2024-03-04", issues=(), projects=None, **extra):
    return services.visit_record(actor=world["admin"], visited_on=on, team_lead="王主任",
                                 departments=extra.pop("departments", [world["dept"].pk]),
                                 enterprises=extra.pop("enterprises", [world["investor_a"].pk]),
                                 projects=projects if projects is not None else [world["project_a"].pk],
                                 issues=list(issues), now=LATER, **extra)


# --- assisted handling -----------------------------------------------------------------------------------------

def test_an_agent_is_assigned_and_records_the_items_handled(world):
    assignment = assign(world)
    item = make_item(department=world["dept"])
    act(world, item=item.pk, item_text="", trips=3)
    act(world, trips=1)
    support = selectors.project_support(project=world["project_a"])
    assert support["agent"] == assignment
    assert support["items_handled"] == 2
    assert support["trips_saved"] == 4
    assert {a.item_label for a in support["actions"]} == {"建设工程规划许可证核发", "施工图审查代办"}
    assert events_for(world["project_a"]).filter(action="projectservice.agent_action").count() == 2


def test_a_project_has_one_active_agent(world):
    first = assign(world)
    with pytest.raises(Conflict) as exc:
        assign(world, agent=world["agent2"])
    assert exc.value.code == "agent_active"
    services.agent_release(actor=world["admin"], assignment=first, ended_on="2024-04-01", now=LATER)
    second = assign(world, agent=world["agent2"], on="2024-04-02")
    assert AgentAssignment.objects.filter(project=world["project_a"], ended_on__isnull=True).get() == second


def test_the_next_agent_cannot_start_before_the_previous_one_ended(world):
    first = assign(world)
    services.agent_release(actor=world["admin"], assignment=first, ended_on="2024-04-01", now=LATER)
    with pytest.raises(InvalidInput) as exc:
        assign(world, agent=world["agent2"], on="2024-03-01")
    assert exc.value.field == "started_on"


def test_only_a_staff_user_who_may_act_can_be_the_agent(world):
    for user, code in ((world["ent_a"], "not_staff"), (world["township_a"], "not_an_agent")):
        with pytest.raises(InvalidInput) as exc:
            assign(world, agent=user)
        assert (exc.value.field, exc.value.code) == ("agent", code)
    with pytest.raises(InvalidInput) as exc:
        assign(world, agent=999999)
    assert exc.value.field == "agent"
    assert not AgentAssignment.objects.exists()


@pytest.mark.parametrize("trips, code", [(-1, "out_of_range"), (21, "out_of_range"), ("两次", "bad_integer"),
                                         ("", "bad_integer")])
def test_trips_saved_must_be_a_small_integer(world, trips, code):
    assign(world)
    with pytest.raises(InvalidInput) as exc:
        act(world, trips=trips)
    assert (exc.value.field, exc.value.code) == ("trips_saved", code)
    assert not AgentAction.objects.exists()


@pytest.mark.parametrize("extra, field", [
    ({"on": "2024-01-15"}, "handled_on"),        # before the agent started
    ({"on": "2099-01-01"}, "handled_on"),        # in the future
    ({"on": "2024-13-01"}, "handled_on"),        # not a date
    ({"item_text": ""}, "item"),                 # neither an item nor a description
    ({"item": 987654, "item_text": ""}, "item"),  # an unknown item
])
def test_an_action_with_bad_input_names_the_field(world, extra, field):
    assign(world)
    with pytest.raises(InvalidInput) as exc:
        act(world, **extra)
    assert exc.value.field == field
    assert not AgentAction.objects.exists()


def test_only_the_active_agent_records_actions(world):
    with pytest.raises(Conflict):
        act(world, actor=world["admin"])
    with pytest.raises(NotFound):  # an agent sees only the projects assigned to them
        act(world)
    assign(world)
    with pytest.raises(NotFound):  # the other clerk does not even see the project
        act(world, actor=world["agent2"])
    with pytest.raises(Forbidden):
        act(world, actor=world["ent_a"])
    act(world, actor=world["admin"])  # the center's administrator records for the agent
    assert AgentAction.objects.get().agent == world["agent"]


def test_the_agent_figures_count_items_and_trips_per_agent_for_a_period(world):
    assign(world)
    assign(world, project=world["project_b"], agent=world["agent2"])
    act(world, on="2024-03-01", trips=2)
    act(world, on="2024-05-01", trips=3)
    act(world, actor=world["agent2"], project=world["project_b"], on="2024-03-10", trips=4)
    figures = selectors.agent_figures(user=world["admin"], start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31))
    assert {a["agent_id"]: (a["items"], a["trips_saved"]) for a in figures["agents"]} == {
        world["agent"].pk: (1, 2), world["agent2"].pk: (1, 4)}
    assert figures["total"]["items"] == 2
    assert figures["total"]["trips_saved"] == 6
    whole = selectors.agent_figures(user=world["admin"])
    assert (whole["total"]["items"], whole["total"]["trips_saved"]) == (3, 9)
    # an enterprise user's figures cover their own projects only
    own = selectors.agent_figures(user=world["ent_a"])
    assert (own["total"]["items"], own["total"]["trips_saved"]) == (2, 5)


def test_release_refuses_an_end_before_the_last_action(world):
    assignment = assign(world)
    act(world, on="2024-03-01")
    with pytest.raises(InvalidInput) as exc:
        services.agent_release(actor=world["admin"], assignment=assignment, ended_on="2024-02-15", now=LATER)
    assert exc.value.field == "ended_on"
    assert AgentAssignment.objects.get().ended_on is None


# --- the service team ------------------------------------------------------------------------------------------

def test_a_visit_records_units_projects_and_issues_with_working_day_deadlines(world):
    v = visit(world, on="2024-09-27", issues=[{"description": "临时用电未落实", "owner": world["agent"].pk,
                                               "follow_up_days": 3, "project": world["project_a"].pk}])
    issue = v.issues.get()
    # 2024-09-27 is a Friday before the National Day holiday: Sunday 29 September (a make-up working day),
    # Monday 30 September, then 8 October after the holiday
    assert issue.due_on == add_working_days(dt.date(2024, 9, 27), 3) == dt.date(2024, 10, 8)
    assert v.units.count() == 2
    assert list(v.projects.all()) == [world["project_a"]]


@pytest.mark.parametrize("extra, field", [
    ({"departments": [], "enterprises": []}, "departments"),
    ({"departments": [424242]}, "departments"),
    ({"team_lead": "  "}, "team_lead"),
    ({"on": "2099-01-01"}, "visited_on"),
    ({"issues": [{"description": "问题", "owner": None, "follow_up_days": 3}]}, "issues[0].owner"),
    ({"issues": [{"description": "问题", "owner": "me", "follow_up_days": 0}]}, "issues[0].owner"),
    ({"issues": [{"description": "", "owner": 1, "follow_up_days": 3}]}, "issues[0].description"),
])
def test_a_visit_with_bad_input_names_the_field_and_writes_nothing(world, extra, field):
    extra = dict(extra)
    if "team_lead" in extra:
        with pytest.raises(InvalidInput) as exc:
            services.visit_record(actor=world["admin"], visited_on="2024-03-04", team_lead=extra["team_lead"],
                                  departments=[world["dept"].pk], now=LATER)
    else:
        with pytest.raises(InvalidInput) as exc:
            visit(world, **extra)
    assert exc.value.field == field
    assert not ServiceVisit.objects.exists()


@pytest.mark.parametrize("days", [0, 61, "三天"])
def test_an_issue_deadline_is_between_1_and_60_working_days(world, days):
    with pytest.raises(InvalidInput) as exc:
        visit(world, issues=[{"description": "问题", "owner": world["agent"].pk, "follow_up_days": days}])
    assert exc.value.field == "issues[0].follow_up_days"
    assert not VisitIssue.objects.exists()


def test_an_issue_project_must_be_one_the_visit_served(world):
    with pytest.raises(InvalidInput) as exc:
        visit(world, issues=[{"description": "问题", "owner": world["agent"].pk, "follow_up_days": 3,
                              "project": world["project_b"].pk}])
    assert exc.value.field == "issues[0].project"


def test_the_visit_figures_count_distinct_units_and_projects_and_issues(world):
    owner = world["agent"].pk
    visit(world, on="2024-03-04", projects=[world["project_a"].pk, world["project_b"].pk],
          issues=[{"description": "用地指标", "owner": owner, "follow_up_days": 5},
                  {"description": "管线迁改", "owner": owner, "follow_up_days": 5}])
    visit(world, on="2024-03-20", enterprises=[world["investor_a"].pk, world["investor_b"].pk],
          projects=[world["project_a"].pk], issues=[{"description": "施工许可", "owner": owner, "follow_up_days": 2}])
    first = VisitIssue.objects.order_by("id").first()
    services.issue_follow_up(actor=world["agent"], issue=first, followed_up_on="2024-03-08", note="已协调解决",
                             now=LATER)
    figures = selectors.visit_figures(user=world["admin"], today=dt.date(2024, 4, 1))
    assert figures["visits"] == 2
    assert (figures["departments"], figures["enterprises"], figures["units"]) == (1, 2, 3)
    assert figures["projects"] == 2
    assert (figures["issues_open"], figures["issues_closed"], figures["issues_overdue"]) == (2, 1, 2)
    march_4 = selectors.visit_figures(user=world["admin"], start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 10))
    assert (march_4["visits"], march_4["units"], march_4["projects"]) == (1, 2, 2)


def test_overdue_follow_ups_are_listed_and_a_follow_up_closes_them(world):
    visit(world, on="2024-03-04", issues=[{"description": "排水接口", "owner": world["agent"].pk,
                                           "follow_up_days": 5}])
    issue = VisitIssue.objects.get()
    assert list(selectors.overdue_issues(user=world["admin"], today=issue.due_on)) == []
    assert list(selectors.overdue_issues(user=world["admin"], today=issue.due_on + dt.timedelta(days=1))) == [issue]
    with pytest.raises(Forbidden):
        services.issue_follow_up(actor=world["leader"], issue=issue, followed_up_on="2024-03-20", note="x",
                                 now=LATER)
    with pytest.raises(InvalidInput) as exc:
        services.issue_follow_up(actor=world["agent"], issue=issue, followed_up_on="2024-03-01", note="已解决",
                                 now=LATER)
    assert exc.value.field == "followed_up_on"
    services.issue_follow_up(actor=world["agent"], issue=issue, followed_up_on="2024-03-20", note="已解决",
                             now=LATER)
    assert list(selectors.overdue_issues(user=world["admin"], today=dt.date(2024, 4, 1))) == []
    with pytest.raises(Conflict):
        services.issue_follow_up(actor=world["admin"], issue=issue, followed_up_on="2024-03-21", note="再次",
                                 now=LATER)


def test_the_sweep_reminds_each_overdue_follow_up_and_connection_once(world):
    visit(world, on="2024-03-04", issues=[{"description": "排水接口", "owner": world["agent"].pk,
                                           "follow_up_days": 5}])
    need = services.factor_need_register(actor=world["admin"], project=world["project_a"], kind="water",
                                         capacity="200", provider="婺城供水公司", requested_on="2024-03-01", now=LATER)
    services.factor_need_promise(actor=world["admin"], need=need, promised_on="2024-04-01", now=LATER)
    now = LATER
    assert tasks.projectservice_sweep(now) == 2
    assert tasks.projectservice_sweep(now) == 0
    assert Reminder.objects.filter(kind="projectservice.followup").count() == 1
    assert Reminder.objects.filter(kind="projectservice.connection").count() == 1
    assert Notification.objects.filter(recipient=world["agent"]).count() == 1
    assert Notification.objects.filter(recipient=world["admin"]).count() == 1


def test_the_sweep_is_registered_with_the_reminders_job():
    from zhengwu.core.reminders import sweeps

    assert "projectservice.overdue" in sweeps()


# --- factor guarantee library ----------------------------------------------------------------------------------

def register(world, kind="electricity", project=None, **extra):
    fields = {"capacity": "630", "provider": "国网婺城供电公司", "requested_on": "2024-03-01", **extra}
    return services.factor_need_register(actor=world["admin"], project=project or world["project_a"], kind=kind,
                                         now=LATER, **fields)


def test_a_factor_need_moves_requested_promised_connected(world):
    need = register(world)
    assert (need.status, need.capacity_unit) == ("requested", "kVA")
    need = services.factor_need_promise(actor=world["admin"], need=need, promised_on="2024-04-15", now=LATER)
    assert (need.status, need.promised_on) == ("promised", dt.date(2024, 4, 15))
    need = services.factor_need_connect(actor=world["admin"], need=need, connected_on="2024-04-10", now=LATER)
    assert (need.status, need.connected_on) == ("connected", dt.date(2024, 4, 10))
    assert [e.action for e in events_for(need).order_by("id")] == [
        "factorneed.register", "factorneed.promise", "factorneed.connect"]


def test_a_problem_needs_a_note_and_a_new_promise_resolves_it(world):
    need = register(world, kind="gas")
    with pytest.raises(InvalidInput) as exc:
        services.factor_need_report_problem(actor=world["admin"], need=need, note=" ", now=LATER)
    assert exc.value.field == "note"
    need = services.factor_need_report_problem(actor=world["admin"], need=need, note="燃气管网未铺设到厂区",
                                               now=LATER)
    assert (need.status, need.problem_note) == ("problem", "燃气管网未铺设到厂区")
    need = services.factor_need_promise(actor=world["admin"], need=need, promised_on="2024-06-01", now=LATER)
    assert need.status == "promised"
    connected = services.factor_need_connect(actor=world["admin"], need=need, connected_on="2024-06-01", now=LATER)
    with pytest.raises(Conflict):
        services.factor_need_report_problem(actor=world["admin"], need=connected, note="再报", now=LATER)


def test_a_kind_is_registered_once_per_project(world):
    register(world, kind="water")
    with pytest.raises(InvalidInput) as exc:
        register(world, kind="water")
    assert (exc.value.field, exc.value.code) == ("kind", "duplicate_kind")
    register(world, kind="water", project=world["project_b"])
    assert FactorNeed.objects.count() == 2


@pytest.mark.parametrize("extra, field", [
    ({"kind": "steam"}, "kind"),
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "-5"}, "capacity"),
    ({"capacity": "很多"}, "capacity"),
    ({"capacity": "1.234"}, "capacity"),
    ({"provider": ""}, "provider"),
    ({"requested_on": "2099-01-01"}, "requested_on"),
    ({"requested_on": "昨天"}, "requested_on"),
])
def test_a_factor_need_with_bad_input_names_the_field(world, extra, field):
    with pytest.raises(InvalidInput) as exc:
        register(world, **extra)
    assert exc.value.field == field
    assert not FactorNeed.objects.exists()


def test_a_promise_before_the_request_is_refused(world):
    need = register(world)
    with pytest.raises(InvalidInput) as exc:
        services.factor_need_promise(actor=world["admin"], need=need, promised_on="2024-02-01", now=LATER)
    assert exc.value.field == "promised_on"
    assert FactorNeed.objects.get().status == "requested"


def test_overdue_connections_are_promised_dates_passed_without_connection(world):
    late = register(world, kind="electricity")
    services.factor_need_promise(actor=world["admin"], need=late, promised_on="2024-04-01", now=LATER)
    on_time = register(world, kind="water")
    services.factor_need_promise(actor=world["admin"], need=on_time, promised_on="2024-04-01", now=LATER)
    services.factor_need_connect(actor=world["admin"], need=on_time, connected_on="2024-03-28", now=LATER)
    future = register(world, kind="telecom")
    services.factor_need_promise(actor=world["admin"], need=future, promised_on="2024-06-01", now=LATER)
    today = dt.date(2024, 5, 1)
    assert [n.pk for n in selectors.overdue_connections(user=world["admin"], today=today)] == [late.pk]
    figures = selectors.factor_figures(user=world["admin"], today=today)
    assert figures["overdue"] == 1
    assert {r["kind"]: (r["total"], r["connected"]) for r in figures["by_kind"]}["water"] == (1, 1)


def test_enterprise_users_read_only_their_own_projects(world):
    register(world, project=world["project_a"])
    register(world, project=world["project_b"])
    assert list(selectors.projects_visible_to(world["ent_a"])) == [world["project_a"]]
    assert selectors.factor_needs_visible_to(world["ent_a"]).get().project == world["project_a"]
    assert list(selectors.projects_visible_to(world["township_a"])) == [world["project_a"]]
    assert not selectors.projects_visible_to(world["citizen"]).exists()
    with pytest.raises(NotFound):
        selectors.project_get(user=world["ent_a"], pk=world["project_b"].pk)
    with pytest.raises(Forbidden):
        services.factor_need_register(
            actor=world["ent_a"], project=world["project_a"], kind="gas", capacity="10", provider="燃气公司",
            requested_on="2024-03-01", now=LATER)


def test_a_new_project_without_support_reads_empty(world):
    project = make_project(township=world["tree"]["townships"][0])
    support = selectors.project_support(project=project)
    assert support["agent"] is None
    assert (support["items_handled"], support["trips_saved"], support["visits"], support["factor_needs"]) == (
        0, 0, [], [])
    assert support["url"] == f"/projectservice/projects/{project.pk}/"
