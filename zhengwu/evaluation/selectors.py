"""Every non-trivial read of the evaluation domain.

The figures (values, ranking, trends, publications, suggestion counts) are
built once here as plain data; the web renders them to HTML, ``exports`` to
xlsx and the API to JSON, so the three can never show different numbers.

Visibility: the indicator values and the ranking are district-wide for anyone
holding ``evaluation.view`` (that is what a published ranking is for); the
cases behind a figure are narrowed by ``cases_visible_to`` (a department leader
drilling into another department sees only what their scope allows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Iterable

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import InvalidInput, NotFound
from zhengwu.core.periods import local_day_bounds
from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter
from zhengwu.evaluation import indicators as ind
from zhengwu.evaluation import raw, scoring
from zhengwu.evaluation.choices import Grouping, PublicationStatus, SuggestionStatus
from zhengwu.evaluation.counters import CASE_REMINDER_KIND, COUNTERS
from zhengwu.evaluation.models import Indicator, Publication, SchemeVersion, Suggestion
from zhengwu.evaluation.schemas import PeriodFilter
from zhengwu.evaluation.workflow import publications_visible_to, suggestions_visible_to

#: the longest period a screen or the API may ask for
MAX_PERIOD_DAYS = 3 * 366
PRESETS = ("week", "month", "year", "jan_nov")
DEFAULT_PRESET = "month"


# --- the period ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: date
    end: date
    group: str = Grouping.DEPARTMENT
    #: the preset that produced it, "" for explicit dates
    preset: str = ""

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    def query(self, **extra: Any) -> dict[str, str]:
        """The query string that names exactly this period (for links and exports)."""
        values = {"start": self.start.isoformat(), "end": self.end.isoformat(), "group": self.group}
        values.update({k: str(v) for k, v in extra.items() if v not in (None, "")})
        return values

    def last_year(self) -> Period:
        """The same days one year earlier (29 February becomes the 28th)."""
        return Period(_year_back(self.start), _year_back(self.end), self.group, self.preset)


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def period_of(filters: PeriodFilter | None, *, today: date | None = None) -> Period:
    """The period a ``PeriodFilter`` names; a period that ends before it starts is refused at ``end``."""
    filters = filters or PeriodFilter()
    today = today or timezone.localdate()
    if filters.start is not None and filters.end is not None:
        start, end, preset = filters.start, filters.end, ""
    elif filters.start is not None:
        start, end, preset = filters.start, today, ""
    else:
        preset = filters.preset or DEFAULT_PRESET
        end = filters.end or today
        if preset == "week":
            start = end - timedelta(days=end.weekday())
        elif preset == "month":
            start = end.replace(day=1)
        elif preset == "year":
            start = end.replace(month=1, day=1)
        else:  # jan_nov
            start = end.replace(month=1, day=1)
            end = min(end, date(end.year, 11, 30))
    if end < start:
        raise InvalidInput("统计截止日不能早于起始日。", field="end", code="bad_period")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput("统计区间不能超过 3 年。", field="start", code="period_too_long")
    return Period(start=start, end=end, group=filters.group, preset=preset)


# --- indicators and names ------------------------------------------------------------------

def indicators_active() -> list[Indicator]:
    return list(Indicator.objects.filter(is_active=True).order_by("number"))


def indicator_get(code: str, *, field_name: str = "indicator") -> Indicator:
    found = Indicator.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise InvalidInput(f"未知指标:{code}。", field=field_name, code="unknown_indicator")
    return found


def group_names(group: str, ids: Iterable[Any]) -> dict[Any, str]:
    """{id: name} in the organisation's own order (departments by their sort, townships by theirs)."""
    from zhengwu.org.models import Department, Region

    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    model = Department if group == Grouping.DEPARTMENT else Region
    return {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}


# --- values ------------------------------------------------------------------------------------

@dataclass
class IndicatorRow:
    group_id: Any
    name: str
    values: dict[str, ind.Value]


@dataclass
class IndicatorTable:
    period: Period
    indicators: list[Indicator]
    rows: list[IndicatorRow]
    district: IndicatorRow
    #: the per-group values as ``indicator_values`` returns them (the ranking scores these)
    by_group: dict[Any, dict[str, ind.Value]] = field(default_factory=dict)
    names: dict[Any, str] = field(default_factory=dict)


DISTRICT = _("全区")


def item_limits(indicators: list[Indicator]) -> dict[int, tuple[int, int]]:
    """The items' (promised, statutory) limits, read only when an indicator needs them (the compression)."""
    if any(ind.FORMULAS[i.formula].kind == "compression" for i in indicators):
        return ind._item_limits()
    return {}


def _evaluate(counters: dict[str, int], items: set[int], limits: dict[int, tuple[int, int]],
              indicators: list[Indicator]) -> dict[str, ind.Value]:
    """Each indicator's value from summed counters, by its formula (``indicators.FORMULAS``)."""
    values = {}
    for i in indicators:
        formula = ind.FORMULAS[i.formula]
        if formula.kind == "compression":
            values[i.code] = ind._compression(items, limits)
        else:
            values[i.code] = ind._ratio(counters[formula.numerator], counters[formula.denominator])
    return values


def indicator_table(*, period: Period, indicators: list[Indicator] | None = None,
                    limits: dict[int, tuple[int, int]] | None = None) -> IndicatorTable:
    """Every active indicator for every group with data in the period, and for the whole district.

    The same figures as ``indicators.indicator_values`` (same counters, same formulas); for departments
    the district is the sum of the departments (every case has one), which spares a second pass over
    the rollups. Townships leave out district-level cases, so their district total is read on its own.
    """
    indicators = indicators if indicators is not None else indicators_active()
    limits = limits if limits is not None else item_limits(indicators)
    needs_items = any(ind.FORMULAS[i.formula].kind == "compression" for i in indicators)
    sums = ind.counter_sums(start=period.start, end=period.end, group=period.group)
    items = ind.items_in_use(start=period.start, end=period.end, group=period.group) if needs_items else {}
    by_group = {gid: _evaluate(c, items.get(gid, set()), limits, indicators) for gid, c in sums.items()}
    if period.group == Grouping.DEPARTMENT:
        total = dict.fromkeys(COUNTERS, 0)
        for counters in sums.values():
            for name, n in counters.items():
                total[name] += n
        district = _evaluate(total, set().union(*items.values()) if items else set(), limits, indicators)
    else:
        district = district_values(period=period, indicators=indicators, limits=limits)
    names = group_names(period.group, by_group)
    rows = [IndicatorRow(gid, names[gid], by_group[gid]) for gid in names if gid in by_group]
    rows += [IndicatorRow(gid, str(gid), v) for gid, v in by_group.items() if gid not in names]
    return IndicatorTable(period=period, indicators=indicators, rows=rows,
                          district=IndicatorRow(None, str(DISTRICT), district), by_group=by_group, names=names)


@dataclass(frozen=True)
class Change:
    """One indicator now and in the same period a year earlier; ``delta`` in percentage points."""

    indicator: Indicator
    now: ind.Value
    before: ind.Value

    @property
    def delta(self) -> Decimal | None:
        if self.now.percent is None or self.before.percent is None:
            return None
        return self.now.percent - self.before.percent

    @property
    def better(self) -> bool | None:
        if not self.delta:
            return None
        return (self.delta > 0) == (self.indicator.direction == "higher")


def district_values(*, period: Period, indicators: list[Indicator],
                    limits: dict[int, tuple[int, int]] | None = None) -> dict[str, ind.Value]:
    """The whole district's values for the period."""
    limits = limits if limits is not None else item_limits(indicators)
    sums = ind.counter_sums(start=period.start, end=period.end, group=None)
    needs_items = any(ind.FORMULAS[i.formula].kind == "compression" for i in indicators)
    items = ind.items_in_use(start=period.start, end=period.end, group=None).get(None, set()) if needs_items else set()
    return _evaluate(sums.get(None, dict.fromkeys(COUNTERS, 0)), items, limits, indicators)


def year_on_year(*, period: Period, indicators: list[Indicator], now: IndicatorRow | None = None,
                 limits: dict[int, tuple[int, int]] | None = None) -> list[Change]:
    """The district's indicators against the same period last year."""
    limits = limits if limits is not None else item_limits(indicators)
    current = now.values if now is not None else district_values(period=period, indicators=indicators, limits=limits)
    before = district_values(period=period.last_year(), indicators=indicators, limits=limits)
    return [Change(i, current[i.code], before[i.code]) for i in indicators]


# --- the ranking -------------------------------------------------------------------------------

def scheme_version_current(*, grouping: str = Grouping.DEPARTMENT, scheme_id: int | None = None
                           ) -> SchemeVersion | None:
    """The newest version of the given scheme, or of the first scheme of this grouping."""
    qs = SchemeVersion.objects.select_related("scheme").order_by("scheme_id", "-number")
    if scheme_id is not None:
        version = qs.filter(scheme_id=scheme_id).first()
        if version is None:
            raise NotFound("评价方案不存在或还没有版本。")
        return version
    return qs.filter(scheme__grouping=grouping).first()


@dataclass
class RankingRow:
    group_id: Any
    name: str
    rank: int
    total: Decimal
    scores: dict[str, Decimal | None]
    values: dict[str, ind.Value]


@dataclass
class RankingTable:
    version: SchemeVersion
    period: Period
    indicators: list[Indicator]
    weights: dict[str, Decimal]
    rows: list[RankingRow]


def ranking_table(*, version: SchemeVersion, period: Period, values: IndicatorTable | None = None) -> RankingTable:
    """The scored ranking of the period under one scheme version (the figures a publication freezes).

    ``values`` may pass the indicator table already computed for the same period and grouping.
    """
    from zhengwu.evaluation.services import rules_of

    rules = rules_of(version)  # one query, with the indicators
    grouping = version.scheme.grouping
    by_code = {r.indicator: r for r in rules}
    reusable = (values is not None and values.period.group == grouping and values.period.start == period.start
                and values.period.end == period.end and set(by_code) <= {i.code for i in values.indicators})
    if not reusable:
        scored_indicators = list(Indicator.objects.filter(code__in=by_code).order_by("number"))
        values = indicator_table(period=Period(period.start, period.end, grouping, period.preset),
                                 indicators=scored_indicators)
    indicators = [i for i in values.indicators if i.code in by_code]
    scored = {gid: {c: v for c, v in vals.items() if c in by_code} for gid, vals in values.by_group.items()}
    results = scoring.score(scored, rules)
    rows = [RankingRow(group_id=r.group_id, name=values.names.get(r.group_id, str(r.group_id)), rank=r.rank,
                       total=r.total, scores=r.scores, values=scored[r.group_id]) for r in results]
    return RankingTable(version=version, period=values.period, indicators=indicators,
                        weights={r.indicator: r.weight for r in rules}, rows=rows)


# --- trends --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bucket:
    start: date
    end: date
    label: str


@dataclass
class Trend:
    unit: str  # week / month
    buckets: list[Bucket]
    indicators: list[Indicator]
    #: {indicator code: [Value per bucket]}
    series: dict[str, list[ind.Value]]
    group: str | None = None
    group_id: Any = None


def _buckets(end: date, unit: str, count: int) -> list[Bucket]:
    buckets: list[Bucket] = []
    if unit == "week":
        first = end - timedelta(days=end.weekday()) - timedelta(weeks=count - 1)
        for n in range(count):
            start = first + timedelta(weeks=n)
            buckets.append(Bucket(start, min(start + timedelta(days=6), end), f"{start:%m-%d}"))
        return buckets
    year, month = end.year, end.month
    starts = []
    for _step in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    for start in reversed(starts):
        following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        buckets.append(Bucket(start, min(following - timedelta(days=1), end), f"{start:%Y-%m}"))
    return buckets


def indicator_trend(*, end: date, unit: str = "week", count: int = 12, indicators: list[Indicator],
                    group: str | None = None, group_id: Any = None,
                    limits: dict[int, tuple[int, int]] | None = None) -> Trend:
    """Each indicator per week (or month) for the ``count`` weeks (months) up to ``end``, from the rollups:
    one query for the counters, one for the items in use, one for the item limits."""
    buckets = _buckets(end, unit, count)
    trunc = TruncWeek("day") if unit == "week" else TruncMonth("day")
    sums: dict[date, dict[str, int]] = {}
    items: dict[date, set[int]] = {}
    needs_items = any(ind.FORMULAS[i.formula].kind == "compression" for i in indicators)
    for model in ind.ROLLUP_SOURCES:  # the folded rollups and the live deltas not folded yet
        qs = model.objects.filter(day__gte=buckets[0].start, day__lte=end)
        if group is not None and group_id is not None:
            qs = qs.filter(**{ind.GROUP_FIELD[group]: group_id})
        for row in qs.annotate(b=trunc).values("b").annotate(**{c: Sum(c) for c in COUNTERS}).order_by():
            target = sums.setdefault(_as_date(row["b"]), dict.fromkeys(COUNTERS, 0))
            for c in COUNTERS:
                target[c] += row[c] or 0
        if needs_items:
            for row in qs.filter(received__gt=0).annotate(b=trunc).values("b", "item_id").distinct().order_by():
                items.setdefault(_as_date(row["b"]), set()).add(row["item_id"])
    limits = limits if limits is not None else item_limits(indicators)
    zero = dict.fromkeys(COUNTERS, 0)
    series: dict[str, list[ind.Value]] = {i.code: [] for i in indicators}
    for bucket in buckets:
        values = _evaluate(sums.get(bucket.start, zero), items.get(bucket.start, set()), limits, indicators)
        for i in indicators:
            series[i.code].append(values[i.code])
    return Trend(unit=unit, buckets=buckets, indicators=indicators, series=series, group=group, group_id=group_id)


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


# --- the cases behind a figure --------------------------------------------------------------------

def drilldown_cases(*, user: Any, indicator: Indicator, period: Period, group_id: Any = None,
                    part: str = "numerator") -> QuerySet:
    """The cases behind one figure (the numerator, or the denominator), as far as ``user`` may see them."""
    from zhengwu.cases.selectors import cases_visible_to

    formula = ind.FORMULAS[indicator.formula]
    counter = formula.numerator if part == "numerator" else formula.denominator
    if counter is None:
        raise InvalidInput(f"“{indicator.name}”按事项的承诺时限和法定时限计算,没有对应的办件明细。",
                           field="indicator", code="no_cases")
    group = period.group if group_id is not None else None
    qs = raw.cases_behind(counter, start=period.start, end=period.end, group=group, group_id=group_id)
    # The scope's conditions joined to the query's own (``&``), not ``pk IN (every visible case)``: for a
    # district-wide reader that subquery reads the whole case table (docs/query-plans.md).
    return (qs & cases_visible_to(user)).order_by("-received_at", "-pk")


# --- the specialist's desk ---------------------------------------------------------------------------

REMINDER_SCOPE = ScopePaths(department="department_id")


def manual_reminder_stage(day: date) -> str:
    """The reminder stage of a click on the desk: one reminder per case per day."""
    return f"manual-{day:%Y-%m-%d}"


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(date(year, 1, 1), time.min, tzinfo=tz),
            datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=tz))


def reminders_sent(*, user: Any, year: int) -> int:
    """Deadline reminders about cases sent in the year (the sweep's and the desk's), within the user's scope."""
    from zhengwu.core.models import Reminder

    first, after = _year_bounds(year)
    qs = Reminder.objects.filter(kind=CASE_REMINDER_KIND, object_type="cases.case", created_at__gte=first,
                                 created_at__lt=after)
    return scope_filter(user, qs, REMINDER_SCOPE).count()


def reminded_on(*, case_ids: Iterable[int], day: date) -> set[int]:
    """Which of these cases already got the desk's reminder on ``day``."""
    from zhengwu.core.models import Reminder

    ids = [str(i) for i in case_ids]
    if not ids:
        return set()
    return {int(i) for i in Reminder.objects.filter(
        kind=CASE_REMINDER_KIND, object_type="cases.case", stage=manual_reminder_stage(day), object_id__in=ids,
    ).values_list("object_id", flat=True)}


def cases_near_deadline(*, user: Any, now: datetime | None = None) -> QuerySet:
    """Open cases past (urgency 0) or near (1) their deadline, most urgent first, within the user's scope."""
    from zhengwu.cases.selectors import inbox_for

    return inbox_for(user=user, now=now).filter(urgency__in=[0, 1])


def bad_reviews_awaiting(*, user: Any) -> QuerySet:
    """Bad reviews waiting for the return visit (verification) or for rectification, most urgent first."""
    from zhengwu.reviews.choices import HandlingStatus
    from zhengwu.reviews.selectors import bad_review_list

    return bad_review_list(user=user).filter(status__in=[HandlingStatus.REGISTERED, HandlingStatus.VISITED])


def bad_review_change(*, user: Any, year: int) -> Any:
    from zhengwu.reviews import selectors as reviews

    return reviews.bad_review_change(year, reviews=reviews.reviews_visible_to(user))


# --- publications ------------------------------------------------------------------------------------

def publication_list(*, user: Any, year: int | None = None, grouping: str | None = None,
                     status: str | None = None) -> QuerySet[Publication]:
    qs = publications_visible_to(user).select_related("scheme_version", "scheme_version__scheme")
    if year is not None:
        qs = qs.filter(week_start__year=year)
    if grouping:
        qs = qs.filter(grouping=grouping)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-week_start", "grouping")


def publication_get(*, user: Any, pk: int) -> Publication:
    return get_visible(publications_visible_to(user).select_related("scheme_version", "scheme_version__scheme"),
                       pk=pk)


def publications_published(*, year: int | None = None, grouping: str | None = None) -> QuerySet[Publication]:
    """Published snapshots: what the public page and the public API show (no user needed)."""
    qs = Publication.objects.filter(status=PublicationStatus.PUBLISHED).select_related("scheme_version")
    if year is not None:
        qs = qs.filter(week_start__year=year)
    if grouping:
        qs = qs.filter(grouping=grouping)
    return qs.order_by("-week_start", "grouping")


def publication_count(*, year: int, grouping: str | None = None) -> int:
    """Weekly publications made in the year (the seed counts 21)."""
    return publications_published(year=year, grouping=grouping).count()


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def snapshot_rows(publication: Publication) -> list[RankingRow]:
    """The frozen rows of a publication, as the same ``RankingRow`` the live ranking gives."""
    rows = []
    for row in publication.payload.get("rows", []):
        values = {code: ind.Value(Decimal(v["numerator"]), Decimal(v["denominator"]),
                                  None if v.get("percent") is None else Decimal(v["percent"]) / 100)
                  for code, v in (row.get("values") or {}).items()}
        rows.append(RankingRow(group_id=row["group_id"], name=row["name"], rank=row["rank"],
                               total=Decimal(row["total"]), values=values,
                               scores={code: _dec(s) for code, s in (row.get("scores") or {}).items()}))
    return rows


def snapshot_indicators(publication: Publication, indicators: list[Indicator] | None = None) -> list[Indicator]:
    """The indicators a snapshot scored, in their order."""
    codes: set[str] = set()
    for row in publication.payload.get("rows", []):
        codes.update((row.get("scores") or {}).keys())
    indicators = indicators if indicators is not None else list(Indicator.objects.order_by("number"))
    return [i for i in indicators if i.code in codes]


@dataclass
class PublicationTrend:
    """Each group's total and rank over the year's published weeks."""

    weeks: list[date]
    #: [(group id, name, [total or None per week], [rank or None per week])]
    rows: list[tuple[Any, str, list[Decimal | None], list[int | None]]]


def publication_trend(publications: Iterable[Publication]) -> PublicationTrend:
    published = sorted((p for p in publications if p.status == PublicationStatus.PUBLISHED),
                       key=lambda p: p.week_start)
    weeks = [p.week_start for p in published]
    groups: dict[Any, tuple[str, list[Decimal | None], list[int | None]]] = {}
    for n, publication in enumerate(published):
        for row in publication.payload.get("rows", []):
            name, totals, ranks = groups.setdefault(row["group_id"], (row["name"], [None] * len(weeks),
                                                                      [None] * len(weeks)))
            totals[n], ranks[n] = Decimal(row["total"]), row["rank"]
    ordered = sorted(groups.items(), key=lambda kv: (kv[1][2][-1] is None, kv[1][2][-1] or 0, kv[1][0]))
    return PublicationTrend(weeks=weeks, rows=[(gid, name, totals, ranks) for gid, (name, totals, ranks) in ordered])


# --- suggestions ----------------------------------------------------------------------------------------

def suggestion_list(*, user: Any, status: str | None = None, department_id: int | None = None,
                    year: int | None = None) -> QuerySet[Suggestion]:
    qs = suggestions_visible_to(user).select_related("department", "indicator")
    if status:
        qs = qs.filter(status=status)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if year:
        first, after = _year_bounds(year)
        qs = qs.filter(submitted_at__gte=first, submitted_at__lt=after)
    return qs.order_by("-submitted_at", "-pk")


def suggestion_get(*, user: Any, pk: int) -> Suggestion:
    return get_visible(suggestions_visible_to(user).select_related("department", "indicator"), pk=pk)


@dataclass(frozen=True)
class SuggestionCount:
    department_id: int | None
    department: str
    total: int
    submitted: int
    adopted: int
    declined: int


def suggestion_counts(*, suggestions: QuerySet[Suggestion]) -> tuple[list[SuggestionCount], SuggestionCount]:
    """Suggestions per department (filed, waiting, adopted, declined) and all together, in one query."""
    counts = {"total": Count("pk"),
              **{s.value: Count("pk", filter=Q(status=s.value)) for s in SuggestionStatus}}
    rows = list(suggestions.order_by().values("department_id", "department__name", "department__short_name")
                .annotate(**counts).order_by("-total", "department__sort", "department_id"))
    per_department = [SuggestionCount(r["department_id"], r["department__short_name"] or r["department__name"],
                                      r["total"], r["submitted"], r["adopted"], r["declined"]) for r in rows]
    total = SuggestionCount(None, str(_("合计")), *(sum(getattr(c, k) for c in per_department)
                                              for k in ("total", "submitted", "adopted", "declined")))
    return per_department, total


# --- district-wide reads for the leadership dashboard and the work report (issue 11) ---------------------------------

def district_indicators(*, start: date, end: date, codes: Iterable[str]) -> dict[str, ind.Value]:
    """The whole district's values of the named (active) indicators for [start, end]: the dashboard's "全区" row."""
    return district_values(period=Period(start, end), indicators=[indicator_get(c) for c in codes])


_local_bounds = local_day_bounds


def case_reminders_between(*, start: date, end: date) -> int:
    """Deadline reminders about cases sent in [start, end], district-wide (what ``reminders_sent`` counts per year)."""
    from zhengwu.core.models import Reminder

    first, after = _local_bounds(start, end)
    return Reminder.objects.filter(kind=CASE_REMINDER_KIND, object_type="cases.case", created_at__gte=first,
                                   created_at__lt=after).count()


def publications_between(*, start: date, end: date) -> int:
    """Published weekly snapshots whose week starts in [start, end] (``publication_count`` per year)."""
    return publications_published().filter(week_start__gte=start, week_start__lte=end).count()


def suggestion_figures(*, start: date, end: date) -> dict[str, int]:
    """Suggestions submitted in [start, end], district-wide, counted by :func:`suggestion_counts`: how many,
    how many departments filed at least one, and how many are adopted."""
    first, after = _local_bounds(start, end)
    per_department, total = suggestion_counts(
        suggestions=Suggestion.objects.filter(submitted_at__gte=first, submitted_at__lt=after))
    return {"suggestions": total.total, "departments": sum(1 for c in per_department if c.total),
            "adopted": total.adopted}
