"""The web forms of the work report. A form checks the shape of the input; every rule is the service's, and a
refusal lands on the field the service names (``start``/``end`` for the period, ``text`` for a bad
placeholder)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm
from zhengwu.reports.choices import SECTION_CHOICES


class PeriodForm(StyledForm):
    start = forms.DateField(label=_("起始日"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("截止日"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class TemplateForm(StyledForm):
    area = forms.ChoiceField(label=_("位置"), choices=SECTION_CHOICES)
    order = forms.IntegerField(label=_("顺序"), min_value=0, max_value=100_000, initial=100)
    heading = forms.CharField(label=_("小节标题"), max_length=200, required=False,
                              help_text=_("不含编号;相邻且标题相同的句子组成一节,报告自动编号“(一)”“一是”"))
    text = forms.CharField(label=_("句子模板"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("占位符:{指标键} 按报告习惯书写,{指标键|exact} 精确值,"
                                       "{指标键|change} 同比,{指标键|previous} 上年同期;{period} 统计期间"))
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
