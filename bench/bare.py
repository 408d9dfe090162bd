"""The ceiling for bench/case_receipt.py: the same database writes as the platform's case
receipt (person, case, acceptance, two audit rows) with none of the platform's layers:
no authentication, validation, data scopes, workflow engine or audit chain."""

import secrets

from django.db import transaction
from django.http import HttpRequest
from django.urls import include, path
from django.utils import timezone
from ninja import NinjaAPI, Schema

from zhengwu.cases.models import Case
from zhengwu.core.crypto import blind_index
from zhengwu.core.models import AuditEvent
from zhengwu.org.models import Person

bare = NinjaAPI(urls_namespace="bare", docs_url=None, openapi_url=None)


class BareIn(Schema):
    item_id: int
    department_id: int
    applicant_name: str
    id_number: str


@bare.post("/cases")
def bare_create(request: HttpRequest, data: BareIn):
    now = timezone.now()
    with transaction.atomic():
        index = blind_index(data.id_number, purpose="id_number")
        person = Person.objects.filter(id_number_index=index).first()
        if person is None:
            person = Person.objects.create(name=data.applicant_name, id_number=data.id_number, id_number_index=index)
        case = Case.objects.create(number=f"bare-{secrets.token_hex(10)}", item_id=data.item_id,
                                   department_id=data.department_id, channel="window", applicant_kind="person",
                                   applicant_name=data.applicant_name, applicant_person=person, received_at=now,
                                   acceptance_clock_on=now.date(), status="received")
        AuditEvent.objects.create(chain=0, seq=case.pk * 2, created_at=now, actor_label="bare", action="case.receive",
                                  object_type="cases.case", object_id=str(case.pk), request_id="0" * 32,
                                  origin="bench", digest="0" * 64)
    return {"id": case.pk}


@bare.post("/cases/{case_id}/accept")
def bare_accept(request: HttpRequest, case_id: int):
    now = timezone.now()
    with transaction.atomic():
        Case.objects.filter(pk=case_id).update(status="accepted", accepted_on=now.date(), decided_at=now)
        AuditEvent.objects.create(chain=0, seq=case_id * 2 + 1, created_at=now, actor_label="bare",
                                  action="case.accept", object_type="cases.case", object_id=str(case_id),
                                  request_id="0" * 32, origin="bench", digest="0" * 64)
    return {"id": case_id, "status": "accepted"}


urlpatterns = [
    path("bare/", bare.urls),
    path("", include("zhengwu.config.urls")),
]
