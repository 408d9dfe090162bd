"""Figures of the area "投资项目审批提速", computed by ``approvals.timing.figures`` (the figures screen's own
computation) over the combined applications received in the period (``approvals.selectors.applications_received``).

Elapsed time is counted in working days from an application's receipt to the completion of its last item; the
baseline is the sum of its items' promised limits (what they would take one after the other).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from zhengwu.reports.registry import Area, Better, Figure, Period, Unit, register


def _figures(period: Period) -> dict:
    from zhengwu.approvals import selectors, timing

    return timing.figures(selectors.applications_received(start=period.start, end=period.end))


def _time_saved(period: Period) -> Decimal | None:
    total = _figures(period)["total"]
    return Decimal(str(total["saved_percent"])) if total["baseline"] else None


def _reduction(period: Period) -> Decimal | None:
    now = _figures(period)["total"]
    before = _figures(period.previous_year())["total"]
    if not now["applications"] or not before["average_elapsed"]:
        return None
    # the same formula (and rounding) as the screen's year-on-year table
    return Decimal(str(round(100 * (before["average_elapsed"] - now["average_elapsed"]) / before["average_elapsed"],
                             1)))


def _link(period: Period) -> str:
    # the figures screen filters by year only: the year of the period's end
    return reverse("approvals:figures") + "?" + urlencode({"year": period.end.year})


register(Figure(
    key="approvals.time_saved_rate", area=Area.APPROVALS, label="审批平均节约用时", unit=Unit.PERCENT,
    definition="期间内收件且已办结(批件已出或待出)的“多合一”联合申请,(Σ串联基准工作日 − Σ实际用时工作日)"
               " ÷ Σ串联基准工作日 × 100%,保留1位小数;串联基准为各审批事项承诺时限之和,"
               "实际用时为收件至最后一个事项办结的工作日数。",
    compute=_time_saved, link=_link, order=10, better=Better.UP, decimals=1,
))

register(Figure(
    key="approvals.time_reduction_yoy", area=Area.APPROVALS, label="审批平均用时同比压缩", unit=Unit.PERCENT,
    definition="(上年同期已办结联合申请的平均实际用时 − 本期平均实际用时) ÷ 上年同期平均实际用时 × 100%,"
               "保留1位小数,均按收件日归期;2024年目标提速20%。本身即为同比,不再另作同比。",
    compute=_reduction, link=_link, order=20, better=Better.UP, decimals=1, compare=False,
))

register(Figure(
    key="approvals.low_risk_within_3_days", area=Area.APPROVALS, label="低风险小型建筑工程施工许可3日内办结",
    unit=Unit.CASES,
    definition="期间内收件、低风险小型建筑工程施工许可阶段的联合申请中,已办结且实际用时不超过3个工作日的件数。",
    compute=lambda period: _figures(period)["low_risk"]["within_target"], link=_link, order=30, better=Better.UP,
))
