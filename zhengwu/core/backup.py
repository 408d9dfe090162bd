"""Backup and restore of the whole database, verified (``zhengwu backup`` / ``zhengwu restore``; docs/backup.md).

A backup is one tar file:

* ``database.sqlite3`` (SQLite: a copy made with the online backup API, consistent while the app writes) or
  ``database.pgdump`` (PostgreSQL: ``pg_dump -Fc`` inside an exported snapshot);
* ``manifest.json``: the app version, the time, the engine, the SM3 digest of the database member, and per table
  the row count and an SM3 checksum of its rows in primary-key order, plus the audit chain heads — all computed
  from the same snapshot as the database member;
* ``manifest.sig``: HMAC-SM3 of the manifest under ``ZHENGWU_AUDIT_KEY``, so an edited manifest is refused.

``restore`` checks the signature and the member's digest before it touches anything, restores into the configured
database (empty, unless forced), then recomputes every table's count and checksum from the restored database, runs
``core.audit.verify()`` and compares the chain heads. Any difference is a failed restore.

Both are audited: ``backup`` appends ``backup.created`` to the live database once the file is complete, ``restore``
appends ``backup.restored`` (or ``backup.restore_failed``) to the restored database after its verification. An
event appended after the backup extends a chain past the manifest's head; :func:`verify` accepts that (the rows up
to the heads must match, the chain walk covers the rest) and counts such events.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import tempfile
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.db import DatabaseError, connection, connections

import zhengwu
from zhengwu.core.crypto import hmac_sm3, verify_hmac
from zhengwu.core.models import AuditChain, AuditEvent

FORMAT = "zhengwu-backup/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
BATCH = 2000


class BackupError(Exception):
    """A backup or restore that cannot go on (the message says why)."""


# --- table checksums ----------------------------------------------------------------------------------------------

def _sm3() -> hashes.Hash:
    return hashes.Hash(hashes.SM3())


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"hex": bytes(value).hex()}
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID, dt.timedelta)):
        return str(value)
    return str(value)


def _row_bytes(row: tuple[Any, ...]) -> bytes:
    return json.dumps(list(row), default=_plain, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(db: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    out = []
    for table in tables:
        info = db.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
        pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5] > 0]
        out.append((table, pk or [r[1] for r in info]))
    return out


def _pg_tables(cursor: Any) -> list[tuple[str, list[str]]]:
    # a partitioned table's rows are read through the table, not once more through each partition
    cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                   "ORDER BY c.relname")
    tables = [r[0] for r in cursor.fetchall()]
    out = []
    for table in tables:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)", [f"public.{_quote(table)}"])
        pk = [r[0] for r in cursor.fetchall()]
        if not pk:
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                           "AND table_name = %s ORDER BY ordinal_position", [table])
            pk = [r[0] for r in cursor.fetchall()]
        out.append((table, pk))
    return out


def _rows(cursor: Any, table: str, order: list[str]) -> Iterator[tuple[Any, ...]]:
    # table and column names come from the database's own catalog, quoted
    columns = ", ".join(_quote(c) for c in order)
    cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {columns}")  # nosec B608
    while True:
        rows = cursor.fetchmany(BATCH)
        if not rows:
            return
        yield from rows


def table_checksums(db: Any, vendor: str, *, audit_horizon: dict[str, int] | None = None) -> dict[str, dict[str, Any]]:
    """``{table: {"rows": n, "sm3": hex}}`` for every table, rows read in primary-key order.

    With ``audit_horizon`` (``{chain: last_seq}``, a manifest's heads), the audit events appended after those heads
    are left out: the audit event table is compared as it was when the backup was taken."""
    cursor = db.cursor()
    tables = _sqlite_tables(db) if vendor == "sqlite" else _pg_tables(cursor)
    result = {}
    for table, order in tables:
        digest = _sm3()
        n = 0
        horizon = audit_horizon if table == AuditEvent._meta.db_table else None
        positions: tuple[int, int] | None = None
        for row in _rows(cursor, table, order):
            if horizon is not None:
                if positions is None:
                    names = [d[0] for d in cursor.description]
                    positions = names.index("chain"), names.index("seq")
                if row[positions[1]] > horizon.get(str(row[positions[0]]), 0):
                    continue
            encoded = _row_bytes(tuple(row))
            digest.update(len(encoded).to_bytes(8, "big") + encoded)
            n += 1
        result[table] = {"rows": n, "sm3": digest.finalize().hex()}
    return result


def chain_heads(db: Any) -> dict[str, dict[str, Any]]:
    """The audit chain heads ``{chain: {"last_seq", "last_digest"}}`` as stored in ``db``."""
    cursor = db.cursor()
    table = _quote(AuditChain._meta.db_table)
    cursor.execute(f"SELECT id, last_seq, last_digest FROM {table} ORDER BY id")  # nosec B608
    return {str(pk): {"last_seq": seq, "last_digest": digest} for pk, seq, digest in cursor.fetchall()}


# --- engines ----------------------------------------------------------------------------------------------------

def vendor() -> str:
    if connection.vendor not in MEMBERS:
        raise BackupError(f"不支持的数据库类型:{connection.vendor}(支持 SQLite 和 PostgreSQL)。")
    return connection.vendor


def _sqlite_path() -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("内存中的 SQLite 数据库无法备份或恢复。")
    return name


def _pg_env() -> dict[str, str]:
    s = connection.settings_dict
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                     ("PGDATABASE", "NAME")):
        if s.get(key):
            env[var] = str(s[key])
    return env


def _pg_connect() -> Any:
    import psycopg

    s = connection.settings_dict
    params = {"dbname": s["NAME"], "user": s.get("USER") or None, "password": s.get("PASSWORD") or None,
              "host": s.get("HOST") or None, "port": s.get("PORT") or None}
    db = psycopg.connect(**{k: v for k, v in params.items() if v})
    db.execute("SET TIME ZONE 'UTC'")
    db.commit()
    return db


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}:请安装 PostgreSQL 客户端工具。")
    return path


def _snapshot_sqlite(target: Path) -> tuple[dict, dict]:
    source = sqlite3.connect(_sqlite_path())
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # one step: a consistent copy even while others write (WAL)
        finally:
            copy.close()
    finally:
        source.close()
    snapshot = sqlite3.connect(target)
    try:
        return table_checksums(snapshot, "sqlite"), chain_heads(snapshot)
    finally:
        snapshot.close()


def _snapshot_pg(target: Path) -> tuple[dict, dict]:
    db = _pg_connect()
    try:
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot_id = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # pg_dump / pg_restore: found on PATH, run with argument lists, never through a shell
        dump = subprocess.Popen(  # nosec B603
            [_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}",
             "-f", str(target)], env=_pg_env(), stderr=subprocess.PIPE)
        try:
            tables, heads = table_checksums(db, "postgresql"), chain_heads(db)
        finally:
            _, err = dump.communicate()
        db.rollback()
        if dump.returncode != 0:
            raise BackupError(f"pg_dump 失败:{err.decode(errors='replace').strip()}")
        return tables, heads
    finally:
        db.close()


# --- backup -----------------------------------------------------------------------------------------------------

def _file_sm3(path: Path) -> str:
    digest = _sm3()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.finalize().hex()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sign(manifest_bytes: bytes) -> str:
    return hmac_sm3(settings.ZHENGWU_AUDIT_KEY.encode(), manifest_bytes).hex()


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    sha256: str = ""

    @property
    def total_rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


def backup(output: str | Path, *, overwrite: bool = False, actor: Any = "system") -> BackupResult:
    """Write a verified backup of the configured database to ``output``, then audit it (``backup.created``).

    The event is written once the file is complete, so it is in the live database and not in the backup (whose
    manifest holds the audit chain heads of the snapshot). If it cannot be written, the backup file stays and
    :class:`BackupError` says so: an unaudited backup is not a silent success."""
    output = Path(output)
    if output.exists() and not overwrite:
        raise BackupError(f"{output} 已存在(用 --overwrite 覆盖)。")
    engine = vendor()
    with tempfile.TemporaryDirectory(prefix="zhengwu-backup-") as tmp:
        member = Path(tmp) / MEMBERS[engine]
        tables, heads = _snapshot_sqlite(member) if engine == "sqlite" else _snapshot_pg(member)
        manifest = {
            "format": FORMAT,
            "app_version": zhengwu.__version__,
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "engine": engine,
            "database_member": member.name,
            "database_sm3": _file_sm3(member),
            "tables": tables,
            "audit_chains": heads,
        }
        body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            for name, data in ((MANIFEST, body), (SIGNATURE, sign(body).encode())):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = int(dt.datetime.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
            tar.add(member, arcname=member.name)
        os.replace(partial, output)  # a crash mid-write leaves no file under the final name
    result = BackupResult(output, manifest, sha256=_file_sha256(output))
    try:
        _audit(actor, "backup.created", output, {
            "file": output.name, "path": str(output.resolve()), "engine": engine, "created_at": manifest["created_at"],
            "app_version": manifest["app_version"], "tables": len(tables), "total_rows": result.total_rows,
            "sha256": result.sha256})
    except DatabaseError as exc:
        raise BackupError(f"备份已写入 {output},但审计事件未能写入:{exc}") from None
    return result


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor in the password database
        return ""


def _audit(actor: Any, action: str, path: Path, payload: dict[str, Any]) -> None:
    from zhengwu.core import audit

    audit.record(actor=actor, action=action, obj=("backup", path.name[:64]),
                 payload={**payload, "os_user": _os_user()})


# --- restore ----------------------------------------------------------------------------------------------------

@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    tables_checked: int = 0
    rows_checked: int = 0
    audit_events_checked: int = 0
    audit_events_appended: int = 0  # events the chains gained after the backup (the restore's own, say)
    problems: list[str] = field(default_factory=list)
    audit_event: str = ""  # the action of the event the restore wrote, "" when none could be written

    @property
    def ok(self) -> bool:
        return not self.problems


def read_backup(path: str | Path, workdir: Path) -> tuple[dict[str, Any], Path]:
    """Open a backup: check the manifest's signature and the database member's digest; return both."""
    try:
        with tarfile.open(path, "r") as tar:
            names = set(tar.getnames())
            if not {MANIFEST, SIGNATURE} <= names:
                raise BackupError(f"{path} 不是政务平台的备份文件(缺少 {MANIFEST} 或 {SIGNATURE})。")
            body = tar.extractfile(MANIFEST).read()
            signature = tar.extractfile(SIGNATURE).read().decode().strip()
            if not verify_hmac(bytes.fromhex(sign(body)), bytes.fromhex(signature or "00")):
                raise BackupError("清单签名不符:备份被改动,或由另一个 ZHENGWU_AUDIT_KEY 生成。")
            manifest = json.loads(body)
            if manifest.get("format") != FORMAT:
                raise BackupError(f"不认识的备份格式:{manifest.get('format')}。")
            member = manifest["database_member"]
            if member not in names or member not in MEMBERS.values():
                raise BackupError(f"备份中缺少数据库文件 {member}。")
            target = workdir / member
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
    except (tarfile.TarError, ValueError, KeyError) as exc:
        raise BackupError(f"备份文件无法读取:{exc}") from None
    if _file_sm3(target) != manifest["database_sm3"]:
        raise BackupError("数据库文件的 SM3 摘要与清单不符:备份已损坏或被改动。")
    return manifest, target


def target_tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def restore(path: str | Path, *, force: bool = False, actor: Any = "system") -> RestoreResult:
    """Restore ``path`` into the configured database, verify it against the manifest, and audit the outcome.

    After the verification an event is appended to the restored database's audit chain: ``backup.restored`` when
    it passed (if that write fails, :class:`BackupError`); ``backup.restore_failed`` with the mismatches when it did
    not, if the database still takes the write (a restored schema the program cannot write to gets no event,
    ``audit_event`` stays empty and the command says so). A refusal before anything was restored (signature,
    digest, engine, a non-empty target without ``force``) writes nothing: the database was not touched."""
    engine = vendor()
    with tempfile.TemporaryDirectory(prefix="zhengwu-restore-") as tmp:
        manifest, member = read_backup(path, Path(tmp))
        if manifest["engine"] != engine:
            raise BackupError(f"备份来自 {manifest['engine']},当前数据库是 {engine}。")
        existing = target_tables()
        if existing and not force:
            raise BackupError(f"目标数据库不是空的(已有 {len(existing)} 张表);确认覆盖请加 --force。")
        connections.close_all()
        if engine == "sqlite":
            _restore_sqlite(member)
        else:
            _restore_pg(member, clean=bool(existing))
    connections.close_all()
    result = verify(manifest)
    source = Path(path)
    payload = {"file": source.name, "path": str(source.resolve()), "backup_created_at": manifest["created_at"],
               "backup_app_version": manifest["app_version"], "engine": engine,
               "verification": {"ok": result.ok, "tables": result.tables_checked, "rows": result.rows_checked,
                                "audit_events": result.audit_events_checked,
                                "problems": len(result.problems)}}
    if result.ok:
        try:
            _audit(actor, "backup.restored", source, payload)
        except DatabaseError as exc:
            raise BackupError(f"恢复已通过校验,但审计事件未能写入:{exc}") from None
        result.audit_event = "backup.restored"
        return result
    try:
        _audit(actor, "backup.restore_failed", source, {**payload, "problem_list": result.problems[:20]})
        result.audit_event = "backup.restore_failed"
    except DatabaseError:
        connections.close_all()  # the restored database cannot take the event: the command reports no event
    return result


def _restore_sqlite(member: Path) -> None:
    source = sqlite3.connect(member)
    try:
        target = sqlite3.connect(_sqlite_path())
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def _restore_pg(member: Path, *, clean: bool) -> None:
    args = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            "-d", str(connection.settings_dict["NAME"])]
    if clean:
        _restore_pg_clean(member)
        return
    done = subprocess.run([*args, str(member)], env=_pg_env(), capture_output=True)  # nosec B603
    if done.returncode != 0:
        raise BackupError(f"pg_restore 失败:{done.stderr.decode(errors='replace').strip()}")


def _restore_pg_clean(member: Path) -> None:
    """Restore over an existing schema in one transaction. ``pg_restore --clean`` alone cannot: it drops a
    partition's primary key before its parent's, which PostgreSQL refuses (docs/partitioning.md). So the target's
    partitioned tables are dropped first, then pg_restore's clean-and-create script runs, both inside one psql
    transaction that rolls back whole on the first error."""
    db = _pg_connect()
    try:
        names = [r[0] for r in db.execute(
            "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1").fetchall()]
    finally:
        db.close()
    drop = "".join(f"DROP TABLE IF EXISTS public.{_quote(name)} CASCADE;" for name in names) or "SELECT 1;"
    with tempfile.TemporaryFile() as errors:
        script = subprocess.Popen([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",  # nosec B603
                                   "--no-privileges", "-f", "-", str(member)],
                                  stdout=subprocess.PIPE, stderr=errors, env=_pg_env())
        done = subprocess.run([_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",  # nosec B603
                               "-d", str(connection.settings_dict["NAME"]), "-c", drop, "-f", "-"],
                              stdin=script.stdout, env=_pg_env(), capture_output=True)
        script.stdout.close()
        script.wait()
        errors.seek(0)
        problem = errors.read().decode(errors="replace").strip() if script.returncode else ""
    if done.returncode != 0:  # psql's error first: pg_restore then only reports the pipe psql closed
        raise BackupError(f"pg_restore 失败:{done.stderr.decode(errors='replace').strip()}")
    if problem:
        raise BackupError(f"pg_restore 失败:{problem}")


def verify(manifest: dict[str, Any]) -> RestoreResult:
    """Compare the configured database with ``manifest``: counts, checksums, audit chain heads and ``verify()``."""
    from zhengwu.core import audit

    engine = vendor()
    horizon = {chain: head["last_seq"] for chain, head in manifest["audit_chains"].items()}
    db = sqlite3.connect(_sqlite_path()) if engine == "sqlite" else _pg_connect()
    try:
        tables, heads = table_checksums(db, engine, audit_horizon=horizon), chain_heads(db)
    finally:
        db.close()
    result = RestoreResult(manifest=manifest, tables_checked=len(tables),
                           rows_checked=sum(t["rows"] for t in tables.values()))
    _compare_heads(manifest["audit_chains"], heads, result)
    expected = manifest["tables"]
    for name in sorted(set(expected) | set(tables)):
        want, got = expected.get(name), tables.get(name)
        if name == AuditChain._meta.db_table and result.audit_events_appended and want and got:
            # The heads moved on by the events appended since: compared above, head by head, and the purge
            # checkpoints these rows also hold are checked by their MAC in audit.verify().
            if want["rows"] != got["rows"]:
                result.problems.append(f"表 {name}:行数 {got['rows']},清单 {want['rows']}")
            continue
        if want is None:
            result.problems.append(f"表 {name}:备份中没有")
        elif got is None:
            result.problems.append(f"表 {name}:恢复后缺失")
        elif want["rows"] != got["rows"]:
            result.problems.append(f"表 {name}:行数 {got['rows']},清单 {want['rows']}")
        elif want["sm3"] != got["sm3"]:
            result.problems.append(f"表 {name}:校验和不符(行数相同 {got['rows']},内容不同)")
    try:
        checked = audit.verify()
    except DatabaseError as exc:
        result.problems.append(f"审计链无法校验(备份的表结构与当前程序版本不同?先运行 zhengwu migrate):{exc}")
        return result
    result.audit_events_checked = checked.events_checked
    if not checked.ok:
        result.problems.append(f"审计链校验失败:{checked.first_break}")
    return result


def _compare_heads(expected: dict[str, dict[str, Any]], heads: dict[str, dict[str, Any]],
                   result: RestoreResult) -> None:
    """Each chain at the manifest's head, or past it (events appended since: counted, walked by audit.verify())."""
    if set(expected) != set(heads):
        result.problems.append("审计链头与清单不符")
        return
    for chain, want in expected.items():
        got = heads[chain]
        if got["last_seq"] < want["last_seq"] or (got["last_seq"] == want["last_seq"]
                                                  and got["last_digest"] != want["last_digest"]):
            result.problems.append("审计链头与清单不符")
            return
        result.audit_events_appended += got["last_seq"] - want["last_seq"]
