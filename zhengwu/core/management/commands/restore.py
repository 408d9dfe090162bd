from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from zhengwu.core import backup
from zhengwu.core.management.base import ZhengwuCommand


class Command(ZhengwuCommand):  # audited with origin "command:restore"
    requires_system_checks: list[str] = []  # a backup must not wait for (or fail on) unrelated checks
    help = ("Restore a file written by `zhengwu backup` into the configured database (which must be empty unless "
            "--force), then verify row counts, checksums, the audit chain heads and the audit chain itself; exits "
            "with 1 on any mismatch. See docs/backup.md.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--force", action="store_true", help="restore over a database that already has tables")
        parser.add_argument("--verify-only", action="store_true",
                            help="restore nothing: compare the configured database with the backup's manifest")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verify_only"]:
                import tempfile
                from pathlib import Path

                with tempfile.TemporaryDirectory(prefix="zhengwu-verify-") as tmp:
                    manifest, _ = backup.read_backup(options["file"], Path(tmp))
                result = backup.verify(manifest)
            else:
                result = backup.restore(options["file"], force=options["force"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        m = result.manifest
        self.stdout.write(f"backup of {m['created_at']} (app {m['app_version']}, {m['engine']}): "
                          f"{result.tables_checked} tables, {result.rows_checked} rows, "
                          f"{result.audit_events_checked} audit events checked"
                          + (f" ({result.audit_events_appended} appended after the backup)"
                             if result.audit_events_appended else ""))
        if not options["verify_only"]:
            self.stdout.write(f"audit event {result.audit_event} written" if result.audit_event
                              else "no audit event written: the restored database did not take it")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"MISMATCH {problem}")
            raise CommandError(f"restore verification FAILED: {len(result.problems)} mismatch(es)")
        self.stdout.write("restore verified: row counts, checksums and the audit chain match the manifest")
