"""Factories for the project services tests and the demo (plain functions, explicit arguments)."""

from __future__ import annotations

import datetime as dt
import random
from itertools import count
from typing import Any

from django.utils import timezone

from zhengwu.approvals.choices import ProjectType, RiskClass
from zhengwu.approvals.models import InvestmentProject
from zhengwu.core.identifiers import make_credit_code
from zhengwu.org.models import Enterprise

ACTOR = "test"
#: a moment after every date the tests use
LATER = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
_numbers = count(1)


def make_investor(*, n: int | None = None, name: str = "") -> Enterprise:
    n = n if n is not None else next(_numbers)
    code = make_credit_code(random.Random(f"projectservice:{n}"))
    return Enterprise.objects.get_or_create(credit_code=code, defaults={"name": name or f"投资企业{n}有限公司"})[0]


def make_project(*, township: Any, investor: Enterprise | None = None, name: str = "",
                 risk_class: str = RiskClass.GENERAL, project_type: str = ProjectType.FILING,
                 registered_at: dt.datetime | None = None) -> InvestmentProject:
    """An investment project written through the model's fields (the approvals app owns its services)."""
    n = next(_numbers)
    return InvestmentProject.objects.create(
        code=f"2024-330702-{n:06d}", name=name or f"测试投资项目{n}", investor=investor or make_investor(),
        project_type=project_type, total_investment="1200.00", township=township, risk_class=risk_class,
        registered_at=registered_at or timezone.make_aware(dt.datetime(2024, 1, 5, 9, 0)))


def make_item(*, department: Any, name: str = "建设工程规划许可证核发") -> Any:
    from zhengwu.cases.models import ServiceItem

    n = next(_numbers)
    return ServiceItem.objects.create(code=f"PS-ITEM-{n:05d}", name=name, department=department,
                                      item_type="license", statutory_limit=20, promised_limit=5)
