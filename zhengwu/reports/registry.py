"""The registry of headline figures: every number the leadership dashboard, the generated work report and the
figures API show is a :class:`Figure` registered here, computed by the domains' selectors for a :class:`Period`.

Reports read, never write: a figure's ``compute`` calls read-only selectors of its domain (district-wide, for the
leadership, whose scope is the whole district) and returns a number, or ``None`` when the period has no data.

Each area module in ``zhengwu/reports/figures/`` registers its figures at import::

    register(Figure(
        key="cases.received", area="services", label="受理政务服务事项", unit=Unit.CASES,
        definition="期间内收件(受理)的办件数,含“一网通办”网上申请与窗口收件,按收件时间(本地日期)统计。",
        compute=lambda period: cases_selectors.received_count(start=period.start, end=period.end),
        link=lambda period: reverse("cases:list") + "?" + period.querystring(),
        order=10, headline=True,
    ))

:func:`values` computes any set of figures for a period together with the same period one year earlier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable, Union

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import InvalidInput

Number = Union[int, Decimal]

#: the longest period a dashboard or report may cover
MAX_PERIOD_DAYS = 3 * 366


class Unit(models.TextChoices):
    """What a figure counts; the formatter writes each in the Chinese convention (万件, 亿元 with one decimal, %)."""

    CASES = "件", _("件")
    ITEMS = "项", _("项")
    PROJECTS = "宗", _("宗")
    TIMES = "次", _("次")
    PEOPLE = "人", _("人")
    PIECES = "个", _("个")
    UNITS = "家", _("家")
    SESSIONS = "场", _("场")
    ENTRIES = "条", _("条")
    DAYS = "天", _("天")
    HOURS = "小时", _("小时")
    YUAN = "元", _("元")
    PERCENT = "%", _("%")
    SCORE = "分", _("分")


class Better(models.TextChoices):
    """Which way is good, so a trend can be coloured honestly (more bad reviews is not green)."""

    UP = "up", _("越高越好")
    DOWN = "down", _("越低越好")
    NEUTRAL = "neutral", _("无方向")


class Area(models.TextChoices):
    """The report's sections, in the seed's order."""

    SERVICES = "services", _("政务服务效能")
    EVALUATION = "evaluation", _("政务服务评价")
    RETRIEVAL = "retrieval", _("第三方信息调取")
    VILLAGE = "village", _("办事不出村")
    ENTERPRISE = "enterprise", _("企业综合服务")
    APPROVALS = "approvals", _("投资项目审批")
    INTERMEDIARY = "intermediary", _("网上中介超市")
    TRADING = "trading", _("公共资源交易")
    SUPERVISION = "supervision", _("招投标监管")
    FINANCE = "finance", _("金融服务")


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end``, both included, in the district's local time."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput("统计截止日不能早于起始日。", field="end", code="bad_period")
        if (self.end - self.start).days > MAX_PERIOD_DAYS:
            raise InvalidInput("统计区间不能超过 3 年。", field="start", code="period_too_long")

    @classmethod
    def parse(cls, start: object, end: object) -> Period:
        """From two ISO dates (strings or dates); a bad one is refused naming its field."""
        return cls(_date(start, field="start"), _date(end, field="end"))

    @classmethod
    def jan_to(cls, end: dt.date) -> Period:
        """1 January of ``end``'s year to ``end`` (the seed's "1-11月")."""
        return cls(end.replace(month=1, day=1), end)

    def previous_year(self) -> Period:
        """The same days one year earlier (29 February becomes the 28th)."""
        return Period(_year_back(self.start), _year_back(self.end))

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    def querystring(self) -> str:
        """``start=…&end=…`` for links to the lists behind a figure (the lists' own period filters)."""
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware datetimes [start 00:00, day after end 00:00) in the current time zone, for ``__gte``/``__lt``."""
        from zhengwu.core.periods import local_day_bounds

        return local_day_bounds(self.start, self.end)


def _date(value: object, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InvalidInput(f"日期“{value}”无效,应为 YYYY-MM-DD。", field=field, code="bad_date") from None


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Figure:
    key: str
    area: str
    label: str
    unit: str
    #: how it is computed, in one or two sentences (printed in the report's table of definitions)
    definition: str
    compute: Callable[[Period], Number | None]
    #: the URL of the list behind the figure, for the period
    link: Callable[[Period], str] | None = None
    order: int = 100
    #: shown in the opening paragraph and the dashboard's top row
    headline: bool = False
    better: str = Better.NEUTRAL
    #: decimals kept when formatting (percentages usually 1 or 2)
    decimals: int = 0
    #: whether a year-on-year comparison means something (a stock like "agencies registered" may not)
    compare: bool = True


@dataclass(frozen=True)
class FigureValue:
    figure: Figure
    period: Period
    value: Number | None
    previous: Number | None = None

    @property
    def change(self) -> Decimal | None:
        """Year-on-year change in percent (2 decimals), or None without a base."""
        if self.value is None or not self.previous:
            return None
        return ((Decimal(self.value) - Decimal(self.previous)) * 100 / Decimal(self.previous)).quantize(
            Decimal("0.01"))

    @property
    def difference(self) -> Number | None:
        """Value minus the previous year's (percentage points for a rate)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def link(self) -> str:
        return self.figure.link(self.period) if self.figure.link else ""


_FIGURES: dict[str, Figure] = {}
_LOADED = False


def register(figure: Figure) -> Figure:
    """Add (or replace, under the same key) a figure."""
    _FIGURES[figure.key] = figure
    return figure


def unregister(key: str) -> None:
    _FIGURES.pop(key, None)


def _load() -> None:
    """Import every area module once so their figures register."""
    global _LOADED
    if not _LOADED:
        import importlib
        import pkgutil

        from zhengwu.reports import figures as package

        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{info.name}")
        _LOADED = True


def figure(key: str, *, field: str = "figure") -> Figure:
    _load()
    found = _FIGURES.get(key)
    if found is None:
        raise InvalidInput(f"未知的统计指标:{key}。", field=field, code="unknown_figure")
    return found


def figures(*, area: str | None = None, headline: bool | None = None) -> list[Figure]:
    _load()
    chosen = [f for f in _FIGURES.values()
              if (area is None or f.area == area) and (headline is None or f.headline == headline)]
    return sorted(chosen, key=lambda f: (list(Area.values).index(f.area) if f.area in Area.values else 99,
                                         f.order, f.key))


@dataclass
class FigureSet:
    period: Period
    values: dict[str, FigureValue] = field(default_factory=dict)

    def __getitem__(self, key: str) -> FigureValue:
        return self.values[key]

    def by_area(self) -> list[tuple[str, str, list[FigureValue]]]:
        """[(area key, area label, values in order)] for the areas that have figures."""
        out = []
        for area in Area:
            rows = [v for v in self.values.values() if v.figure.area == area.value]
            if rows:
                out.append((area.value, str(area.label), sorted(rows, key=lambda v: (v.figure.order, v.figure.key))))
        return out


def values(period: Period, *, keys: Iterable[str] | None = None, compare: bool = True) -> FigureSet:
    """Compute figures for ``period`` (all, or ``keys``), each with the same period a year earlier."""
    chosen = [figure(k, field="keys") for k in keys] if keys is not None else figures()
    before = period.previous_year()
    result = FigureSet(period=period)
    for fig in chosen:
        now = fig.compute(period)
        prev = fig.compute(before) if compare and fig.compare else None
        result.values[fig.key] = FigureValue(figure=fig, period=period, value=now, previous=prev)
    return result
