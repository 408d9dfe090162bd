"""One application error type.

Every refusal the platform makes is an :class:`AppError` with a stable
``code``, a human message in the user's language and, where one field is to
blame, the ``field``. The API renders it as ``{"code", "message", "field"}``
with ``status``; the web layer shows it next to the field or as a message.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code or self.default_code
        self.field = field
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        if self.details:
            data["details"] = self.details
        return data

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r}, message={self.message!r})"


class InvalidInput(AppError):
    """The input breaks a rule (422): wrong identifier, impossible date, rule violated."""

    status = 422
    default_code = "invalid"


class NotFound(AppError):
    """Absent, or outside the user's data scope: the two look the same on purpose."""

    status = 404
    default_code = "not_found"


class Forbidden(AppError):
    """Visible to the user, but the user may not do this to it."""

    status = 403
    default_code = "forbidden"


class Conflict(AppError):
    """The object is not in a state that allows this, or changed meanwhile."""

    status = 409
    default_code = "conflict"


class Gone(AppError):
    """The thing existed but is no longer available (410): an expired answer or link, a withdrawn consent."""

    status = 410
    default_code = "gone"
