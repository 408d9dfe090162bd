"""What every domain's web forms share: Bootstrap classes on the widgets, and a service's error put on the field
it names.

A form checks the shape of the input; every rule is the service's. When a service raises an
:class:`~zhengwu.core.errors.AppError`, :func:`attach_app_error` shows it on the field it names (mapped through
the form's ``SERVICE_FIELDS`` where the service calls a field differently), or above the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from django import forms

from zhengwu.core.errors import AppError

T = TypeVar("T")


class StyledForm(forms.Form):
    """Bootstrap classes on every widget; ``SERVICE_FIELDS`` maps a service's field name to this form's."""

    SERVICE_FIELDS: dict[str, str] = {}
    #: element ids ("<prefix>_<field>"): several forms on one page keep distinct ids and labels
    AUTO_ID = "id_%s"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", self.AUTO_ID)
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-check-input")
            elif not isinstance(widget, (forms.RadioSelect, forms.HiddenInput)):
                widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select)
                                        else "form-control")


def attach_app_error(form: forms.Form, exc: AppError) -> None:
    """Put a service's error on the form field it names, or above the form.

    ``form.is_valid()`` has run (a bound form), so Django's ``add_error`` may be used. ``ERROR_AREAS`` names
    places of a form that show errors without being a field (e.g. a table of rows)."""
    mapping = getattr(form, "SERVICE_FIELDS", {})
    name = mapping.get(exc.field or "", exc.field or "")
    known = name in form.fields or name in getattr(form, "ERROR_AREAS", ())
    form.add_error(name if known else None, exc.message)


@dataclass
class Submitted(Generic[T]):
    """What :func:`submit` did: ``ok`` when the service ran; ``value`` is what it returned; ``status`` is the
    HTTP status to render the form again with (422 invalid input, or the service's error status)."""

    ok: bool
    value: T | None = None
    status: int = 200


def submit(form: forms.Form, action: Callable[[dict[str, Any]], T], *,
           passthrough: tuple[int, ...] = (403, 404)) -> Submitted[T]:
    """Validate a bound ``form`` and, when valid, run ``action(form.cleaned_data)`` (one service call). A
    service's :class:`AppError` lands on the field it names (:func:`attach_app_error`); errors whose status is in
    ``passthrough`` (forbidden, out of scope) are raised for the error page instead.

    The shape every web view that posts a form shares::

        done = submit(form, lambda data: services.thing_do(actor=request.user, **data))
        if done.ok:
            return redirect(...)
        return render(request, template, context, status=done.status)
    """
    if not form.is_valid():
        return Submitted(ok=False, status=422)
    try:
        value = action(form.cleaned_data)
    except AppError as exc:
        if exc.status in passthrough:
            raise
        attach_app_error(form, exc)
        return Submitted(ok=False, status=exc.status)
    return Submitted(ok=True, value=value)
