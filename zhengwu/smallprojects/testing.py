"""Factories for the small-projects tests and the demo (plain functions, explicit arguments)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from zhengwu.core.identifiers import make_credit_code
from zhengwu.smallprojects import services
from zhengwu.smallprojects.choices import Category, ContractingWay, Funding
from zhengwu.smallprojects.models import SmallProject

ACTOR = "test"
#: a moment after every date the tests use
LATER = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def credit(n: int) -> str:
    """The same valid unified social credit code for the same ``n``."""
    return make_credit_code(random.Random(f"smallprojects:{n}"))


def make_project(*, region: Any, name: str = "环村路硬化工程", estimate: str = "1500000", keyword: str = "",
                 category: str = Category.ROAD, actor: Any = ACTOR, approval: str | None = "2024-01-10",
                 **extra: Any) -> SmallProject:
    return services.small_project_register(
        actor=actor, name=name, owner_region=region, owner_name=f"{region.name}村民委员会", category=category,
        estimate=estimate, funding=Funding.VILLAGE, scope_keyword=keyword, approval_date=approval,
        approval_number="镇发〔2024〕1号" if approval else "", now=LATER, **extra)


def contract(project: SmallProject, *, amount: str = "1500000", on: str = "2024-03-01", contractor: int = 1,
             actor: Any = ACTOR, way: str = ContractingWay.DIRECT) -> SmallProject:
    return services.contract_record(actor=actor, project=project, contract_amount=amount, contract_date=on,
                                    contractor_credit_code=credit(contractor), contractor_name=f"承包企业{contractor}",
                                    contracting_way=way, now=LATER)


def contracted(*, region: Any, amount: str = "1500000", on: str = "2024-03-01", contractor: int = 1,
               **extra: Any) -> SmallProject:
    return contract(make_project(region=region, estimate=amount, **extra), amount=amount, on=on,
                    contractor=contractor)


def pay(project: SmallProject, *, amount: str, on: str, kind: str = "progress", actor: Any = ACTOR):
    return services.payment_record(actor=actor, project=project, amount=amount, paid_on=on, kind=kind, now=LATER)


def change(project: SmallProject, *, amount: str, on: str = "2024-05-01", actor: Any = ACTOR):
    return services.change_order_record(actor=actor, project=project, amount=amount, reason="增加排水沟",
                                        approved_on=on, approver="镇建设办", now=LATER)


def accept(project: SmallProject, *, on: str, result: str = "pass", actor: Any = ACTOR):
    return services.acceptance_record(actor=actor, project=project, accepted_on=on, result=result,
                                      participants="镇建设办、村监委、施工单位", now=LATER)
