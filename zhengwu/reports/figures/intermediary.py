"""Figures of the area "网上中介超市", read through ``intermediary.selectors``."""

from __future__ import annotations

from django.urls import reverse

from zhengwu.reports.registry import Area, Better, Figure, Unit, register


def _sel():
    from zhengwu.intermediary import selectors

    return selectors


register(Figure(
    key="intermediary.agencies", area=Area.INTERMEDIARY, label="入驻网上中介超市的中介机构", unit=Unit.UNITS,
    definition="期间内在库的中介机构数:入驻日期不晚于期末,且未在期初之前被清理(期内被清理的仍计入)。",
    compute=lambda period: _sel().agencies_listed(start=period.start, end=period.end),
    link=lambda period: reverse("intermediary:agencies"), order=10, compare=False,
))

register(Figure(
    key="intermediary.removed", area=Area.INTERMEDIARY, label="清理中介机构", unit=Unit.UNITS,
    definition="期间内(按状态变更时间的本地日期)被清理出库、当前状态为“已清理”的中介机构数。",
    compute=lambda period: _sel().agencies_removed(start=period.start, end=period.end),
    link=lambda period: reverse("intermediary:agencies") + "?status=removed", order=20,
))

register(Figure(
    key="intermediary.deals", area=Area.INTERMEDIARY, label="中介超市成交", unit=Unit.ENTRIES,
    definition="期间内(按成交时间的本地日期)在网上中介超市选定中介机构成交的采购条数,"
               "含其后已签约、已完成和已评价的;2024年目标不少于300条。",
    compute=lambda period: _sel().deals_between(start=period.start, end=period.end),
    link=lambda period: reverse("intermediary:deals"), order=30, better=Better.UP,
))
