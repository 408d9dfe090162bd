"""The workflow engine, run over the sample transition table: every state × transition."""

from __future__ import annotations

import pytest
from django.db import transaction

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_user
from zhengwu.core.tests.sample import workflow as sample
from zhengwu.core.tests.sample.models import Ticket, TicketStatus
from zhengwu.core.workflow import create_with_status
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

WF = sample.TICKET_WORKFLOW
PAYLOAD = {"finish": {"note": "已处理"}}
REASON = {"cancel": "申请人撤回"}


@pytest.fixture
def dept_a():
    return make_department(name="部门甲")


@pytest.fixture
def dept_b():
    return make_department(name="部门乙")


@pytest.fixture
def leader_a(dept_a):
    return make_user(role=Role.DEPARTMENT_LEADER, department=dept_a)


@pytest.fixture
def clerk_a(dept_a):
    return make_user(role=Role.WINDOW_CLERK, department=dept_a)


@pytest.fixture
def clerk_b(dept_b):
    return make_user(role=Role.WINDOW_CLERK, department=dept_b)


def ticket_in(state: str, department) -> Ticket:
    ticket = create_with_status(Ticket, actor="test", initial=TicketStatus.OPEN, audit_action="ticket.create",
                                title="t", department=department)
    # Walk to the wanted state through the engine itself, never by assignment.
    path = {TicketStatus.OPEN: [], TicketStatus.WORKING: ["start"], TicketStatus.DONE: ["start", "finish"],
            TicketStatus.CANCELLED: ["cancel"]}[state]
    for name in path:
        ticket = WF.run(ticket, name, actor=_system_leader(department),
                        payload=PAYLOAD.get(name), reason=REASON.get(name, ""))
    return ticket


def _system_leader(department):
    return make_user(role=Role.DEPARTMENT_LEADER, department=department)


ALL_STATES = [TicketStatus.OPEN, TicketStatus.WORKING, TicketStatus.DONE, TicketStatus.CANCELLED]
ALLOWED = [(state, name) for state in ALL_STATES for name, t in WF.transitions.items() if state in t.source]
REFUSED = [(state, name) for state in ALL_STATES for name, t in WF.transitions.items() if state not in t.source]


@pytest.mark.parametrize(("state", "name"), ALLOWED)
def test_an_allowed_pair_moves_with_one_audit_row(state, name, dept_a, leader_a):
    ticket = ticket_in(state, dept_a)
    before = AuditEvent.objects.count()
    transition = WF.transitions[name]
    result = WF.run(ticket, name, actor=leader_a, payload=PAYLOAD.get(name), reason=REASON.get(name, ""))
    assert result.status == transition.target
    assert result.version == ticket.version + 1
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.from_state, event.to_state, event.action) == (state, transition.target, f"ticket.{name}")
    assert event.actor_id == leader_a.pk


@pytest.mark.parametrize(("state", "name"), REFUSED)
def test_a_refused_pair_raises_409_and_writes_nothing(state, name, dept_a, leader_a):
    ticket = ticket_in(state, dept_a)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        WF.run(ticket, name, actor=leader_a, payload=PAYLOAD.get(name), reason=REASON.get(name, ""))
    assert err.value.code == "invalid_transition"
    assert err.value.status == 409
    assert AuditEvent.objects.count() == before
    ticket.refresh_from_db()
    assert ticket.status == state


def test_the_sample_table_covers_every_state_and_transition():
    assert len(ALLOWED) + len(REFUSED) == len(ALL_STATES) * len(WF.transitions)
    assert len(ALLOWED) == 4


def test_a_clerk_without_the_permission_gets_403_and_nothing_is_written(dept_a, clerk_a):
    ticket = ticket_in(TicketStatus.OPEN, dept_a)
    before = AuditEvent.objects.count()
    with pytest.raises(Forbidden):
        WF.run(ticket, "cancel", actor=clerk_a, reason="不想办了")
    assert AuditEvent.objects.count() == before
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.OPEN


def test_a_clerk_of_another_department_cannot_see_the_ticket_so_gets_404(dept_a, clerk_b):
    ticket = ticket_in(TicketStatus.OPEN, dept_a)
    with pytest.raises(NotFound):
        WF.run(ticket.pk, "start", actor=clerk_b)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.OPEN


def test_a_guard_refusal_names_the_field_and_writes_nothing(dept_a, clerk_a):
    ticket = ticket_in(TicketStatus.WORKING, dept_a)
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as err:
        WF.run(ticket, "finish", actor=clerk_a, payload={})
    assert err.value.field == "note"
    assert AuditEvent.objects.count() == before


def test_a_transition_that_needs_a_reason_refuses_an_empty_one(dept_a, leader_a):
    ticket = ticket_in(TicketStatus.OPEN, dept_a)
    with pytest.raises(InvalidInput) as err:
        WF.run(ticket, "cancel", actor=leader_a, reason="   ")
    assert err.value.field == "reason"


def test_guard_updates_are_written_in_the_same_update(dept_a, clerk_a):
    ticket = ticket_in(TicketStatus.WORKING, dept_a)
    done = WF.run(ticket, "finish", actor=clerk_a, payload={"note": "材料齐全"})
    assert (done.status, done.note) == (TicketStatus.DONE, "材料齐全")


def test_a_stale_copy_loses_cleanly_to_a_concurrent_change(dept_a, clerk_a, leader_a):
    ticket = ticket_in(TicketStatus.OPEN, dept_a)
    stale = Ticket.objects.get(pk=ticket.pk)
    WF.run(ticket, "start", actor=clerk_a)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        WF.run(stale, "cancel", actor=leader_a, reason="重复")
    assert err.value.code == "concurrent_change"
    assert AuditEvent.objects.count() == before
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WORKING


def test_side_effects_run_only_after_commit(dept_a, clerk_a, django_capture_on_commit_callbacks):
    ticket = ticket_in(TicketStatus.WORKING, dept_a)
    sample.SIDE_EFFECTS.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        WF.run(ticket, "finish", actor=clerk_a, payload={"note": "ok"})
        assert sample.SIDE_EFFECTS == []
    assert len(callbacks) == 1
    assert sample.SIDE_EFFECTS == [(ticket.pk, "finish")]


def test_side_effects_do_not_run_when_the_transaction_rolls_back(dept_a, clerk_a,
                                                                 django_capture_on_commit_callbacks):
    ticket = ticket_in(TicketStatus.WORKING, dept_a)
    sample.SIDE_EFFECTS.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                WF.run(ticket, "finish", actor=clerk_a, payload={"note": "ok"})
                raise RuntimeError("rolled back")
    assert callbacks == []
    assert sample.SIDE_EFFECTS == []
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WORKING


def test_available_lists_only_the_transitions_the_user_may_start_from_the_current_state(dept_a, clerk_a,
                                                                                        leader_a):
    ticket = ticket_in(TicketStatus.OPEN, dept_a)
    assert [t.name for t in WF.available(ticket, clerk_a)] == ["start"]
    assert [t.name for t in WF.available(ticket, leader_a)] == ["start", "cancel"]
    done = ticket_in(TicketStatus.DONE, dept_a)
    assert WF.available(done, leader_a) == []


def test_an_unknown_transition_is_a_clear_error(dept_a, leader_a):
    ticket = ticket_in(TicketStatus.OPEN, dept_a)
    with pytest.raises(InvalidInput) as err:
        WF.run(ticket, "explode", actor=leader_a)
    assert err.value.field == "action"


@pytest.mark.django_db(transaction=True)
def test_two_clerks_racing_on_one_ticket_one_wins_and_the_other_gets_a_clean_conflict():
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a real race needs two connections to PostgreSQL; SQLite serializes writers")
    dept = make_department(name="竞争部门")
    clerk_1 = make_user(role=Role.WINDOW_CLERK, department=dept)
    leader = make_user(role=Role.DEPARTMENT_LEADER, department=dept)
    ticket = create_with_status(Ticket, actor="test", initial=TicketStatus.OPEN, audit_action="ticket.create",
                                title="race", department=dept)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def attempt(label: str, name: str, actor, reason: str = "") -> None:
        copy = Ticket.objects.get(pk=ticket.pk)
        barrier.wait()
        try:
            WF.run(copy, name, actor=actor, reason=reason)
            outcomes[label] = "won"
        except Conflict as exc:
            outcomes[label] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=("start", "start", clerk_1)),
               threading.Thread(target=attempt, args=("cancel", "cancel", leader, "撤回"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["concurrent_change", "won"]
    final = Ticket.objects.get(pk=ticket.pk)
    assert final.version == 1
    assert AuditEvent.objects.filter(object_type="sample.ticket", object_id=str(ticket.pk)).count() == 2


def test_code_acting_for_the_system_runs_a_transition_unscoped_and_is_audited_by_name(dept_a):
    ticket = ticket_in(TicketStatus.OPEN, dept_a)
    moved = WF.run(ticket.pk, "start", actor="import")
    assert moved.status == TicketStatus.WORKING
    assert AuditEvent.objects.latest("id").actor_label == "import"
