"""Forms of the fair competition review screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm, attach_app_error  # noqa: F401  (re-exported to the views)
from zhengwu.fairreview.choices import Matcher, RuleCategory, Severity
from zhengwu.trading.choices import ContractKind


class AcceptForm(StyledForm):
    reason = forms.CharField(label=_("保留理由"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("写明该条款为何不排斥、限制竞争,例如“或相当于”已注明、与既有系统兼容确需指定"))


class DocumentsForm(StyledForm):
    documents_text = forms.CharField(label=_("招标文件正文"), required=False, max_length=200_000,
                                     widget=forms.Textarea(attrs={"rows": 14}))


class RuleForm(StyledForm):
    code = forms.CharField(label=_("规则编号"), max_length=32)
    category = forms.ChoiceField(label=_("类别"), choices=RuleCategory.choices)
    matcher = forms.ChoiceField(label=_("匹配方式"), choices=Matcher.choices, initial=Matcher.REGEX)
    pattern = forms.CharField(label=_("正则表达式"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("金额规则用 (?P<amount>…)(?P<unit>元|万元|亿元);数值规则用 (?P<value>…)"))
    unless_pattern = forms.CharField(label=_("除外表达式"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text=_("同一条款出现时不视为问题,例如“或相当于”"))
    threshold = forms.DecimalField(label=_("阈值"), required=False, max_digits=14, decimal_places=4,
                                   help_text=_("金额规则:估算价的倍数;数值规则:上限或下限"))
    contract_kinds = forms.MultipleChoiceField(label=_("适用合同类型"), required=False, choices=ContractKind.choices,
                                               widget=forms.CheckboxSelectMultiple,
                                               help_text=_("不选表示全部"))
    message = forms.CharField(label=_("提示"), max_length=300)
    legal_basis = forms.CharField(label=_("依据"), max_length=300)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.HIGH)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    FIELDS = ("code", "category", "matcher", "pattern", "unless_pattern", "threshold", "contract_kinds", "message",
              "legal_basis", "severity", "active")

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in self.FIELDS}
