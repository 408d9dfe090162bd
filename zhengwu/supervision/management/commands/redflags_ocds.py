"""``zhengwu redflags_ocds FILE.jsonl [--settings INI] [--workers N] [--output FILE]``: the eleven international
red-flag indicators (Cardinal's) over a JSON Lines file of OCDS compiled releases.

Prints Cardinal's output (``{"OCID": {...}, "Buyer": ..., "ProcuringEntity": ..., "Tenderer": ...}``, groups
without results left out) as JSON. Without ``--settings`` every indicator runs with its defaults. A missing file,
a bad settings file or a line that is not JSON is a clear error (the line number), never a traceback. Pure read:
nothing is written to the database (flags are raised over our own data by ``detect_international``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import CommandError

from zhengwu.core.management.base import ZhengwuCommand
from zhengwu.supervision.cardinal import JsonlError, Settings, SettingsError, run_jsonl


class Command(ZhengwuCommand):
    requires_system_checks: list[str] = []  # reads a file only
    help = "Run the eleven international red-flag indicators (Cardinal's) over an OCDS JSON Lines file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", metavar="FILE.jsonl", help="one OCDS compiled release per line")
        # ``zhengwu redflags_ocds FILE --settings INI``: zhengwu.cli renames this ``--settings`` to ``--ini``
        # (Django takes ``--settings`` for its settings module before the command runs).
        parser.add_argument("--ini", "--cardinal-settings", dest="ini", metavar="INI",
                            help="a Cardinal settings file, also given as --settings "
                                 "(default: every indicator with its defaults)")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                            help="worker processes (default: the number of cores)")
        parser.add_argument("--output", metavar="FILE", help="write the JSON here instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers 应为正整数。")
        try:
            if options["ini"]:
                path = Path(options["ini"])
                try:
                    text = path.read_text(encoding="utf-8")
                except FileNotFoundError:
                    raise CommandError(f"设置文件不存在:{path}") from None
                except (OSError, UnicodeDecodeError) as exc:
                    raise CommandError(f"无法读取设置文件 {path}:{exc}") from None
                settings = Settings.from_ini(text)
            else:
                settings = Settings.all_enabled()
            result = run_jsonl(options["file"], settings, workers=options["workers"])
        except SettingsError as exc:
            raise CommandError(f"设置错误({exc.field}):{exc}") from None
        except JsonlError as exc:
            raise CommandError(str(exc)) from None
        body = orjson.dumps(result).decode()
        if options["output"]:
            try:
                Path(options["output"]).write_text(body + "\n", encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"无法写入 {options['output']}:{exc.strerror}") from None
        else:
            self.stdout.write(body)
