"""Every non-trivial read of the cases domain, scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from zhengwu.cases.choices import OPEN_STATUSES, CaseStatus
from zhengwu.cases.models import Case, ServiceItem
from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter

CASE_SCOPE = ScopePaths(department="department_id", township="township_id", village="village_id",
                        enterprise="applicant_enterprise_id", owner="applicant_person__users")


def cases_visible_to(user: Any) -> QuerySet[Case]:
    qs = scope_filter(user, Case.objects.all(), CASE_SCOPE)
    # A village agent also sees the cases they submitted for villagers of other villages.
    if getattr(user, "is_authenticated", False) and user.is_active and user.role == "village_agent":
        qs = Case.objects.filter(Q(pk__in=qs.values("pk")) | Q(agent_id=user.pk))
    return qs


def case_get(*, user: Any, pk: int) -> Case:
    return get_visible(cases_visible_to(user).select_related(
        "item", "department", "township", "village", "applicant_person", "applicant_enterprise", "agent",
        "handler", "received_by"), pk=pk)


def case_find_by_number(*, number: str) -> Case | None:
    return Case.objects.select_related("item", "department").filter(number=number).first()


def case_list(*, user: Any, filters: Any = None) -> QuerySet[Case]:
    """Cases the user may see, filtered by a ``CaseFilter`` (the same schema serves the API and the web)."""
    qs = cases_visible_to(user).select_related("item", "department", "township")
    if filters is not None:
        qs = filters.apply(qs)
    return qs


def inbox_for(*, user: Any, now=None) -> QuerySet[Case]:
    """Open cases, most urgent first: overdue, then by the deadline of the stage they are in."""
    now = now or timezone.now()
    due = SqlCase(
        When(status__in=[CaseStatus.RECEIVED], then=F("acceptance_deadline")),
        default=F("completion_deadline"),
    )
    urgency = SqlCase(
        When(status=CaseStatus.SUSPENDED, then=Value(3)),
        When(status=CaseStatus.SUPPLEMENT, then=Value(3)),
        When(Q(status=CaseStatus.RECEIVED, acceptance_deadline__lt=now)
             | Q(status__in=[CaseStatus.ACCEPTED, CaseStatus.PROCESSING], completion_deadline__lt=now),
             then=Value(0)),
        When(Q(status__in=[CaseStatus.ACCEPTED, CaseStatus.PROCESSING], warning_at__lt=now), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (cases_visible_to(user).filter(status__in=OPEN_STATUSES)
            .select_related("item", "department", "township")
            .annotate(urgency=urgency, due=due).order_by("urgency", "due", "id"))


def items_visible_to(user: Any) -> QuerySet[ServiceItem]:
    """The catalog is public reference data for every signed-in user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ServiceItem.objects.none()
    return ServiceItem.objects.select_related("department")


def item_get(*, user: Any, pk: int) -> ServiceItem:
    return get_visible(items_visible_to(user), pk=pk)
