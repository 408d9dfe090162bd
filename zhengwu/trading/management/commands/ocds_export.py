"""``zhengwu ocds_export [--year YEAR] [--output FILE] [--format jsonl|package]``: the OCDS export.

JSON Lines (the default) is one compiled release per line, the input of the Open Contracting red-flag tools;
``--format package`` writes one release package. Without ``--output`` it writes to standard output. Public data
only (see ``zhengwu.trading.ocds``); the export is audited (``ocds.export``: year, format, count, file).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from zhengwu.core import audit
from zhengwu.core.errors import AppError
from zhengwu.core.management.base import ZhengwuCommand
from zhengwu.trading import ocds


class Command(ZhengwuCommand):
    help = "Export every published tender section as an OCDS 1.1 compiled release (JSON Lines, or a release package)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, help="only tenders published in this year (Beijing time)")
        parser.add_argument("--output", metavar="FILE", help="write here instead of standard output")
        parser.add_argument("--format", choices=["jsonl", "package"], default="jsonl",
                            help="jsonl: one compiled release per line (default); package: one release package")
        parser.add_argument("--uri", help="the package's uri (default: a urn:uuid that names it uniquely)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            processes = ocds.exportable(year=options["year"])
        except AppError as exc:
            raise CommandError(exc.message) from None
        path = Path(options["output"]) if options["output"] else None
        out = path.open("w", encoding="utf-8") if path else None
        stream = out or self.stdout
        count = 0
        try:
            if options["format"] == "package":
                package = ocds.release_package(ocds.releases(processes),
                                               uri=options["uri"] or uuid.uuid4().urn)
                count = len(package["releases"])
                stream.write(json.dumps(package, ensure_ascii=False, indent=2) + "\n")
            else:
                for release in ocds.releases(processes):
                    stream.write(json.dumps(release, ensure_ascii=False, separators=(",", ":")) + "\n")
                    count += 1
        finally:
            if out is not None:
                out.close()
        audit.record(actor=None, action="ocds.export", obj=("trading.tendersection", "ocds"),
                     payload={"year": options["year"], "format": options["format"], "count": count,
                              "output": str(path) if path else None})
        if path:
            self.stdout.write(f"{count} compiled releases written to {path}")
