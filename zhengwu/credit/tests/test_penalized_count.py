"""The count of experts penalized in a period (the work report's "对2名专家进行考核扣分"): effective penalties by
their date, each expert once; revoked ones out; for a calendar year, the expert list's "penalized" filter."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.core.testing import make_user
from zhengwu.credit import selectors, services
from zhengwu.credit.choices import PenaltyBasis
from zhengwu.org.roles import Role
from zhengwu.trading.testing import at, make_expert

pytestmark = pytest.mark.django_db


def test_experts_penalized_count_each_expert_once_and_leave_out_revoked_and_outside_penalties():
    person = make_user(role=Role.SUPERVISOR)
    first, second, third = (make_expert(name=f"专家{n}") for n in range(3))

    def penalize(expert, day):
        return services.penalty_record(actor=person, expert=expert, points=2, basis=PenaltyBasis.LATE, reason="迟到。",
                                       occurred_on=dt.date.fromisoformat(day), now=at(f"{day} 18:00"))

    penalize(first, "2023-02-01")
    penalize(first, "2023-08-01")
    services.penalty_transition(actor=person, penalty=penalize(second, "2023-03-01"), action="revoke",
                                reason="撤销。", now=at("2023-03-05 10:00"))
    penalize(third, "2024-01-02")
    assert selectors.experts_penalized_count(date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 12, 31)) == 1
    assert selectors.experts_penalized_count(date_from=dt.date(2023, 1, 1), date_to=dt.date(2024, 1, 2)) == 2
    assert selectors.experts_penalized_count(date_from=dt.date(2023, 2, 2), date_to=dt.date(2023, 7, 31)) == 0
    listed = selectors.expert_credit_list(user=person, year=2023, penalized=True)
    assert listed.count() == selectors.experts_penalized_count(date_from=dt.date(2023, 1, 1),
                                                               date_to=dt.date(2023, 12, 31))
