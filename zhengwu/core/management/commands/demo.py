"""``zhengwu demo``: create the database, migrate, generate the demo district, serve it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from zhengwu.core.demo import DemoContext, generate
from zhengwu.core.management.base import ZhengwuCommand


class Command(ZhengwuCommand):
    help = "Generate the deterministic demo district into the database and serve it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2023, help="random seed (same seed, same district)")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="volume factor for the generated years (1.0 = calibrated to the seed document)")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--reset", action="store_true", help="delete the SQLite database and start over")
        parser.add_argument("--no-serve", action="store_true", help="generate only, do not start the server")
        parser.add_argument("--only", default="",
                            help="comma-separated step-name prefixes to run (e.g. org.,cases.); for development")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] <= 0:
            raise CommandError("--scale must be a positive number")
        db = settings.DATABASES["default"]
        if options["reset"]:
            if db["ENGINE"] != "django.db.backends.sqlite3":
                raise CommandError("--reset only deletes the embedded SQLite database; drop a PostgreSQL one yourself")
            # The system checks have already opened the database: close it first, or the steps below would write
            # into the unlinked file (gone when the process ends) while the path starts over empty.
            connections.close_all()
            for suffix in ("", "-wal", "-shm"):
                Path(str(db["NAME"]) + suffix).unlink(missing_ok=True)
        self.stdout.write("Migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)

        from zhengwu.org.models import Region

        if Region.objects.exists():
            self.stdout.write("The demo district already exists (use --reset to generate it again).")
            logins = None
        else:
            self.stdout.write(f"Generating the demo district (seed {options['seed']}, scale {options['scale']}) …")
            started = time.perf_counter()
            only = tuple(p.strip() for p in options["only"].split(",") if p.strip()) or None
            ctx = generate(DemoContext(seed=options["seed"], scale=options["scale"], log=self.stdout.write), only=only)
            self.stdout.write(f"Generated in {time.perf_counter() - started:.1f}s.")
            logins = ctx.logins
        url = f"http://{options['host']}:{options['port']}/"
        self.print_summary(url, logins)
        if not options["no_serve"]:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)

    def print_summary(self, url: str, logins: list[tuple[str, str, str, str]] | None) -> None:
        from zhengwu.org.demo import DEMO_PASSWORD
        from zhengwu.org.models import User

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Zhengwu demo: {url}   (API docs: {url}api/v1/docs)"))
        if logins is None:
            # Accounts without a usable password (the generated village agents) have no login to print.
            logins = [(u.get_role_display(), u.username, DEMO_PASSWORD, u.display_name)
                      for u in User.objects.exclude(password__startswith="!").order_by("id")]
        from django.conf import settings

        if not settings.ZHENGWU["OTP_REQUIRED"]:
            # docs/accounts.md: production asks staff for a TOTP code after the password; the demo does not.
            self.stdout.write("Second factor (TOTP) for staff is OFF in the demo (ZHENGWU_OTP_REQUIRED=1 turns it on); "
                              "these demo accounts must never exist in production (system check org.E001).")
        self.stdout.write(f"{'role':<16}{'username':<16}{'password':<22}note")
        for role, username, password, note in logins:
            self.stdout.write(f"{role:<16}{username:<16}{password:<22}{note}")
