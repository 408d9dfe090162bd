"""``zhengwu redflags_collusion [--year Y]``: the collusion rules (串通投标迹象) over the trading data.

Loads every bid (or those of tenders whose bid deadline falls in year ``Y``), runs the rules of
``zhengwu.supervision.collusion`` and raises a flag per finding (family COLLUSION; running twice raises
nothing twice); prints the findings and the new flags by rule.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError

from zhengwu.core.management.base import ZhengwuCommand
from zhengwu.supervision.detect_collusion import detect_collusion, sections_of_year

ACTOR = "system:redflags_collusion"


class Command(ZhengwuCommand):
    help = "Run the collusion rules (串通投标迹象) over the trading data and raise flags; print counts by rule."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, help="only tenders whose bid deadline is in this year (Beijing time)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if year is not None and not 1990 <= year <= 2100:
            raise CommandError("--year 应为 1990 至 2100 之间的年份。")
        started = time.perf_counter()
        summary = detect_collusion(actor=ACTOR, sections=sections_of_year(year) if year else None)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"串通投标迹象检测:{summary['bids']} 份投标文件,{summary['sections']} 个标段,"
                          f"用时 {elapsed:.1f} 秒")
        self.stdout.write(f"{'rule':<22}{'found':>8}{'new':>8}")
        for rule, counts in summary["rules"].items():
            self.stdout.write(f"{rule:<22}{counts['found']:>8}{counts['raised']:>8}")
        self.stdout.write(f"{'total':<22}{summary['found']:>8}{summary['raised']:>8}")
