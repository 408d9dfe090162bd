"""Factories for the enterprise tests and the demo (plain functions, explicit arguments)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from zhengwu.core.identifiers import make_credit_code
from zhengwu.core.testing import make_department, make_user
from zhengwu.enterprise import services
from zhengwu.enterprise.models import Demand, ServiceSection
from zhengwu.org import services as org_services
from zhengwu.org.roles import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOBILE = "13812345678"


def at(moment: str) -> dt.datetime:
    """``"2024-09-27 10:00"`` in the center's time zone."""
    return dt.datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def credit(n: int) -> str:
    return make_credit_code(random.Random(f"enterprise:{n}"))


def section(code: str = "policy") -> ServiceSection:
    return ServiceSection.objects.get(code=code)


def make_world() -> dict[str, Any]:
    """Two departments with a clerk and a leader each, the center's staff, two enterprises with a user each."""
    dept_a = make_department(code="DA", name="甲局")
    dept_b = make_department(code="DB", name="乙局")
    ent_x = org_services.enterprise_register(actor="test", credit_code=credit(1), name="X科技有限公司")
    ent_y = org_services.enterprise_register(actor="test", credit_code=credit(2), name="Y制造有限公司")
    return {
        "dept_a": dept_a, "dept_b": dept_b, "ent_x": ent_x, "ent_y": ent_y,
        "clerk_a": make_user(role=Role.WINDOW_CLERK, department=dept_a),
        "clerk_b": make_user(role=Role.WINDOW_CLERK, department=dept_b),
        "head_a": make_user(role=Role.DEPARTMENT_LEADER, department=dept_a),
        "staff": make_user(role=Role.CENTER_ADMIN),
        "leader": make_user(role=Role.LEADER),
        "user_x": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_x),
        "user_y": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_y),
        "citizen": make_user(role=Role.CITIZEN),
    }


def raise_demand(w: dict[str, Any], *, by: str = "user_x", now: str = "2024-09-26 09:00",
                 title: str = "厂房消防验收咨询", **extra: Any) -> Demand:
    return services.demand_raise(actor=w[by], title=title, content="新建厂房何时可以申请消防验收?",
                                 contact_name="王经理", contact_mobile=MOBILE, now=at(now), **extra)


def routed(w: dict[str, Any], *, now: str = "2024-09-27 10:00", assisting: list | None = None,
           demand_class: str = "routine", **extra: Any) -> Demand:
    demand = raise_demand(w, now=now, **extra)
    services.demand_classify(actor=w["staff"], demand=demand, section=section(), now=at(now))
    return services.demand_route(actor=w["staff"], demand=demand.pk, lead_department=w["dept_a"],
                                 lead_part="答复验收流程", assisting=assisting or [], demand_class=demand_class,
                                 now=at(now))


def answered(w: dict[str, Any], *, now: str = "2024-09-27 10:00", answer_at: str = "2024-09-30 10:00",
             **extra: Any) -> Demand:
    demand = routed(w, now=now, **extra)
    return services.demand_answer(actor=w["clerk_a"], demand=demand.pk, content="可于竣工后申请。",
                                  now=at(answer_at))
