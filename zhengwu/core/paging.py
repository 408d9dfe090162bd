"""Lists that read one page, not the whole scope; and a web paginator that does not count a huge unfiltered table.

``@paginate(LimitOffsetPagination)`` slices what the operation returns and counts it. Returning
``[row_out(r) for r in queryset]`` reads and converts every row of the user's scope (every case of a department,
every review of the district) before keeping one page; returning ``mapped(queryset, row_out)`` lets the paginator
slice the queryset (``LIMIT``/``OFFSET`` in SQL) and count it (``COUNT(*)``), and converts only the page's rows.
See docs/query-plans.md.
"""

from __future__ import annotations

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


class EstimatedCountPaginator(Paginator):
    """An unfiltered list of a very large table (the audit trail, the cases of a district-wide reader: tens or
    hundreds of millions of rows at province scale) shows the planner's estimate instead of a ``COUNT(*)`` over
    every row; a filtered one counts."""

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            estimate = estimated_rows(self.object_list.model)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                return estimate
        return super().count
