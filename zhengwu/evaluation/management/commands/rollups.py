"""``zhengwu rollups rebuild`` recomputes the daily rollups from the raw tables;
``zhengwu rollups check`` compares them with the raw tables without writing."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError

from zhengwu.core import audit
from zhengwu.core.management.base import ZhengwuCommand
from zhengwu.evaluation import counters, raw, rollups
from zhengwu.evaluation.models import DailyRollup


class Command(ZhengwuCommand):
    help = "Daily rollups of the evaluation indicators: rebuild them from the raw tables, or check them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rollups.fold()
        if options["action"] == "rebuild":
            rows = rollups.rebuild()
            audit.record(actor=None, action="rollups.rebuild", obj=("evaluation.dailyrollup", "all"),
                         payload={"rows": rows})
            self.stdout.write(f"rebuilt {rows} rollup rows in {time.perf_counter() - started:.1f}s")
            return
        kept = {}
        for row in DailyRollup.objects.values_list("day", "department_id", "township_id", "item_id", "channel",
                                                   *counters.COUNTERS):
            for name, n in zip(counters.COUNTERS, row[5:]):
                if n:
                    kept[(counters.Key(*row[:5]), name)] = n
        expected = {(key, name): n for name in counters.COUNTERS for key, n in raw.raw_rows(name) if n}
        differences = {k for k in set(kept) | set(expected) if kept.get(k, 0) != expected.get(k, 0)}
        if differences:
            sample = sorted(differences, key=str)[:5]
            raise CommandError(f"{len(differences)} rollup cells differ from the raw tables, e.g. "
                               + "; ".join(f"{k[0]} {k[1]}: kept {kept.get(k, 0)}, raw {expected.get(k, 0)}"
                                           for k in sample))
        self.stdout.write(f"rollups match the raw tables: {len(kept)} non-zero cells "
                          f"({time.perf_counter() - started:.1f}s)")
