"""Small test figures and templates for the report's own tests, independent of the area figure modules.

``fake_figures`` swaps the registry for one holding only these figures (restored after the test), so the
report's tests neither depend on nor compute the real areas' figures. Values by year: 2023 is "this" period,
2022 the same period a year earlier.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengwu.reports import registry, services
from zhengwu.reports.models import SentenceTemplate
from zhengwu.reports.registry import Better, Figure, Unit

DATA = {
    "t.cases": {2023: 562_118, 2022: 530_000},
    "t.rate": {2023: Decimal("99.40"), 2022: Decimal("98.90")},
    "t.amount": {2023: Decimal("37230000000.00"), 2022: Decimal("30000000000.00")},
    "t.bad": {2023: 700, 2022: 880},
    "t.reminders": {2023: 3946, 2022: None},
    "t.empty": {},
}


def _from(key: str):  # noqa: ANN202
    return lambda period: DATA[key].get(period.end.year)


TEST_FIGURES = [
    Figure(key="t.cases", area="services", label="受理事项", unit=Unit.CASES, headline=True, order=10,
           definition="测试:期间内收件数。", compute=_from("t.cases"),
           link=lambda p: "/cases/?" + p.querystring()),
    Figure(key="t.rate", area="services", label="网办率", unit=Unit.PERCENT, decimals=1, headline=True, order=20,
           definition="测试:网办件数 ÷ 收件数。", compute=_from("t.rate")),
    Figure(key="t.bad", area="evaluation", label="差评件", unit=Unit.CASES, better=Better.DOWN, order=10,
           definition="测试:差评件数。", compute=_from("t.bad")),
    Figure(key="t.reminders", area="evaluation", label="提醒超期事项", unit=Unit.CASES, order=20,
           definition="测试:提醒条数。", compute=_from("t.reminders")),
    Figure(key="t.empty", area="village", label="无数据指标", unit=Unit.ITEMS, order=10,
           definition="测试:总是无数据。", compute=_from("t.empty")),
    Figure(key="t.amount", area="trading", label="成交金额", unit=Unit.YUAN, headline=True, order=10,
           definition="测试:成交金额合计。", compute=_from("t.amount")),
]


@pytest.fixture
def fake_figures(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(registry, "_FIGURES", {})
    monkeypatch.setattr(registry, "_LOADED", True)
    for fig in TEST_FIGURES:
        registry.register(fig)
    return {f.key: f for f in TEST_FIGURES}


OPENING = ["{period},我区共受理政务服务事项{t.cases}({t.cases|exact}),网办率达{t.rate}。",
           "完成交易金额{t.amount}。"]
SECTIONS = [
    ("services", 10, "(一)坚持问题导向,提升政务服务效能", "差评件{t.bad|change},上年同期{t.bad|previous}件数为参考。"),
    ("evaluation", 20, "坚持问题导向,提升政务服务效能", "累计提醒超期事项{t.reminders}。"),
    ("village", 30, "突出好办易办,推动政务服务延伸下沉", "梳理下放{t.empty}政务服务高频事项。"),
    ("trading", 40, "聚焦降本增效", "成交金额{t.amount|exact},{t.amount|change}。"),
]


@pytest.fixture
def fake_templates(fake_figures, db):  # noqa: ANN001, ANN201
    """Only these templates: two opening sentences; sections (一) with two paragraphs, (二) with one paragraph
    whose only figure has no data (left out), and (三)."""
    SentenceTemplate.objects.all().delete()
    made = [services.template_create(actor="test", area="opening", order=i, text=t)
            for i, t in enumerate(OPENING)]
    made += [services.template_create(actor="test", area=a, order=o, heading=h, text=t) for a, o, h, t in SECTIONS]
    return made
