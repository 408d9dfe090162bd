"""The database router: the primary for everything, a read replica only inside ``core.db.replica_reads()``.

Both answers are explicit (never ``None``): with ``None`` Django would follow an instance's own database, so an
object read from a replica would be saved to it, and its related objects read from it outside the context.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS

from zhengwu.core.db import read_alias, replica_aliases


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        same_data = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True  # a replica holds the primary's rows
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        if db in replica_aliases():
            return False  # a replica follows the primary's schema; it is never migrated itself
        return None
