"""The case transition table: every state × transition, and the refusals with their fields."""

from __future__ import annotations

import pytest

from zhengwu.cases.choices import CaseStatus as S
from zhengwu.cases.choices import Result
from zhengwu.cases.models import Case
from zhengwu.cases.testing import at, make_item, move, receive
from zhengwu.cases.workflow import CASE_WORKFLOW
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

PATHS = {
    S.RECEIVED: [],
    S.SUPPLEMENT: [("request_supplement", {"items": ["身份证复印件"]})],
    S.ACCEPTED: [("accept", {})],
    S.PROCESSING: [("accept", {}), ("start", {})],
    S.SUSPENDED: [("accept", {}), ("suspend", {})],
    S.COMPLETED: [("accept", {}), ("approve", {})],
    S.NOT_ACCEPTED: [("refuse", {})],
    S.WITHDRAWN: [("withdraw", {})],
}
REASONS = {"refuse": "材料不符合法定形式", "suspend": "需要现场核查", "deny": "不符合条件", "withdraw": "申请人撤回"}
PAYLOADS = {"request_supplement": {"items": ["身份证复印件"]}}


@pytest.fixture
def dept():
    return make_department(name="人社局")


@pytest.fixture
def leader(dept):
    return make_user(role=Role.DEPARTMENT_LEADER, department=dept)


def case_in(state: str, *, dept, actor) -> Case:
    case = receive(actor=actor, item=make_item(department=dept, code=f"I-{state}-{Case.objects.count()}"),
                   when="2024-03-04 09:00")
    for action, payload in PATHS[state]:
        case = move(case, action, actor=actor, when="2024-03-04 10:00", reason=REASONS.get(action, ""), **payload)
    return case


ACTIONS = [name for name in CASE_WORKFLOW.transitions if name != "deem_accept"]
ALLOWED = [(state, name) for state in PATHS for name in ACTIONS if state in CASE_WORKFLOW.transitions[name].source]
REFUSED = [(state, name) for state in PATHS for name in ACTIONS
           if state not in CASE_WORKFLOW.transitions[name].source]


def _kwargs(name: str) -> dict:
    return {"reason": REASONS.get(name, ""), **PAYLOADS.get(name, {})}


@pytest.mark.parametrize(("state", "name"), ALLOWED)
def test_an_allowed_action_moves_the_case_and_writes_one_audit_row(state, name, dept, leader):
    case = case_in(state, dept=dept, actor=leader)
    transition = CASE_WORKFLOW.transitions[name]
    before = AuditEvent.objects.count()
    moved = move(case, name, actor=leader, when="2024-03-05 10:00", **_kwargs(name))
    assert moved.status == transition.target
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.from_state, event.to_state) == (f"case.{name}", state, transition.target)


@pytest.mark.parametrize(("state", "name"), REFUSED)
def test_a_refused_action_raises_409_and_writes_nothing(state, name, dept, leader):
    case = case_in(state, dept=dept, actor=leader)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        move(case, name, actor=leader, when="2024-03-05 10:00", **_kwargs(name))
    assert err.value.status == 409
    assert AuditEvent.objects.count() == before
    assert Case.objects.get(pk=case.pk).status == state


def test_the_table_covers_every_state_and_action():
    assert len(ALLOWED) + len(REFUSED) == len(PATHS) * len(ACTIONS)
    assert set(PATHS) == set(S.values)


def test_a_received_case_past_its_acceptance_limit_is_deemed_accepted_by_the_system(dept, leader):
    case = case_in(S.RECEIVED, dept=dept, actor=leader)
    before = AuditEvent.objects.count()
    CASE_WORKFLOW.run(case.pk, "deem_accept", actor=None, now=at("2024-03-20 09:00"))
    assert Case.objects.get(pk=case.pk).status == S.ACCEPTED
    assert AuditEvent.objects.latest("id").actor_label == "system"
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.parametrize("state", [s for s in PATHS if s != S.RECEIVED])
def test_deemed_acceptance_refuses_every_other_state(state, dept, leader):
    case = case_in(state, dept=dept, actor=leader)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        CASE_WORKFLOW.run(case.pk, "deem_accept", actor=None, now=at("2024-03-20 09:00"))
    assert Case.objects.get(pk=case.pk).status == state
    assert AuditEvent.objects.count() == before


def test_deemed_acceptance_refuses_before_the_limit(dept, leader):
    case = case_in(S.RECEIVED, dept=dept, actor=leader)
    with pytest.raises(Conflict) as err:
        CASE_WORKFLOW.run(case.pk, "deem_accept", actor=None, now=at("2024-03-08 20:00"))
    assert err.value.code == "acceptance_not_due"


def test_a_second_supplement_request_is_refused_naming_the_field(dept, leader):
    case = case_in(S.SUPPLEMENT, dept=dept, actor=leader)
    case = move(case, "supplement_arrived", actor=leader, when="2024-03-06 09:00")
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as err:
        move(case, "request_supplement", actor=leader, when="2024-03-06 10:00", items=["又一份"])
    assert (err.value.field, err.value.code) == ("supplement_items", "supplement_once")
    assert AuditEvent.objects.count() == before


def test_a_supplement_request_must_list_the_materials(dept, leader):
    case = case_in(S.RECEIVED, dept=dept, actor=leader)
    with pytest.raises(InvalidInput) as err:
        move(case, "request_supplement", actor=leader, when="2024-03-04 11:00", items=[" "])
    assert err.value.field == "supplement_items"


def test_completion_before_acceptance_is_refused(dept, leader):
    case = case_in(S.RECEIVED, dept=dept, actor=leader)
    with pytest.raises(Conflict) as err:
        move(case, "approve", actor=leader, when="2024-03-04 11:00")
    assert err.value.code == "invalid_transition"


def test_denial_needs_a_reason_and_records_the_result(dept, leader):
    case = case_in(S.PROCESSING, dept=dept, actor=leader)
    with pytest.raises(InvalidInput) as err:
        move(case, "deny", actor=leader, when="2024-03-05 10:00")
    assert err.value.field == "reason"
    case = move(case, "deny", actor=leader, when="2024-03-05 10:00", reason="不符合条件")
    assert (case.status, case.result, case.decision_reason) == (S.COMPLETED, Result.DENIED, "不符合条件")


def test_a_village_agent_may_receive_but_not_accept(dept):
    tree = make_region_tree(townships=1, villages_per_township=1)
    item = make_item(department=dept, code="V1", level_village=True)
    agent = make_user(role=Role.VILLAGE_AGENT, region=tree["villages"][0])
    case = receive(actor=agent, item=item, when="2024-03-04 09:00", channel="agent", village=tree["villages"][0])
    assert (case.level, case.agent_id, case.township_id) == ("village", agent.pk, tree["townships"][0].pk)
    with pytest.raises(Forbidden):
        move(case, "accept", actor=agent, when="2024-03-04 10:00")


def test_a_clerk_of_another_department_cannot_touch_the_case(dept, leader):
    case = case_in(S.RECEIVED, dept=dept, actor=leader)
    stranger = make_user(role=Role.WINDOW_CLERK, department=make_department(name="别的部门"))
    with pytest.raises(NotFound):
        move(case, "accept", actor=stranger, when="2024-03-04 10:00")


def test_any_move_answers_the_reminders_of_the_case(dept, leader):
    from zhengwu.core.models import Reminder
    from zhengwu.core.reminders import reminder_send

    case = case_in(S.PROCESSING, dept=dept, actor=leader)
    reminder_send(obj=case, kind="case_deadline", stage="yellow", message="即将到期", recipients=[leader])
    move(case, "approve", actor=leader, when="2024-03-05 10:00")
    assert Reminder.objects.get().answered_at == at("2024-03-05 10:00")
