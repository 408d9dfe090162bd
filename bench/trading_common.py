"""What the trading benchmarks share: throwaway databases, child processes, percentiles, the load note.

Each trading benchmark runs its database work in a child process per database (Django is set up
once per process, with one ``DATABASES``), like bench/case_receipt.py: the parent creates the
throwaway PostgreSQL database (or a temporary SQLite file), runs the child with the environment
pointing at it, reads the child's figures from its last line of output (JSON), and drops the
database. The PostgreSQL databases are named ``zhengwu_trbench_*``, apart from the
``zhengwu_bench_*`` ones of the other benchmarks.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_PREFIX = "zhengwu_trbench_"


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..1) of ``values``; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def median(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}" if seconds < 100 else f"{seconds * 1000:,.0f}"


def background_benchmarks() -> list[str]:
    """Other benchmarks running on this machine now (read from /proc), for the note on noise."""
    found = []
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in (me, os.getppid()):
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        for arg in argv:
            name = arg.decode(errors="replace")
            if name.startswith("bench/") or "/bench/" in name:
                script = "bench/" + name.rsplit("bench/", 1)[1]
                if script.endswith(".py") and not Path(script).name.startswith("trading_"):
                    found.append(script)
    return sorted(set(found))


def load_note(start: tuple[tuple[float, float, float], list[str]]) -> str:
    """The sentence on machine load that each section carries: load average at the start and now."""
    load, others = start
    end = os.getloadavg()
    text = (f"Load average (1 / 5 / 15 min) {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at the start, "
            f"{end[0]:.2f} / {end[1]:.2f} / {end[2]:.2f} at the end")
    still = set(background_benchmarks())
    if others:
        when = "at the start and at the end of this run" if set(others) <= still else "at the start of this run"
        verb, backends = ("was", "its PostgreSQL backend") if len(others) == 1 else ("were", "their PostgreSQL backends")
        text += (f"; {', '.join(f'`{o}`' for o in others)} {verb} running on the same machine {when} "
                 f"(with {backends}), so these figures are noisier and slower than on an idle machine")
    return text + "."


def start_state() -> tuple[tuple[float, float, float], list[str]]:
    return os.getloadavg(), background_benchmarks()


@contextlib.contextmanager
def database(kind: str) -> Iterator[dict[str, str]]:
    """The environment of a child process using a fresh database of ``kind`` (``sqlite`` or ``postgres``)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "ZHENGWU_", "REDIS_URL"))}
    tmp = Path(tempfile.mkdtemp(prefix="zw-trbench-"))
    env = {**base, "DJANGO_SETTINGS_MODULE": "zhengwu.config.settings", "ZHENGWU_VAR": str(tmp),
           "ZHENGWU_DEBUG": "0", "ZHENGWU_ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT)}
    db = None
    if kind == "postgres":
        db = f"{DB_PREFIX}{uuid.uuid4().hex[:8]}"
        subprocess.run(["psql", ADMIN_DSN, "-qc", f"CREATE DATABASE {db}"], check=True)
        env["DATABASE_URL"] = ADMIN_DSN.rsplit("/", 1)[0] + "/" + db
    elif kind != "sqlite":
        raise ValueError(f"unknown database kind {kind!r}")
    try:
        yield env
    finally:
        if db:
            subprocess.run(["psql", ADMIN_DSN, "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def run_child(script: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``bench/<script> --child …`` and return the JSON of its last output line (its log goes to stderr)."""
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--child", *args], env=env, cwd=ROOT,
                          stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{script} child failed with exit code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def child_setup(*, server_side_binding: bool = False) -> None:
    """In a child: Django set up on the database of the environment, migrated.

    ``server_side_binding``: PostgreSQL only, psycopg 3 sends the parameters apart from the SQL (binary
    ``bytea``) instead of quoting them into it, which the project's settings do not do (a what-if)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if server_side_binding:
        from django.db import connections

        assert connections["default"].vendor == "postgresql"
        connections["default"].settings_dict["OPTIONS"]["server_side_binding"] = True
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def emit(result: dict[str, Any]) -> None:
    """In a child: the figures, as the last line of stdout."""
    print(json.dumps(result), flush=True)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
