"""``zhengwu demo --reset`` starts the embedded database over and the generated district stays in the file.

The command runs in a child process against its own SQLite file, with only the organisation step (``--only org.``)
so it stays quick. Before the fix, the system checks had opened the database when ``--reset`` deleted the file: the
steps wrote into the unlinked file and the path was left without the district once the process ended.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_demo(db: Path, var: Path, *extra: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("ZHENGWU_", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"))}
    env = {**clean, "ZHENGWU_SQLITE_PATH": str(db), "ZHENGWU_VAR": str(var)}
    return subprocess.run([sys.executable, "-m", "zhengwu", "demo", "--no-serve", "--only", "org.", *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def regions_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM org_region").fetchone()[0]


def test_reset_generates_into_the_file_that_remains_after_the_command(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    first = run_demo(db, tmp_path, "--reset")
    assert first.returncode == 0, first.stderr
    assert "Generated in" in first.stdout
    assert db.exists()
    count = regions_in(db)
    assert count > 200  # the district, its townships and their villages

    again = run_demo(db, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "already exists" in again.stdout
    assert regions_in(db) == count

    reset = run_demo(db, tmp_path, "--reset")
    assert reset.returncode == 0, reset.stderr
    assert "Generated in" in reset.stdout
    assert regions_in(db) == count
