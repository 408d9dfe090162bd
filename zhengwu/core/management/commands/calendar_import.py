"""manage.py calendar_import FILE --year Y --source TEXT [--format csv|json]

Enter one year's holiday notice from a small file (see
:mod:`zhengwu.core.services_calendar` for the two formats). The year's
overrides are replaced as a whole; nothing is written if any row is bad.
Errors go to stderr with exit status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from zhengwu.core import calendar
from zhengwu.core.errors import InvalidInput
from zhengwu.core.management.base import ZhengwuCommand
from zhengwu.core.models_calendar import CalendarOverride
from zhengwu.core.services_calendar import calendar_import


class Command(ZhengwuCommand):
    help = "导入一年的节假日安排（CSV: date,kind,name；或 JSON），替换该年的全部工作日历调整。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV 或 JSON 文件")
        parser.add_argument("--year", type=int, required=True, help="年份，例如 2027")
        parser.add_argument("--source", required=True,
                            help="依据，例如：国务院办公厅关于2027年部分节假日安排的通知")
        parser.add_argument("--format", choices=("csv", "json"), default=None,
                            help="文件格式；默认按扩展名（.json 为 JSON，其余为 CSV）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = options["format"] or ("json" if path.suffix.lower() == ".json" else "csv")
        year = options["year"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror or exc}", returncode=2) from None
        try:
            entry = calendar_import(data=data, fmt=fmt, year=year, source=options["source"], actor=None)
        except InvalidInput as exc:
            lines = [f"{path}：{exc.message}"]
            errors = exc.details.get("errors", [])
            lines += [f"  {error['message']}" for error in errors[1:]]
            raise CommandError("\n".join(lines), returncode=2) from None

        overrides = CalendarOverride.objects.filter(date__year=year)
        holidays = overrides.filter(is_working_day=False).count()
        workdays = overrides.filter(is_working_day=True).count()
        self.stdout.write(self.style.SUCCESS(
            f"已导入{entry.year}年节假日安排（{fmt}）：放假 {holidays} 天，调休上班 {workdays} 天；"
            f"全年工作日 {calendar.working_days_in_year(year)} 天。依据：{entry.source}"
        ))
