"""Forms of the credit screens (the services check every rule; the forms only parse)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.credit.choices import BanScope, PenaltyBasis, RecordKind
from zhengwu.trading.forms import StyledForm

MARK_CHOICES = [(n, str(n)) for n in range(5, 0, -1)]


class RatingForm(StyledForm):
    AUTO_ID = "id_%s"
    expert = forms.IntegerField(widget=forms.HiddenInput)
    punctuality = forms.TypedChoiceField(label=_("守时"), choices=MARK_CHOICES, coerce=int, initial=5)
    diligence = forms.TypedChoiceField(label=_("尽职"), choices=MARK_CHOICES, coerce=int, initial=5)
    fairness = forms.TypedChoiceField(label=_("公正"), choices=MARK_CHOICES, coerce=int, initial=5)
    professional = forms.TypedChoiceField(label=_("专业水平"), choices=MARK_CHOICES, coerce=int, initial=5)
    comment = forms.CharField(label=_("评价意见"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class PenaltyForm(StyledForm):
    points = forms.IntegerField(label=_("扣分"), min_value=1)
    basis = forms.ChoiceField(label=_("扣分事由"),
                              choices=[c for c in PenaltyBasis.choices if c[0] != PenaltyBasis.LOW_RATING])
    occurred_on = forms.DateField(label=_("发生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RecordForm(StyledForm):
    SERVICE_FIELDS = {"subject": "credit_code"}
    credit_code = forms.CharField(label=_("企业统一社会信用代码"), required=False, max_length=18)
    person_id = forms.IntegerField(label=_("自然人编号"), required=False,
                                   help_text=_("对自然人(如评标专家)的记录:填写自然人编号,企业代码留空"))
    kind = forms.ChoiceField(label=_("类别"), choices=RecordKind.choices)
    scope = forms.ChoiceField(label=_("禁止范围"), required=False, choices=[("", "—"), *BanScope.choices])
    title = forms.CharField(label=_("标题"), max_length=200)
    reason = forms.CharField(label=_("事实与理由"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("法律依据"), required=False, max_length=2000)
    department_name = forms.CharField(label=_("作出部门"), max_length=128)
    document_number = forms.CharField(label=_("文号"), required=False, max_length=64)
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_until = forms.DateField(label=_("截止日期"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
