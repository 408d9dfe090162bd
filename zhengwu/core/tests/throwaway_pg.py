"""A PostgreSQL database of a test's own, for the tests that run the real server and workers as subprocesses
(test_faults.py, test_cluster.py): created on the server of the suite's ``DATABASE_URL``, dropped at the end even
when a killed server's backends are still attached."""

from __future__ import annotations

import os
import secrets
from typing import Any
from urllib.parse import urlsplit, urlunsplit


class ThrowawayPostgres:
    def __init__(self, suite_url: str, prefix: str) -> None:
        self.suite_url = suite_url
        self.name: str | None = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
        self.url = urlunsplit(urlsplit(suite_url)._replace(path="/" + self.name))
        self._conn: Any = None  # the test's own connection (autocommit), kept: some tests poll every few ms
        with self._admin() as admin:
            admin.execute(self._sql("CREATE DATABASE {}"))

    def _admin(self) -> Any:
        """An autocommit connection to the server of the suite's URL (its database, else ``postgres``)."""
        import psycopg
        from psycopg.conninfo import make_conninfo

        try:
            return psycopg.connect(make_conninfo(self.suite_url), autocommit=True)
        except psycopg.OperationalError:
            return psycopg.connect(make_conninfo(self.suite_url, dbname="postgres"), autocommit=True)

    def _sql(self, template: str) -> Any:
        from psycopg import sql

        return sql.SQL(template).format(sql.Identifier(self.name))

    def query(self, statement: str, *params: Any) -> list[tuple]:
        """Rows of ``statement`` (``%s`` placeholders) on the throwaway database."""
        if self._conn is None:
            import psycopg

            self._conn = psycopg.connect(self.url, autocommit=True)
        return self._conn.execute(statement, params or None).fetchall()

    def drop(self) -> None:
        """Drop the database (once; FORCE: a backend of a killed server may not have noticed yet)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self.name is not None:
            with self._admin() as admin:
                admin.execute(self._sql("DROP DATABASE IF EXISTS {} WITH (FORCE)"))
            self.name = None
