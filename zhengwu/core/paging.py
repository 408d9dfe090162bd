"""API lists that read one page, not the whole scope.

``@paginate(LimitOffsetPagination)`` slices what the operation returns and counts it. Returning
``[row_out(r) for r in queryset]`` reads and converts every row of the user's scope (every case of a department,
every review of the district) before keeping one page; returning ``mapped(queryset, row_out)`` lets the paginator
slice the queryset (``LIMIT``/``OFFSET`` in SQL) and count it (``COUNT(*)``), and converts only the page's rows.
See docs/query-plans.md.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence, overload

from django.db.models import QuerySet


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
