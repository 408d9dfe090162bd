"""The OCDS export: ``GET /api/v1/trading/ocds/releases?year=&page=`` returns one release package.

Compiled releases (OCDS 1.1 with the bids extension), one per section offered in a published tender, in
publication order, ``ZHENGWU_OCDS_PAGE_SIZE`` (default 100) to a page; ``links.next`` / ``links.prev`` point to
the neighbouring pages. Staff, supervisors and the center read it; an enterprise user gets 403. The content is
public data only (see ``zhengwu.trading.ocds``).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from zhengwu.core.errors import InvalidInput
from zhengwu.core.schemas import ErrorOut
from zhengwu.trading import ocds
from zhengwu.trading.models import TenderSection

router = Router(tags=["trading"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _page_url(request: HttpRequest, *, year: int | None, page: int) -> str:
    query = f"?year={year}&page={page}" if year is not None else f"?page={page}"
    return request.build_absolute_uri(request.path + query)


@router.get("/ocds/releases", response={200: dict[str, Any], **ERRORS})
def ocds_releases(request: HttpRequest, year: int | None = None, page: int = 1):
    processes = ocds.exportable(user=request.user, year=year)
    size, total = ocds.page_size(), processes.count()
    if page < 1 or (total and (page - 1) * size >= total):
        last = max(1, -(-total // size))
        raise InvalidInput(f"页码超出范围:共 {last} 页。", field="page", code="page_out_of_range",
                           details={"pages": last, "count": total})
    ids = list(processes.values_list("pk", flat=True)[(page - 1) * size:page * size])
    links = {}
    if page * size < total:
        links["next"] = _page_url(request, year=year, page=page + 1)
    if page > 1:
        links["prev"] = _page_url(request, year=year, page=page - 1)
    return ocds.release_package(ocds.releases(TenderSection.objects.filter(pk__in=ids)),
                                uri=_page_url(request, year=year, page=page), links=links)
