"""Figures of the area "政务服务效能": cases received, the online rate and the two overdue rates.

All four are the evaluation dashboard's "全区" row (``evaluation.selectors.district_indicators``): the same
counters (kept by the evaluation rollups from the case events) and the same formulas as the nine indicators,
so the report equals the screen. A case is counted on the local day of the event the counter names (receipt,
acceptance decision, completion).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from zhengwu.reports.registry import Area, Better, Figure, Period, Unit, register


def _values(period: Period, *codes: str) -> dict:
    from zhengwu.evaluation import selectors

    return selectors.district_indicators(start=period.start, end=period.end, codes=codes)


def _received(period: Period) -> int:
    return int(_values(period, "online_rate")["online_rate"].denominator)


def _percent(code: str):
    def compute(period: Period) -> Decimal | None:
        return _values(period, code)[code].percent
    return compute


def _dashboard(indicator: str):
    def link(period: Period) -> str:
        return reverse("evaluation:dashboard") + "?" + urlencode(
            {"start": period.start.isoformat(), "end": period.end.isoformat(), "indicator": indicator})
    return link


def _drilldown(indicator: str):
    def link(period: Period) -> str:
        return reverse("evaluation:drilldown") + "?" + urlencode(
            {"start": period.start.isoformat(), "end": period.end.isoformat(), "indicator": indicator})
    return link


def _cases_list(period: Period) -> str:
    return reverse("cases:list") + "?" + urlencode(
        {"received_from": period.start.isoformat(), "received_to": period.end.isoformat()})


register(Figure(
    key="cases.received", area=Area.SERVICES, label="受理政务服务事项", unit=Unit.CASES,
    definition="期间内收件的办件数(各渠道:网办、掌办、窗口、村级代办、自助终端),按收件时间的本地日期统计;"
               "即指标看板“一网通办率”的分母。",
    compute=_received, link=_cases_list, order=10, headline=True, better=Better.NEUTRAL,
))

register(Figure(
    key="cases.online_rate", area=Area.SERVICES, label="“一网通办”办件率", unit=Unit.PERCENT,
    definition="期间内经网办(PC端)和掌办(移动端)收件的办件数 ÷ 期间内全部收件数 × 100%,按收件日统计"
               "(评价办法第1项指标“一网通办率”的全区值)。",
    compute=_percent("online_rate"), link=_dashboard("online_rate"), order=20, headline=True,
    better=Better.UP, decimals=1,
))

register(Figure(
    key="cases.overdue_completion_rate", area=Area.SERVICES, label="办件超期办结率", unit=Unit.PERCENT,
    definition="期间内办结(准予或不予)且晚于办结期限的办件数 ÷ 期间内办结的办件数 × 100%,按办结日统计;"
               "办结期限按承诺时限以工作日计算,扣除中止时间(评价办法第3项指标)。",
    compute=_percent("completion_overdue_rate"), link=_drilldown("completion_overdue_rate"), order=30,
    better=Better.DOWN, decimals=2,
))

register(Figure(
    key="cases.overdue_acceptance_rate", area=Area.SERVICES, label="超期受理率", unit=Unit.PERCENT,
    definition="期间内作出受理决定(含视为受理)且晚于受理期限的办件数 ÷ 期间内受理的办件数 × 100%,"
               "按受理日统计;受理期限默认为收件后5个工作日(评价办法第2项指标)。",
    compute=_percent("acceptance_overdue_rate"), link=_drilldown("acceptance_overdue_rate"), order=40,
    better=Better.DOWN, decimals=2,
))
