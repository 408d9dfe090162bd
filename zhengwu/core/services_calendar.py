"""Writes to the working-day calendar: importing one year's holiday notice.

A notice (国务院办公厅关于某年部分节假日安排的通知) becomes a small file:

CSV, with a header row; ``name`` may be empty::

    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-07,workday,春节调休上班

JSON::

    {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知",
     "days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}

``kind`` is ``holiday`` (a day off, usually a weekday) or ``workday`` (a working
day, usually a make-up weekend day). Rows that restate the default (a holiday
on a Sunday) are accepted and kept, with their names. Once imported, the year
is Monday–Friday plus exactly these rows: the package is no longer consulted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import audit
from zhengwu.core.calendar import calendar_cache_clear
from zhengwu.core.errors import InvalidInput
from zhengwu.core.models_calendar import MAX_YEAR, MIN_YEAR, CalendarOverride, CalendarYear

__all__ = ["KINDS", "MAX_FILE_BYTES", "calendar_import"]

KINDS: dict[str, bool] = {"holiday": False, "workday": True}
DEFAULT_NAMES = {False: "放假", True: "调休上班"}
MAX_FILE_BYTES = 1_000_000
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")  # 2027-01-01, or 2027/1/1 as Excel saves it
_NAME_MAX = CalendarOverride._meta.get_field("name").max_length
_SOURCE_MAX = CalendarYear._meta.get_field("source").max_length


@dataclass(frozen=True)
class _Day:
    row: int
    date: dt.date
    is_working_day: bool
    name: str


@dataclass(frozen=True)
class _Problem:
    row: int
    field: str
    code: str
    message: str


def calendar_import(*, data: str | bytes, fmt: Literal["csv", "json"], year: int, source: str,
                    actor: Any = None) -> CalendarYear:
    """Replace year ``year``'s overrides with the file's rows and mark the year entered.

    Every row is checked first: a bad or missing date, a date outside ``year``,
    an unknown kind, a duplicate date, a name too long. Any problem raises
    :class:`InvalidInput` whose message names the row (CSV: the line of the
    file, the header being line 1; JSON: the position in ``days``, from 1) and
    whose ``field`` is the column (``date``, ``kind``, ``name``); every problem
    found is listed in ``details["errors"]``. Nothing is written then.

    Otherwise, in one transaction: the year's existing overrides are deleted,
    the new ones created, the :class:`CalendarYear` created or updated (its
    ``source``, ``entered_by = actor`` when the actor is a user) and one audit
    event ``calendar.import`` written. ``source`` may be blank for JSON that
    carries its own ``source``.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(_("年份应为%(min)d至%(max)d之间的整数。") % {"min": MIN_YEAR, "max": MAX_YEAR},
                           field="year", code="bad_year")
    if fmt not in ("csv", "json"):
        raise InvalidInput(_("文件格式应为 csv 或 json。"), field="format", code="bad_format")
    text = _decode(data)
    if fmt == "csv":
        raw_rows, file_source = _read_csv(text), ""
    else:
        raw_rows, file_source = _read_json(text, year)

    source = (source or "").strip() or file_source
    if not source:
        raise InvalidInput(_("请填写依据（节假日安排通知的名称）。"), field="source", code="required")
    if len(source) > _SOURCE_MAX:
        raise InvalidInput(_("依据不能超过%(max)d个字。") % {"max": _SOURCE_MAX}, field="source", code="too_long")

    days, problems = _check_rows(raw_rows, year, row_word=_("行") if fmt == "csv" else _("条"))
    if problems:
        first = problems[0]
        message = first.message
        if len(problems) > 1:
            message += _("（另有%(count)d处错误）") % {"count": len(problems) - 1}
        raise InvalidInput(message, field=first.field, code=first.code, details={
            "row": first.row,
            "errors": [{"row": p.row, "field": p.field, "code": p.code, "message": p.message} for p in problems],
        })
    if not days:
        raise InvalidInput(_("文件中没有任何日期。"), field="file", code="empty")

    user = actor if isinstance(actor, get_user_model()) else None
    with transaction.atomic():
        replaced, _detail = CalendarOverride.objects.filter(date__year=year).delete()
        CalendarOverride.objects.bulk_create(
            CalendarOverride(date=day.date, is_working_day=day.is_working_day, name=day.name) for day in days
        )
        entry, created = CalendarYear.objects.update_or_create(
            year=year, defaults={"source": source, "entered_by": user},
        )
        audit.record(actor=actor, action="calendar.import", obj=entry, payload={
            "year": year,
            "source": source,
            "format": fmt,
            "holidays": sum(1 for day in days if not day.is_working_day),
            "workdays": sum(1 for day in days if day.is_working_day),
            "replaced": replaced,
            "created": created,
        })
        # bulk_create sends no signal: drop the cached tables ourselves, now and once visible.
        calendar_cache_clear()
        transaction.on_commit(calendar_cache_clear)
    return entry


# --- reading ----------------------------------------------------------------------

def _decode(data: str | bytes) -> str:
    if isinstance(data, str):
        if len(data.encode("utf-8")) > MAX_FILE_BYTES:
            raise InvalidInput(_("文件过大（超过1 MB）。"), field="file", code="too_large")
        return data.removeprefix("\ufeff")
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"data must be str or bytes, not {type(data).__name__}")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(_("文件过大（超过1 MB）。"), field="file", code="too_large")
    # UTF-8 first (with or without BOM); Excel in a Chinese locale saves CSV as GB18030/GBK.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return bytes(data).decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(_("无法识别文件编码，请另存为 UTF-8。"), field="file", code="bad_encoding")


def _read_csv(text: str) -> list[tuple[int, Any, Any, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInput(_("文件为空。"), field="file", code="empty")
        columns = [cell.strip().lower() for cell in header]
        missing = [name for name in ("date", "kind") if name not in columns]
        if missing:
            raise InvalidInput(
                _("第1行应为表头 date,kind,name，缺少列：%(columns)s。") % {"columns": ", ".join(missing)},
                field="file", code="bad_header", details={"row": 1},
            )
        at = {name: columns.index(name) for name in ("date", "kind", "name") if name in columns}
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            date, kind, name = (cells[at[n]] if n in at and at[n] < len(cells) else None
                                for n in ("date", "kind", "name"))
            rows.append((reader.line_num, date, kind, name))
    except csv.Error as exc:
        raise InvalidInput(_("第%(row)d行：CSV 格式错误（%(error)s）。") % {"row": reader.line_num, "error": exc},
                           field="file", code="bad_csv", details={"row": reader.line_num}) from None
    return rows


def _read_json(text: str, year: int) -> tuple[list[tuple[int, Any, Any, Any]], str]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(_("JSON 格式错误：第%(line)d行第%(column)d列。") % {"line": exc.lineno, "column": exc.colno},
                           field="file", code="bad_json") from None
    if not isinstance(document, dict) or not isinstance(document.get("days"), list):
        raise InvalidInput(_("JSON 应为一个对象，含 days 数组。"), field="file", code="bad_json")
    if "year" in document and document["year"] != year:
        raise InvalidInput(_("文件中的年份 %(file)s 与指定的年份 %(year)d 不一致。") % {"file": document["year"], "year": year},
                           field="year", code="year_mismatch")
    file_source = document.get("source")
    file_source = file_source.strip() if isinstance(file_source, str) else ""
    rows = []
    for number, item in enumerate(document["days"], start=1):
        if not isinstance(item, dict):
            item = {"date": None, "kind": None, "name": None}
        rows.append((number, item.get("date"), item.get("kind"), item.get("name")))
    return rows, file_source


# --- checking -----------------------------------------------------------------------

def _check_rows(raw_rows: list[tuple[int, Any, Any, Any]], year: int, *, row_word: str
                ) -> tuple[list[_Day], list[_Problem]]:
    days: list[_Day] = []
    problems: list[_Problem] = []
    seen: dict[dt.date, int] = {}
    labels = {"date": _("日期"), "kind": _("类型"), "name": _("名称")}

    def problem(row: int, field: str, code: str, text: str) -> None:
        message = _("第%(row)d%(word)s，%(label)s：%(text)s") % {
            "row": row, "word": row_word, "label": labels[field], "text": text}
        problems.append(_Problem(row=row, field=field, code=code, message=message))

    for row, raw_date, raw_kind, raw_name in raw_rows:
        ok = True
        day = _parse_date(raw_date)
        if day is None:
            problem(row, "date", "bad_date",
                    _("“%(value)s”不是有效日期，应为 YYYY-MM-DD。") % {"value": _show(raw_date)})
            ok = False
        elif day.year != year:
            problem(row, "date", "outside_year",
                    _("%(date)s 不在%(year)d年内。") % {"date": day.isoformat(), "year": year})
            ok = False
        elif day in seen:
            problem(row, "date", "duplicate",
                    _("%(date)s 与第%(other)d%(word)s重复。") % {"date": day.isoformat(), "other": seen[day],
                                                              "word": row_word})
            ok = False
        else:
            seen[day] = row
        kind = raw_kind.strip().lower() if isinstance(raw_kind, str) else None
        if kind not in KINDS:
            problem(row, "kind", "bad_kind",
                    _("“%(value)s”不是有效类型，应为 holiday（放假）或 workday（上班）。") % {"value": _show(raw_kind)})
            ok = False
        if raw_name is not None and not isinstance(raw_name, str):
            problem(row, "name", "bad_name", _("应为文字。"))
            ok = False
            name = ""
        else:
            name = (raw_name or "").strip()
            if len(name) > _NAME_MAX:
                problem(row, "name", "too_long", _("不能超过%(max)d个字。") % {"max": _NAME_MAX})
                ok = False
        if ok:
            working = KINDS[kind]
            days.append(_Day(row=row, date=day, is_working_day=working, name=name or DEFAULT_NAMES[working]))
    return days, problems


def _parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _show(value: Any) -> str:
    if value is None:
        return _("（空）")
    text = str(value).strip()
    return text[:40] if text else _("（空）")
