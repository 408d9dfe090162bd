from __future__ import annotations

from typing import Any

from django.core.management import call_command

from zhengwu.core.management.base import ZhengwuCommand


class Command(ZhengwuCommand):
    help = "Start the background worker (huey consumer with the periodic jobs)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", "-w", type=int, default=None, help="number of worker threads")

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--workers", str(options["workers"])] if options["workers"] else []
        call_command("run_huey", *extra)
