from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core import pii_scan


class Command(BaseCommand):
    help = ("Search a dump of the database (or the dump FILE given with --dump) for plain resident ID numbers "
            "(checksum-valid) and mobile numbers; exit status 1 and a list of table/column/masked samples when any "
            "is found (DOMAIN.md §14).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dump", metavar="FILE", help="scan this dump file (SQLite .dump or PostgreSQL plain "
                                                           "pg_dump) instead of dumping the database")
        parser.add_argument("--no-pg-dump", action="store_true",
                            help="PostgreSQL: read the tables through this connection instead of running pg_dump")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("dump"):
            how = options["dump"]
            try:
                result = pii_scan.scan_file(options["dump"])
            except OSError as exc:
                raise CommandError(f"cannot read {options['dump']}: {exc.strerror}") from None
        else:
            how, result = pii_scan.scan_database(external=not options.get("no_pg_dump"))
        self.stdout.write(f"pii_scan ({how}): {result.rows} rows, {result.values} values scanned")
        if result.clean:
            self.stdout.write("no plain ID or mobile numbers found")
            return
        for finding in sorted(result.findings.values(), key=lambda f: (f.table, f.column, f.kind)):
            self.stdout.write(f"FOUND {finding}")
        raise CommandError(f"plain personal data found in {len(result.findings)} table columns", returncode=1)
