"""The web forms of the reviews domain.

* :class:`RatingForm`: the public rating page (case number, tracking code, level, comment);
* :class:`TransitionForm`: one step of a bad review's handling, with the version the user saw;
* :func:`parse_filter`: a query string parsed into the list filter schema the API uses too.

Forms check the shape of the input; the rules are the services'. An
``AppError`` a service raises lands on the field it names (:func:`attach_app_error`).
"""

from __future__ import annotations

import typing
from typing import Any, TypeVar

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ValidationError

from zhengwu.core.forms import attach_app_error  # noqa: F401  (re-exported to the views)
from zhengwu.reviews.choices import APPLICANT_CHANNELS, ReviewChannel, ReviewLevel
from zhengwu.reviews.services import MAX_COMMENT

F = TypeVar("F", bound=BaseModel)


class RatingForm(forms.Form):
    SERVICE_FIELDS = {"case": "number"}

    number = forms.CharField(label=_("办件编号"), max_length=40)
    code = forms.CharField(label=_("查询码"), max_length=12, help_text=_("受理回执上的 6 位查询码"))
    channel = forms.ChoiceField(label=_("评价方式"), initial=ReviewChannel.ONLINE,
                                choices=[(c.value, c.label) for c in APPLICANT_CHANNELS])
    level = forms.TypedChoiceField(label=_("评价等级"), coerce=int, widget=forms.RadioSelect,
                                   choices=ReviewLevel.choices)
    comment = forms.CharField(label=_("意见或建议"), required=False, max_length=MAX_COMMENT,
                              widget=forms.Textarea(attrs={"rows": 4}))


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=32)
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(min_value=0)


FILTER_MESSAGES: dict[str, Any] = {
    "date_parsing": _("请输入有效的日期,格式为 年-月-日。"),
    "date_from_datetime_parsing": _("请输入有效的日期,格式为 年-月-日。"),
    "int_parsing": _("请选择列表中的一项。"),
    "enum": _("没有这个选项。"),
    "literal_error": _("没有这个选项。"),
    "bool_parsing": _("请选择“是”或“否”。"),
}


def _is_list(annotation: Any) -> bool:
    return any(typing.get_origin(a) is list for a in (annotation, *typing.get_args(annotation)))


def parse_filter(schema: type[F], data: QueryDict) -> tuple[F, dict[str, str]]:
    """``data`` as ``schema``; a field that does not parse is left out and gets a message."""
    values: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        if _is_list(info.annotation):
            items = [v for v in data.getlist(name) if v.strip()]
            if items:
                values[name] = items
        elif (data.get(name) or "").strip():
            values[name] = data[name].strip()
    errors: dict[str, str] = {}
    try:
        return schema(**values), errors
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0])
            errors[name] = str(FILTER_MESSAGES.get(error["type"], error["msg"]))
            values.pop(name, None)
    return schema(**values), errors
