"""`zhengwu backup` / `zhengwu restore` on the suite's database engine (SQLite, or PostgreSQL when the suite runs with
DATABASE_URL): the backup is taken in process from the test database, the restore runs as the real command in a
subprocess whose settings point at an empty throwaway database, and verifies counts, checksums and the audit chain."""

from __future__ import annotations

import hashlib
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

    def query(self, sql: str) -> list[tuple]:
        if ON_PG:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as db:
                return db.execute(sql).fetchall()
        db = sqlite3.connect(self.path)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def events(self, action: str) -> list[dict]:
        """The audit events of ``action`` in the restored database: payload, origin, actor label."""
        rows = self.query(f"SELECT payload, origin, actor_label FROM {AuditEvent._meta.db_table} "
                          f"WHERE action = '{action}' ORDER BY id")
        return [{"payload": p if isinstance(p, dict) else json.loads(p), "origin": o, "actor": a} for p, o, a in rows]

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
    events = manifest["tables"][AuditEvent._meta.db_table]["rows"]
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"][User._meta.db_table]["rows"] == User.objects.count()
    # The live database has one event more than its backup: backup.created, written once the file was complete.
    assert events == AuditEvent.objects.count() - 1 >= 5
    assert sum(h["last_seq"] for h in manifest["audit_chains"].values()) == events

    done = target.run("restore", str(path))
    again = target.run("restore", str(path))
    forced = target.run("restore", str(path), "--force")

    assert done.returncode == 0, done.stderr
    assert "restore verified" in done.stdout
    assert f"{events} audit events checked" in done.stdout
    assert again.returncode == 1
    assert "--force" in again.stderr
    assert forced.returncode == 0, forced.stderr
    assert "restore verified" in forced.stdout
    assert len(target.events("backup.restored")) == 1  # the forced restore replaced the first one's database


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


# --- audit of backup and restore ----------------------------------------------------------------------------------

def test_a_backup_writes_one_backup_created_event_naming_the_file_engine_rows_and_sha256(tmp_path, data):
    path, manifest = take_backup(tmp_path)

    event = AuditEvent.objects.get(action="backup.created")
    assert (event.object_type, event.object_id, event.origin, event.actor_label) == (
        "backup", path.name, "command:backup", audit.SYSTEM_ACTOR)
    assert {k: event.payload[k] for k in ("file", "engine", "total_rows", "sha256", "created_at")} == {
        "file": path.name, "engine": connection.vendor,
        "total_rows": sum(t["rows"] for t in manifest["tables"].values()),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "created_at": manifest["created_at"]}
    # Written after the snapshot: the backup holds every other event and not this one; the chain still verifies.
    assert manifest["tables"][AuditEvent._meta.db_table]["rows"] == AuditEvent.objects.count() - 1
    assert audit.verify().ok


def test_a_restore_appends_backup_restored_to_the_restored_database_whose_chain_still_verifies(tmp_path, target,
                                                                                                 data):
    path, manifest = take_backup(tmp_path)

    done = target.run("restore", str(path))
    chain = target.run("audit", "verify")
    again = target.run("restore", str(path), "--verify-only")

    events = manifest["tables"][AuditEvent._meta.db_table]["rows"]
    restored = target.events("backup.restored")
    assert done.returncode == 0, done.stderr
    assert "audit event backup.restored written" in done.stdout
    assert [(e["origin"], e["actor"]) for e in restored] == [("command:restore", audit.SYSTEM_ACTOR)]
    payload = restored[0]["payload"]
    assert (payload["file"], payload["backup_created_at"], payload["engine"]) == (
        path.name, manifest["created_at"], connection.vendor)
    assert payload["verification"] == {"ok": True, "tables": len(manifest["tables"]),
                                       "rows": sum(t["rows"] for t in manifest["tables"].values()),
                                       "audit_events": events, "problems": 0}
    assert target.events("backup.restore_failed") == []
    # The event is appended to a chain, not inserted: the whole chain verifies, and the backup still matches.
    assert chain.returncode == 0, chain.stderr
    assert f"audit chain intact: {events + 1} events" in chain.stdout
    assert again.returncode == 0, again.stderr
    assert f"{events + 1} audit events checked (1 appended after the backup)" in again.stdout
    assert "restore verified" in again.stdout


def test_a_restore_whose_verification_fails_writes_backup_restore_failed_with_the_mismatches(tmp_path, target,
                                                                                              data):
    path, manifest = take_backup(tmp_path)
    # A manifest that disagrees with its database, signed with the installation's key (as a bug in the backup
    # would produce it): it passes the signature and digest checks, and fails the verification after the restore.
    manifest["tables"][User._meta.db_table]["rows"] += 1
    body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    with tarfile.open(path) as tar:
        parts = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    parts[backup.MANIFEST], parts[backup.SIGNATURE] = body, backup.sign(body).encode()
    with tarfile.open(path, "w") as tar:
        for name, content in parts.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))

    done = target.run("restore", str(path))
    chain = target.run("audit", "verify")

    failed = target.events("backup.restore_failed")
    rows = manifest["tables"][User._meta.db_table]["rows"]
    assert done.returncode == 1
    assert f"MISMATCH 表 {User._meta.db_table}:行数 {rows - 1},清单 {rows}" in done.stderr
    assert "audit event backup.restore_failed written" in done.stdout
    assert target.events("backup.restored") == []
    assert len(failed) == 1
    assert (failed[0]["payload"]["file"], failed[0]["payload"]["verification"]["ok"]) == (path.name, False)
    assert failed[0]["payload"]["problem_list"] == [f"表 {User._meta.db_table}:行数 {rows - 1},清单 {rows}"]
    assert chain.returncode == 0, chain.stderr
