"""Shared helpers for the benchmarks: machine facts and the sections of docs/PERFORMANCE.md.

Each benchmark owns one section, delimited by HTML comments, and rewrites only
that section, so the benchmarks can run separately and the file stays whole.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE = ROOT / "docs" / "PERFORMANCE.md"
HEADER = """# Performance

Figures written by the benchmarks in `bench/` (never by the test suite). Each
section says the machine, the command and the date of its run.
"""


#: when the benchmark process started (this module is imported first): the origin of :func:`log`'s clock
STARTED = time.perf_counter()


def log(message: str) -> None:
    """A progress line with the seconds since the benchmark started."""
    print(f"[{time.perf_counter() - STARTED:7.0f}s] {message}", flush=True)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB, Python {platform.python_version()}"


def postgres_version(dsn: str) -> str:
    try:
        out = subprocess.run(["psql", dsn, "-tAc", "show server_version"], capture_output=True, text=True,
                             timeout=10)
        return "PostgreSQL " + out.stdout.strip().split()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "PostgreSQL"


def write_section(name: str, title: str, body: str, *, command: str) -> None:
    stamp = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    block = (f"<!-- bench:{name}:start -->\n## {title}\n\n"
             f"*Machine:* {machine()}. *Command:* `{command}`. *Date:* {stamp}.\n\n{body.strip()}\n"
             f"<!-- bench:{name}:end -->")
    text = PERFORMANCE.read_text(encoding="utf-8") if PERFORMANCE.exists() else HEADER
    pattern = re.compile(rf"<!-- bench:{re.escape(name)}:start -->.*?<!-- bench:{re.escape(name)}:end -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    PERFORMANCE.parent.mkdir(parents=True, exist_ok=True)
    PERFORMANCE.write_text(text, encoding="utf-8")


def table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
