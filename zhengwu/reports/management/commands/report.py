"""``zhengwu report --from 2023-01-01 --to 2023-11-30 [--output DIR] [--format docx,html] [--compare-seed]``:
write the work report for the period (Word and HTML), print the files' paths and the headline figures; with
``--compare-seed``, compare every figure the seed gives (DOMAIN.md §13) with the computed one and exit with
status 1 when any lies outside its tolerance (``zhengwu/reports/seed.py``). Reads only."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from zhengwu.core.errors import AppError
from zhengwu.core.management.base import ZhengwuCommand
from zhengwu.reports import formatting, registry, seed
from zhengwu.reports.registry import FigureSet, Period
from zhengwu.reports.services import report_write


def _num(value: Any) -> str:
    d = Decimal(value)
    return f"{d.to_integral_value():f}" if d == d.to_integral_value() else f"{d.normalize():f}"


def year_figures(period: Period) -> FigureSet | None:
    """The seed's calendar-year figures for the report's year, unless the report already covers that year."""
    year = Period(period.end.replace(month=1, day=1), period.end.replace(month=12, day=31))
    if year == period:
        return None
    known = {f.key for f in registry.figures()}
    return registry.values(year, keys=[k for k in seed.year_keys() if k in known])


def comparison_lines(figures: FigureSet, *, year: FigureSet | None = None,
                     scale: Decimal | float | int = 1) -> tuple[list[str], int]:
    """The comparison table's lines and the number of figures outside their tolerance."""
    rows = seed.compare(figures, year_figures=year, scale=scale)
    lines = [f"{'指标':<40}{'口径':<10}{'种子值':>22}{'计算值':>22}{'差值':>20}  结果"]
    outside = 0
    for c in rows:
        ok = "OK" if c.within else "OUTSIDE"
        outside += 0 if c.within else 1
        computed = "—" if c.computed is None else _num(c.computed)
        diff = "—" if c.difference is None else ("+" if c.difference > 0 else "") + _num(c.difference)
        span = "全年" if c.span == seed.YEAR and year is not None else ""
        lines.append(f"{c.key:<40}{c.measure + span:<10}{_num(c.seed):>22}{computed:>22}{diff:>20}  {ok} ({c.rule})")
    return lines, outside


class Command(ZhengwuCommand):
    help = ("Write the work report (Word and HTML) for a period and print the headline figures; "
            "--compare-seed compares the figures with the seed's (exit status 1 when any is outside).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day (included), YYYY-MM-DD")
        parser.add_argument("--output", default=".", help="directory for the files (default: current)")
        parser.add_argument("--format", default="docx,html", help="docx, html or both (comma-separated)")
        parser.add_argument("--compare-seed", action="store_true", help="compare with DOMAIN.md §13")
        parser.add_argument("--scale", default="1", help="the demo's --scale, for --compare-seed (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period.parse(options["start"], options["end"])
            scale = Decimal(options["scale"])
        except AppError as exc:
            raise CommandError(f"--{'from' if exc.field == 'start' else 'to'}: {exc.message}") from None
        except InvalidOperation:
            raise CommandError(f"--scale: “{options['scale']}” is not a number") from None
        formats = [f.strip() for f in options["format"].split(",") if f.strip()]
        figures = registry.values(period)
        try:
            written = report_write(period=period, output_dir=Path(options["output"]), formats=formats,
                                   figures=figures)
        except AppError as exc:
            raise CommandError(f"--{exc.field or 'format'}: {exc.message}") from None
        for fmt, path in written.paths.items():
            self.stdout.write(f"{fmt}: {path.resolve()}")
        self.stdout.write(f"{written.content.title}({period.label})")
        for fv in (v for v in figures.values.values() if v.figure.headline):
            change = formatting.change_text(fv)
            self.stdout.write(f"  {fv.figure.label}: {formatting.value_text(fv)}{(',' + change) if change else ''}")
        if options["compare_seed"]:
            lines, outside = comparison_lines(figures, year=year_figures(period), scale=scale)
            for line in lines:
                self.stdout.write(line)
            if outside:
                raise CommandError(f"{outside} figure(s) outside the seed's tolerance")
            self.stdout.write("every seed figure is within its tolerance")
