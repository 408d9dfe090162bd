from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.management.base import ZhengwuCommand


def _date(value: str) -> datetime:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"--before 应为日期 YYYY-MM-DD，收到 {value!r}") from None
    return timezone.make_aware(datetime.combine(day, time.min))


class Command(ZhengwuCommand):
    help = ("Audit trail tools: `zhengwu audit verify` checks every chain and reports the first broken link; "
            "`zhengwu audit purge [--before YYYY-MM-DD] [--dry-run]` deletes events older than the retention "
            "period (ZHENGWU['AUDIT_RETENTION_DAYS'], at least 183 days) and never younger ones.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify", "purge"])
        parser.add_argument("--before", help="purge: delete events before this local date (at most the retention "
                                             "cutoff; default: the cutoff)")
        parser.add_argument("--dry-run", action="store_true", help="purge: count what would be deleted")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "purge":
            self._purge(options)
            return
        if options.get("before") or options.get("dry_run"):
            raise CommandError("--before 和 --dry-run 只用于 purge")
        result = audit.verify()
        if not result.ok:
            raise CommandError(f"audit chain BROKEN at {result.first_break} "
                               f"({result.events_checked} events checked)")
        self.stdout.write(f"audit chain intact: {result.events_checked} events in {result.chains_checked} chains")

    def _purge(self, options: dict[str, Any]) -> None:
        before = _date(options["before"]) if options.get("before") else None
        try:
            result = audit.purge(before=before, dry_run=options["dry_run"])
        except audit.PurgeRefused as exc:
            raise CommandError(str(exc)) from None
        verb = "would delete" if result.dry_run else "deleted"
        self.stdout.write(f"audit purge: {verb} {result.deleted} events before "
                          f"{timezone.localtime(result.cutoff):%Y-%m-%d %H:%M} in {len(result.per_chain)} chains")
