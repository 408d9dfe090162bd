"""Factories of the credit tests: a section whose evaluation is reported (through the real trading services),
personas, and behaviour records."""

from __future__ import annotations

import random
from typing import Any

from zhengwu.core.identifiers import make_id_card
from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.credit import selectors, services
from zhengwu.org.roles import Role
from zhengwu.trading.testing import TENDERING_PARTY, at, make_expert
from zhengwu.trading.tests.test_evaluation import EVALUATE, opened, reported, start

RATED = at("2024-03-25 10:00")


def id_number(n: int) -> str:
    return make_id_card(rng=random.Random(n))


def people() -> dict[str, Any]:
    party = make_enterprise(credit_code=TENDERING_PARTY, name="区交通运输局")
    other = make_enterprise(credit_code=_code(77), name="别的公司")
    return {"staff": make_user(role=Role.TRADING_STAFF), "supervisor": make_user(role=Role.SUPERVISOR),
            "leader": make_user(role=Role.LEADER), "clerk": make_user(role=Role.WINDOW_CLERK),
            "party": make_user(role=Role.ENTERPRISE_USER, enterprise=party),
            "outsider": make_user(role=Role.ENTERPRISE_USER, enterprise=other), "party_enterprise": party}


def _code(n: int) -> str:
    from zhengwu.trading.testing import credit

    return credit(n)


def reported_section():
    """A tender section with 4 experts drawn on 20 March and its evaluation reported on 22 March."""
    evaluation = reported()
    return evaluation.tender_section


def evaluating_section():
    """A section whose evaluation has started but is not reported."""
    tender, section = opened(["3900000", "3800000", "3600000"])
    return start(tender, section).tender_section


def members(tender_section):
    return selectors.served_members(tender_section)


def rate(tender_section, expert, *, actor: Any = "test", marks=(4, 4, 4, 4), comment: str = "", now=RATED):
    p, d, f, q = marks
    return services.rating_submit(actor=actor, tender_section=tender_section, expert=expert, punctuality=p,
                                  diligence=d, fairness=f, professional=q, comment=comment, now=now)


def expert_with_person(name: str, n: int, **extra: Any):
    return make_expert(name=name, id_number=id_number(n), **extra)


__all__ = ["EVALUATE", "RATED", "at", "expert_with_person", "members", "people", "rate", "reported_section",
           "evaluating_section"]
