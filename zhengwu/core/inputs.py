"""Small input helpers every domain's services use: who is acting, a required short text, one of a set of choices,
a date, a referenced row, and the row a write locks.

A service's ``actor`` is a user (a request's) or a string naming code that acts for the system ("demo",
"import", a rule): :func:`acting_user` gives the user to store in a ``*_by`` column, or None for code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhengwu.core.errors import InvalidInput, NotFound


def acting_user(actor: Any) -> Any:
    """The user behind ``actor``, or None when code acts (a string actor) or nobody does."""
    return actor if actor is not None and not isinstance(actor, str) else None


def clean_text(value: Any, *, field: str, label: str, max_length: int | None = None, required: bool = True) -> str:
    """``value`` as stripped text; an empty required one or one longer than ``max_length`` is refused, naming
    ``field``."""
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(f"{label}不能为空。", field=field, code="required")
    if max_length is not None and len(text) > max_length:
        raise InvalidInput(f"{label}不能超过 {max_length} 个字。", field=field, code="too_long")
    return text


def choice(value: Any, choices: Any, field: str, label: str = "", *, required: bool = True,
           code: str = "bad_choice") -> str:
    """``value`` (stripped) if it is one of ``choices`` (a ``TextChoices``); otherwise refused, naming ``field`` and
    the allowed labels. Empty and not ``required``: ``""``."""
    text = str(value if value is not None else "").strip()
    if not text and not required:
        return ""
    if text not in choices.values:
        allowed = "、".join(str(c.label) for c in choices)
        raise InvalidInput(f"{label or field}取值无效:{text or '(空)'};可选:{allowed}。", field=field, code=code)
    return text


def date_value(value: Any, *, field: str, label: str, required: bool = True) -> dt.date | None:
    """A date from a ``date``, a ``datetime`` (an aware one in local time) or ``YYYY-MM-DD`` text; a bad or (when
    ``required``) missing one is refused, naming ``field``."""
    if value in (None, ""):
        if required:
            raise InvalidInput(f"{label}不能为空。", field=field, code="required")
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{label}“{value}”不是有效日期(YYYY-MM-DD)。", field=field, code="bad_date") from None


def reference(model: Any, value: Any, *, field: str, label: str) -> Any:
    """The ``model`` row that ``value`` (a row or its primary key) names; missing or unknown is refused, naming
    ``field``."""
    if value in (None, ""):
        raise InvalidInput(f"请选择{label}。", field=field, code="required")
    obj = model.objects.filter(pk=getattr(value, "pk", value)).first()
    if obj is None:
        raise InvalidInput(f"{label}不存在:{value}。", field=field, code="unknown_reference")
    return obj


def locked_row(actor: Any, model: Any, visible: Any, value: Any) -> Any:
    """``value``'s row locked for the rest of the transaction, found through ``visible(actor)`` (outside the
    actor's scope: 404); code acting for the system (a string actor) sees every row. Only the row itself is locked
    (``FOR UPDATE OF self``): PostgreSQL refuses to lock the nullable side of an outer join."""
    pk = getattr(value, "pk", value)
    source = model.objects.all() if isinstance(actor, str) else visible(actor)
    obj = source.select_for_update(of=("self",)).filter(pk=pk).first()
    if obj is None:
        raise NotFound("对象不存在或不在您的数据范围内。")
    return obj
