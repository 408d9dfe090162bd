"""Figures of financial services for bidders (金融服务, DOMAIN.md §13: "累计服务企业5707次,释放投标企业资金压力
11.74亿元;…累计清退64.2万元").

The guarantees come from ``zhengwu.finance.selectors.guarantee_figures_district`` (the totals ``保函笔数`` and
``释放保证金`` of the finance figures page ``/finance/figures/``, which filters by the same period); the old deposits
refunded come from the trading domain's clean-up batches (``trading.selectors_figures.old_deposit_refunds``), which
have no list page, so that figure has no link.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhengwu.finance import selectors as finance
from zhengwu.reports.registry import Area, Better, Figure, Period, Unit, register
from zhengwu.trading import selectors_figures as trading

AREA = Area.FINANCE


def _figures_page(period: Period) -> str:
    return f"{reverse('finance:figures')}?date_from={period.start.isoformat()}&date_to={period.end.isoformat()}"


def _guarantees(period: Period) -> dict[str, Any]:
    return finance.guarantee_figures_district(date_from=period.start, date_to=period.end)


register(Figure(
    key="finance.guarantee_services", area=AREA, label="金融服务超市以电子保函服务投标企业", unit=Unit.TIMES,
    order=10, better=Better.UP,
    definition="金融服务超市出具、并已关联交易平台投标保证金的电子投标保函笔数,按出具日期计入期间。",
    compute=lambda period: _guarantees(period)["guarantees"], link=_figures_page))

register(Figure(
    key="finance.guarantee_amount", area=AREA, label="释放投标企业资金", unit=Unit.YUAN, order=20, better=Better.UP,
    definition="上述电子保函所替代的投标保证金金额之和(元),即投标企业无需以现金缴存的资金,按保函出具日期计入期间。",
    compute=lambda period: _guarantees(period)["money_freed"], link=_figures_page))

register(Figure(
    key="finance.old_deposits_refunded", area=AREA, label="清退历史沉淀保证金", unit=Unit.YUAN, order=30,
    definition="历史沉淀投标保证金清退批次中,退还日期在期间内的批次的退还金额合计(元)。",
    compute=lambda period: trading.old_deposit_refunds(date_from=period.start, date_to=period.end)["total"],
    link=None))
