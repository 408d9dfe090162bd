from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from zhengwu.core import audit
from zhengwu.core.management.base import ZhengwuCommand


class Command(ZhengwuCommand):
    help = "Audit trail tools: `zhengwu audit verify` checks every chain and reports the first broken link."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(f"audit chain BROKEN at {result.first_break} "
                               f"({result.events_checked} events checked)")
        self.stdout.write(f"audit chain intact: {result.events_checked} events in {result.chains_checked} chains")
