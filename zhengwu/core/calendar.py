"""The working-day calendar: the one place that decides whether a date is a working day.

Legal time limits are counted in working days (工作日): statutory holidays are
excluded and make-up working days on weekends (调休上班) are included
(行政许可法 §82). Nothing else in the platform may consult ``chinese_calendar``
or test ``weekday() < 5`` for a time limit.

How a date is decided, first rule that applies:

1. a :class:`~zhengwu.core.models_calendar.CalendarOverride` row for that date;
2. the year has a :class:`~zhengwu.core.models_calendar.CalendarYear` row (its
   notice was entered): Monday–Friday (the overrides are the whole truth);
3. the year is covered by ``chinesecalendar`` (2004–2026 in 1.11.0):
   ``chinese_calendar.is_workday`` — never ``include_weekends=False``, which
   would drop the make-up working days;
4. otherwise Monday–Friday, and the year is reported by :func:`calendar_warnings`.

Speed: for each year the sorted tuple of its working days' ordinals is built
once and kept in this process; every question is a binary search. The tables
are dropped when a calendar row is saved or deleted in this process (signals
below, and again on commit) and in any case after ``CACHE_SECONDS``, so an
edit made in another process (the admin, another worker) is seen within a
minute. A write that is rolled back after being read in its own transaction
may also linger for at most that long.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.core.errors import InvalidInput
from zhengwu.core.models_calendar import CalendarOverride, CalendarYear

__all__ = [
    "CACHE_SECONDS",
    "YearSource",
    "add_working_days",
    "calendar_cache_clear",
    "calendar_warnings",
    "deadline",
    "end_of_working_day",
    "is_working_day",
    "next_year_missing",
    "package_covers",
    "working_days_between",
    "working_days_in_year",
    "year_source",
]

CACHE_SECONDS = 60.0
NOTICE_MONTH_DAY = (11, 1)  # from this day on, next year's notice is expected to be entered

YearSource = Literal["override", "package", "fallback"]

# Replaced in tests to move the cache clock.
_clock = time.monotonic


# --- the package and the Monday–Friday rule (static, cached for the process) --

def _days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    count = (dt.date(year, 12, 31) - first).days + 1
    return [first + dt.timedelta(days=i) for i in range(count)]


@lru_cache(maxsize=None)
def package_covers(year: int) -> bool:
    """Whether the installed ``chinesecalendar`` has data for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=None)
def _package_working_ordinals(year: int) -> frozenset[int]:
    return frozenset(d.toordinal() for d in _days_of(year) if chinese_calendar.is_workday(d))


# --- the database part: a snapshot of both tables, refreshed every minute ------

@dataclass
class _Snapshot:
    loaded_at: float
    entered_years: frozenset[int]
    overrides: dict[int, bool]  # date ordinal -> is a working day
    tables: dict[int, tuple[int, ...]] = field(default_factory=dict)
    sources: dict[int, YearSource] = field(default_factory=dict)


_snapshot: _Snapshot | None = None
_generation = 0
_lock = threading.Lock()
_fallback_years_used: set[int] = set()


def calendar_cache_clear(*, forget_fallback_years: bool = False) -> None:
    """Drop the cached tables; the next question reloads both calendar tables.

    ``forget_fallback_years`` also forgets which fallback years this process
    has computed with (they are listed by :func:`calendar_warnings`).
    """
    global _snapshot, _generation
    with _lock:
        _snapshot = None
        _generation += 1
        if forget_fallback_years:
            _fallback_years_used.clear()


def _current() -> _Snapshot:
    global _snapshot
    snap = _snapshot
    now = _clock()
    if snap is not None and now - snap.loaded_at < CACHE_SECONDS:
        return snap
    generation = _generation
    entered = frozenset(CalendarYear.objects.values_list("year", flat=True))
    overrides = {
        day.toordinal(): working
        for day, working in CalendarOverride.objects.values_list("date", "is_working_day")
    }
    snap = _Snapshot(loaded_at=now, entered_years=entered, overrides=overrides)
    with _lock:
        # An invalidation that happened while we were reading wins: keep ours private.
        if generation == _generation:
            _snapshot = snap
    return snap


def _source(year: int, snap: _Snapshot) -> YearSource:
    source = snap.sources.get(year)
    if source is None:
        if year in snap.entered_years:
            source = "override"
        elif package_covers(year):
            source = "package"
        else:
            source = "fallback"
        snap.sources[year] = source
    return source


def _table(year: int, snap: _Snapshot | None = None) -> tuple[int, ...]:
    """The sorted ordinals of the working days of ``year``."""
    snap = snap or _current()
    table = snap.tables.get(year)
    if table is not None:
        return table
    source = _source(year, snap)
    package = _package_working_ordinals(year) if source == "package" else None
    working = []
    for day in _days_of(year):
        ordinal = day.toordinal()
        decided = snap.overrides.get(ordinal)
        if decided is None:
            decided = ordinal in package if package is not None else day.weekday() < 5
        if decided:
            working.append(ordinal)
    table = tuple(working)
    snap.tables[year] = table
    if source == "fallback":
        with _lock:
            _fallback_years_used.add(year)
    return table


def _require_date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date (not {type(value).__name__}); "
                        "take timezone.localdate(...) of a moment first")
    return value


def _require_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int (not {type(value).__name__})")
    return value


# --- questions ------------------------------------------------------------------

def is_working_day(d: dt.date) -> bool:
    """Whether ``d`` is a working day (see the module docstring for the rules)."""
    d = _require_date(d, "d")
    table = _table(d.year)
    ordinal = d.toordinal()
    i = bisect.bisect_left(table, ordinal)
    return i < len(table) and table[i] == ordinal


def working_days_in_year(y: int) -> int:
    """The number of working days in year ``y`` (2024: 251, 2025: 248, 2026: 248)."""
    return len(_table(_require_int(y, "y")))


def year_source(y: int) -> YearSource:
    """Where year ``y``'s working days come from.

    ``"override"``: a ``CalendarYear`` row exists (Monday–Friday plus overrides);
    ``"package"``: ``chinesecalendar`` (plus any overrides);
    ``"fallback"``: neither: Monday–Friday (plus any overrides), with a warning.
    """
    return _source(_require_int(y, "y"), _current())


def add_working_days(d: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``d``; before ``d`` when ``n`` is negative.

    ``n == 0`` returns ``d`` itself, working day or not. For ``n >= 1`` the
    result is the ``n``-th working day strictly after ``d`` (``d`` itself never
    counts), so it is always a working day; for ``n <= -1`` it is the ``|n|``-th
    working day strictly before ``d``. Monotone: ``n < m`` gives a strictly
    earlier day, and ``d1 <= d2`` gives ``add(d1, n) <= add(d2, n)``.
    Inverse: ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n``.
    """
    d = _require_date(d, "d")
    n = _require_int(n, "n")
    if n == 0:
        return d
    snap = _current()
    year = d.year
    table = _table(year, snap)
    ordinal = d.toordinal()
    if n > 0:
        index = bisect.bisect_right(table, ordinal) + n - 1  # index of the answer in this year's table
        while index >= len(table):
            index -= len(table)
            year += 1
            table = _table(year, snap)
        return dt.date.fromordinal(table[index])
    index = bisect.bisect_left(table, ordinal) + n  # n < 0
    while index < 0:
        year -= 1
        table = _table(year, snap)
        index += len(table)
    return dt.date.fromordinal(table[index])


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days one steps over going from ``start`` to ``end``.

    * ``end >= start``: the number of working days in ``(start, end]``
      (``start`` excluded, ``end`` included);
    * ``end < start``: minus the number of working days in ``[end, start)``
      (``start`` excluded, ``end`` included: the same rule walking backwards).

    So ``working_days_between(d, add_working_days(d, n)) == n`` for every integer
    ``n``, and ``add_working_days(d, working_days_between(d, e)) == e`` whenever
    ``e`` is a working day. ``working_days_between(d, d) == 0``. It is not
    antisymmetric when exactly one of the two ends is a working day.
    """
    start = _require_date(start, "start")
    end = _require_date(end, "end")
    if end == start:
        return 0
    snap = _current()
    base = min(start.year, end.year)

    def upto(day: dt.date) -> int:
        """Working days in [1 January of ``base``, ``day``]."""
        count = sum(len(_table(y, snap)) for y in range(base, day.year))
        return count + bisect.bisect_right(_table(day.year, snap), day.toordinal())

    if end > start:
        return upto(end) - upto(start)
    # [end, start) = (end - 1, start - 1]
    before_start = upto(start) - _is_working(start, snap)
    before_end = upto(end) - _is_working(end, snap)
    return -(before_start - before_end)


def _is_working(d: dt.date, snap: _Snapshot) -> int:
    table = _table(d.year, snap)
    ordinal = d.toordinal()
    i = bisect.bisect_left(table, ordinal)
    return int(i < len(table) and table[i] == ordinal)


# --- deadlines ------------------------------------------------------------------

def _end_of_day_time() -> dt.time:
    raw = str(settings.ZHENGWU.get("DEADLINE_END_OF_DAY", "24:00")).strip()
    if raw in ("24:00", "24:00:00"):
        return dt.time.max
    try:
        hours, minutes = (int(part) for part in raw.split(":"))
        return dt.time(hours, minutes)
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            f'ZHENGWU["DEADLINE_END_OF_DAY"] must be "24:00" or "HH:MM" between 00:00 and 23:59, not {raw!r}'
        ) from None


def end_of_working_day(d: dt.date) -> dt.datetime:
    """The moment day ``d`` ends for deadlines, aware in the center's time zone.

    ``DEADLINE_END_OF_DAY = "24:00"`` gives 23:59:59.999999 of ``d``; ``"17:00"``
    gives 17:00:00 of ``d``.
    """
    d = _require_date(d, "d")
    return dt.datetime.combine(d, _end_of_day_time(), tzinfo=timezone.get_default_timezone())


def deadline(*, start: dt.datetime | dt.date, working_days: int) -> dt.datetime:
    """The moment a limit of ``working_days`` working days from ``start`` runs out.

    It is the end (see :func:`end_of_working_day`) of the ``working_days``-th
    working day after the local date of ``start`` in the center's time zone
    (Asia/Shanghai). An aware ``start`` is converted to that zone first; a naive
    one is taken as already in it; a ``date`` is its own local date. With
    ``working_days == 0`` (an instant item) the deadline is the end of that local
    date itself. A negative limit is refused.
    """
    tz = timezone.get_default_timezone()
    if isinstance(start, dt.datetime):
        moment = start if timezone.is_aware(start) else timezone.make_aware(start, tz)
        local_day = timezone.localtime(moment, tz).date()
    elif isinstance(start, dt.date):
        local_day = start
    else:
        raise TypeError(f"start must be a datetime or a date (not {type(start).__name__})")
    working_days = _require_int(working_days, "working_days")
    if working_days < 0:
        raise InvalidInput(_("时限不能为负数。"), field="working_days", code="negative_limit")
    return end_of_working_day(add_working_days(local_day, working_days))


# --- warnings -------------------------------------------------------------------

def next_year_missing(today: dt.date) -> bool:
    """True from 1 November on while next year is neither in the package nor entered.

    ``today`` on 2026-10-31 gives False, on 2026-11-01 True (chinesecalendar
    1.11.0 has no 2027 data), and False again once a ``CalendarYear`` for 2027
    exists.
    """
    today = _require_date(today, "today")
    if (today.month, today.day) < NOTICE_MONTH_DAY:
        return False
    return year_source(today.year + 1) == "fallback"


def calendar_warnings(today: dt.date | None = None) -> list[str]:
    """Visible warnings about the calendar, in Chinese, most urgent first.

    * from 1 November, next year's notice is missing (:func:`next_year_missing`);
    * every year in use that falls back to Monday–Friday: this year, next year,
      and any other year this process has computed with the fallback (a
      deadline that reaches into 2030, say). Next year is named once only.
    """
    today = _require_date(today, "today") if today is not None else timezone.localdate()
    messages: list[str] = []
    next_year = today.year + 1
    missing = next_year_missing(today)
    if missing:
        messages.append(_(
            "已过%(month)d月%(day)d日，%(year)d年的节假日安排尚未录入，涉及%(year)d年的时限正按周一至周五计算。"
            "请在“工作日历”中录入或导入国务院办公厅关于%(year)d年部分节假日安排的通知。"
        ) % {"month": NOTICE_MONTH_DAY[0], "day": NOTICE_MONTH_DAY[1], "year": next_year})
    with _lock:
        years = {today.year, next_year} | _fallback_years_used
    for year in sorted(years):
        if missing and year == next_year:
            continue
        if year_source(year) == "fallback":
            messages.append(_(
                "%(year)d年没有节假日数据，工作日正按周一至周五计算（未扣除法定节假日，也不含调休上班），"
                "时限可能不准。请录入或导入该年的节假日安排通知。"
            ) % {"year": year})
    return messages


# --- invalidation -----------------------------------------------------------------

def _on_calendar_change(sender: type, *, using: str | None = None, **kwargs: object) -> None:
    calendar_cache_clear()
    # Again once the change is visible to everyone (the first clear may have been
    # followed by a reload inside the still-open transaction).
    transaction.on_commit(calendar_cache_clear, using=using)


for _model in (CalendarYear, CalendarOverride):
    post_save.connect(_on_calendar_change, sender=_model, dispatch_uid=f"calendar-cache-save-{_model.__name__}")
    post_delete.connect(_on_calendar_change, sender=_model, dispatch_uid=f"calendar-cache-delete-{_model.__name__}")
del _model
