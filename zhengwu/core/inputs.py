"""Small input helpers every domain's services use: who is acting, and a required short text.

A service's ``actor`` is a user (a request's) or a string naming code that acts for the system ("demo",
"import", a rule): :func:`acting_user` gives the user to store in a ``*_by`` column, or None for code.
"""

from __future__ import annotations

from typing import Any

from zhengwu.core.errors import InvalidInput


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
