"""`zhengwu backup` / `zhengwu restore` on the suite's database engine (SQLite, or PostgreSQL when the suite runs with
DATABASE_URL): the backup is taken in process from the test database, the restore runs as the real command in a
subprocess whose settings point at an empty throwaway database, and verifies counts, checksums and the audit chain."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zhengwu.core import audit, backup
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.models import User
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)  # the backup reads committed data, as in production

ON_PG = connection.vendor == "postgresql"


class Target:
    """An empty database for the restore subprocess: a SQLite file, or a new PostgreSQL database."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update(DJANGO_SETTINGS_MODULE="zhengwu.config.settings_test", ZHENGWU_VAR=str(tmp_path / "var"))
        if ON_PG:
            s = connection.settings_dict
            self.name = f"zw_restore_{uuid.uuid4().hex[:10]}"
            auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
            self.server = f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
            self.admin(f'CREATE DATABASE "{self.name}"')
            self.env["DATABASE_URL"] = f"{self.server}/{self.name}"
        else:
            self.path = tmp_path / "restored.sqlite3"
            self.env["ZHENGWU_SQLITE_PATH"] = str(self.path)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "zhengwu", *args], env=self.env, capture_output=True,
                              text=True, timeout=120)

    def execute(self, sql: str) -> None:
        if ON_PG:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as db:
                db.execute(sql)
        else:
            with sqlite3.connect(self.path) as db:
                db.execute(sql)
            db.close()

    def tables(self) -> int:
        if ON_PG:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as db:
                return db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        if not self.path.exists():
            return 0
        db = sqlite3.connect(self.path)
        try:
            return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            db.close()

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as db:
            db.execute(sql)

    def drop(self) -> None:
        if ON_PG:
            self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def target(tmp_path):
    t = Target(tmp_path)
    yield t
    t.drop()


@pytest.fixture
def data():
    """A little of everything: users (with a department), and audit events in several chains."""
    department = make_department()
    users = [make_user(role=Role.WINDOW_CLERK, department=department) for _ in range(5)]
    for i, user in enumerate(users):
        audit.record(actor=user, action="test.backup", obj=user, reason=f"第{i}次", payload={"n": i, "名": "张三"})
    return users


def take_backup(tmp_path: Path) -> tuple[Path, dict]:
    path = tmp_path / "zhengwu.tar"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert "backup written" in out.getvalue()
    with tarfile.open(path) as tar:
        manifest = json.loads(tar.extractfile(backup.MANIFEST).read())
    return path, manifest


def rewrite(path: Path, *, manifest: bytes | None = None, member: bytes | None = None) -> None:
    """Replace the manifest and/or the database member of a backup, keeping the old signature."""
    with tarfile.open(path) as tar:
        parts = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    name = next(n for n in parts if n.startswith("database."))
    if manifest is not None:
        parts[backup.MANIFEST] = manifest
    if member is not None:
        parts[name] = member
    with tarfile.open(path, "w") as tar:
        for n, body in parts.items():
            info = tarfile.TarInfo(n)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))


def test_a_backup_restores_into_an_empty_database_and_then_refuses_it_unless_forced(tmp_path, target, data):
    path, manifest = take_backup(tmp_path)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"][User._meta.db_table]["rows"] == User.objects.count()
    assert manifest["tables"][AuditEvent._meta.db_table]["rows"] == AuditEvent.objects.count() >= 5
    assert sum(h["last_seq"] for h in manifest["audit_chains"].values()) == AuditEvent.objects.count()

    done = target.run("restore", str(path))
    again = target.run("restore", str(path))
    forced = target.run("restore", str(path), "--force")

    assert done.returncode == 0, done.stderr
    assert "restore verified" in done.stdout
    assert f"{AuditEvent.objects.count()} audit events checked" in done.stdout
    assert again.returncode == 1
    assert "--force" in again.stderr
    assert forced.returncode == 0, forced.stderr
    assert "restore verified" in forced.stdout


def test_rows_changed_or_deleted_after_the_restore_are_reported_by_table_and_by_the_audit_chain(tmp_path, target,
                                                                                                  data):
    path, manifest = take_backup(tmp_path)
    assert target.run("restore", str(path)).returncode == 0
    event = AuditEvent.objects.filter(action="test.backup", reason="第0次").get()
    target.execute(f"UPDATE {User._meta.db_table} SET display_name = 'x' WHERE id = {data[0].pk}")
    target.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = '改过' WHERE id = {event.pk}")
    target.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE action = 'test.backup' AND reason = '第4次'")

    done = target.run("restore", str(path), "--verify-only")

    rows = manifest["tables"][AuditEvent._meta.db_table]["rows"]
    assert done.returncode == 1
    assert f"表 {User._meta.db_table}:校验和不符" in done.stderr
    assert f"表 {AuditEvent._meta.db_table}:行数 {rows - 1},清单 {rows}" in done.stderr
    assert "审计链校验失败" in done.stderr
    assert "restore verification FAILED: 3 mismatch(es)" in done.stderr


@pytest.mark.django_db  # refused before anything is restored: the committed state of the test database will do
def test_a_tampered_database_file_is_refused_before_anything_is_restored(tmp_path, target):
    path, _ = take_backup(tmp_path)
    with tarfile.open(path) as tar:
        name = next(n for n in tar.getnames() if n.startswith("database."))
        body = bytearray(tar.extractfile(name).read())
    body[len(body) // 2] ^= 0xFF
    rewrite(path, member=bytes(body))

    done = target.run("restore", str(path))

    assert done.returncode == 1
    assert "SM3" in done.stderr
    assert target.tables() == 0


@pytest.mark.django_db
def test_a_manifest_edited_without_the_key_is_refused(tmp_path, target):
    path, manifest = take_backup(tmp_path)
    manifest["tables"][User._meta.db_table]["rows"] += 1
    rewrite(path, manifest=json.dumps(manifest).encode())

    done = target.run("restore", str(path))

    assert done.returncode == 1
    assert "清单签名不符" in done.stderr
    assert target.tables() == 0


@pytest.mark.django_db
def test_backup_will_not_overwrite_an_existing_file(tmp_path):
    path = tmp_path / "exists.tar"
    path.write_bytes(b"keep me")

    with pytest.raises(CommandError, match="--overwrite"):
        call_command("backup", str(path))

    assert path.read_bytes() == b"keep me"


def test_a_backup_taken_while_the_app_writes_is_consistent(tmp_path, target, data):
    """A writer keeps appending audit events during the backup; the restored copy is one consistent moment."""
    before = AuditEvent.objects.count()
    stop = threading.Event()
    written = []

    def writer() -> None:
        try:
            while not stop.is_set():
                written.append(audit.record(actor="system", action="test.concurrent", obj=("thing", len(written))))
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        path, manifest = take_backup(tmp_path)
    finally:
        stop.set()
        thread.join()

    done = target.run("restore", str(path))

    events = manifest["tables"][AuditEvent._meta.db_table]["rows"]
    assert done.returncode == 0, done.stderr
    assert before <= events <= before + len(written)
    assert len(written) > 0
    assert "restore verified" in done.stdout
