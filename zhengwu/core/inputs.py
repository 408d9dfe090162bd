"""Small input helpers every domain's services use: who is acting, a required short text, a referenced row, and
the row a write locks.

A service's ``actor`` is a user (a request's) or a string naming code that acts for the system ("demo",
"import", a rule): :func:`acting_user` gives the user to store in a ``*_by`` column, or None for code.
"""

from __future__ import annotations

from typing import Any

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
