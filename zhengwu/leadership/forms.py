"""Web forms of the leadership dashboard: they check the shape; the selectors and services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm
from zhengwu.leadership.choices import Comparison, Preset
from zhengwu.reports import registry


class PeriodForm(StyledForm):
    """The period switch: a preset anchored on a year, or a custom start and end."""

    preset = forms.ChoiceField(label=_("统计区间"), choices=Preset.choices, required=False)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    start = forms.DateField(label=_("起始日"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": _("起始日无效,应为 YYYY-MM-DD。")})
    end = forms.DateField(label=_("截止日"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": _("截止日无效,应为 YYYY-MM-DD。")})

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("本年"))] + [(y, f"{y}年") for y in years]


def figure_choices() -> list[tuple[str, str]]:
    return [(f.key, f"{f.label}({f.key})") for f in registry.figures()]


class TargetForm(StyledForm):
    year = forms.IntegerField(label=_("年度"))
    name = forms.CharField(label=_("目标名称"), max_length=200)
    figure = forms.ChoiceField(label=_("统计指标"), error_messages={"invalid_choice": _("请选择已登记的统计指标。")})
    comparison = forms.ChoiceField(label=_("比较"), choices=Comparison.choices)
    target_value = forms.DecimalField(label=_("目标值"), max_digits=20, decimal_places=4,
                                help_text=_("百分比填数字,如 30 表示 30%;金额以元计。"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
    order = forms.IntegerField(label=_("排序"), min_value=0, initial=100)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = figure_choices()
