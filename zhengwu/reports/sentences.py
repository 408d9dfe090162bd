"""The sentence templates' little language, and writing a sentence from a :class:`~registry.FigureSet`.

A template is text with placeholders in braces:

* ``{cases.received}`` — the figure as a report writes it ("56.2万件", "372.3亿元", "99.4%");
* ``{cases.received|exact}`` — the unscaled number ("562,118 件");
* ``{reviews.bad|change}`` — the year-on-year change ("同比下降20.47%"; for a rate, in percentage points);
* ``{reviews.bad|previous}`` / ``{reviews.bad|previous_exact}`` — the same period a year earlier;
* ``{period}`` ("2023年1-11月"), ``{year}`` ("2023"), ``{district}`` ("婺城区").

Every placeholder must name a registered figure (or one of the words above) and a known format, else the
template is refused naming the field ``text`` and the bad placeholder. A paragraph whose figures are all
without data is left out of the report; a paragraph with some data writes "—" for the missing ones.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from zhengwu.core.errors import InvalidInput
from zhengwu.reports import formatting, registry
from zhengwu.reports.choices import PERIOD_WORDS, PlaceholderFormat
from zhengwu.reports.registry import FigureSet, FigureValue, Period

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FORMATS = set(PlaceholderFormat.values)
MISSING = "—"


@dataclass(frozen=True)
class Placeholder:
    raw: str
    key: str
    fmt: str

    @property
    def is_figure(self) -> bool:
        return self.key not in PERIOD_WORDS


def placeholders(text: str) -> list[Placeholder]:
    """The placeholders of ``text`` in order (not validated)."""
    found = []
    for match in PLACEHOLDER.finditer(text or ""):
        raw = match.group(1)
        key, _sep, fmt = raw.partition("|")
        found.append(Placeholder(raw=raw, key=key.strip(), fmt=fmt.strip()))
    return found


def _bad(raw: str, why: str, code: str) -> InvalidInput:
    return InvalidInput(f"占位符“{{{raw}}}”无效:{why}", field="text", code=code, details={"placeholder": raw})


def validate_text(text: str) -> list[Placeholder]:
    """Check every placeholder of ``text``; the first bad one is refused naming the field ``text``."""
    leftover = PLACEHOLDER.sub("", text or "")
    if "{" in leftover or "}" in leftover:
        raise InvalidInput("句子模板中的花括号不成对:占位符应写成 {指标键} 或 {指标键|格式}。", field="text",
                           code="unbalanced_braces")
    found = placeholders(text)
    known = set(f.key for f in registry.figures())
    for p in found:
        if not p.key:
            raise _bad(p.raw, "缺少指标键。", "bad_placeholder")
        if p.key in PERIOD_WORDS:
            if p.fmt:
                raise _bad(p.raw, f"“{p.key}”不能带格式。", "bad_format")
            continue
        if p.key not in known:
            raise _bad(p.raw, f"未知的统计指标“{p.key}”。", "unknown_figure")
        if p.fmt not in FORMATS:
            allowed = "、".join(f for f in sorted(FORMATS) if f)
            raise _bad(p.raw, f"未知的格式“{p.fmt}”(可用:{allowed})。", "bad_format")
    return found


def figure_keys(text: str) -> set[str]:
    return {p.key for p in placeholders(text) if p.is_figure and p.key}


# --- writing ---------------------------------------------------------------------------------------------------

def _month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def period_text(period: Period) -> str:
    """"2023年1-11月", "2023年", "2023年3月", "2023年1月5日至6月30日", "2022年12月1日至2023年1月31日"."""
    s, e = period.start, period.end
    if s.year != e.year:
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"
    if s.day == 1 and _month_end(e):
        if s.month == 1 and e.month == 12:
            return f"{s.year}年"
        if s.month == e.month:
            return f"{s.year}年{s.month}月"
        return f"{s.year}年{s.month}-{e.month}月"
    if s == e:
        return f"{s.year}年{s.month}月{s.day}日"
    return f"{s.year}年{s.month}月{s.day}日至{e.month}月{e.day}日"


def placeholder_text(fv: FigureValue | None, fmt: str) -> str | None:
    """The text of one figure placeholder, or None when there is no data for it."""
    if fv is None:
        return None
    fig = fv.figure
    if fmt in ("", PlaceholderFormat.SCALED):
        return None if fv.value is None else formatting.value_text(fv)
    if fmt == PlaceholderFormat.EXACT:
        return None if fv.value is None else formatting.exact(fv.value, unit=fig.unit, decimals=fig.decimals)
    if fmt == PlaceholderFormat.CHANGE:
        return formatting.change_text(fv) or None
    if fmt == PlaceholderFormat.PREVIOUS:
        return None if fv.previous is None else formatting.scaled(fv.previous, unit=fig.unit, decimals=fig.decimals)
    if fmt == PlaceholderFormat.PREVIOUS_EXACT:
        return None if fv.previous is None else formatting.exact(fv.previous, unit=fig.unit, decimals=fig.decimals)
    return None


def render_sentence(text: str, figures: FigureSet, *, district: str) -> str | None:
    """``text`` with its placeholders written from ``figures``; None when every figure in it has no data."""
    words = {"period": period_text(figures.period), "year": str(figures.period.end.year), "district": district}
    pieces: dict[str, str | None] = {}
    for p in placeholders(text):
        if p.is_figure:
            pieces[p.raw] = placeholder_text(figures.values.get(p.key), p.fmt)
        else:
            pieces[p.raw] = words.get(p.key, "")
    figure_pieces = [pieces[p.raw] for p in placeholders(text) if p.is_figure]
    if figure_pieces and all(v is None for v in figure_pieces):
        return None
    return PLACEHOLDER.sub(lambda m: pieces.get(m.group(1)) or MISSING, text)
