from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.db import connection
from django.template.defaultfilters import filesizeformat

from zhengwu.core import partitions
from zhengwu.core.management.base import ZhengwuCommand


class Command(ZhengwuCommand):
    help = (
        "PostgreSQL partitions of the large tables (docs/partitioning.md): `zhengwu partitions ensure "
        "[--years-ahead N]` creates the missing yearly partitions up to this year + N (default 2) and moves rows "
        "waiting in DEFAULT into them; `zhengwu partitions list` shows each partition, its range, estimated rows "
        "and size. On SQLite tables are not partitioned and both say so."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["ensure", "list"])
        parser.add_argument(
            "--years-ahead",
            type=int,
            default=partitions.YEARS_AHEAD,
            help=f"ensure: create partitions up to this many years after the current one (default "
            f"{partitions.YEARS_AHEAD})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not partitions.supported(connection):
            self.stdout.write(partitions.NOT_USED.format(vendor=connection.vendor))
            return
        if options["action"] == "ensure":
            if options["years_ahead"] < 0 or options["years_ahead"] > 50:
                raise CommandError(f"--years-ahead 应为 0 到 50 之间的整数，收到 {options['years_ahead']}")
            created = partitions.ensure(years_ahead=options["years_ahead"])
            for c in created:
                self.stdout.write(f"created {c.partition} ({c.moved} rows moved from DEFAULT)")
            self.stdout.write(
                f"partitions ensure: {len(created)} created, {sum(c.moved for c in created)} rows moved from DEFAULT"
            )
            return
        rows = partitions.partition_list()
        self.stdout.write(f"{'partition':<28} {'range':<78} {'rows≈':>12} {'size':>10}")
        for p in rows:
            estimate = "n/a" if p.rows_estimate is None else f"{p.rows_estimate:,}"
            self.stdout.write(f"{p.name:<28} {p.bounds:<78} {estimate:>12} {filesizeformat(p.size_bytes):>10}")
