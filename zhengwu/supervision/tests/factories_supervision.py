"""Small data for the supervision core's tests: a published tender with three bidders, a flag raised on it
by ``flag_raise`` (as a detector would), and the people who look at it."""

from __future__ import annotations

from typing import Any

from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.supervision import services
from zhengwu.supervision.choices import FlagFamily
from zhengwu.supervision.models import Flag
from zhengwu.trading.models import Tender
from zhengwu.trading.testing import at, credit, published_tender, register


def tender_with_bidders(*, names: tuple[str, ...] = ("甲建设有限公司", "乙建设有限公司", "丙建设有限公司"),
                        offset: int = 700, **project_extra: Any) -> tuple[Tender, list[Any]]:
    tender = published_tender(**project_extra)
    registrations = [register(tender, code=credit(offset + n), name=name) for n, name in enumerate(names)]
    return tender, registrations


def raise_flag(*, rule: str = "CN_SAME_MACHINE", family: str = FlagFamily.COLLUSION, tender: Tender | None = None,
               registrations: list[Any] | None = None, key: Any = None, when: str = "2024-03-22 10:00") -> Flag:
    """A collusion flag on the tender's first section: two bidders' files made on the same machine."""
    if tender is None:
        tender, registrations = tender_with_bidders()
    offer = tender.tender_sections.select_related("section").first()
    pair = [r.enterprise for r in (registrations or [])[:2]]
    evidence = {"bidders": [{"name": e.name, "credit_code": e.credit_code} for e in pair],
                "shared": {"machine_code": "MC-7F3A-19B2"}, "prices": ["3800000.00", "3801000.00"],
                "similarity": 0.93}
    flag, _created = services.flag_raise(
        actor="test", rule=rule, family=family, subject=offer, title="两家投标人的投标文件由同一台电脑制作",
        evidence=evidence, key=key if key is not None else sorted(e.pk for e in pair), value=2,
        project=tender.project, tender_section=offer, enterprises=pair, now=at(when))
    return flag


def supervisor(**extra: Any) -> Any:
    return make_user(role=Role.SUPERVISOR, **extra)


def enterprise_user(enterprise: Any, **extra: Any) -> Any:
    return make_user(role=Role.ENTERPRISE_USER, enterprise=enterprise, **extra)
