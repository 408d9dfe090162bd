"""The bad-review handling table: every state × transition, permissions, scope, reasons, stale copies.

Personas: 王专员 the indicator specialist (the center), 张局长 the leader of department A,
李窗口 a clerk of department A, 赵窗口 a clerk of department B.
"""

from __future__ import annotations

import pytest

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role
from zhengwu.reviews.choices import HandlingStatus as S
from zhengwu.reviews.models import BadReviewHandling
from zhengwu.reviews.testing import bad_review, completed_case, step
from zhengwu.reviews.workflow import BAD_REVIEW_WORKFLOW as WF

pytestmark = pytest.mark.django_db

WHEN = "2024-10-08 10:00"
PATHS = {
    S.REGISTERED: [],
    S.VISITED: ["visit"],
    S.RECTIFIED: ["visit", "rectify"],
    S.CLOSED: ["visit", "rectify", "feedback"],
    S.APPEALING: ["appeal"],
    S.APPEAL_UPHELD: ["appeal", "uphold"],
}
CENTER_STEPS = {"visit", "feedback", "uphold", "reject_appeal"}
ALL_STATES = list(PATHS)
ALLOWED = [(s, n) for s in ALL_STATES for n, t in WF.transitions.items() if s in t.source]
REFUSED = [(s, n) for s in ALL_STATES for n, t in WF.transitions.items() if s not in t.source]


@pytest.fixture
def people():
    dept_a, dept_b = make_department(name="甲局"), make_department(name="乙局")
    return {
        "specialist": make_user(role=Role.INDICATOR_SPECIALIST, username="wang"),
        "leader_a": make_user(role=Role.DEPARTMENT_LEADER, department=dept_a, username="zhang"),
        "clerk_a": make_user(role=Role.WINDOW_CLERK, department=dept_a, username="li"),
        "clerk_b": make_user(role=Role.WINDOW_CLERK, department=dept_b, username="zhao"),
    }


def actor_for(name: str, people):
    return people["specialist"] if name in CENTER_STEPS else people["leader_a"]


def handling_in(state: str, people) -> BadReviewHandling:
    handling = bad_review(case=completed_case(clerk=people["clerk_a"]), when="2024-09-30 10:00")
    # Walk to the wanted state through the engine itself, never by assignment.
    for name in PATHS[state]:
        handling = step(handling, name, actor=actor_for(name, people), when=WHEN)
    return handling


def test_the_table_covers_every_state():
    assert WF.states == set(S.values)
    assert len(ALLOWED) + len(REFUSED) == len(S.values) * len(WF.transitions)


@pytest.mark.parametrize(("state", "name"), ALLOWED)
def test_an_allowed_step_moves_to_its_target_and_writes_one_audit_row_on_the_handling(state, name, people):
    handling = handling_in(state, people)
    before = audit.events_for(handling).count()
    moved = step(handling, name, actor=actor_for(name, people), when="2024-10-09 10:00", reason="依规处理")
    assert moved.status == WF.transitions[name].target
    assert moved.version == handling.version + 1
    events = list(audit.events_for(handling))
    assert len(events) == before + 1
    assert (events[-1].action, events[-1].from_state, events[-1].to_state, events[-1].reason) == (
        f"badreviewhandling.{name}", state, WF.transitions[name].target, "依规处理")
    assert events[-1].actor_id == actor_for(name, people).pk


@pytest.mark.parametrize(("state", "name"), REFUSED)
def test_a_step_from_the_wrong_state_is_a_409_and_writes_nothing(state, name, people):
    handling = handling_in(state, people)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        step(handling, name, actor=actor_for(name, people), when="2024-10-09 10:00")
    assert (err.value.status, err.value.code) == (409, "invalid_transition")
    assert AuditEvent.objects.count() == before
    assert BadReviewHandling.objects.get(pk=handling.pk).status == state


@pytest.mark.parametrize(("name", "state", "persona"), [
    ("visit", S.REGISTERED, "clerk_a"),
    ("feedback", S.RECTIFIED, "leader_a"),
    ("uphold", S.APPEALING, "leader_a"),
    ("reject_appeal", S.APPEALING, "clerk_a"),
    ("rectify", S.VISITED, "specialist"),
    ("appeal", S.VISITED, "specialist"),
])
def test_a_step_without_its_permission_is_a_403_and_writes_nothing(name, state, persona, people):
    handling = handling_in(state, people)
    before = AuditEvent.objects.count()
    with pytest.raises(Forbidden) as err:
        step(handling, name, actor=people[persona], when="2024-10-09 10:00")
    assert err.value.status == 403
    assert AuditEvent.objects.count() == before
    assert BadReviewHandling.objects.get(pk=handling.pk).status == state


@pytest.mark.parametrize("name", ["rectify", "appeal"])
def test_the_clerk_of_the_department_may_rectify_and_appeal_too(name, people):
    handling = handling_in(S.VISITED, people)
    assert step(handling, name, actor=people["clerk_a"], when="2024-10-09 10:00").status == WF.transitions[name].target


def test_a_clerk_of_another_department_cannot_see_the_bad_review_so_gets_404(people):
    handling = handling_in(S.VISITED, people)
    with pytest.raises(NotFound):
        step(handling.pk, "rectify", actor=people["clerk_b"], when="2024-10-09 10:00")
    assert BadReviewHandling.objects.get(pk=handling.pk).status == S.VISITED


@pytest.mark.parametrize("name", sorted(WF.transitions))
def test_every_step_needs_its_text_and_refuses_a_blank_one_naming_the_reason(name, people):
    state = next(s for s in ALL_STATES if s in WF.transitions[name].source)
    handling = handling_in(state, people)
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as err:
        step(handling, name, actor=actor_for(name, people), when="2024-10-09 10:00", reason="  ")
    assert (err.value.field, err.value.code) == ("reason", "reason_required")
    assert AuditEvent.objects.count() == before


def test_a_stale_copy_loses_cleanly_to_a_concurrent_change(people):
    handling = handling_in(S.VISITED, people)
    stale = BadReviewHandling.objects.get(pk=handling.pk)
    step(handling, "rectify", actor=people["leader_a"], when="2024-10-09 10:00")
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        step(stale, "appeal", actor=people["clerk_a"], when="2024-10-09 10:05")
    assert err.value.code == "concurrent_change"
    assert AuditEvent.objects.count() == before
    assert BadReviewHandling.objects.get(pk=handling.pk).status == S.RECTIFIED


def test_the_buttons_offered_follow_the_state_and_the_persona(people):
    handling = handling_in(S.VISITED, people)
    assert [t.name for t in WF.available(handling, people["leader_a"])] == ["rectify", "appeal"]
    assert [t.name for t in WF.available(handling, people["specialist"])] == []
    appealing = handling_in(S.APPEALING, people)
    assert [t.name for t in WF.available(appealing, people["specialist"])] == ["uphold", "reject_appeal"]
    assert [t.name for t in WF.available(appealing, people["clerk_a"])] == []
