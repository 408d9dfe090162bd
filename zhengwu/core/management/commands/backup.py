from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from zhengwu.core import backup
from zhengwu.core.management.base import ZhengwuCommand


class Command(ZhengwuCommand):  # audited with origin "command:backup"
    requires_system_checks: list[str] = []  # a backup must not wait for (or fail on) unrelated checks
    help = ("Back up the configured database (SQLite: the online backup API; PostgreSQL: pg_dump -Fc in one "
            "snapshot) to one file with a signed manifest of per-table row counts, checksums and the audit chain "
            "heads. See docs/backup.md.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("output", help="the backup file to write (e.g. var/backups/zhengwu-2026-11-29.tar)")
        parser.add_argument("--overwrite", action="store_true", help="replace an existing file of that name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup.backup(options["output"], overwrite=options["overwrite"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        m = result.manifest
        self.stdout.write(f"backup written: {result.path} ({m['engine']}, {len(m['tables'])} tables, "
                          f"{result.total_rows} rows, {len(m['audit_chains'])} audit chains, "
                          f"app {m['app_version']}, {m['created_at']}); SHA-256 {result.sha256}; "
                          "audit event backup.created written")
