"""The ``zhengwu`` console command: Django's management commands, with our settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "zhengwu"
    execute_from_command_line(command_options(args))


#: commands whose own ``--settings`` is a file of theirs, not Django's settings module
OWN_SETTINGS = {"redflags_ocds": "--ini"}


def command_options(args: list[str]) -> list[str]:
    """``zhengwu redflags_ocds FILE --settings X.ini``: Django reads ``--settings`` as the settings module before
    the command parses anything, so for these commands it is renamed to the command's own option."""
    own = OWN_SETTINGS.get(args[1]) if len(args) > 1 else None
    if own is None:
        return args
    return [own if a == "--settings" else own + a[len("--settings"):] if a.startswith("--settings=") else a
            for a in args]


if __name__ == "__main__":
    main()
