"""Lists that read one page, not the whole scope; and a web paginator that does not count every row of a huge list.

``@paginate(LimitOffsetPagination)`` slices what the operation returns and counts it. Returning
``[row_out(r) for r in queryset]`` reads and converts every row of the user's scope (every case of a department,
every review of the district) before keeping one page; returning ``mapped(queryset, row_out)`` lets the paginator
slice the queryset (``LIMIT``/``OFFSET`` in SQL) and count it (``COUNT(*)``), and converts only the page's rows.
See docs/query-plans.md.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator, Sequence, overload

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class MappedPage(Sequence):
    """A queryset seen through a conversion: a slice runs the query with LIMIT/OFFSET and converts its rows."""

    def __init__(self, queryset: QuerySet, convert: Callable[[Any], Any]) -> None:
        self.queryset = queryset
        self.convert = convert

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self.convert(row) for row in self.queryset[index]]
        return self.convert(self.queryset[index])

    def __len__(self) -> int:
        return self.queryset.count()

    def __iter__(self) -> Iterator[Any]:
        return (self.convert(row) for row in self.queryset.iterator())


def mapped(queryset: QuerySet, convert: Callable[[Any], Any]) -> MappedPage:
    return MappedPage(queryset, convert)


#: Above this many rows (by the planner's estimate) an unfiltered list shows the estimate instead of counting.
ESTIMATE_ABOVE = 200_000


def estimated_rows(model: Any) -> int | None:
    """PostgreSQL's estimate of the rows of ``model``'s table (the sum over its partitions when partitioned), or
    None on another engine or before the table was ever analysed."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return None
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(GREATEST(c.reltuples, 0)), BOOL_OR(c.reltuples >= 0) FROM pg_class c "
            "WHERE (c.oid = %s::regclass AND c.relkind <> 'p') "  # a partitioned parent: its partitions' rows only
            "OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass)",
            [table, table])
        total, analysed = cursor.fetchone()
    return int(total) if analysed else None


def planned_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows ``queryset`` returns (``EXPLAIN``, nothing executed); None on another
    engine."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """The count of a list over a very large table (the audit trail, the cases of a district-wide reader: tens or
    hundreds of millions of rows at province scale) without reading every row it counts.

    Unfiltered: the table's row estimate when it is above :data:`ESTIMATE_ABOVE`. Filtered, on PostgreSQL: a
    count that stops after ``ESTIMATE_ABOVE + 1`` rows (exact below); above, the planner's estimate of the
    filtered rows (at least that many). ``is_estimate`` says which; on SQLite every count is exact."""

    is_estimate = False

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None:
            return super().count
        if not query.where:
            estimate = estimated_rows(self.object_list.model)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                self.is_estimate = True
                return estimate
            return super().count
        if connections[self.object_list.db].vendor != "postgresql":
            return super().count
        capped = self.object_list.order_by()[: ESTIMATE_ABOVE + 1].count()
        if capped <= ESTIMATE_ABOVE:
            return capped
        self.is_estimate = True
        return max(planned_rows(self.object_list) or 0, capped)
