"""``zhengwu security_figures [--write]``: the figures table of docs/SECURITY.md, from the files the last test run
wrote (``var/fuzz-api.json``, ``var/scope-matrix.json``, ``var/faults.json``). ``.ci/run`` prints it after the
suites, so a CI log shows the figures of that run; ``--write`` puts them into docs/SECURITY.md between its
``<!-- figures:start -->`` and ``<!-- figures:end -->`` markers."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

START, END = "<!-- figures:start -->", "<!-- figures:end -->"
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _load(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise CommandError(f"{path}: not JSON ({exc})") from None


def _when(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime).astimezone().strftime("%Y-%m-%d %H:%M %Z")


def figures_table(var: Path) -> str:
    """The markdown table; a figure whose file is missing says so instead of a number."""
    rows: list[tuple[str, str, str]] = []
    fuzz_path, scope_path, faults_path = var / "fuzz-api.json", var / "scope-matrix.json", var / "faults.json"
    fuzz = _load(fuzz_path)
    if fuzz is None:
        rows.append(("API fuzzing", "not run (no `var/fuzz-api.json`)", "`core/tests/test_fuzz_api.py`"))
    else:
        source = f"`var/fuzz-api.json` ({ENGINES.get(fuzz.get('engine'), 'engine not recorded')}, {_when(fuzz_path)})"
        rows += [
            ("API operations fuzzed", f"{fuzz.get('operations', 0):,} of {fuzz.get('operations_in_schema', 0):,} "
                                      "in the OpenAPI document", source),
            ("fuzz cases run", f"{fuzz.get('cases', 0):,} ({fuzz.get('examples_per_operation', '?')} examples per "
                               f"operation, seeded), {fuzz.get('fuzz_seconds', '?')} s", source),
            ("server errors (fuzzing)", f"{fuzz.get('server_errors', 0):,}", source),
        ]
    scope = _load(scope_path)
    if scope is None:
        rows.append(("scope cases checked", "not run (no `var/scope-matrix.json`)", "`core/tests/scope_matrix/`"))
    else:
        parts = ", ".join(f"{label} {scope.get(key, 0):,}" for key, label in
                          (("web_get", "web GET"), ("web_write", "web POST"), ("api_get", "API GET"),
                           ("api_write", "API writes")))
        rows.append(("scope cases checked", f"{scope.get('total', 0):,} over {scope.get('web_routes', '?')} web URLs "
                                            f"and {scope.get('api_operations', '?')} API operations ({parts}), "
                                            f"{scope.get('unexpected', '?')} unexpected successes, "
                                            f"{scope.get('server_errors', '?')} server errors", f"`var/scope-matrix.json` "
                                            f"({ENGINES.get(scope.get('engine'), 'engine not recorded')}, "
                                            f"{_when(scope_path)})"))
    faults = _load(faults_path)
    if faults is None:
        rows.append(("faults", "not run (no `var/faults.json`)", "`core/tests/test_faults.py`"))
    else:
        for key, label in ENGINES.items():
            run = faults.get(key)
            if run is None:
                rows.append((f"faults, {label}", "not run", "`var/faults.json`"))
                continue
            source = f"`var/faults.json` ({run.get('at', _when(faults_path))})"
            kills, cases, bids, reminders = (run["kills_injected"], run["case_receipts"], run["bid_uploads"],
                                             run["reminders"])
            rows += [
                (f"faults injected, {label}", f"{kills['total']} kills with SIGKILL ({kills['server']} server, "
                                              f"{kills['worker']} worker)", source),
                (f"requests during the faults, {label}",
                 f"{run['requests_sent']:,} sent: {cases['sent']:,} case receipts ({cases['acknowledged']:,} "
                 f"acknowledged), {bids['attempts']} bid upload attempts ({bids['acknowledged']} acknowledged, "
                 f"{bids['retries']} retried)", source),
                (f"writes lost / duplicated / half-written, {label}",
                 f"{run['writes_lost']} / {run['duplicates']} / {run['half_written']}", source),
                (f"reminders after the worker crash, {label}",
                 f"{reminders['sent_after_restart']} of {reminders['due']} due sent, {reminders['duplicates']} "
                 "duplicates", source),
            ]
    lines = ["| figure | value | source |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Print (or --write into docs/SECURITY.md) the security figures of the last test run."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--var", default=str(settings.VAR_DIR), help="where the test run wrote its figures")
        parser.add_argument("--write", action="store_true", help="replace the figures block of docs/SECURITY.md")
        parser.add_argument("--doc", default=str(Path(settings.BASE_DIR) / "docs" / "SECURITY.md"))

    def handle(self, *args: Any, **options: Any) -> None:
        table = figures_table(Path(options["var"]))
        if not options["write"]:
            self.stdout.write(table)
            return
        doc = Path(options["doc"])
        text = doc.read_text(encoding="utf-8")
        if START not in text or END not in text:
            raise CommandError(f"{doc}: no {START} … {END} block")
        block = f"{START}\n{table}\n{END}"
        doc.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S),
                       encoding="utf-8")
        self.stdout.write(f"figures written to {doc}")
