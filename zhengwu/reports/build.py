"""What the report says, before it is written as Word or HTML: title, opening paragraph, numbered sections of
paragraphs and the table of figures. Both writers write this one :class:`ReportContent`, so the Word document
and the HTML version have the same sentences, numbers and order.

Every number comes from the :class:`~zhengwu.reports.registry.FigureSet` (computed once per report); the
words come from the sentence templates (data the center administrator edits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from zhengwu.reports.models import SentenceTemplate
from zhengwu.reports.registry import FigureSet
from zhengwu.reports.selectors import figure_rows
from zhengwu.reports.sentences import period_text, render_sentence

CHINESE_NUMERALS = "一二三四五六七八九十"
#: a heading typed with its number ("(一)…", "(一)…", "一、…"): the report numbers sections itself
LEADING_NUMBER = re.compile(r"^\s*(?:[((][一二三四五六七八九十]+[))]|[一二三四五六七八九十]+、)\s*")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


@dataclass
class Section:
    number: str  # "(一)"
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class ReportContent:
    title: str
    district: str
    period_text: str
    period_label: str
    previous_period_label: str
    opening: str
    part_heading: str  # "一、2023年工作总结"
    sections: list[Section]
    table: list[dict[str, Any]]
    headline: dict[str, str]


def _sections(templates: Iterable[SentenceTemplate], figures: FigureSet, *, district: str) -> list[Section]:
    sections: list[Section] = []
    current_heading: str | None = None
    current: Section | None = None
    for t in templates:
        heading = LEADING_NUMBER.sub("", t.heading or "").strip()
        if current is None or heading != current_heading:
            current_heading = heading
            current = Section(number="", heading=heading)
            sections.append(current)
        sentence = render_sentence(t.text, figures, district=district)
        if sentence is not None:
            current.paragraphs.append(sentence)
    kept = [s for s in sections if s.paragraphs]
    for i, section in enumerate(kept, start=1):
        section.number = f"({chinese_number(i)})"
        section.paragraphs = [f"{chinese_number(j)}是{p}" if len(section.paragraphs) > 1 else p
                              for j, p in enumerate(section.paragraphs, start=1)]
    return kept


def report_content(*, figures: FigureSet, opening: Iterable[SentenceTemplate],
                   sections: Iterable[SentenceTemplate], district: str) -> ReportContent:
    period = figures.period
    year = period.end.year
    opening_text = "".join(s for s in (render_sentence(t.text, figures, district=district) for t in opening)
                           if s is not None)
    rows = figure_rows(figures)
    headline = {r["key"]: r["text"] for r in rows if r["headline"] and r["value"] is not None}
    return ReportContent(
        title=f"{district}行政服务中心{year}年工作总结",
        district=district,
        period_text=period_text(period),
        period_label=period.label,
        previous_period_label=period.previous_year().label,
        opening=opening_text,
        part_heading=f"一、{year}年工作总结",
        sections=_sections(sections, figures, district=district),
        table=rows,
        headline=headline,
    )
