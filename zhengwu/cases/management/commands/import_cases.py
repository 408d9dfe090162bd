"""``zhengwu import_cases FILE``: load case records exported by the provincial platform."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from zhengwu.cases.importing import FORMATS, ImportReport, cases_import_file
from zhengwu.core.errors import AppError
from zhengwu.core.management.base import ZhengwuCommand


def actor_for(username: str | None, permission: str) -> Any:
    """The user to attribute the import to, or the label of the command itself."""
    if not username:
        return "import"
    from zhengwu.org.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"no active user {username!r}")
    if not user.has_perm(permission):
        raise CommandError(f"user {username!r} lacks the permission {permission}")
    return user


def print_report(command: ZhengwuCommand, report: ImportReport, *, errors: int, path: str | None) -> None:
    command.stdout.write(report.summary())
    if report.digest:
        command.stdout.write(f"file SM3 {report.digest}")
    for error in report.errors[:errors]:
        command.stdout.write(f"  {error}")
    if len(report.errors) > errors:
        command.stdout.write(f"  … {len(report.errors) - errors} more" + ("" if path else " (use --report PATH)"))
    if path:
        report.write_errors_csv(path)
        command.stdout.write(f"every rejected row: {path}")


class Command(ZhengwuCommand):
    help = "Import case records (CSV, Excel .xlsx, JSON or JSON Lines; columns in docs/import-format.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=[*FORMATS, "excel"], help="default: from the file's extension")
        parser.add_argument("--dry-run", action="store_true", help="check and count everything, write nothing")
        parser.add_argument("--report", metavar="PATH", help="write every rejected row to this CSV file")
        parser.add_argument("--errors", type=int, default=20, help="rejected rows to print (default 20)")
        parser.add_argument("--user", help="attribute the import to this user (needs cases.import)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_for(options["user"], "cases.import")
        try:
            report = cases_import_file(actor=actor, source=options["file"], format=options["format"],
                                       dry_run=options["dry_run"])
        except (AppError, OSError) as exc:
            raise CommandError(str(exc)) from None
        print_report(self, report, errors=options["errors"], path=options["report"])
