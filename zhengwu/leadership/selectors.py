"""The leadership dashboard's reads: the period a request names, the figures of every domain for it (through
``zhengwu.reports.registry`` only, cached for a short time), the monthly trends of a few headline figures against
the same months a year earlier, the indicator ranking (through the evaluation app's selectors) and the plan
targets with their progress.

Reports read, never write: nothing here changes a row. The figures are district-wide (the leadership's scope is
the whole district); the views and the API require ``leadership.view`` before they ask.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from zhengwu.core.errors import AppError, InvalidInput
from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter
from zhengwu.leadership.choices import Comparison, Preset
from zhengwu.leadership.models import PlanTarget
from zhengwu.reports import registry
from zhengwu.reports.formatting import scaled
from zhengwu.reports.registry import FigureSet, FigureValue, Period

#: seconds a computed figure set of a period reaching today stays in Django's cache
#: (``ZHENGWU["LEADERSHIP_CACHE_SECONDS"]``); longer than the refresh and the warming interval, so a self-refresh
#: and a leader opening the page read what the warming job (tasks.py) computed
DEFAULT_CACHE_SECONDS = 600
#: seconds for a period that ended before today (its data rarely changes)
PAST_CACHE_SECONDS = 3600
#: seconds between the dashboard's self-refreshes (``ZHENGWU["LEADERSHIP_REFRESH_SECONDS"]``)
DEFAULT_REFRESH_SECONDS = 300
#: the headline figures whose monthly trend the dashboard draws, in this order (the ones registered)
TREND_KEYS = ("cases.received", "trading.amount", "reviews.bad", "retrieval.requests")
#: departments shown at each end of the indicator ranking
RANKING_ENDS = 5
#: years the period switch offers before the current one
YEARS_BACK = 5

TARGET_PATHS = ScopePaths()  # district-wide rows: only a user whose scope is the whole district sees them


def conf(key: str, default: int) -> int:
    """A dashboard setting from ``settings.ZHENGWU``, with its default when absent or not a positive number."""
    try:
        value = int(getattr(settings, "ZHENGWU", {}).get(key, default))
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


def refresh_seconds() -> int:
    return conf("LEADERSHIP_REFRESH_SECONDS", DEFAULT_REFRESH_SECONDS)


def cache_seconds() -> int:
    return conf("LEADERSHIP_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)


def _ttl(period: Period) -> int:
    return max(cache_seconds(), PAST_CACHE_SECONDS) if period.end < timezone.localdate() else cache_seconds()


# --- the period ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Chosen:
    """The period a request named, with the preset and anchor year that produced it."""

    period: Period
    preset: str
    year: int | None = None

    def query(self) -> str:
        """The query string that names exactly this choice (for the refresh, links and the report)."""
        from urllib.parse import urlencode

        values: dict[str, Any] = {"preset": self.preset}
        if self.year is not None:
            values["year"] = self.year
        if self.preset == Preset.CUSTOM:
            values.update(start=self.period.start.isoformat(), end=self.period.end.isoformat())
        return urlencode(values)


def years_offered(*, today: dt.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, today.year - YEARS_BACK - 1, -1))


def period_resolve(*, preset: str = "", start: Any = None, end: Any = None, year: Any = None,
                   today: dt.date | None = None) -> Chosen:
    """The period of the switch: explicit ``start`` (and ``end``, default the anchor day) win over a preset.

    The presets are anchored on today, or on 31 December of a past ``year`` (so 本年1-11月 of 2023 is
    2023-01-01 to 2023-11-30): 本年至今 from 1 January to the anchor, 本年1-11月 to 30 November at the latest,
    本月 the anchor's month so far, 上年 the whole year before. A bad date, an end before the start or a year
    outside the offered ones is refused naming its field."""
    today = today or timezone.localdate()
    anchor_year = None
    if year not in (None, ""):
        try:
            anchor_year = int(str(year).strip())
        except ValueError:
            raise InvalidInput(f"年度“{year}”无效。", field="year", code="bad_year") from None
        if anchor_year not in years_offered(today=today):
            raise InvalidInput(f"年度应在 {today.year - YEARS_BACK} 至 {today.year} 之间。", field="year",
                               code="bad_year")
    anchor = today if anchor_year in (None, today.year) else dt.date(anchor_year, 12, 31)
    preset = preset or ""
    if start not in (None, "") or preset == Preset.CUSTOM:
        if start in (None, ""):
            raise InvalidInput("请填写自定义区间的起始日。", field="start", code="required")
        period = Period.parse(start, end if end not in (None, "") else anchor)
        return Chosen(period, Preset.CUSTOM, anchor_year)
    if preset and preset not in Preset.values:
        raise InvalidInput(f"未知的统计区间“{preset}”。", field="preset", code="bad_preset")
    preset = preset or Preset.YEAR_TO_DATE
    first = anchor.replace(month=1, day=1)
    if preset == Preset.JAN_NOV:
        period = Period(first, min(anchor, dt.date(anchor.year, 11, 30)))
    elif preset == Preset.MONTH:
        period = Period(anchor.replace(day=1), anchor)
    elif preset == Preset.LAST_YEAR:
        period = Period(dt.date(anchor.year - 1, 1, 1), dt.date(anchor.year - 1, 12, 31))
    else:
        period = Period(first, anchor)
    return Chosen(period, preset, anchor_year)


# --- the figures, cached -------------------------------------------------------------------------------------

@dataclass
class Computed:
    """A figure set and when it was computed (the dashboard's "更新于")."""

    figures: FigureSet
    computed_at: dt.datetime
    cached: bool = False


def _registered_digest() -> str:
    """Changes whenever the registered figures change, so the cache never serves another registry's numbers."""
    keys = ",".join(sorted(f.key for f in registry.figures()))
    return hashlib.sha256(keys.encode()).hexdigest()[:16]


def _cache_key(kind: str, period: Period, keys: Iterable[str] | None, compare: bool) -> str:
    chosen = "*" if keys is None else ",".join(sorted(keys))
    digest = hashlib.sha256(chosen.encode()).hexdigest()[:16]
    return (f"leadership:{kind}:{period.start.isoformat()}:{period.end.isoformat()}:{int(compare)}:{digest}:"
            f"{_registered_digest()}")


def figure_values(period: Period, *, keys: Iterable[str] | None = None, compare: bool = True,
                  fresh: bool = False) -> Computed:
    """Every registered figure (or ``keys``) for ``period`` with the same period a year earlier.

    The numbers are kept in Django's cache for ``cache_seconds()`` under a key naming the period, the figures
    asked for and the registered set; the figures themselves (which hold functions) are looked up again from the
    registry, so only plain numbers are stored. ``fresh`` computes and stores them again (the warming job)."""
    keys = list(keys) if keys is not None else None
    if keys is not None:
        for key in keys:
            registry.figure(key, field="keys")  # an unknown key is refused naming the parameter
    key = _cache_key("figures", period, keys, compare)
    hit = None if fresh else cache.get(key)
    if hit is not None:
        result = FigureSet(period=period)
        for k, (value, previous) in hit["values"].items():
            result.values[k] = FigureValue(figure=registry.figure(k), period=period, value=value, previous=previous)
        return Computed(result, hit["computed_at"], cached=True)
    result = registry.values(period, keys=keys, compare=compare)
    now = timezone.now()
    cache.set(key, {"computed_at": now,
                    "values": {k: (v.value, v.previous) for k, v in result.values.items()}}, _ttl(period))
    return Computed(result, now)


# --- monthly trends ------------------------------------------------------------------------------------------

@dataclass
class TrendPoint:
    label: str
    period: Period
    value: Any
    previous: Any
    link: str
    previous_link: str


@dataclass
class Trend:
    key: str
    label: str
    unit: str
    decimals: int
    points: list[TrendPoint] = field(default_factory=list)


def months_of(period: Period) -> list[Period]:
    """The calendar months the period touches, each clipped to the period (at most 36)."""
    out: list[Period] = []
    first = period.start
    while first <= period.end and len(out) < 36:
        following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        out.append(Period(first, min(period.end, following - dt.timedelta(days=1))))
        first = following
    return out


def trends(period: Period, *, keys: Iterable[str] = TREND_KEYS, fresh: bool = False) -> list[Trend]:
    """Month by month, each of the trend figures that is registered, against the same days a year earlier."""
    known = {f.key: f for f in registry.figures()}
    chosen = [known[k] for k in keys if k in known]
    if not chosen:
        return []
    out = {f.key: Trend(f.key, f.label, f.unit, f.decimals) for f in chosen}
    for month in months_of(period):
        values = figure_values(month, keys=[f.key for f in chosen], fresh=fresh).figures
        label = f"{month.start:%Y-%m}"
        for f in chosen:
            v = values[f.key]
            out[f.key].points.append(TrendPoint(
                label=label, period=month, value=v.value, previous=v.previous, link=v.link,
                previous_link=f.link(month.previous_year()) if f.link else ""))
    return list(out.values())


# --- the indicator ranking -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RankedDepartment:
    rank: int
    name: str
    total: Decimal


@dataclass
class Ranking:
    scheme: str
    version: int
    top: list[RankedDepartment]
    bottom: list[RankedDepartment]
    count: int


def ranking(period: Period, *, ends: int = RANKING_ENDS, fresh: bool = False) -> Ranking | None:
    """The top and bottom departments of the current evaluation scheme for the period (cached like the figures),
    or None when no scheme has a version yet."""
    from zhengwu.evaluation import selectors as evaluation

    key = _cache_key("ranking", period, None, False)
    hit = None if fresh else cache.get(key)
    if hit is not None:
        return hit or None
    version = evaluation.scheme_version_current()
    result: Ranking | None = None
    if version is not None:
        table = evaluation.ranking_table(version=version, period=evaluation.Period(period.start, period.end))
        rows = [RankedDepartment(r.rank, r.name, Decimal(r.total)) for r in table.rows]
        tail = rows[max(ends, len(rows) - ends):]
        result = Ranking(scheme=version.scheme.name, version=version.number, top=rows[:ends], bottom=tail,
                         count=len(rows))
    cache.set(key, result or {}, _ttl(period))
    return result


#: the periods the warming job keeps computed: what a leader sees first and the presets a hall display shows
WARMED_PRESETS = (Preset.YEAR_TO_DATE, Preset.JAN_NOV, Preset.LAST_YEAR)


def warm(*, today: dt.date | None = None) -> list[Period]:
    """Compute the dashboard's figures, trends and ranking for the presets of ``WARMED_PRESETS`` afresh and keep
    them in the cache, so no leader waits for a cold computation (the periodic job in tasks.py runs it)."""
    done: list[Period] = []
    for preset in WARMED_PRESETS:
        period = period_resolve(preset=preset, today=today).period
        if period in done:
            continue
        figure_values(period, fresh=True)
        trends(period, fresh=True)
        ranking(period, fresh=True)
        done.append(period)
    return done


# --- plan targets --------------------------------------------------------------------------------------------

def targets_visible_to(user: Any) -> QuerySet[PlanTarget]:
    return scope_filter(user, PlanTarget.objects.all(), TARGET_PATHS)


def target_list(*, user: Any, year: int | None = None, active: bool | None = None) -> QuerySet[PlanTarget]:
    qs = targets_visible_to(user)
    if year is not None:
        qs = qs.filter(year=year)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("-year", "order", "id")


def target_get(*, user: Any, pk: int) -> PlanTarget:
    return get_visible(targets_visible_to(user), pk=pk)


def target_years(*, user: Any) -> list[int]:
    return sorted(set(targets_visible_to(user).values_list("year", flat=True)), reverse=True)


def target_period(year: int, *, today: dt.date | None = None) -> Period | None:
    """1 January of ``year`` to today, or to 31 December for a past year; None for a year not begun."""
    today = today or timezone.localdate()
    if year > today.year:
        return None
    return Period(dt.date(year, 1, 1), today if year == today.year else dt.date(year, 12, 31))


@dataclass
class Progress:
    target: PlanTarget
    period: Period | None
    value: Any = None
    value_text: str = "—"
    target_text: str = ""
    #: how far to the target, 0–100 (for the bar)
    percent: Decimal = Decimal(0)
    met: bool = False
    link: str = ""
    label: str = ""
    #: why there is no value ("未开始", "指标未登记", "暂无数据"), "" when there is one
    missing: str = ""

    @property
    def bar(self) -> int:
        return int(self.percent)


def _percent(value: Decimal, target: Decimal, comparison: str) -> tuple[Decimal, bool]:
    if comparison == Comparison.AT_MOST:
        met = value <= target
        share = Decimal(100) if met else (target * 100 / value if value > 0 else Decimal(0))
    else:
        met = value >= target
        share = Decimal(100) if met or target <= 0 else value * 100 / target
    share = max(Decimal(0), min(Decimal(100), share))
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), met


def target_progress(targets: Iterable[PlanTarget], *, today: dt.date | None = None) -> list[Progress]:
    """Each target against its figure's value for its year so far (one figure computation per year)."""
    targets = list(targets)
    by_year: dict[int, list[PlanTarget]] = {}
    for t in targets:
        by_year.setdefault(t.year, []).append(t)
    computed: dict[tuple[int, str], FigureValue] = {}
    known: dict[str, registry.Figure] = {}
    for t in targets:
        try:
            known[t.figure_key] = registry.figure(t.figure_key)
        except AppError:
            continue
    for year, rows in by_year.items():
        period = target_period(year, today=today)
        keys = sorted({t.figure_key for t in rows if t.figure_key in known})
        if period is None or not keys:
            continue
        values = figure_values(period, keys=keys, compare=False).figures
        for k in keys:
            computed[(year, k)] = values[k]
    out = []
    for t in targets:
        fig = known.get(t.figure_key)
        period = target_period(t.year, today=today)
        unit = fig.unit if fig else ""
        decimals = fig.decimals if fig else 0
        progress = Progress(target=t, period=period, label=fig.label if fig else t.figure_key,
                            target_text=f"{t.sign}{scaled(t.target_value.normalize(), unit=unit, decimals=decimals)}")
        if fig is None:
            progress.missing = "指标未登记"
        elif period is None:
            progress.missing = "未开始"
        else:
            fv = computed[(t.year, t.figure_key)]
            progress.link = fv.link
            if fv.value is None:
                progress.missing = "暂无数据"
            else:
                progress.value = fv.value
                progress.value_text = scaled(fv.value, unit=unit, decimals=decimals)
                progress.percent, progress.met = _percent(Decimal(fv.value), t.target_value, t.comparison)
        out.append(progress)
    return out
