"""The web forms of the cases domain.

* :class:`CaseFilterForm` parses a query string into the one ``CaseFilter``
  schema the API uses too, and turns its validation errors into messages next
  to the fields. It draws nothing of its own: field names and types come from
  the schema; only the labels and the choices of the references (departments,
  townships) are presentation, given here and by the view.
* :class:`CaseReceiveForm` (收件) checks the shape of the input; the rules
  (ID number, credit code, levels, channels) are the service's, and an
  ``AppError`` it raises lands on the field it names (:func:`attach_app_error`).
* :class:`TransitionForm` carries the version the clerk saw, the reason and,
  for a supplement notice, the list of materials (one a line).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, Iterable

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from zhengwu.cases.choices import ApplicantKind, Channel, Level, Outcome
from zhengwu.cases.models import ServiceItem
from zhengwu.cases.schemas import CaseFilter
from zhengwu.core.forms import attach_app_error  # noqa: F401  (re-exported to the views)
from zhengwu.org.models import Region

# --- the list filter ------------------------------------------------------------------

FILTER_LABELS: dict[str, Any] = {
    "q": _("编号或申请人"),
    "status": _("状态"),
    "channel": _("收件渠道"),
    "department_id": _("部门"),
    "township_id": _("乡镇(街道)"),
    "item_id": _("事项"),
    "received_from": _("收件日期自"),
    "received_to": _("收件日期至"),
    "completed_from": _("办结日期自"),
    "completed_to": _("办结日期至"),
    "acceptance_overdue": _("超期受理"),
    "outcome": _("办结时效"),
    "deadline": _("期限状态"),
}

# Values of the fields whose schema type is a plain ``str`` or a Literal, for the select.
FILTER_VALUE_CHOICES: dict[str, list[tuple[str, Any]]] = {
    "outcome": list(Outcome.choices),
    "deadline": [("overdue", _("已超期")), ("warning", _("临近期限"))],
    "acceptance_overdue": [("true", _("是")), ("false", _("否"))],
}

_ERROR_MESSAGES: dict[str, Any] = {
    "int_parsing": _("请选择列表中的一项。"),
    "int_type": _("请选择列表中的一项。"),
    "date_parsing": _("请输入有效的日期，格式为 年-月-日。"),
    "date_from_datetime_parsing": _("请输入有效的日期，格式为 年-月-日。"),
    "date_from_datetime_inexact": _("请输入有效的日期，格式为 年-月-日。"),
    "date_type": _("请输入有效的日期，格式为 年-月-日。"),
    "bool_parsing": _("请选择“是”或“否”。"),
    "enum": _("没有这个选项。"),
    "literal_error": _("没有这个选项。"),
    "string_too_long": _("内容过长。"),
}


@dataclass
class BoundFilterField:
    """One field of the filter form, ready for the template."""

    name: str
    label: Any
    kind: str  # text, multi, select, date, hidden
    value: Any = ""
    values: list[str] = field(default_factory=list)
    choices: list[tuple[str, Any]] = field(default_factory=list)
    error: str = ""

    @property
    def id(self) -> str:
        return f"filter-{self.name}"


def _kind_of(annotation: Any) -> tuple[str, type | None]:
    """(widget kind, enum class) for a schema field's annotation."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    inner = args[0]
    origin = typing.get_origin(inner)
    if origin is list:
        member = typing.get_args(inner)[0]
        return "multi", member if isinstance(member, type) and issubclass(member, Enum) else None
    if origin is typing.Literal or inner is bool:
        return "select", None
    if inner is date:
        return "date", None
    if inner is int:
        return "select", None
    return "text", None


class CaseFilterForm:
    """``request.GET`` parsed into a ``CaseFilter``, with per-field messages.

    ``fields`` limits which schema fields are shown (the inbox shows fewer);
    any other schema field present in the query is kept as a hidden input so
    a link such as ``?item_id=7`` survives a change of the visible filters.
    ``primary`` fields stand in the first row; the others fold under "更多条件" (open
    when one of them holds a value or an error).
    ``choices`` gives the options of the reference fields (``department_id``...).
    """

    def __init__(self, data: QueryDict, *, fields: Iterable[str] | None = None,
                 primary: Iterable[str] = ("q",), choices: dict[str, list[tuple[Any, Any]]] | None = None) -> None:
        self.data = data
        self.shown = list(fields) if fields is not None else list(CaseFilter.model_fields)
        self.primary = [name for name in primary if name in self.shown]
        self.choices = {k: [(str(v), label) for v, label in opts] for k, opts in (choices or {}).items()}
        self.errors: dict[str, str] = {}
        self.filters: CaseFilter | None = None
        self._raw = self._read(data)
        try:
            self.filters = CaseFilter.model_validate(self._raw)
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err.get("loc") else "__all__"
                self.errors.setdefault(name, str(_ERROR_MESSAGES.get(err["type"], _("输入不正确。"))))

    @staticmethod
    def _read(data: QueryDict) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for name, info in CaseFilter.model_fields.items():
            kind, _enum = _kind_of(info.annotation)
            if kind == "multi":
                values = [v.strip() for v in data.getlist(name) if v.strip()]
                if values:
                    raw[name] = values
            else:
                value = (data.get(name) or "").strip()
                if value:
                    raw[name] = value
        return raw

    def is_valid(self) -> bool:
        return self.filters is not None and not self.errors

    def add_error(self, name: str | None, message: str) -> None:
        key = name if name in CaseFilter.model_fields else "__all__"
        self.errors.setdefault(key, message)
        self.filters = None

    @property
    def non_field_errors(self) -> list[str]:
        return [self.errors["__all__"]] if "__all__" in self.errors else []

    @property
    def is_filtered(self) -> bool:
        return bool(self._raw)

    def _bind(self, name: str) -> BoundFilterField:
        info = CaseFilter.model_fields[name]
        kind, enum = _kind_of(info.annotation)
        choices = self.choices.get(name)
        if choices is None and enum is not None:
            choices = [(str(m.value), getattr(m, "label", m.value)) for m in enum]
        if choices is None:
            choices = FILTER_VALUE_CHOICES.get(name, [])
        bound = BoundFilterField(name=name, label=FILTER_LABELS.get(name, name), kind=kind, choices=choices,
                                 error=self.errors.get(name, ""))
        if kind == "multi":
            bound.values = [v.strip() for v in self.data.getlist(name) if v.strip()]
        else:
            bound.value = (self.data.get(name) or "").strip()
        return bound

    @property
    def fields(self) -> list[BoundFilterField]:
        return [self._bind(name) for name in self.shown]

    @property
    def primary_fields(self) -> list[BoundFilterField]:
        return [self._bind(name) for name in self.primary]

    @property
    def more_fields(self) -> list[BoundFilterField]:
        return [self._bind(name) for name in self.shown if name not in self.primary]

    @property
    def more_open(self) -> bool:
        return any(f.value or f.values or f.error for f in self.more_fields)

    @property
    def hidden_fields(self) -> list[tuple[str, str]]:
        """Schema fields not shown but present in the query, kept as hidden inputs."""
        return [(name, value) for name in CaseFilter.model_fields if name not in self.shown
                for value in self.data.getlist(name) if value.strip()]


# --- receiving a case ---------------------------------------------------------------------

class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceItem) -> str:
        return f"{obj.code} {obj.name}"


class CaseReceiveForm(forms.Form):
    """收件. The form checks the shape; ``services.case_receive`` checks the rules."""

    item = ItemChoiceField(label=_("事项"), queryset=ServiceItem.objects.none(),
                           error_messages={"required": _("请选择办理的事项。"),
                                           "invalid_choice": _("请选择列表中的事项。")})
    channel = forms.ChoiceField(label=_("收件渠道"), choices=Channel.choices, initial=Channel.WINDOW,
                                error_messages={"required": _("请选择收件渠道。")})
    applicant_kind = forms.ChoiceField(label=_("申请人类型"), choices=ApplicantKind.choices,
                                       initial=ApplicantKind.PERSON, widget=forms.RadioSelect,
                                       error_messages={"required": _("请选择申请人类型。")})
    applicant_name = forms.CharField(label=_("申请人姓名或名称"), max_length=128,
                                     error_messages={"required": _("请填写申请人姓名或单位名称。")})
    id_number = forms.CharField(label=_("身份证号"), max_length=32, required=False,
                                help_text=_("自然人申请时填写"))
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=32, required=False,
                                  help_text=_("法人申请时填写"))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    level = forms.ChoiceField(label=_("办理层级"), choices=Level.choices, initial=Level.DISTRICT)
    township = forms.ModelChoiceField(label=_("乡镇(街道)"), queryset=Region.objects.none(), required=False,
                                      empty_label=_("(不限)"))
    village = forms.ModelChoiceField(label=_("村(社区)"), queryset=Region.objects.none(), required=False,
                                     empty_label=_("(不限)"))

    #: where a service's ``AppError.field`` lands on this form
    SERVICE_FIELDS = {"item": "item", "channel": "channel", "applicant_kind": "applicant_kind",
                      "applicant_name": "applicant_name", "name": "applicant_name", "id_number": "id_number",
                      "credit_code": "credit_code", "phone": "phone", "level": "level", "township": "township",
                      "village": "village"}

    def __init__(self, *args: Any, items: Any, townships: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["township"].queryset = townships
        self.fields["village"].queryset = villages
        for name, bound in self.fields.items():
            widget = bound.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-control")
        self.fields["id_number"].widget.attrs.update(autocomplete="off", spellcheck="false", maxlength=18)
        self.fields["credit_code"].widget.attrs.update(autocomplete="off", spellcheck="false", maxlength=18)
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")


# --- transitions ----------------------------------------------------------------------------

class TransitionForm(forms.Form):
    """One transition: the version seen, the reason, and the supplement list when asked for."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                                 error_messages={"required": _("页面已过期，请刷新后重试。"),
                                                 "invalid": _("页面已过期，请刷新后重试。")})
    reason = forms.CharField(label=_("备注(选填)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    items = forms.CharField(label=_("需要补正的材料(每行一项)"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 4}))

    SERVICE_FIELDS = {"reason": "reason", "supplement_items": "items", "items": "items", "version": "version"}

    def __init__(self, *args: Any, transition: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.needs_reason:
            self.fields["reason"].label = _("理由")
            self.fields["reason"].widget.attrs["required"] = True
        if transition.name != "request_supplement":
            del self.fields["items"]

    @property
    def supplement_items(self) -> list[str]:
        text = self.cleaned_data.get("items", "") if hasattr(self, "cleaned_data") else ""
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def payload(self) -> dict[str, Any] | None:
        return {"items": self.supplement_items} if "items" in self.fields else None


