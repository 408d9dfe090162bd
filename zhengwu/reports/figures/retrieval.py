"""Figures of the area "第三方信息调取", computed by ``retrieval.selectors.figures_district`` (the retrieval
figures screen's own computation, for every request of the district)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse

from zhengwu.reports.registry import Area, Better, Figure, Period, Unit, register


def _totals(period: Period) -> dict:
    from zhengwu.retrieval import selectors

    return selectors.figures_district(date_from=period.start, date_to=period.end)["totals"]


def _on_time_rate(period: Period) -> Decimal | None:
    rate = _totals(period)["on_time_rate"]
    return None if rate is None else (Decimal(str(rate)) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _median_hours(period: Period) -> Decimal | None:
    hours = _totals(period)["median_hours"]
    return None if hours is None else Decimal(str(hours))


def _link(period: Period) -> str:
    return reverse("retrieval:figures") + "?" + period.querystring()


register(Figure(
    key="retrieval.requests", area=Area.RETRIEVAL, label="第三方信息调取申请", unit=Unit.CASES,
    definition="期间内(按提交时间的本地日期)提交的信息调取申请件数,不论其后是否获授权、被拒绝或撤回。",
    compute=lambda period: _totals(period)["requests"], link=_link, order=10,
))

register(Figure(
    key="retrieval.on_time_rate", area=Area.RETRIEVAL, label="部门按时答复率", unit=Unit.PERCENT,
    definition="期间内提交的申请所含调取事项中,部门在答复期限内答复的事项数 ÷ 已答复事项数 × 100%,保留2位小数。",
    compute=_on_time_rate, link=_link, order=20, better=Better.UP, decimals=2,
))

register(Figure(
    key="retrieval.median_hours", area=Area.RETRIEVAL, label="部门答复用时中位数", unit=Unit.HOURS,
    definition="期间内提交的申请所含、已答复的调取事项,从交办部门到部门答复所用小时数的中位数,保留1位小数。",
    compute=_median_hours, link=_link, order=30, better=Better.DOWN, decimals=1,
))
