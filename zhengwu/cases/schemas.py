"""Input, output and filter schemas. ``CaseFilter`` serves both the API list and the web list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.db.models import Q, QuerySet
from django.utils import timezone
from ninja import Field, FilterLookup, FilterSchema, Schema

from zhengwu.cases.choices import CaseStatus, Channel, Level


class ItemIn(Schema):
    code: str = Field(..., min_length=1, max_length=64)
    name: str = Field(..., min_length=1, max_length=200)
    department_id: int
    item_type: str
    statutory_limit: int = Field(..., ge=0, le=365)
    promised_limit: int = Field(..., ge=0, le=365)
    acceptance_limit: int = Field(5, ge=0, le=60)
    level_district: bool = True
    level_township: bool = False
    level_village: bool = False
    online_capable: bool = True
    village_assisted: bool = False
    enterprise_related: bool = False
    applicant_kinds: Literal["person", "enterprise", "both"] = "both"
    materials: list[str] = []


class ItemPatch(Schema):
    name: str | None = None
    statutory_limit: int | None = Field(None, ge=0, le=365)
    promised_limit: int | None = Field(None, ge=0, le=365)
    acceptance_limit: int | None = Field(None, ge=0, le=60)
    level_district: bool | None = None
    level_township: bool | None = None
    level_village: bool | None = None
    online_capable: bool | None = None
    village_assisted: bool | None = None
    enterprise_related: bool | None = None
    materials: list[str] | None = None
    is_active: bool | None = None


class ItemOut(Schema):
    id: int
    code: str
    name: str
    department_id: int
    item_type: str
    statutory_limit: int
    promised_limit: int
    acceptance_limit: int
    is_instant: bool
    levels: list[str]
    online_capable: bool
    village_assisted: bool
    enterprise_related: bool
    applicant_kinds: str
    materials: list[str]
    is_active: bool


class CaseIn(Schema):
    item_id: int
    channel: str = Field(..., description="pc / mobile / window / agent / self_service")
    applicant_kind: Literal["person", "enterprise"]
    applicant_name: str = Field(..., min_length=1, max_length=128)
    id_number: str = ""
    phone: str = ""
    credit_code: str = ""
    level: str = Level.DISTRICT
    township_id: int | None = None
    village_id: int | None = None


class CaseReceipt(Schema):
    id: int
    number: str
    tracking_code: str = Field(..., description="shown once, for the public progress page")
    status: str
    acceptance_deadline: datetime | None


class TransitionIn(Schema):
    action: str
    reason: str = ""
    version: int | None = Field(None, description="the version the client saw; a newer one gives 409")
    items: list[str] = Field([], description="for request_supplement: every material to supplement")


class CaseOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    version: int
    item_id: int
    item_name: str
    department_id: int
    channel: str
    level: str
    applicant_kind: str
    applicant_name_masked: str
    received_at: datetime
    acceptance_deadline: datetime | None
    acceptance_overdue: bool
    accepted_on: date | None
    acceptance_deemed: bool
    suspended_working_days: int
    completion_deadline: datetime | None
    warning_at: datetime | None
    completed_at: datetime | None
    result: str
    outcome: str
    deadline_state: str
    actions: list[str] = []


class PublicCaseOut(Schema):
    number: str
    item_name: str
    department: str
    status_label: str
    received_at: datetime
    accepted_on: date | None
    completion_deadline: datetime | None
    completed_at: datetime | None


class CaseFilter(FilterSchema):
    """One filter definition for the API list and the web list."""

    q: str | None = Field(None, description="case number or applicant name")
    status: Annotated[list[CaseStatus] | None, FilterLookup("status__in")] = None
    channel: Annotated[list[Channel] | None, FilterLookup("channel__in")] = None
    department_id: Annotated[int | None, FilterLookup("department_id")] = None
    township_id: Annotated[int | None, FilterLookup("township_id")] = None
    item_id: Annotated[int | None, FilterLookup("item_id")] = None
    received_from: Annotated[date | None, FilterLookup("received_at__date__gte")] = None
    received_to: Annotated[date | None, FilterLookup("received_at__date__lte")] = None
    completed_from: Annotated[date | None, FilterLookup("completed_at__date__gte")] = None
    completed_to: Annotated[date | None, FilterLookup("completed_at__date__lte")] = None
    acceptance_overdue: Annotated[bool | None, FilterLookup("acceptance_overdue")] = None
    outcome: Annotated[str | None, FilterLookup("outcome")] = None
    deadline: Literal["overdue", "warning"] | None = None

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        value = value.strip()
        return Q(number__startswith=value) | Q(applicant_name__startswith=value)

    def filter_deadline(self, value: str | None) -> Q:
        if not value:
            return Q()
        now = timezone.now()
        active = Q(status__in=[CaseStatus.ACCEPTED, CaseStatus.PROCESSING])
        if value == "overdue":
            return (active & Q(completion_deadline__lt=now)) | Q(status=CaseStatus.RECEIVED,
                                                                 acceptance_deadline__lt=now)
        return active & Q(warning_at__lt=now, completion_deadline__gte=now)

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.received_from and self.received_to and self.received_to < self.received_from:
            from zhengwu.core.errors import InvalidInput

            raise InvalidInput("结束日期不能早于开始日期。", field="received_to", code="bad_period")
        return self.filter(qs)
