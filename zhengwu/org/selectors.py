"""What may this user see? One selector per entity."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhengwu.core.permissions import ScopePaths, scope_filter
from zhengwu.org.models import Department, Enterprise, Region, RegionLevel, ServiceNode, User, Window
from zhengwu.org.roles import ScopeKind

# How each organization entity relates to the scope kinds.
DEPARTMENT_SCOPE = ScopePaths(department="pk")
WINDOW_SCOPE = ScopePaths(department="department_id")
ENTERPRISE_SCOPE = ScopePaths(enterprise="pk")
# Township staff see users of the township and its villages: handled in users_visible_to.
USER_SCOPE = ScopePaths(department="department_id", village="region_id", enterprise="enterprise_id", owner="pk")


def regions_visible_to(user: Any) -> QuerySet[Region]:
    """The whole tree for district-wide scopes; a township with its villages; a village alone."""
    qs = Region.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.scope == ScopeKind.TOWNSHIP:
        township = user.township
        return qs.filter(Q(pk=township.pk) | Q(parent_id=township.pk)) if township else qs.none()
    if user.scope == ScopeKind.VILLAGE:
        return qs.filter(pk=user.region_id) if user.region_id else qs.none()
    # Departments, enterprises and persons act district-wide on the region tree (it is public reference data).
    return qs


def departments_visible_to(user: Any) -> QuerySet[Department]:
    if getattr(user, "is_authenticated", False) and user.is_active and user.scope in (
        ScopeKind.ALL, ScopeKind.TOWNSHIP, ScopeKind.VILLAGE, ScopeKind.ENTERPRISE, ScopeKind.OWN,
    ):
        # The list of departments is public reference data for every signed-in user.
        return Department.objects.filter(is_active=True)
    return scope_filter(user, Department.objects.all(), DEPARTMENT_SCOPE)


def windows_visible_to(user: Any) -> QuerySet[Window]:
    return scope_filter(user, Window.objects.select_related("department"), WINDOW_SCOPE)


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    return scope_filter(user, Enterprise.objects.all(), ENTERPRISE_SCOPE)


def users_visible_to(user: Any) -> QuerySet[User]:
    qs = User.objects.select_related("department", "region")
    if getattr(user, "is_authenticated", False) and user.is_active and user.scope == ScopeKind.TOWNSHIP:
        township = user.township
        if township is None:
            return qs.none()
        return qs.filter(Q(region_id=township.pk) | Q(region__parent_id=township.pk))
    return scope_filter(user, qs, USER_SCOPE)


def service_nodes_visible_to(user: Any) -> QuerySet[ServiceNode]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ServiceNode.objects.none()
    return ServiceNode.objects.select_related("region", "parent")


def townships() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.TOWNSHIP)


def villages_of(township: Region) -> QuerySet[Region]:
    return Region.objects.filter(parent=township, level=RegionLevel.VILLAGE)


def region_get(*, code: str) -> Region:
    from zhengwu.core.errors import InvalidInput

    region = Region.objects.filter(code=code).first()
    if region is None:
        raise InvalidInput(f"未知的行政区划代码:{code}。", field="region", code="unknown_region")
    return region
