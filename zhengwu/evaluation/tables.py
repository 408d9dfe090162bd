"""Every table of the evaluation pages, built once as data.

A :class:`Table` is what a page shows and what its Excel export writes: the
HTML partial ``evaluation/partials/_table.html`` prints each cell's ``text``,
``exports.workbook`` writes each cell's ``value`` with a number format that
prints the same text. Numbers are rounded once, here (or before, by the
indicator and scoring code), never by a template or by the spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengwu.evaluation.indicators import Value
from zhengwu.evaluation.models import Indicator

DASH = "—"

#: column kinds: how a value prints, here and in the spreadsheet (the xlsx number format)
NUMBER_FORMATS = {"int": "0", "number": "0.00", "percent": "0.00", "text": "@", "date": "yyyy-mm-dd",
                  "datetime": "yyyy-mm-dd hh:mm"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, int, number, percent, date, datetime


@dataclass
class Cell:
    value: Any
    text: str
    link: str = ""
    title: str = ""
    tone: str = ""


@dataclass
class Row:
    cells: list[Cell]
    key: Any = None
    total: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.rows

    @property
    def lines(self) -> list[tuple[Row, list[tuple[Column, Cell]]]]:
        """Each row with its cells paired to their columns (for the template)."""
        return [(row, list(zip(self.columns, row.cells))) for row in self.rows]


def cell(value: Any, kind: str = "text", **extra: Any) -> Cell:
    """A cell whose text is the value printed the one way both the page and the spreadsheet print it."""
    if value is None:
        return Cell(None, DASH, **extra)
    if kind in ("number", "percent"):
        value = Decimal(value).quantize(Decimal("0.01"))
        return Cell(value, f"{value:.2f}", **extra)
    if kind == "int":
        return Cell(int(value), str(int(value)), **extra)
    if kind == "datetime" and isinstance(value, datetime):
        local = timezone.localtime(value).replace(tzinfo=None)
        return Cell(local, f"{local:%Y-%m-%d %H:%M}", **extra)
    if kind == "date" and isinstance(value, date):
        return Cell(value, f"{value:%Y-%m-%d}", **extra)
    return Cell(str(value), str(value), **extra)


def _fraction(value: Value) -> str:
    return f"{value.numerator.normalize():f} / {value.denominator.normalize():f}"


LinkFn = Callable[[Any, str], str]


# --- values, ranking, trends ------------------------------------------------------------------------

def group_label(group: str) -> str:
    return _("部门") if group == "department" else _("乡镇(街道)")


def values_table(*, rows: Iterable[Any], district: Any = None, indicators: list[Indicator], group: str,
                 link: LinkFn | None = None, title: str | None = None, key: str = "values") -> Table:
    """One row per group (and the district), one column per indicator, values in percent."""
    columns = [Column("name", group_label(group))]
    columns += [Column(i.code, f"{i.name}(%)", "percent") for i in indicators]
    table = Table(key, title or _("指标值"), columns,
                  note=_("比率以百分数表示,保留两位小数;“—”表示统计期内没有可计算的基数。"))
    for row in [*rows, *([district] if district is not None else [])]:
        cells = [cell(row.name)]
        for i in indicators:
            value = row.values.get(i.code)
            percent = value.percent if value is not None else None
            href = link(row.group_id, i.code) if link is not None and percent is not None else ""
            cells.append(cell(percent, "percent", link=href or "",
                              title=_fraction(value) if value is not None else ""))
        table.rows.append(Row(cells, key=row.group_id, total=row.group_id is None))
    return table


def ranking_rows_table(*, rows: Iterable[Any], indicators: list[Indicator], group: str,
                       weights: dict[str, Decimal] | None = None, key: str = "ranking", title: str | None = None,
                       scores: bool = True) -> Table:
    """Rank, name, total and (optionally) each indicator's score."""
    columns = [Column("rank", _("排名"), "int"), Column("name", group_label(group)),
               Column("total", _("总分"), "number")]
    if scores:
        for i in indicators:
            weight = (weights or {}).get(i.code)
            label = f"{i.name}({weight.normalize():f})" if weight is not None else i.name
            columns.append(Column(i.code, label, "number"))
    table = Table(key, title or _("排名"), columns)
    for row in rows:
        cells = [cell(row.rank, "int"), cell(row.name), cell(row.total, "number")]
        if scores:
            cells += [cell(row.scores.get(i.code), "number") for i in indicators]
        table.rows.append(Row(cells, key=row.group_id))
    if scores and weights:
        table.note = _("括号内为权重;某项指标无基数时,总分按其余指标的权重折算为百分制。")
    return table


def trend_table(trend: Any, *, key: str, title: str) -> Table:
    columns = [Column("indicator", _("指标"))] + [Column(b.start.isoformat(), b.label, "percent")
                                                 for b in trend.buckets]
    table = Table(key, title, columns, note=_("各期数值为该周(月)内的比率(%)。"))
    for i in trend.indicators:
        cells = [cell(i.name)] + [cell(v.percent, "percent", title=_fraction(v)) for v in trend.series[i.code]]
        table.rows.append(Row(cells, key=i.code))
    return table


def change_table(changes: Iterable[Any], *, period: Any) -> Table:
    previous = period.last_year()
    columns = [Column("indicator", _("指标")), Column("now", _("本期(%)"), "percent"),
               Column("before", _("上年同期(%)"), "percent"), Column("delta", _("变化(百分点)"), "number")]
    table = Table("year_on_year", _("与上年同期比较"), columns,
                  note=_("本期 %(now)s,上年同期 %(before)s。") % {"now": period.label, "before": previous.label})
    for c in changes:
        tone = "" if c.better is None else ("green" if c.better else "red")
        table.rows.append(Row([cell(c.indicator.name), cell(c.now.percent, "percent"),
                               cell(c.before.percent, "percent"), cell(c.delta, "number", tone=tone)],
                              key=c.indicator.code))
    return table


# --- publications ---------------------------------------------------------------------------------------

def publication_trend_table(trend: Any, *, group: str) -> Table:
    columns = [Column("name", group_label(group))] + [Column(w.isoformat(), f"{w:%m-%d}", "number")
                                                     for w in trend.weeks]
    table = Table("publication_trend", _("历次晾晒总分"), columns)
    for gid, name, totals, _ranks in trend.rows:
        table.rows.append(Row([cell(name)] + [cell(t, "number") for t in totals], key=gid))
    return table


def publications_table(publications: Iterable[Any], *, link: Callable[[Any], str] | None = None) -> Table:
    columns = [Column("week", _("晾晒周"), "date"), Column("period", _("统计区间")),
               Column("grouping", _("评价对象")), Column("status", _("状态")), Column("scheme", _("方案版本")),
               Column("published_at", _("晾晒时间"), "datetime"), Column("digest", _("SM3摘要"))]
    table = Table("publications", _("晾晒记录"), columns)
    for p in publications:
        version = p.scheme_version
        table.rows.append(Row([
            cell(p.week_start, "date", link=link(p) if link else ""),
            cell(f"{p.period_start:%m-%d} 至 {p.period_end:%m-%d}"), cell(p.get_grouping_display()),
            cell(p.get_status_display(), tone="green" if p.status == "published" else "yellow"),
            cell(f"{version.scheme.name} v{version.number}"), cell(p.published_at, "datetime"),
            cell(p.digest[:16] if p.digest else None),
        ], key=p.pk))
    return table


# --- suggestions and cases -----------------------------------------------------------------------------

def suggestion_counts_table(counts: Iterable[Any], total: Any) -> Table:
    columns = [Column("department", _("部门")), Column("total", _("建议数"), "int"),
               Column("adopted", _("已采纳"), "int"), Column("declined", _("未采纳"), "int"),
               Column("submitted", _("待答复"), "int")]
    table = Table("suggestion_counts", _("各部门建议"), columns)
    for c in [*counts, total]:
        table.rows.append(Row([cell(c.department), cell(c.total, "int"), cell(c.adopted, "int"),
                               cell(c.declined, "int"), cell(c.submitted, "int")],
                              key=c.department_id, total=c.department_id is None))
    return table


def cases_table(cases: Iterable[Any], *, title: str, link: Callable[[Any], str] | None = None) -> Table:
    columns = [Column("number", _("办件编号")), Column("item", _("事项")), Column("department", _("部门")),
               Column("status", _("状态")), Column("received_at", _("收件时间"), "datetime"),
               Column("completed_at", _("办结时间"), "datetime")]
    table = Table("cases", title, columns)
    for case in cases:
        table.rows.append(Row([
            cell(case.number, link=link(case) if link else ""), cell(case.item.name),
            cell(str(case.department)), cell(case.get_status_display()),
            cell(case.received_at, "datetime"), cell(case.completed_at, "datetime"),
        ], key=case.pk))
    return table
