"""Data scopes, answered in one place.

A domain describes, once per model, how a row relates to the scope kinds
(``ScopePaths``); :func:`scope_filter` turns a user's scope into a filter.
Selectors call it; views and the API never test roles inline.
A row outside the scope is a 404 (:class:`~zhengwu.core.errors.NotFound`), an
action the user may not take on a visible row is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models

from zhengwu.core.errors import Forbidden, NotFound

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopePaths:
    """Lookup paths from a model to the things a scope can name.

    ``None`` means the model cannot be reached through that kind of scope,
    so a user with that scope sees none of its rows.
    """

    department: str | None = None
    township: str | None = None
    village: str | None = None
    enterprise: str | None = None
    owner: str | None = None


def scope_filter(user: Any, queryset: models.QuerySet[M], paths: ScopePaths) -> models.QuerySet[M]:
    """Restrict ``queryset`` to the rows ``user`` may see."""
    from zhengwu.org.roles import ScopeKind

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    scope = user.scope
    if scope == ScopeKind.ALL:
        return queryset
    if scope == ScopeKind.DEPARTMENT:
        return _by(queryset, paths.department, user.department_id)
    if scope == ScopeKind.TOWNSHIP:
        township = user.township
        return _by(queryset, paths.township, township.pk if township else None)
    if scope == ScopeKind.VILLAGE:
        return _by(queryset, paths.village, user.region_id)
    if scope == ScopeKind.ENTERPRISE:
        return _by(queryset, paths.enterprise, user.enterprise_id)
    if scope == ScopeKind.OWN:
        return _by(queryset, paths.owner, user.pk)
    return queryset.none()


def _by(queryset: models.QuerySet[M], path: str | None, value: Any) -> models.QuerySet[M]:
    if path is None or value is None:
        return queryset.none()
    return queryset.filter(**{path: value})


def get_visible(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """One row from an already scoped queryset, or NotFound."""
    obj = queryset.filter(**lookup).order_by().first()
    if obj is None:
        raise NotFound("对象不存在或不在您的数据范围内。")
    return obj


def require(user: Any, permission: str) -> None:
    """Raise Forbidden unless ``user`` holds ``permission``.

    A string actor (``"demo"``, ``"import"``) is code acting for the system in a
    command or job, never a request's user, and is allowed.
    """
    if isinstance(user, str):
        return
    if user is None or not user.has_perm(permission):
        raise Forbidden(f"您没有执行此操作的权限({permission})。", code="permission_denied")
