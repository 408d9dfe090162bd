"""Factories for the intermediary tests and the demo (plain functions, explicit arguments)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from zhengwu.core.identifiers import make_credit_code
from zhengwu.intermediary import services
from zhengwu.intermediary.models import Agency, Purchase, ServiceType
from zhengwu.org.models import Department, Enterprise

ACTOR = "test"
TZ = dt.timezone(dt.timedelta(hours=8))
#: the moment the tests post purchases
POSTED = dt.datetime(2025, 3, 3, 9, 0, tzinfo=TZ)
LATER = POSTED + dt.timedelta(days=3)


def credit(n: int) -> str:
    """The same valid unified social credit code for the same ``n``."""
    return make_credit_code(random.Random(f"intermediary:{n}"))


def make_type(code: str = "survey", name: str = "工程勘察") -> ServiceType:
    return ServiceType.objects.filter(code=code).first() or services.service_type_create(actor=ACTOR, code=code,
                                                                                          name=name)


def make_agency(n: int, *, department: Department, types: list[ServiceType], valid_until: str | None = "2030-12-31",
                registered_on: str = "2023-01-01") -> Agency:
    agency = services.agency_register(actor=ACTOR, credit_code=credit(n), name=f"测试中介机构{n}",
                                      department=department, service_types=types, registered_on=registered_on)
    if valid_until:
        services.qualification_add(actor=ACTOR, agency=agency, name="工程勘察资质", number=f"Q{n:04d}",
                                   valid_until=valid_until)
    return agency


def make_owner(n: int = 900) -> Enterprise:
    return Enterprise.objects.create(credit_code=credit(n), name=f"测试业主{n}")


def post(*, owner: Enterprise, service_type: ServiceType, method: str = "random", budget: str = "100000",
         actor: Any = ACTOR, now: dt.datetime = POSTED, project_name: str = "城东安置房项目", **extra: Any) -> Purchase:
    return services.purchase_post(actor=actor, owner=owner, project_name=project_name, service_type=service_type,
                                  budget=budget, answer_deadline=now + dt.timedelta(days=5),
                                  selection_method=method, now=now, **extra)


def answer(purchase: Purchase, agency: Agency, *, price: str = "90000", actor: Any = ACTOR,
           now: dt.datetime = POSTED + dt.timedelta(days=1)):
    return services.answer_submit(actor=actor, purchase=purchase, agency=agency, price=price,
                                  plan="按规范完成勘察并提交报告。", now=now)
