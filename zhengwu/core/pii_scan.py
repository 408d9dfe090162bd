"""Search a database dump for personal data stored in plain text (DOMAIN.md §14; `zhengwu pii_scan`).

The dump is what an assessor would take: on SQLite the connection's ``iterdump()`` (``INSERT INTO`` statements),
on PostgreSQL ``pg_dump --data-only`` (``COPY … FROM stdin`` blocks) when the program is installed, else the same
``COPY`` text written table by table through the cursor. A file given with ``--dump`` is read in either format.

Two patterns, each bounded so that a match is never part of a longer run of letters or digits (hex digests,
base64 ciphertexts, long numbers):

* an 18-character resident ID number whose birth date exists and whose check character is right
  (python-stdnum's ``cn.ric``; the region code is not checked) — about 1 in 30 random 18-digit numbers pass
  (11 check characters × valid dates), so a finding is checked by hand;
* a mainland mobile number ``1[3-9]`` + 9 digits.

Findings are reported per table and column with a masked sample, never the value.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess  # noqa: S404  # nosec B404 - runs pg_dump with a fixed argument list, no shell
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection
from stdnum.cn import ric

from zhengwu.core.identifiers import mask_id_card, mask_phone

# Not inside a longer run of letters or digits, nor a decimal number (an amount such as 13712345678.50).
_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9]\.)"
_AFTER = r"(?![0-9A-Za-z]|\.[0-9])"
ID_CANDIDATE = re.compile(_BEFORE + r"[1-9][0-9]{16}[0-9Xx]" + _AFTER)
MOBILE = re.compile(_BEFORE + r"1[3-9][0-9]{9}" + _AFTER)
_INSERT = re.compile(r'^INSERT INTO "?([^"\s(]+)"?\s+VALUES\s*\((.*)\);\s*$', re.S)
_CREATE = re.compile(r'^CREATE TABLE (?:IF NOT EXISTS )?"?([^"\s(]+)"?', re.I)
_COPY = re.compile(r"^COPY\s+(?:[\w\"]+\.)?\"?([^\"\s(]+)\"?\s*\((.*)\)\s+FROM stdin;\s*$")


def is_id_number(text: str) -> bool:
    """A real birth date and the right check character (``ric.calc_check_digit``); the region code is not
    checked, like :func:`~zhengwu.core.identifiers.validate_id_card` (python-stdnum's table misses re-coded
    districts)."""
    number = text.upper()
    try:
        birth = ric.get_birth_date(number)
    except Exception:
        return False
    return birth.year >= 1900 and number[-1] == ric.calc_check_digit(number)


@dataclass
class Finding:
    table: str
    column: str
    kind: str
    count: int = 0
    samples: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.table}.{self.column}: {self.count} {self.kind} (e.g. {', '.join(self.samples)})"


@dataclass
class ScanResult:
    rows: int = 0
    values: int = 0
    findings: dict[tuple[str, str, str], Finding] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.findings

    def add(self, table: str, column: str, kind: str, sample: str) -> None:
        finding = self.findings.setdefault((table, column, kind), Finding(table, column, kind))
        finding.count += 1
        if len(finding.samples) < 3 and sample not in finding.samples:
            finding.samples.append(sample)


def scan_value(result: ScanResult, table: str, column: str, value: object) -> None:
    if value is None or isinstance(value, (bytes, memoryview)):
        return
    text = str(value)
    result.values += 1
    if len(text) < 11:
        return
    for match in ID_CANDIDATE.finditer(text):
        if is_id_number(match.group(0)):
            result.add(table, column, "id_number", mask_id_card(match.group(0)))
    for match in MOBILE.finditer(text):
        result.add(table, column, "mobile", mask_phone(match.group(0)))


# --- reading dumps --------------------------------------------------------------------------------------

def _sql_values(text: str) -> list[object]:
    """The values of one ``VALUES(…)`` list of a SQLite dump (strings, numbers, NULL, X'…' blobs)."""
    values: list[object] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in " ,\n":
            i += 1
            continue
        if char == "'":
            j, parts = i + 1, []
            while j < n:
                if text[j] == "'":
                    if j + 1 < n and text[j + 1] == "'":
                        parts.append("'")
                        j += 2
                        continue
                    break
                parts.append(text[j])
                j += 1
            values.append("".join(parts))
            i = j + 1
            continue
        j = i
        depth = 0
        while j < n and (depth or text[j] != ","):
            depth += text[j] == "("
            depth -= text[j] == ")"
            j += 1
        token = text[i:j].strip()
        values.append(None if token.upper() == "NULL" or token.upper().startswith("X'") else token)
        i = j
    return values


def _columns_of(create_sql: str) -> list[str]:
    with sqlite3.connect(":memory:") as memory:
        memory.execute(create_sql)
        name = _CREATE.match(create_sql).group(1)
        return [row[1] for row in memory.execute(f'PRAGMA table_info("{name}")')]


def _copy_field(raw: str) -> str | None:
    if raw == r"\N":
        return None
    return (raw.replace(r"\t", "\t").replace(r"\n", "\n").replace(r"\r", "\r").replace("\\\\", "\\"))


def scan_lines(lines: Iterable[str], result: ScanResult | None = None) -> ScanResult:
    """Scan a dump in SQLite ``.dump`` or PostgreSQL plain format, statement by statement."""
    result = result or ScanResult()
    columns: dict[str, list[str]] = {}
    copy_table: str | None = None
    copy_columns: list[str] = []
    pending = ""
    for line in lines:
        if copy_table is not None:
            if line.rstrip("\n") == r"\.":
                copy_table = None
                continue
            result.rows += 1
            for name, raw in zip(copy_columns, line.rstrip("\n").split("\t"), strict=False):
                scan_value(result, copy_table, name, _copy_field(raw))
            continue
        copy = _COPY.match(line.rstrip("\n"))
        if copy:
            copy_table = copy.group(1)
            copy_columns = [c.strip().strip('"') for c in copy.group(2).split(",")]
            continue
        pending += line if line.endswith("\n") else line + "\n"
        if not pending.rstrip().endswith(";") or pending.count("'") % 2:
            continue
        statement, pending = pending.strip(), ""
        if _CREATE.match(statement):
            try:
                columns[_CREATE.match(statement).group(1)] = _columns_of(statement)
            except sqlite3.Error:
                pass
            continue
        insert = _INSERT.match(statement)
        if insert:
            table = insert.group(1)
            result.rows += 1
            names = columns.get(table, [])
            for index, value in enumerate(_sql_values(insert.group(2))):
                scan_value(result, table, names[index] if index < len(names) else f"#{index + 1}", value)
        elif statement:
            scan_value(result, "(schema)", "-", statement)
    return result


# --- dumping the live database ------------------------------------------------------------------------------

def _cursor_dump() -> Iterator[str]:
    """The database in ``COPY`` text, table by table (PostgreSQL without pg_dump, or any other vendor)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608  # nosec B608 - introspected, quoted
            names = [col[0] for col in cursor.description]
            yield f"COPY {table} ({', '.join(names)}) FROM stdin;\n"
            while rows := cursor.fetchmany(2000):
                for row in rows:
                    yield "\t".join(r"\N" if v is None else str(v).replace("\\", "\\\\").replace("\t", r"\t")
                                    .replace("\n", r"\n").replace("\r", r"\r") for v in row) + "\n"
            yield "\\.\n"


def _pg_dump() -> Iterator[str] | None:
    program = shutil.which("pg_dump")
    if program is None:
        return None
    settings = connection.settings_dict
    env = {"PGPASSWORD": settings.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    args = [program, "--data-only", "--no-owner", "-h", settings.get("HOST") or "localhost",
            "-p", str(settings.get("PORT") or 5432), "-U", settings.get("USER") or "", settings["NAME"]]
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=3600,  # noqa: S603  # nosec B603
                          check=False)
    if done.returncode != 0:
        return None
    return iter(done.stdout.splitlines(keepends=True))


def dump_lines(*, external: bool = True) -> tuple[str, Iterator[str]]:
    """(how, lines) of a dump of the default database. ``external=False`` reads through this process's
    connection only (no ``pg_dump``), so it also sees the rows of the current, uncommitted transaction."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "sqlite iterdump", (statement + "\n" for statement in connection.connection.iterdump())
    if connection.vendor == "postgresql" and external:
        lines = _pg_dump()
        if lines is not None:
            return "pg_dump", lines
    return "cursor dump", _cursor_dump()


def scan_database(*, external: bool = True) -> tuple[str, ScanResult]:
    how, lines = dump_lines(external=external)
    return how, scan_lines(lines)


def scan_file(path: str) -> ScanResult:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return scan_lines(handle)
