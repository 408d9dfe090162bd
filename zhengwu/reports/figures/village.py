"""Figures of the area "办事不出村" (village-level service), read through ``village.selectors``.

The directory figures (items delegated, township share) and the station coverage describe the catalog and the
stations as they stand today, so they have no year-on-year comparison; renovations and model stations are
cumulative up to the period's last day; trainings, trained agents and agent cases count what happened in the period.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse

from zhengwu.reports.registry import Area, Better, Figure, Period, Unit, register


def _sel():
    from zhengwu.village import selectors

    return selectors


def _items_delegated(period: Period) -> int:
    return _sel().directory_coverage().village_items


def _township_share(period: Period) -> Decimal | None:
    coverage = _sel().directory_coverage()
    return Decimal(str(coverage.township_share)) if coverage.personal_items else None


def _coverage_rate(period: Period) -> Decimal | None:
    with_station, villages = _sel().station_coverage()
    if not villages:
        return None
    return (Decimal(with_station) * 100 / Decimal(villages)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _link(name: str, query: str = ""):
    def link(period: Period) -> str:
        return reverse(name) + (f"?{query}" if query else "")
    return link


register(Figure(
    key="village.items_delegated", area=Area.VILLAGE, label="下放村级政务服务高频事项", unit=Unit.ITEMS,
    definition="当前在用的政务服务事项中可在村(社区)层级办理的事项数(村(社)政务服务事项指导目录),统计时点为生成时;"
               "2024年目标不少于100项。",
    compute=_items_delegated, link=_link("village:directory"), order=10, better=Better.UP, compare=False,
))

register(Figure(
    key="village.township_items_rate", area=Area.VILLAGE, label="个人事项乡镇(街道)可办率", unit=Unit.PERCENT,
    definition="当前在用、面向自然人(个人或个人与法人均可)的事项中可在乡镇(街道)层级办理的比例,保留1位小数;"
               "统计时点为生成时;2024年目标不低于80%。",
    compute=_township_share, link=_link("village:directory"), order=20, better=Better.UP, decimals=1,
    compare=False,
))

register(Figure(
    key="village.stations_renovated", area=Area.VILLAGE, label="完成改造提升的村(社区)便民服务站", unit=Unit.PIECES,
    definition="截至期末状态为“已改造提升”或“样板站”、且改造提升完成日期不晚于期末的便民服务站个数(累计)。",
    compute=lambda period: _sel().stations_renovated_by(on=period.end),
    link=_link("village:stations"), order=30, better=Better.UP,
))

register(Figure(
    key="village.model_stations", area=Area.VILLAGE, label="样板村社便民服务站", unit=Unit.PIECES,
    definition="截至期末状态为“样板站”、且评为样板站的日期不晚于期末的便民服务站个数(累计)。",
    compute=lambda period: _sel().model_stations_by(on=period.end),
    link=_link("village:stations", "status=model"), order=40, better=Better.UP,
))

register(Figure(
    key="village.agents", area=Area.VILLAGE, label="参加业务培训的村社代办员", unit=Unit.PEOPLE,
    definition="期间内至少参加过一场业务培训(按培训日期)的代办员人数,每人只计一次。",
    compute=lambda period: _sel().agents_trained(start=period.start, end=period.end),
    link=_link("village:agents"), order=50, better=Better.UP,
))

register(Figure(
    key="village.trainings", area=Area.VILLAGE, label="组织代办员业务培训", unit=Unit.SESSIONS,
    definition="期间内(按培训日期)举办的代办员业务培训场次,含区级和乡镇(街道)组织的培训。",
    compute=lambda period: _sel().trainings_held(start=period.start, end=period.end),
    link=_link("village:trainings"), order=60, better=Better.UP,
))

register(Figure(
    key="village.agent_cases", area=Area.VILLAGE, label="办理代办业务", unit=Unit.CASES,
    definition="期间内收件、由登记在册的村社代办员代为提交(办件的“代办员”为其账号)的办件数,不论收件渠道"
               "(代办员多通过掌办提交),按收件时间的本地日期统计。",
    compute=lambda period: _sel().agent_cases_count(start=period.start, end=period.end),
    link=_link("village:agents"), order=70, better=Better.UP,
))

register(Figure(
    key="village.coverage_rate", area=Area.VILLAGE, label="村(社区)便民服务站覆盖率", unit=Unit.PERCENT,
    definition="已设立便民服务站的村(社区)数 ÷ 村(社区)总数 × 100%,保留1位小数;统计时点为生成时。",
    compute=_coverage_rate, link=_link("village:stations"), order=80, better=Better.UP, decimals=1,
    compare=False,
))
