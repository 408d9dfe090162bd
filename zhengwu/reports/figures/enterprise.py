"""Figures of the area "企业综合服务": the enterprise demands' closed loop and the coverage of enterprise items
(``enterprise.selectors``, the figures and coverage screens' own computations), and the project service team
and assisted handling (``projectservice.selectors``, its figures screen's)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from zhengwu.reports.registry import Area, Better, Figure, Period, Unit, register


def _demands(period: Period) -> dict:
    from zhengwu.enterprise import selectors

    return selectors.figures_district(date_from=period.start, date_to=period.end)["total"]


def _on_time_rate(period: Period) -> Decimal | None:
    rate = _demands(period)["on_time_rate"]
    return None if rate is None else Decimal(str(rate))


def _items_entered(period: Period) -> Decimal | None:
    from zhengwu.enterprise import selectors

    coverage = selectors.coverage()
    return Decimal(str(coverage["percent"])) if coverage["total"] else None


def _visits(key: str):
    def compute(period: Period) -> int:
        from zhengwu.projectservice import selectors

        return selectors.visit_figures_district(start=period.start, end=period.end)[key]
    return compute


def _agents(key: str):
    def compute(period: Period) -> int:
        from zhengwu.projectservice import selectors

        return selectors.agent_figures_district(start=period.start, end=period.end)["total"][key]
    return compute


def _enterprise_figures(period: Period) -> str:
    return reverse("enterprise:figures") + "?" + urlencode(
        {"date_from": period.start.isoformat(), "date_to": period.end.isoformat()})


def _projectservice_figures(period: Period) -> str:
    return reverse("projectservice:figures") + "?" + period.querystring()


register(Figure(
    key="enterprise.demands", area=Area.ENTERPRISE, label="受理企业诉求", unit=Unit.CASES,
    definition="期间内“一个口子”受理的企业诉求件数(各渠道),按受理时间的本地日期统计。",
    compute=lambda period: _demands(period)["received"], link=_enterprise_figures, order=10,
))

register(Figure(
    key="enterprise.demands_on_time_rate", area=Area.ENTERPRISE, label="企业诉求按期办结率", unit=Unit.PERCENT,
    definition="期间内受理的诉求中,不晚于当前轮次答复期限作出答复的件数 ÷ 已答复件数 × 100%,保留1位小数。",
    compute=_on_time_rate, link=_enterprise_figures, order=20, better=Better.UP, decimals=1,
))

register(Figure(
    key="enterprise.items_entered_rate", area=Area.ENTERPRISE, label="涉企服务事项入驻率", unit=Unit.PERCENT,
    definition="当前在用的涉企服务事项中已纳入启用板块的事项数 ÷ 涉企服务事项总数 × 100%,保留1位小数;"
               "统计时点为生成时;2024年目标100%。",
    compute=_items_entered, link=lambda period: reverse("enterprise:coverage"), order=30, better=Better.UP,
    decimals=1, compare=False,
))

register(Figure(
    key="projectservice.units", area=Area.ENTERPRISE, label="助企服务团走访单位", unit=Unit.UNITS,
    definition="期间内(按走访日期)项目推进服务团走访的不同单位数(部门与企业,各只计一次)。",
    compute=_visits("units"), link=_projectservice_figures, order=40, better=Better.UP,
))

register(Figure(
    key="projectservice.projects", area=Area.ENTERPRISE, label="现场服务项目", unit=Unit.PIECES,
    definition="期间内项目推进服务团走访所服务的不同投资项目个数。",
    compute=_visits("projects"), link=_projectservice_figures, order=50, better=Better.UP,
))

register(Figure(
    key="projectservice.items", area=Area.ENTERPRISE, label="代办投资项目事项", unit=Unit.ITEMS,
    definition="期间内(按办理日期)帮办代办员为投资项目代办的事项次数(代办记录条数)。",
    compute=_agents("items"), link=_projectservice_figures, order=60, better=Better.UP,
))

register(Figure(
    key="projectservice.trips_saved", area=Area.ENTERPRISE, label="减少企业跑腿", unit=Unit.TIMES,
    definition="期间内代办记录登记的为企业减少的跑腿次数之和。",
    compute=_agents("trips_saved"), link=_projectservice_figures, order=70, better=Better.UP,
))
