"""The web forms of the evaluation domain.

* :class:`PeriodForm` parses a query string into the ``PeriodFilter`` the API
  uses too, and resolves it with ``selectors.period_of``; every refusal lands
  on the field it names (``end`` for a period that ends before it starts).
* :class:`SchemeForm` (create or revise a scheme): the nine indicators as rows
  of weight / method / step / floor / target. The form checks the shape; the
  rules (weights sum to 100, target beyond the floor, …) are the service's,
  and its ``rules[i].target`` error lands on that row's field.
* :class:`SuggestionForm`, :class:`DecisionForm`, :class:`PrepareForm`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from zhengwu.core.errors import AppError
from zhengwu.core.forms import attach_app_error  # noqa: F401  (re-exported to the views)
from zhengwu.evaluation import selectors
from zhengwu.evaluation.choices import Grouping, Method
from zhengwu.evaluation.models import Indicator, Scheme
from zhengwu.evaluation.schemas import PeriodFilter

# --- the period -----------------------------------------------------------------------------

PRESET_LABELS: dict[str, Any] = {"week": _("本周"), "month": _("本月"), "year": _("本年"), "jan_nov": _("1—11月")}
PERIOD_LABELS: dict[str, Any] = {"start": _("起始日"), "end": _("截止日"), "group": _("评价对象"),
                                 "preset": _("统计期")}

_MESSAGES: dict[str, Any] = {
    "date_parsing": _("请输入有效的日期,格式为 年-月-日。"),
    "date_from_datetime_parsing": _("请输入有效的日期,格式为 年-月-日。"),
    "date_from_datetime_inexact": _("请输入有效的日期,格式为 年-月-日。"),
    "date_type": _("请输入有效的日期,格式为 年-月-日。"),
    "literal_error": _("没有这个选项。"),
    "int_parsing": _("请选择列表中的一项。"),
}


class PeriodForm:
    """``request.GET`` → ``PeriodFilter`` → ``Period``, with a message per field."""

    FIELDS = ("preset", "start", "end", "group")

    def __init__(self, data: QueryDict, *, today: date | None = None) -> None:
        self.data = data
        self.errors: dict[str, str] = {}
        self.period: selectors.Period | None = None
        self.filters: PeriodFilter | None = None
        raw = {name: (data.get(name) or "").strip() for name in self.FIELDS}
        try:
            self.filters = PeriodFilter.model_validate({k: v for k, v in raw.items() if v})
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err.get("loc") else "__all__"
                self.errors.setdefault(name, str(_MESSAGES.get(err["type"], _("输入不正确。"))))
            return
        try:
            self.period = selectors.period_of(self.filters, today=today)
        except AppError as exc:
            self.errors[exc.field if exc.field in self.FIELDS else "__all__"] = exc.message

    def is_valid(self) -> bool:
        return self.period is not None and not self.errors

    def value(self, name: str) -> str:
        """What the field shows: the resolved dates when valid, else what was typed."""
        if self.period is not None and name in ("start", "end"):
            return getattr(self.period, name).isoformat()
        if self.period is not None and name == "group":
            return self.period.group
        return (self.data.get(name) or "").strip()

    @property
    def start(self) -> str:
        return self.value("start")

    @property
    def end(self) -> str:
        return self.value("end")

    @property
    def group(self) -> str:
        return self.value("group") or Grouping.DEPARTMENT

    @property
    def preset(self) -> str:
        return self.period.preset if self.period is not None else (self.data.get("preset") or "")

    @property
    def presets(self) -> list[tuple[str, Any]]:
        return list(PRESET_LABELS.items())

    @property
    def groups(self) -> list[tuple[str, Any]]:
        return list(Grouping.choices)

    @property
    def non_field_errors(self) -> list[str]:
        return [self.errors["__all__"]] if "__all__" in self.errors else []


# --- schemes ------------------------------------------------------------------------------------

RULE_FIELDS = ("weight", "method", "step", "floor", "target")
_RULE_ERROR = re.compile(r"^rules\[(\d+)\]\.(\w+)$")

#: the default rules a new scheme starts from: rank-based, a point per rank
DEFAULT_WEIGHTS = {"online_rate": 20, "acceptance_overdue_rate": 10, "completion_overdue_rate": 15,
                   "instant_rate": 10, "limit_compression": 5, "review_coverage": 10, "bad_review_rate": 10,
                   "rectification_on_time_rate": 10, "reminder_response_rate": 10}


def _field_name(code: str, part: str) -> str:
    return f"{code}-{part}"


class SchemeForm(forms.Form):
    """Create a scheme (name, grouping, rules) or revise one (rules, note): one row per indicator."""

    name = forms.CharField(label=_("方案名称"), max_length=64, required=False)
    grouping = forms.ChoiceField(label=_("评价对象"), choices=Grouping.choices, initial=Grouping.DEPARTMENT,
                                 required=False)
    note = forms.CharField(label=_("修订说明"), max_length=255, required=False)

    def __init__(self, *args: Any, indicators: list[Indicator], scheme: Scheme | None = None,
                 initial_rules: dict[str, dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.scheme = scheme
        self.rule_errors: list[str] = []  # the rules taken together (the weights' sum)
        self._positions: list[str] = []  # the indicator code of each rule sent to the service
        if scheme is not None:
            del self.fields["name"], self.fields["grouping"]
        else:
            self.fields["name"].required = True
            self.fields["name"].error_messages["required"] = _("请填写方案名称。")
        rules = initial_rules if initial_rules is not None else {
            code: {"weight": w, "method": Method.RANK, "step": 1} for code, w in DEFAULT_WEIGHTS.items()}
        for ind in indicators:
            start = rules.get(ind.code, {})
            self.fields[_field_name(ind.code, "weight")] = forms.DecimalField(
                label=_("权重"), required=False, min_value=0, max_digits=6, decimal_places=2,
                initial=start.get("weight"))
            self.fields[_field_name(ind.code, "method")] = forms.ChoiceField(
                label=_("赋分方法"), choices=Method.choices, initial=start.get("method", Method.RANK))
            for part, label in (("step", _("每降一名扣分")), ("floor", _("零分值")), ("target", _("满分值"))):
                self.fields[_field_name(ind.code, part)] = forms.DecimalField(
                    label=label, required=False, max_digits=12, decimal_places=4, initial=start.get(part))
        for bound in self.fields.values():
            css = "form-select" if isinstance(bound.widget, forms.Select) else "form-control"
            bound.widget.attrs.setdefault("class", css)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The rule rows for the template: the indicator and its bound fields."""
        return [{"indicator": i, **{part: self[_field_name(i.code, part)] for part in RULE_FIELDS}}
                for i in self.indicators]

    def rules(self) -> list[dict[str, Any]]:
        """The rules for the service: the rows with a weight (a row left blank is not part of the scheme)."""
        data = self.cleaned_data
        rules, self._positions = [], []
        for ind in self.indicators:
            weight = data.get(_field_name(ind.code, "weight"))
            if weight is None:
                continue
            self._positions.append(ind.code)
            rules.append({"indicator": ind.code, "weight": weight, "method": data.get(_field_name(ind.code, "method")),
                          **{p: data.get(_field_name(ind.code, p)) for p in ("step", "floor", "target")}})
        return rules

    def attach(self, exc: AppError) -> None:
        """Put a service error on the field it names: ``rules[2].target`` → that row's target."""
        found = _RULE_ERROR.match(exc.field or "")
        if found is not None:
            n, part = int(found.group(1)), found.group(2)
            if n < len(self._positions) and part in RULE_FIELDS:
                self.add_error(_field_name(self._positions[n], part), exc.message)
                return
        if exc.field == "rules":
            self.rule_errors.append(exc.message)
            return
        self.add_error(exc.field if exc.field in self.fields else None, exc.message)

    @property
    def weight_total(self) -> Any:
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return plain(sum((Decimal(str(self.fields[_field_name(i.code, "weight")].initial or 0))
                              for i in self.indicators), Decimal(0)))
        return plain(sum((self.cleaned_data.get(_field_name(i.code, "weight")) or Decimal(0)
                          for i in self.indicators), Decimal(0)))


def plain(value: Any) -> str:
    """A stored decimal as a person writes it: 20, 0.5, 99.4 (never 2E+1 or 20.00)."""
    return "" if value is None else f"{value.normalize():f}"


def rules_initial(version: Any) -> dict[str, dict[str, Any]]:
    return {r.indicator.code: {"weight": plain(r.weight), "method": r.method, "step": plain(r.step) or None,
                               "floor": plain(r.floor) or None, "target": plain(r.target) or None}
            for r in version.rules.select_related("indicator")}


def rule_rows(rules: Any) -> list[dict[str, Any]]:
    """A version's rules for display."""
    return [{"indicator": r.indicator, "weight": plain(r.weight), "method": r.get_method_display(),
             "step": plain(r.step) or "—", "floor": plain(r.floor) or "—", "target": plain(r.target) or "—"}
            for r in rules]


# --- suggestions, decisions, publication drafts -----------------------------------------------------

class SuggestionForm(forms.Form):
    department = forms.ModelChoiceField(label=_("提出部门"), queryset=None, required=False,
                                        empty_label=_("请选择部门"))
    indicator = forms.ModelChoiceField(label=_("涉及指标"), queryset=Indicator.objects.none(), required=False,
                                       empty_label=_("(整体方案)"))
    title = forms.CharField(label=_("标题"), max_length=128, error_messages={"required": _("请填写标题。")})
    content = forms.CharField(label=_("建议内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": _("请填写建议内容。")})

    SERVICE_FIELDS = {"department": "department", "title": "title", "content": "content", "indicator": "indicator"}

    def __init__(self, *args: Any, departments: Any, own_department: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.own_department = own_department
        self.fields["department"].queryset = departments
        self.fields["indicator"].queryset = Indicator.objects.filter(is_active=True).order_by("number")
        if own_department is not None:
            del self.fields["department"]
        else:
            self.fields["department"].required = True
            self.fields["department"].error_messages["required"] = _("请选择提出建议的部门。")
        for bound in self.fields.values():
            css = "form-select" if isinstance(bound.widget, forms.Select) else "form-control"
            bound.widget.attrs.setdefault("class", css)

    def department_value(self) -> Any:
        return self.own_department or self.cleaned_data.get("department")


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                                 error_messages={"required": _("页面已过期,请刷新后重试。"),
                                                 "invalid": _("页面已过期,请刷新后重试。")})
    reason = forms.CharField(label=_("答复意见"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class PrepareForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("评价方案"), queryset=Scheme.objects.none(), empty_label=_("请选择方案"),
                                    error_messages={"required": _("请选择评价方案。"),
                                                    "invalid_choice": _("请选择列表中的方案。")})
    week_start = forms.DateField(label=_("晾晒周(星期一)"), widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"required": _("请选择晾晒周的星期一。"),
                                                 "invalid": _("请输入有效的日期,格式为 年-月-日。")})

    SERVICE_FIELDS = {"week_start": "week_start", "scheme": "scheme"}

    def __init__(self, *args: Any, schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes
        for bound in self.fields.values():
            css = "form-select" if isinstance(bound.widget, forms.Select) else "form-control"
            bound.widget.attrs.setdefault("class", css)


