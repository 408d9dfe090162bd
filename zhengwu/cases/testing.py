"""Factories for the cases domain's tests (plain functions, explicit arguments)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from zhengwu.cases import services
from zhengwu.cases.choices import Channel, ItemType
from zhengwu.cases.models import Case, ServiceItem

SHANGHAI = ZoneInfo("Asia/Shanghai")
VALID_ID = "11010519491231002X"


def at(text: str) -> datetime:
    """An aware Asia/Shanghai moment from 'YYYY-MM-DD HH:MM'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def make_item(*, department, code: str = "ITEM-1", promised: int = 3, statutory: int = 20, **extra: Any) -> ServiceItem:
    fields = {"name": f"测试事项{code}", "item_type": ItemType.LICENSE, "statutory_limit": statutory,
              "promised_limit": promised, **extra}
    return services.item_create(actor="test", code=code, department=department, **fields)


def receive(*, actor, item: ServiceItem, when: str, channel: str = Channel.WINDOW, **extra: Any) -> Case:
    fields = {"applicant_kind": "person", "applicant_name": "张三", "id_number": VALID_ID, **extra}
    case, _code = services.case_receive(actor=actor, item=item, channel=channel, received_at=at(when), **fields)
    return case


def move(case: Case, action: str, *, actor, when: str, reason: str = "", **payload: Any) -> Case:
    return services.case_transition(actor=actor, case=case, action=action, reason=reason,
                                    payload=payload or None, now=at(when))
