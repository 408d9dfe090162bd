"""Reads of supervision, scoped to the user: every supervision row is for the supervisors and the readers
(center leaders and administrators) who hold ``supervision.view``; nobody else sees any."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhengwu.supervision.models import Flag, SupervisionCase


def _reader(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_perm("supervision.view"))


def flags_visible_to(user: Any) -> QuerySet[Flag]:
    return Flag.objects.all() if _reader(user) else Flag.objects.none()


def cases_visible_to(user: Any) -> QuerySet[SupervisionCase]:
    return SupervisionCase.objects.all() if _reader(user) else SupervisionCase.objects.none()
