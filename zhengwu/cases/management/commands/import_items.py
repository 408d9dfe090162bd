"""``zhengwu import_items FILE``: create or update the service item catalog."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from zhengwu.cases.importing import FORMATS, items_import, items_import_file
from zhengwu.cases.management.commands.import_cases import actor_for, print_report
from zhengwu.core.errors import AppError
from zhengwu.core.management.base import ZhengwuCommand


class Command(ZhengwuCommand):
    help = ("Create or update service items by code from CSV, Excel .xlsx, JSON or JSON Lines "
            "(columns in docs/import-format.md), or load the default catalog of zhengwu/cases/catalog.py.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?")
        parser.add_argument("--default-catalog", action="store_true",
                            help="load the default district catalog instead of a file")
        parser.add_argument("--format", choices=[*FORMATS, "excel"], help="default: from the file's extension")
        parser.add_argument("--dry-run", action="store_true", help="check and count everything, write nothing")
        parser.add_argument("--report", metavar="PATH", help="write every rejected row to this CSV file")
        parser.add_argument("--errors", type=int, default=20, help="rejected rows to print (default 20)")
        parser.add_argument("--user", help="attribute the import to this user (needs cases.manage_items)")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["file"]) == options["default_catalog"]:
            raise CommandError("give either FILE or --default-catalog")
        actor = actor_for(options["user"], "cases.manage_items")
        try:
            if options["default_catalog"]:
                from zhengwu.cases.catalog import catalog_records

                report = items_import(actor=actor, records=enumerate(catalog_records(), start=1),
                                      source="zhengwu/cases/catalog.py", fmt="catalog", dry_run=options["dry_run"])
            else:
                report = items_import_file(actor=actor, source=options["file"], format=options["format"],
                                           dry_run=options["dry_run"])
        except (AppError, OSError) as exc:
            raise CommandError(str(exc)) from None
        print_report(self, report, errors=options["errors"], path=options["report"])
