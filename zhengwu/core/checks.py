"""System checks of the core app (imported by ``CoreConfig.ready``).

The working-day calendar:

* ``core.E001`` (tag ``calendar``, deploy only): from 1 November, next year's
  holiday notice is missing. ``manage.py check --deploy`` fails on it, so a
  release is not shipped without next year's calendar.
* ``core.W001`` (default tags): the same condition as a warning, so that
  ``migrate`` and ``runserver`` still run and print it.
* ``core.W002`` (default tags): this year falls back to Monday–Friday
  (next year is W001/E001's business from 1 November).

Checks run before ``migrate`` too: a missing calendar table counts as "no
overrides entered".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.checks import Error, Warning, register
from django.db.utils import OperationalError, ProgrammingError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.core import calendar

CALENDAR_TAG = "calendar"


def _hint() -> str:
    return _("在管理后台“工作日历”中录入该年的节假日安排，或运行 "
             "manage.py calendar_import 文件 --year 年份 --source 通知名称。")


def _year_source(year: int) -> calendar.YearSource:
    """Like :func:`calendar.year_source`, but without tables (before migrate) only the package counts."""
    try:
        return calendar.year_source(year)
    except (OperationalError, ProgrammingError):
        return "package" if calendar.package_covers(year) else "fallback"


def _next_year_missing(today: dt.date) -> bool:
    if (today.month, today.day) < calendar.NOTICE_MONTH_DAY:
        return False
    return _year_source(today.year + 1) == "fallback"


def _missing_message(today: dt.date) -> str:
    return _("已过11月1日，%(year)d年的节假日安排尚未录入（chinesecalendar 无该年数据），"
             "涉及该年的时限将按周一至周五计算。") % {"year": today.year + 1}


@register(CALENDAR_TAG, deploy=True)
def check_next_year_calendar_deploy(app_configs: Any = None, *, today: dt.date | None = None,
                                    **kwargs: Any) -> list[Error]:
    """core.E001: next year's calendar is missing after 1 November (deploy)."""
    today = today or timezone.localdate()
    if not _next_year_missing(today):
        return []
    return [Error(_missing_message(today), hint=_hint(), id="core.E001")]


@register()
def check_next_year_calendar(app_configs: Any = None, *, today: dt.date | None = None,
                             **kwargs: Any) -> list[Warning]:
    """core.W001: the same condition as core.E001, as a warning on every command."""
    today = today or timezone.localdate()
    if not _next_year_missing(today):
        return []
    return [Warning(_missing_message(today), hint=_hint(), id="core.W001")]


@register()
def check_fallback_years(app_configs: Any = None, *, today: dt.date | None = None,
                         **kwargs: Any) -> list[Warning]:
    """core.W002: this year or next year is counted Monday–Friday for want of data."""
    today = today or timezone.localdate()
    # Only this year: next year's data normally ships late in the year, and from
    # 1 November W001/E001 report it, so warning about it all year would be noise.
    years = [today.year]
    return [
        Warning(
            _("%(year)d年没有节假日数据，工作日按周一至周五计算，时限可能不准。") % {"year": year},
            hint=_hint(), id="core.W002",
        )
        for year in years
        if _year_source(year) == "fallback"
    ]


@register()
def check_audit_retention(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """core.E010: the audit retention is shorter than 183 days (≥ 6 months, DOMAIN.md §14)."""
    from django.conf import settings

    from zhengwu.core.audit import RETENTION_MIN_DAYS

    value = settings.ZHENGWU.get("AUDIT_RETENTION_DAYS", RETENTION_MIN_DAYS)
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if days >= RETENTION_MIN_DAYS:
        return []
    return [Error(_("审计日志保留期 ZHENGWU['AUDIT_RETENTION_DAYS'] = %(value)s 天，少于 %(min)s 天(6个月)。")
                  % {"value": value, "min": RETENTION_MIN_DAYS},
                  hint=_("设置 ZHENGWU_AUDIT_RETENTION_DAYS 为 183 或更大。"), id="core.E010")]
