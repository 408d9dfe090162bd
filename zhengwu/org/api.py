from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from zhengwu.core.identifiers import mask_name
from zhengwu.core.permissions import get_visible, require
from zhengwu.core.schemas import ErrorOut
from zhengwu.org import selectors, services
from zhengwu.org.models import Person
from zhengwu.org.schemas import DepartmentOut, EnterpriseIn, EnterpriseOut, PersonIn, PersonOut, RegionOut, UserOut


router = Router(tags=["org"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _person_out(person: Person) -> PersonOut:
    return PersonOut(id=person.pk, name_masked=mask_name(person.name), id_number_masked=person.id_number_masked,
                     phone_masked=person.phone_masked)


@router.get("/regions", response={200: list[RegionOut], **ERRORS})
def region_list(request: HttpRequest, level: str | None = None, parent_id: int | None = None) -> list:
    qs = selectors.regions_visible_to(request.user)
    if level:
        qs = qs.filter(level=level)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return list(qs)


@router.get("/departments", response={200: list[DepartmentOut], **ERRORS})
def department_list(request: HttpRequest) -> list:
    return list(selectors.departments_visible_to(request.user))


@router.get("/enterprises", response={200: list[EnterpriseOut], **ERRORS})
def enterprise_list(request: HttpRequest, q: str | None = None) -> list:
    qs = selectors.enterprises_visible_to(request.user)
    if q:
        qs = qs.filter(name__icontains=q)
    return list(qs[:200])


@router.get("/enterprises/{enterprise_id}", response={200: EnterpriseOut, **ERRORS})
def enterprise_detail(request: HttpRequest, enterprise_id: int):
    return get_visible(selectors.enterprises_visible_to(request.user), pk=enterprise_id)


@router.post("/enterprises", response={201: EnterpriseOut, **ERRORS})
def enterprise_register(request: HttpRequest, data: EnterpriseIn):
    require(request.user, "org.manage_org")
    region = selectors.region_get(code=data.region_code) if data.region_code else None
    ent = services.enterprise_register(actor=request.user, credit_code=data.credit_code, name=data.name,
                                       legal_representative=data.legal_representative, region=region)
    return Status(201, ent)


@router.post("/persons", response={201: PersonOut, **ERRORS})
def person_register(request: HttpRequest, data: PersonIn):
    require(request.user, "org.manage_org")
    person = services.person_register(actor=request.user, name=data.name, id_number=data.id_number, phone=data.phone)
    return Status(201, _person_out(person))


@router.get("/users", response={200: list[UserOut], **ERRORS})
def user_list(request: HttpRequest) -> list:
    require(request.user, "org.view_org")
    return list(selectors.users_visible_to(request.user)[:500])
