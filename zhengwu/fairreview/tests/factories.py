"""Factories for the fair competition review's tests: a draft works tender of 2000 万 with documents text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from zhengwu.trading import services as trading_services
from zhengwu.trading.models import Tender
from zhengwu.trading.testing import make_project, make_tender

CLEAN = "第一章 招标公告\n本项目为城区道路改造工程,资金来源为财政资金。\n第二章 投标人资格要求\n投标人须具有市政公用工程施工总承包三级及以上资质。\n"
LOCAL = "投标人须为本地注册企业。"
CAPITAL = "投标人注册资本不低于5000万元。"
BRAND = "路灯须采用飞利浦品牌。"
BRAND_EQUIVALENT = "路灯须采用飞利浦品牌或相当于同等档次的产品。"


def draft_tender(*, documents_text: str = "", estimate: str = "20000000", kind: str = "works",
                 actor: Any = "test", future: bool = False) -> Tender:
    """A draft dated in March 2024 (published with an explicit ``now``), or, ``future``, from tomorrow on (for the
    screens and the API, which run on the server's clock)."""
    project = make_project(sections=[(kind, estimate)], estimate=estimate)
    if future:
        start = timezone.localtime() + timedelta(days=1)
        tender = make_tender(project=project, issued=f"{start:%Y-%m-%d} 09:00",
                             deadline=f"{start + timedelta(days=22):%Y-%m-%d} 09:30",
                             sale=(f"{start:%Y-%m-%d}", f"{start + timedelta(days=6):%Y-%m-%d}"))
    else:
        tender = make_tender(project=project)
    if documents_text:
        trading_services.tender_documents_update(actor=actor, tender=tender, documents_text=documents_text)
    return Tender.objects.get(pk=tender.pk)
