"""Figures of public resource trading (公共资源交易, DOMAIN.md §10, §13; the seed's "完成进场交易项目451宗…").

Every number comes from ``zhengwu.trading.selectors_figures`` (district-wide, the definitions of the figures screen
``/trading/figures/``; a calendar year gives exactly the screen's numbers). Links go to the figures screen for the
year of the period's last day (the screen filters by calendar year only, not by an arbitrary period) or to the
list of remote sessions of that year; the provincial-expert rate has no list page (its numbers are in the API
``/api/v1/trading/expert-draws/provincial-share`` for all projects, not only those above the limit), so it has no link.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

from django.urls import reverse

from zhengwu.reports.registry import Area, Better, Figure, Period, Unit, register
from zhengwu.trading import selectors_figures as trading
from zhengwu.trading.choices import RemoteSessionStatus, VenueKind

AREA = Area.TRADING


def percent(part: Any, whole: Any) -> Decimal | None:
    """part ÷ whole in percent, 2 decimals, half-up; None without a base."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _screen(period: Period) -> str:
    return f"{reverse('trading:figures')}?year={period.end.year}"


def _sessions(role: str) -> Callable[[Period], str]:
    return lambda period: (f"{reverse('trading:sessions')}?year={period.end.year}&our_role={role}"
                           f"&status={RemoteSessionStatus.CLOSED}")


def _between(period: Period) -> dict[str, Any]:
    return {"date_from": period.start, "date_to": period.end}


def _totals(period: Period) -> dict[str, Any]:
    return trading.award_totals(**_between(period))


def _construction(period: Period) -> dict[str, Any]:
    return trading.above_limit_construction(**_between(period))


def _separated(period: Period) -> dict[str, Any]:
    return trading.separated_figures(**_between(period))


def _separation_share(period: Period) -> Decimal | None:
    s = _separated(period)
    return percent(s["government_invested_separated"], s["government_invested_projects"])


def _savings_rate(period: Period) -> Decimal | None:
    c = _construction(period)
    return percent(c["savings"], c["control_total"])


def _provincial_rate(period: Period) -> Decimal | None:
    d = trading.provincial_draws(**_between(period))
    return percent(d["provincial"], d["drawn"])


register(Figure(
    key="trading.projects", area=AREA, label="完成进场交易项目", unit=Unit.PROJECTS, order=10, headline=True,
    better=Better.UP,
    definition="在本中心完成交易的项目数(各类项目):项目在其首次定标(任一标段中标通知书发出,按北京时间日期)"
               "所在期间计一次,此后其他标段的定标不再重复计数。",
    compute=lambda period: _totals(period)["projects"], link=_screen))

register(Figure(
    key="trading.amount", area=AREA, label="成交金额", unit=Unit.YUAN, order=20, headline=True, better=Better.UP,
    definition="期间内发出中标通知书的全部定标的中标价之和(元),各类项目。",
    compute=lambda period: _totals(period)["amount"], link=_screen))

register(Figure(
    key="trading.construction_projects", area=AREA, label="完成限额以上工程建设项目交易", unit=Unit.PROJECTS,
    order=30, better=Better.UP,
    definition="项目类型为工程建设、且按《必须招标的工程项目规定》限额判定为限额以上的项目中,首次定标在期间内的项目数。",
    compute=lambda period: _construction(period)["projects"], link=_screen))

register(Figure(
    key="trading.construction_amount", area=AREA, label="限额以上工程建设项目成交金额", unit=Unit.YUAN, order=40,
    better=Better.UP,
    definition="限额以上工程建设项目在期间内发出中标通知书的定标的中标价之和(元)。",
    compute=lambda period: _construction(period)["amount"], link=_screen))

register(Figure(
    key="trading.savings", area=AREA, label="节约资金", unit=Unit.YUAN, order=50, better=Better.UP,
    definition="限额以上工程建设项目在期间内的定标中,有最高投标限价者的(最高投标限价 − 中标价)之和(元);"
               "无最高投标限价的定标不计入。",
    compute=lambda period: _construction(period)["savings"], link=_screen))

register(Figure(
    key="trading.savings_rate", area=AREA, label="节约率", unit=Unit.PERCENT, order=60, decimals=1, better=Better.UP,
    definition="节约资金 ÷ 同一批定标的最高投标限价之和(限额以上工程建设项目,期间内定标,有最高投标限价者)。",
    compute=_savings_rate, link=_screen))

register(Figure(
    key="trading.separation_projects", area=AREA, label="“评定分离”项目", unit=Unit.PROJECTS, order=70,
    better=Better.UP,
    definition="首次定标在期间内的项目中,其招标文件定标方式为“评定分离”(任一次定标)的项目数,不论资金来源。",
    compute=lambda period: _separated(period)["projects"], link=_screen))

register(Figure(
    key="trading.separation_amount", area=AREA, label="“评定分离”项目成交金额", unit=Unit.YUAN, order=80,
    better=Better.UP,
    definition="期间内发出中标通知书、且其招标定标方式为“评定分离”的定标的中标价之和(元)。",
    compute=lambda period: _separated(period)["amount"], link=_screen))

register(Figure(
    key="trading.separation_share", area=AREA, label="采用“评定分离”的政府投资项目占比", unit=Unit.PERCENT,
    order=90, decimals=1, better=Better.UP,
    definition="首次定标在期间内的政府投资项目中,采用“评定分离”的项目数 ÷ 政府投资项目数"
               "(与交易统计页、2024年“不少于30%”的目标同一口径)。",
    compute=_separation_share, link=_screen))

register(Figure(
    key="trading.remote_main", area=AREA, label="作为主场开展远程异地评标", unit=Unit.TIMES, order=100,
    better=Better.UP,
    definition="本中心作为主场、已结束的远程异地评标场次,按开始时间(北京时间日期)计入期间。",
    compute=lambda period: trading.remote_sessions(**_between(period))["main"], link=_sessions(VenueKind.MAIN)))

register(Figure(
    key="trading.remote_sub", area=AREA, label="作为副场完成远程异地评标", unit=Unit.TIMES, order=110,
    better=Better.UP,
    definition="本中心作为副场、已结束的远程异地评标场次,按开始时间(北京时间日期)计入期间。",
    compute=lambda period: trading.remote_sessions(**_between(period))["sub"], link=_sessions(VenueKind.SUB)))

register(Figure(
    key="trading.provincial_expert_rate", area=AREA, label="依法必招项目省库专家抽取率", unit=Unit.PERCENT,
    order=120, decimals=1, better=Better.UP,
    definition="限额以上(依法必须招标)项目的评标委员会在期间内抽取的专家(含补抽、含后被替换者,按抽取时间)中,"
               "来自省综合性评标专家库的人数 ÷ 抽取总人数。",
    compute=_provincial_rate, link=None))
