"""PostgreSQL declarative partitioning of the largest tables by time (docs/partitioning.md).

``PARTITIONED`` names the tables and their partition keys. On PostgreSQL each is ``PARTITION BY RANGE`` on the key
with one partition per calendar year in the project's time zone (``<table>_y2026``: 2026-01-01 00:00 to
2027-01-01 00:00, Asia/Shanghai) and a DEFAULT partition (``<table>_default``) so that an insert never fails.
:func:`ensure` (``zhengwu partitions ensure``, the daily ``partitions_ensure`` task) creates the missing years and
moves rows out of DEFAULT into them. On SQLite nothing here does anything: the tables stay plain tables.

:func:`convert` and :func:`unconvert` are the migrations' operations; the models are unchanged, so the ORM, the
model state and SQLite behave as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

#: table → partition key; the tables the migrations partition on PostgreSQL
PARTITIONED: dict[str, str] = {
    "core_auditevent": "created_at",
    "cases_case": "received_at",
}
FIRST_YEAR = 2015
YEARS_AHEAD = 2
NOT_USED = "partitioning is not used on {vendor}: only PostgreSQL partitions tables"
_LOCK_KEY = 0x5A57_5041  # pg_advisory_xact_lock key of ensure()


def supported(connection: Any) -> bool:
    return connection.vendor == "postgresql"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def partition_name(table: str, year: int | None) -> str:
    return f"{table}_default" if year is None else f"{table}_y{year}"


def year_bounds(year: int) -> tuple[str, str]:
    """The bounds of ``year`` in the project's time zone, as timestamptz literals."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return (datetime(year, 1, 1, tzinfo=tz).isoformat(), datetime(year + 1, 1, 1, tzinfo=tz).isoformat())


def this_year() -> int:
    return timezone.localtime().year


def is_partitioned(cursor: Any, table: str) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s))", [table])
    return bool(cursor.fetchone()[0])


def _create_year(cursor: Any, table: str, year: int) -> None:
    lo, hi = year_bounds(year)
    cursor.execute(
        f"CREATE TABLE {_q(partition_name(table, year))} PARTITION OF {_q(table)} FOR VALUES FROM (%s) TO (%s)",
        [lo, hi],
    )


# --- the migrations' operations ------------------------------------------------------------------------------------


def _columns(cursor: Any, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    return [r[0] for r in cursor.fetchall()]


def _rebuild(schema_editor: Any, table: str, key: str, *, partitioned: bool) -> None:
    """Rebuild ``table`` as a partitioned table (or back as a plain one), keeping its columns, defaults, CHECK and
    NOT NULL constraints, ids and id sequence position, indexes (same names and definitions), outgoing foreign keys,
    and unique constraints (widened with ``key`` when partitioned, narrowed back otherwise).

    Foreign keys pointing AT the table from other tables are dropped when partitioning: PostgreSQL requires a
    referenced unique key to include the partition key, and the referencing tables only hold the id."""
    with schema_editor.connection.cursor() as cursor:
        old = f"{table}__old"
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        if sequence:
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # nosec B608 - name from the catalog
            last_value, is_called = cursor.fetchone()
        else:
            last_value, is_called = 1, False
        # what to recreate: plain indexes (with their names), unique and foreign-key constraints
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %s::regclass "
            "AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)",
            [table],
        )
        index_sql = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid), "
            "ARRAY(SELECT a.attname FROM unnest(conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a "
            "ON a.attrelid = conrelid AND a.attnum = k.n ORDER BY k.o) "
            "FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('u', 'f') "
            "ORDER BY conname",
            [table],
        )
        constraints = cursor.fetchall()
        if partitioned:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' "
                "AND confrelid = %s::regclass AND conrelid <> confrelid",
                [table],
            )
            for referencing, name in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {referencing} DROP CONSTRAINT {_q(name)}")
        cursor.execute(f"ALTER TABLE {_q(table)} RENAME TO {_q(old)}")
        clause = f" PARTITION BY RANGE ({_q(key)})" if partitioned else ""
        cursor.execute(
            f"CREATE TABLE {_q(table)} (LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            f"INCLUDING STORAGE INCLUDING COMMENTS){clause}"
        )
        cursor.execute(f"ALTER TABLE {_q(table)} ALTER COLUMN id DROP DEFAULT")  # the old sequence goes below
        if partitioned:
            for year in range(FIRST_YEAR, this_year() + YEARS_AHEAD + 1):
                _create_year(cursor, table, year)
            cursor.execute(f"CREATE TABLE {_q(partition_name(table, None))} PARTITION OF {_q(table)} DEFAULT")
        columns = ", ".join(_q(c) for c in _columns(cursor, old))
        cursor.execute(f"INSERT INTO {_q(table)} ({columns}) SELECT {columns} FROM {_q(old)}")  # nosec B608
        cursor.execute(f"DROP TABLE {_q(old)}")  # takes the old identity sequence with it
        seq = f"{table}_id_seq"
        if partitioned:
            # PostgreSQL 15 has no identity columns on partitioned tables: a sequence owned by the column
            cursor.execute(f"CREATE SEQUENCE {_q(seq)} AS bigint OWNED BY {_q(table)}.id")
            cursor.execute(f"ALTER TABLE {_q(table)} ALTER COLUMN id SET DEFAULT nextval('{seq}')")
        else:
            cursor.execute(f"ALTER TABLE {_q(table)} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            seq = cursor.fetchone()[0]
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {_q(table)}")  # nosec B608
        highest = cursor.fetchone()[0]
        if highest >= last_value:
            last_value, is_called = max(highest, 1), highest > 0
        cursor.execute("SELECT setval(%s, %s, %s)", [seq, last_value, is_called])
        pk = f"id, {_q(key)}" if partitioned else "id"
        cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(table + '_pkey')} PRIMARY KEY ({pk})")
        for name, kind, definition, cols in constraints:
            if kind == "u":
                cols = (
                    [c for c in cols if c != key]
                    if not partitioned and cols[-1] == key and len(cols) > 1
                    else cols + ([key] if partitioned and key not in cols else [])
                )
                definition = (
                    "UNIQUE ("
                    + ", ".join(_q(c) for c in cols)
                    + ")"
                    + (" DEFERRABLE INITIALLY DEFERRED" if "DEFERRABLE INITIALLY DEFERRED" in definition else "")
                )
            cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
        for sql in index_sql:
            cursor.execute(sql)
        cursor.execute(f"ANALYZE {_q(table)}")


def convert(schema_editor: Any, table: str, key: str) -> None:
    """Migration step: partition ``table`` by ``key`` (PostgreSQL only; idempotent)."""
    if not supported(schema_editor.connection):
        return
    with schema_editor.connection.cursor() as cursor:
        if is_partitioned(cursor, table):
            return
    _rebuild(schema_editor, table, key, partitioned=True)


def unconvert(schema_editor: Any, table: str, key: str, apps: Any, model: str) -> None:
    """Reverse migration step: back to a plain table, and the foreign keys pointing at it recreated."""
    if not supported(schema_editor.connection):
        return
    with schema_editor.connection.cursor() as cursor:
        if not is_partitioned(cursor, table):
            return
    _rebuild(schema_editor, table, key, partitioned=False)
    target = apps.get_model(model)
    for related in apps.get_models():
        for field in related._meta.local_fields:
            if field.is_relation and field.related_model is target and field.db_constraint:
                schema_editor.execute(schema_editor._create_fk_sql(related, field, "_fk_%(to_table)s_%(to_column)s"))


# --- maintenance ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    table: str
    partition: str
    year: int
    moved: int  # rows moved out of DEFAULT


@dataclass(frozen=True)
class Partition:
    table: str
    name: str
    bounds: str
    rows_estimate: int | None  # None: never analysed
    size_bytes: int


def _years_present(cursor: Any, table: str) -> set[int]:
    parent = _q(table)
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
        [parent],
    )
    prefix = f"{table}_y"
    return {
        int(name[len(prefix) :])
        for (name,) in cursor.fetchall()
        if name.startswith(prefix) and name[len(prefix) :].isdigit()
    }


def _years_in_default(cursor: Any, table: str, key: str) -> set[int]:
    cursor.execute(
        f"SELECT DISTINCT extract(year FROM {_q(key)} AT TIME ZONE %s)::int "  # nosec B608
        f"FROM {_q(partition_name(table, None))}",
        [settings.TIME_ZONE],
    )
    # a year whose bounds Python cannot write (a corrupt timestamp near 9999) stays in DEFAULT
    return {r[0] for r in cursor.fetchall() if 1 <= r[0] < 9999}


def _create_moving(cursor: Any, table: str, key: str, year: int) -> int:
    """Create ``year``'s partition; rows of that year waiting in DEFAULT move into it. Returns the rows moved."""
    default = _q(partition_name(table, None))
    lo, hi = year_bounds(year)
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {default} WHERE {_q(key)} >= %s "  # nosec B608
        f"AND {_q(key)} < %s)",
        [lo, hi],
    )
    if not cursor.fetchone()[0]:
        _create_year(cursor, table, year)
        return 0
    # A partition cannot be created while DEFAULT holds rows of its range: build it beside the table, move the
    # rows, then attach it (PostgreSQL builds its indexes and checks DEFAULT no longer holds any of its range).
    name = _q(partition_name(table, year))
    columns = ", ".join(_q(c) for c in _columns(cursor, table))
    cursor.execute(f"CREATE TABLE {name} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {default} WHERE {_q(key)} >= %s AND {_q(key)} < %s "  # nosec B608
        f"RETURNING {columns}) INSERT INTO {name} ({columns}) SELECT {columns} FROM moved",
        [lo, hi],
    )
    moved = cursor.rowcount
    cursor.execute(f"ALTER TABLE {_q(table)} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [lo, hi])
    return moved


def ensure(*, years_ahead: int = YEARS_AHEAD, using: str = DEFAULT_DB_ALIAS) -> list[Created]:
    """Create every missing yearly partition from ``FIRST_YEAR`` to this year + ``years_ahead``, and one for each
    year that has rows waiting in DEFAULT (moving them in), so that DEFAULT ends empty. Idempotent; one
    transaction; concurrent runs wait for each other. On SQLite: nothing, an empty list."""
    if years_ahead < 0:
        raise ValueError("years_ahead must be 0 or more")
    connection = connections[using]
    if not supported(connection):
        return []
    created: list[Created] = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        # ALTER TABLE refuses a table with pending deferred foreign-key checks of this transaction: run them now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, key in PARTITIONED.items():
            if not is_partitioned(cursor, table):
                continue
            wanted = set(range(FIRST_YEAR, this_year() + years_ahead + 1)) | _years_in_default(cursor, table, key)
            for year in sorted(wanted - _years_present(cursor, table)):
                moved = _create_moving(cursor, table, key, year)
                created.append(Created(table, partition_name(table, year), year, moved))
    return created


def partition_list(*, using: str = DEFAULT_DB_ALIAS) -> list[Partition]:
    """The partitions of every partitioned table, years in order and DEFAULT last. On SQLite: empty."""
    connection = connections[using]
    if not supported(connection):
        return []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [settings.TIME_ZONE])  # bounds in local time
        cursor.execute(
            "SELECT p.relname, c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint, "
            "pg_total_relation_size(c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_partitioned_table pt ON pt.partrelid = p.oid "
            "WHERE p.relname = ANY(%s) AND pg_table_is_visible(p.oid)",
            [list(PARTITIONED)],
        )
        rows = cursor.fetchall()
    rows.sort(key=lambda r: (r[0], r[1].endswith("_default"), r[1]))
    return [
        Partition(table, name, bounds, None if estimate < 0 else estimate, size)
        for table, name, bounds, estimate, size in rows
    ]
