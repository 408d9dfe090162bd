"""The demand's transition table: every state × transition; the allowed ones move the state and write one
audit event, the refused ones raise 409 and write nothing."""

from __future__ import annotations

import pytest

from zhengwu.core.errors import Conflict
from zhengwu.core.models import AuditEvent
from zhengwu.enterprise import services
from zhengwu.enterprise.choices import DemandStatus as S
from zhengwu.enterprise.models import Demand
from zhengwu.enterprise.testing import answered, at, raise_demand, routed, section
from zhengwu.enterprise.workflow import DEMAND_WORKFLOW

pytestmark = pytest.mark.django_db

NOW = at("2024-10-08 09:00")


def in_state(w, state: str) -> Demand:
    if state == S.RECEIVED:
        return raise_demand(w)
    if state == S.CLASSIFIED:
        demand = raise_demand(w)
        return services.demand_classify(actor=w["staff"], demand=demand, section=section())
    if state == S.ROUTED:
        return routed(w)
    if state == S.ANSWERED:
        return answered(w)
    demand = answered(w)
    rating = "unsatisfied" if state == S.RATED else "satisfied"
    return services.demand_rate(actor=w["user_x"], demand=demand.pk, rating=rating, comment="没有解决",
                                now=at("2024-10-08 08:00"))


def attempt(w, name: str, demand: Demand) -> Demand:
    if name == "classify":
        return services.demand_classify(actor=w["staff"], demand=demand.pk, section=section("finance"), now=NOW)
    if name == "route":
        return services.demand_route(actor=w["staff"], demand=demand.pk, lead_department=w["dept_a"], now=NOW)
    if name == "answer":
        return services.demand_answer(actor=w["staff"], demand=demand.pk, content="已答复", now=NOW)
    if name == "rate":
        return services.demand_rate(actor=w["user_x"], demand=demand.pk, rating="unsatisfied", comment="不行",
                                    now=NOW)
    if name == "reopen":
        return services.demand_reopen(actor=w["user_x"], demand=demand.pk, now=NOW)
    return DEMAND_WORKFLOW.run(demand.pk, name, actor=None, now=NOW, payload={"_updates": {}})


#: state -> the transitions that succeed from it (close needs a satisfied rating: see the services tests)
ALLOWED = {
    S.RECEIVED: {"classify"},
    S.CLASSIFIED: {"classify", "route"},
    S.ROUTED: {"answer"},
    S.ANSWERED: {"rate", "close_default"},
    S.RATED: {"reopen"},
    S.CLOSED: set(),
}
CASES = [(state, name) for state in ALLOWED for name in DEMAND_WORKFLOW.transitions]


@pytest.mark.parametrize(("state", "name"), CASES)
def test_every_transition_from_every_state(w, state, name):
    demand = in_state(w, state)
    assert demand.status == state
    events = AuditEvent.objects.count()
    transition = DEMAND_WORKFLOW.transitions[name]
    if name in ALLOWED[state]:
        result = attempt(w, name, demand)
        assert result.status == transition.target
        assert AuditEvent.objects.filter(action=f"demand.{name}").count() >= 1
        assert AuditEvent.objects.count() > events
    else:
        with pytest.raises(Conflict):
            attempt(w, name, demand)
        assert Demand.objects.get(pk=demand.pk).status == state
        assert AuditEvent.objects.count() == events


def test_the_table_declares_every_state():
    assert DEMAND_WORKFLOW.states == set(S.values)
