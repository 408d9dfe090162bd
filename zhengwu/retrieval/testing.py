"""Factories for the retrieval tests and the demo (plain functions, explicit arguments)."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

from zhengwu.core.identifiers import make_credit_code, make_id_card
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.models import Department, User
from zhengwu.org.roles import Role
from zhengwu.retrieval import services
from zhengwu.retrieval.choices import RequesterKind, SubjectKind
from zhengwu.retrieval.models import Requester, RetrievalRequest

ACTOR = "test"
TZ = dt.timezone(dt.timedelta(hours=8))
#: a Monday: the tests ask at 09:00 and decide at 10:00
ASKED = dt.datetime(2025, 3, 3, 9, 0, tzinfo=TZ)
DECIDED = ASKED + dt.timedelta(hours=1)
WORKER_ID = make_id_card(birth=dt.date(1988, 6, 12), seq=123)
WORKER_PHONE = "13900139000"
OWNERS = ("police", "justice", "market", "hrss", "health")
LINK_RE = re.compile(r"/retrieval/consent/([0-9a-f]{32})/")


def credit(n: int) -> str:
    """The same valid unified social credit code for the same ``n``."""
    return make_credit_code(random.Random(f"retrieval:{n}"))


def make_catalog(departments: dict[str, Department] | None = None) -> dict[str, Department]:
    """The default catalog with one department per owner key (given, or made here)."""
    names = {"police": "市公安局婺城分局", "justice": "区司法局", "market": "市场监督管理局婺城分局",
             "hrss": "区人力资源和社会保障局", "health": "区卫生健康局"}
    departments = departments or {key: make_department(name=names[key]) for key in OWNERS}
    services.catalog_install_defaults(actor=ACTOR, departments=departments)
    return departments


def make_requester(n: int = 1, *, kind: str = RequesterKind.HOUSEKEEPING, name: str | None = None) -> Requester:
    return services.requester_register(actor=ACTOR, credit_code=credit(n), name=name or f"测试家政服务有限公司{n}",
                                       kind=kind)


def requester_user(requester: Requester, **extra: Any) -> User:
    return make_user(role=Role.ENTERPRISE_USER, enterprise=requester.enterprise, **extra)


def clerk(department: Department, **extra: Any) -> User:
    return make_user(role=Role.WINDOW_CLERK, department=department, **extra)


def ask(user: Any, *, types: tuple[str, ...] = ("no_criminal_record", "social_insurance"),
        scenario: str = "housekeeping", purpose: str = "家政服务人员上岗前背景核查", id_number: str = WORKER_ID,
        name: str = "陈小梅", phone: str = WORKER_PHONE, now: dt.datetime = ASKED, **extra: Any) -> RetrievalRequest:
    return services.request_create(actor=user, scenario=scenario, info_types=list(types), purpose=purpose,
                                   subject_kind=SubjectKind.PERSON, subject_name=name, subject_id_number=id_number,
                                   subject_phone=phone, now=now, **extra)


def grant(request: RetrievalRequest, *, identity: str = WORKER_ID[-4:], now: dt.datetime = DECIDED,
          schedule_fetch: bool = False) -> RetrievalRequest:
    return services.consent_decide_by_code(code=request.issued_code, identity=identity, decision="grant", now=now,
                                           schedule_fetch=schedule_fetch)
