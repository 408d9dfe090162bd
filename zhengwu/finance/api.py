"""The finance API (a ninja Router mounted at /api/v1/finance/): the catalog, applications and the institutions'
acts, and the figures. Each endpoint parses, calls one service or selector, and renders; refusals are AppErrors
in the platform's one error format ({code, message, field, details})."""

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.finance import selectors, services
from zhengwu.finance.rendering import application_dict, product_dict
from zhengwu.finance.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPageOut,
    ApproveIn,
    DisburseIn,
    FiguresOut,
    InstitutionIn,
    InstitutionOut,
    IssueIn,
    ProductIn,
    ProductOut,
    ReasonIn,
)
from zhengwu.finance.workflow import buttons

router = Router(tags=["finance"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _detail(request: HttpRequest, pk: int) -> dict:
    application = selectors.application_get(user=request.user, pk=pk)
    return application_dict(application, actions=[t.name for t in buttons(application, request.user)])


@router.get("/institutions", response={200: list[InstitutionOut], **ERRORS})
def institution_list(request: HttpRequest):
    require(request.user, "finance.view_catalog")
    return list(selectors.institutions_visible_to(request.user))


@router.post("/institutions", response={201: InstitutionOut, **ERRORS})
def institution_create(request: HttpRequest, data: InstitutionIn):
    return Status(201, services.institution_create(actor=request.user, **data.dict()))


@router.get("/products", response={200: list[ProductOut], **ERRORS})
def product_list(request: HttpRequest, kind: str = "", institution: int | None = None, q: str = ""):
    """The catalog: products on the shelf (the center's administrators also see those taken off)."""
    require(request.user, "finance.view_catalog")
    return [product_dict(p) for p in selectors.product_list(user=request.user, kind=kind, institution=institution,
                                                             q=q)]


@router.post("/products", response={201: ProductOut, **ERRORS})
def product_create(request: HttpRequest, data: ProductIn):
    values = data.dict()
    product = services.product_create(actor=request.user, institution=values.pop("institution_id"), **values)
    return Status(201, product_dict(product))


@router.get("/products/{pk}", response={200: ProductOut, **ERRORS})
def product_detail(request: HttpRequest, pk: int):
    return product_dict(selectors.product_get(user=request.user, pk=pk))


@router.get("/applications", response={200: ApplicationPageOut, **ERRORS})
def application_list(request: HttpRequest, status: str = "", kind: str = "", institution: int | None = None,
                     q: str = "", limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    """Applications in the user's scope (an enterprise user: its own), newest first."""
    require(request.user, "finance.view")
    qs = selectors.application_list(user=request.user, status=status, kind=kind, institution=institution, q=q)
    rows = qs.select_related("deposit")[offset:offset + limit]
    return {"count": qs.count(), "items": [application_dict(a) for a in rows]}


@router.post("/applications", response={201: ApplicationOut, **ERRORS})
def application_submit(request: HttpRequest, data: ApplicationIn):
    values = data.dict()
    application = services.application_submit(actor=request.user, product=values.pop("product_id"),
                                               registration=values.pop("registration_id"), **values)
    return Status(201, _detail(request, application.pk))


@router.get("/applications/{pk}", response={200: ApplicationOut, **ERRORS})
def application_detail(request: HttpRequest, pk: int):
    return _detail(request, pk)


@router.post("/applications/{pk}/accept", response={200: ApplicationOut, **ERRORS})
def application_accept(request: HttpRequest, pk: int, data: ReasonIn):
    services.application_accept(actor=request.user, application=pk, reason=data.reason)
    return _detail(request, pk)


@router.post("/applications/{pk}/approve", response={200: ApplicationOut, **ERRORS})
def application_approve(request: HttpRequest, pk: int, data: ApproveIn):
    services.application_approve(actor=request.user, application=selectors.application_get(user=request.user, pk=pk),
                                 **data.dict())
    return _detail(request, pk)


@router.post("/applications/{pk}/decline", response={200: ApplicationOut, **ERRORS})
def application_decline(request: HttpRequest, pk: int, data: ReasonIn):
    services.application_decline(actor=request.user, application=pk, reason=data.reason)
    return _detail(request, pk)


@router.post("/applications/{pk}/issue", response={200: ApplicationOut, **ERRORS})
def guarantee_issue(request: HttpRequest, pk: int, data: IssueIn):
    services.guarantee_issue(actor=request.user, application=selectors.application_get(user=request.user, pk=pk),
                             guarantee_number=data.guarantee_number, valid_from=data.guarantee_valid_from,
                             valid_until=data.guarantee_valid_until, deposit=data.deposit_id, issued_on=data.issued_on)
    return _detail(request, pk)


@router.post("/applications/{pk}/disburse", response={200: ApplicationOut, **ERRORS})
def loan_disburse(request: HttpRequest, pk: int, data: DisburseIn):
    services.loan_disburse(actor=request.user, application=selectors.application_get(user=request.user, pk=pk),
                           disbursed_on=data.disbursed_on)
    return _detail(request, pk)


@router.get("/figures", response={200: FiguresOut, **ERRORS})
def figures(request: HttpRequest, date_from: date | None = None, date_to: date | None = None):
    """Services provided, amounts approved by kind, money freed by guarantees: in total, by institution and by
    month (default: the year of the latest approval)."""
    require(request.user, "finance.view_figures")
    return selectors.figures_for(user=request.user, date_from=date_from, date_to=date_to)
