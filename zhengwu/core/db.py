"""Read replicas: reads go to a replica only where the code asks for it.

A province cluster may add PostgreSQL streaming replicas (``ZHENGWU_REPLICA_URLS``, docs/deploy.md); a replica
lags the primary by a moment, so a request that writes and reads again must not read from one. Reads are therefore
sent to a replica only inside :func:`replica_reads` — the background jobs that read a lot and write little (the
leadership dashboard's warming, report generation) — and, even there, never while the primary has a transaction
open (a read inside ``transaction.atomic()`` must see the transaction's own writes). Everything else, and every
write, goes to the primary. The router is ``zhengwu.config.routers.ReplicaRouter``.

The context is a ``ContextVar``: local to the thread, and to the asyncio task, that entered it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_replica: ContextVar[str | None] = ContextVar("zhengwu_replica_reads", default=None)
_turn = itertools.count()


def replica_aliases() -> list[str]:
    """The database aliases of the read replicas (``replica1``, ``replica2``, ... from settings)."""
    return list(getattr(settings, "ZHENGWU_READ_REPLICAS", None) or [])


@contextmanager
def replica_reads() -> Iterator[str | None]:
    """Send the reads of this block to one replica (taken in turn), if any is configured; yield its alias."""
    aliases = replica_aliases()
    alias = aliases[next(_turn) % len(aliases)] if aliases else None
    token = _replica.set(alias)
    try:
        yield alias
    finally:
        _replica.reset(token)


def read_alias() -> str:
    """Where a read goes now: the replica of the enclosing :func:`replica_reads`, else the primary."""
    alias = _replica.get()
    if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return alias
