"""Figures of bidding supervision (招投标监管, DOMAIN.md §11, §13: "排查…项目314宗,…违规线索27条,整改率达100%",
"对2名专家进行考核扣分").

Every number comes from the district-wide selectors of ``zhengwu.supervision.selectors`` (the same definitions as
the statistics page ``/supervision/statistics/``, which filters by the same period) and of
``zhengwu.credit.selectors`` (the expert list ``/credit/experts/?penalized=1`` filters by calendar year only: the
link gives the year of the period's last day).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhengwu.credit import selectors as credit
from zhengwu.reports.figures.trading import percent
from zhengwu.reports.registry import Area, Better, Figure, Period, Unit, register
from zhengwu.supervision import selectors as supervision

AREA = Area.SUPERVISION


def _statistics(period: Period) -> str:
    return f"{reverse('supervision:statistics')}?date_from={period.start.isoformat()}&date_to={period.end.isoformat()}"


def _between(period: Period) -> dict[str, Any]:
    return {"date_from": period.start, "date_to": period.end}


def _rectification_rate(period: Period) -> Any:
    s = supervision.clue_statistics_district(**_between(period))
    return percent(s["verified"], s["substantiated"])


register(Figure(
    key="supervision.projects_inspected", area=AREA, label="排查已完成和在建工程项目", unit=Unit.PROJECTS, order=10,
    better=Better.UP,
    definition="专项排查中排查日期在期间内的排查记录所涉及的交易项目数(同一项目多次排查计一次)。",
    compute=lambda period: supervision.inspection_statistics_district(**_between(period))["projects"],
    link=_statistics))

register(Figure(
    key="supervision.clues", area=AREA, label="查处招投标领域违规线索", unit=Unit.ENTRIES, order=20,
    definition="登记时间(北京时间日期)在期间内的违规线索数,各来源(投诉举报、排查、预警、部门移送)合计。",
    compute=lambda period: supervision.clue_statistics_district(**_between(period))["total"], link=_statistics))

register(Figure(
    key="supervision.rectification_rate", area=AREA, label="违规线索整改率", unit=Unit.PERCENT, order=30,
    decimals=1, better=Better.UP,
    definition="期间内登记的线索中,认定属实且整改已验收的线索数 ÷ 认定属实的线索数;尚无认定属实的线索时不计算。",
    compute=_rectification_rate, link=_statistics))

register(Figure(
    key="credit.experts_penalized", area=AREA, label="考核扣分的评标专家", unit=Unit.PEOPLE, order=40,
    definition="期间内发生(按发生日期)并已生效的考核扣分所涉及的评标专家人数,一人多次扣分计一人;"
               "待确认、不予扣分和已撤销的不计。",
    compute=lambda period: credit.experts_penalized_count(**_between(period)),
    link=lambda period: f"{reverse('credit:experts')}?year={period.end.year}&penalized=1"))
