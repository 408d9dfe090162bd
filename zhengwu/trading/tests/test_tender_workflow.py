"""The tender transition table: every state × transition; allowed ones move and write one audit row,
refused ones raise 409 and write nothing. And the objection table."""

from __future__ import annotations

import pytest

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading import services
from zhengwu.trading.choices import ObjectionStatus
from zhengwu.trading.choices import TenderStatus as S
from zhengwu.trading.models import Objection, Tender
from zhengwu.trading.testing import at, credit, make_project, make_tender, move, publish
from zhengwu.trading.workflow import OBJECTION_WORKFLOW, TENDER_WORKFLOW

pytestmark = pytest.mark.django_db

# When each action is tried: publish on the day the documents go out, amend 19 days before the deadline
# (21 March 09:30), close/open/fail after it.
WHEN = {"publish": "2024-03-01 09:00", "amend": "2024-03-02 10:00", "close": "2024-03-21 09:30",
        "open": "2024-03-21 09:40", "fail": "2024-03-21 10:00"}
KWARGS = {"amend": {"title": "修改一", "content": "工期由 300 天改为 280 天"}, "fail": {"reason": "投标人不足三家"}}
PATHS = {
    S.DRAFT: [],
    S.PUBLISHED: ["publish"],
    S.AMENDED: ["publish", "amend"],
    S.CLOSED: ["publish", "close"],
    S.OPENED: ["publish", "close", "open"],
    S.FAILED: ["publish", "close", "fail"],
}
ACTIONS = list(TENDER_WORKFLOW.transitions)
ALLOWED = [(s, a) for s in PATHS for a in ACTIONS if s in TENDER_WORKFLOW.transitions[a].source]
REFUSED = [(s, a) for s in PATHS for a in ACTIONS if s not in TENDER_WORKFLOW.transitions[a].source]


@pytest.fixture
def staff():
    return make_user(role=Role.TRADING_STAFF)


def act(tender: Tender, action: str, *, actor) -> Tender:
    return move(tender, action, when=WHEN[action], actor=None if action == "close" else actor, **KWARGS.get(action, {}))


def tender_in(state: str, *, actor) -> Tender:
    tender = make_tender(project=make_project())
    for action in PATHS[state]:
        tender = act(tender, action, actor=actor)
    return tender


def test_the_table_covers_every_state_and_action():
    assert set(PATHS) == set(S.values)
    assert len(ALLOWED) + len(REFUSED) == len(PATHS) * len(ACTIONS)
    assert set(ACTIONS) == {"publish", "amend", "close", "open", "fail"}


@pytest.mark.parametrize(("state", "action"), ALLOWED)
def test_an_allowed_action_moves_the_tender_and_writes_one_audit_row(state, action, staff):
    tender = tender_in(state, actor=staff)
    before = AuditEvent.objects.count()
    moved = act(tender, action, actor=staff)
    target = TENDER_WORKFLOW.transitions[action].target
    assert moved.status == target
    assert Tender.objects.get(pk=tender.pk).status == target
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.from_state, event.to_state) == (f"tender.{action}", state, target)


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_a_refused_action_raises_409_and_writes_nothing(state, action, staff):
    tender = tender_in(state, actor=staff)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        act(tender, action, actor=staff)
    assert (err.value.status, err.value.code) == (409, "invalid_transition")
    assert AuditEvent.objects.count() == before
    assert Tender.objects.get(pk=tender.pk).status == state


def test_closing_before_the_deadline_is_refused(staff):
    tender = tender_in(S.PUBLISHED, actor=staff)
    with pytest.raises(Conflict) as err:
        move(tender, "close", when="2024-03-21 09:29", actor=None)
    assert err.value.code == "deadline_not_reached"
    assert Tender.objects.get(pk=tender.pk).status == S.PUBLISHED


def test_the_sweep_closes_due_tenders_once(staff):
    due = tender_in(S.PUBLISHED, actor=staff)
    later = make_tender(project=make_project(), deadline="2024-03-25 09:30")
    publish(later)
    assert services.tenders_close_due(now=at("2024-03-21 09:30")) == 1
    assert services.tenders_close_due(now=at("2024-03-21 09:40")) == 0
    assert Tender.objects.get(pk=due.pk).status == S.CLOSED
    assert Tender.objects.get(pk=later.pk).status == S.PUBLISHED
    assert AuditEvent.objects.filter(action="tender.close", actor_label="system").count() == 1


def test_close_is_the_systems_and_never_offered_as_a_button(staff):
    tender = tender_in(S.PUBLISHED, actor=staff)
    assert [t.name for t in TENDER_WORKFLOW.available(tender, staff)] == ["amend"]


def test_failing_needs_a_reason(staff):
    tender = tender_in(S.CLOSED, actor=staff)
    with pytest.raises(InvalidInput) as err:
        move(tender, "fail", when="2024-03-21 10:00", actor=staff)
    assert err.value.field == "reason"


def test_a_supervisor_may_read_but_not_publish(staff):
    tender = tender_in(S.DRAFT, actor=staff)
    with pytest.raises(Forbidden):
        move(tender, "publish", when="2024-03-01 09:00", actor=make_user(role=Role.SUPERVISOR))


def test_an_enterprise_user_cannot_see_a_draft_and_cannot_publish_a_published_one(staff):
    tender = tender_in(S.DRAFT, actor=staff)
    bidder = make_user(role=Role.ENTERPRISE_USER, enterprise=make_enterprise(credit_code=credit(1)))
    with pytest.raises(NotFound):
        move(tender, "publish", when="2024-03-01 09:00", actor=bidder)
    published = tender_in(S.PUBLISHED, actor=staff)
    with pytest.raises(Forbidden):
        move(published, "amend", when="2024-03-02 10:00", actor=bidder, **KWARGS["amend"])


def test_a_window_clerk_sees_no_tender(staff):
    tender = tender_in(S.DRAFT, actor=staff)
    clerk = make_user(role=Role.WINDOW_CLERK, department=make_department())
    with pytest.raises(NotFound):
        move(tender, "publish", when="2024-03-01 09:00", actor=clerk)


def test_a_stale_version_is_a_409_and_nothing_changes(staff):
    tender = tender_in(S.DRAFT, actor=staff)
    with pytest.raises(Conflict) as err:
        services.tender_publish(actor=staff, tender=tender.pk, now=at("2024-03-01 09:00"), expected_version=7)
    assert err.value.code == "concurrent_change"
    assert Tender.objects.get(pk=tender.pk).status == S.DRAFT


# --- objections ------------------------------------------------------------------------------------

def objection_in(state: str, *, actor) -> Objection:
    tender = tender_in(S.PUBLISHED, actor=actor)
    objection = services.objection_submit(actor=actor, tender=tender, content="资格条件限定本地业绩", objector_name="某公司",
                                          now=at("2024-03-05 10:00"))
    if state == ObjectionStatus.ANSWERED:
        objection = services.objection_answer(actor=actor, objection=objection, answer="已删除该条件",
                                              now=at("2024-03-06 10:00"))
    return objection


ANSWERABLE = [s for s in ObjectionStatus.values if s in OBJECTION_WORKFLOW.transitions["answer"].source]
NOT_ANSWERABLE = [s for s in ObjectionStatus.values if s not in ANSWERABLE]


@pytest.mark.parametrize("state", ANSWERABLE)
def test_an_objection_that_may_be_answered_is_answered_with_one_audit_row(state, staff):
    objection = objection_in(state, actor=staff)
    before = AuditEvent.objects.count()
    answered = services.objection_answer(actor=staff, objection=objection, answer="维持原条件,理由……",
                                         now=at("2024-03-07 10:00"))
    assert answered.status == ObjectionStatus.ANSWERED
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.parametrize("state", NOT_ANSWERABLE)
def test_an_answered_objection_is_not_answered_again(state, staff):
    objection = objection_in(state, actor=staff)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        services.objection_answer(actor=staff, objection=objection, answer="再答一次", now=at("2024-03-07 10:00"))
    assert AuditEvent.objects.count() == before
    assert Objection.objects.get(pk=objection.pk).answer == "已删除该条件"
