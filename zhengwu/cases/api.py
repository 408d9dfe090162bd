"""The cases API: the same services and selectors as the web."""


from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhengwu.cases import deadlines, selectors, services
from zhengwu.cases.models import Case, ServiceItem
from zhengwu.cases.schemas import (
    CaseFilter,
    CaseIn,
    CaseOut,
    CaseReceipt,
    ItemIn,
    ItemOut,
    ItemPatch,
    PublicCaseOut,
    TransitionIn,
)
from zhengwu.cases.workflow import CASE_WORKFLOW
from zhengwu.core.errors import InvalidInput
from zhengwu.core.paging import mapped
from zhengwu.core.permissions import get_visible, require
from zhengwu.core.schemas import ErrorOut
from zhengwu.org.models import Department, Region

router = Router(tags=["cases"])
public_router = Router(tags=["public"], auth=None)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def item_out(item: ServiceItem) -> ItemOut:
    return ItemOut(**{f: getattr(item, f) for f in ItemOut.model_fields})


def case_out(case: Case, user=None) -> CaseOut:
    data = {f: getattr(case, f) for f in CaseOut.model_fields
            if f not in ("status_label", "item_name", "deadline_state", "actions")}
    return CaseOut(**data, status_label=case.get_status_display(), item_name=case.item.name,
                   deadline_state=deadlines.deadline_state(case),
                   actions=[t.name for t in CASE_WORKFLOW.available(case, user)] if user is not None else [])


def _ref(model, pk: int | None, field: str):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise InvalidInput(f"{field} 不存在:{pk}。", field=field, code="unknown_reference")
    return obj


@router.get("/items", response={200: list[ItemOut], **ERRORS})
@paginate(LimitOffsetPagination)
def item_list(request: HttpRequest, department_id: int | None = None, village_assisted: bool | None = None):
    qs = selectors.items_visible_to(request.user)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if village_assisted is not None:
        qs = qs.filter(village_assisted=village_assisted)
    return [item_out(i) for i in qs]


@router.post("/items", response={201: ItemOut, **ERRORS})
def item_create(request: HttpRequest, data: ItemIn):
    department = _ref(Department, data.department_id, "department_id")
    fields = data.dict(exclude={"code", "department_id"})
    item = services.item_create(actor=request.user, code=data.code, department=department, **fields)
    return Status(201, item_out(item))


@router.patch("/items/{item_id}", response={200: ItemOut, **ERRORS})
def item_update(request: HttpRequest, item_id: int, data: ItemPatch):
    item = selectors.item_get(user=request.user, pk=item_id)
    fields = {k: v for k, v in data.dict().items() if v is not None}
    return item_out(services.item_update(actor=request.user, item=item, **fields))


@router.post("/cases", response={201: CaseReceipt, **ERRORS})
def case_create(request: HttpRequest, data: CaseIn):
    item = get_visible(selectors.items_visible_to(request.user), pk=data.item_id)
    case, code = services.case_receive(
        actor=request.user, item=item, channel=data.channel, applicant_kind=data.applicant_kind,
        applicant_name=data.applicant_name, id_number=data.id_number, phone=data.phone,
        credit_code=data.credit_code, level=data.level, township=_ref(Region, data.township_id, "township_id"),
        village=_ref(Region, data.village_id, "village_id"))
    return Status(201, CaseReceipt(id=case.pk, number=case.number, tracking_code=code, status=case.status,
                                   acceptance_deadline=case.acceptance_deadline))


@router.get("/cases", response={200: list[CaseOut], **ERRORS})
@paginate(LimitOffsetPagination)
def case_list(request: HttpRequest, filters: Query[CaseFilter]):
    require(request.user, "cases.view")
    return mapped(selectors.case_list(user=request.user, filters=filters), case_out)


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS})
def case_detail(request: HttpRequest, case_id: int):
    return case_out(selectors.case_get(user=request.user, pk=case_id), request.user)


@router.post("/cases/{case_id}/transitions", response={200: CaseOut, **ERRORS})
def case_transition(request: HttpRequest, case_id: int, data: TransitionIn):
    case = services.case_transition(actor=request.user, case=case_id, action=data.action, reason=data.reason,
                                    payload={"items": data.items} if data.items else None,
                                    expected_version=data.version)
    return case_out(case, request.user)


@public_router.get("/track", response={200: PublicCaseOut, **ERRORS})
def case_track(request: HttpRequest, number: str, code: str):
    case = services.case_track(number=number, code=code)
    return PublicCaseOut(number=case.number, item_name=case.item.name, department=str(case.department),
                         status_label=case.get_status_display(), received_at=case.received_at,
                         accepted_on=case.accepted_on, completion_deadline=case.completion_deadline,
                         completed_at=case.completed_at)
