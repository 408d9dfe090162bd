"""The web forms of information retrieval. A form checks the shape of the input; every rule is the service's,
and a refusal lands on the field the service names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm
from zhengwu.org.models import Department
from zhengwu.retrieval import selectors
from zhengwu.retrieval.choices import AnswerFormat, ItemStatus, RequesterKind, RequestStatus, Source, SubjectKind


def blank(choices: Any, label: Any = _("全部")) -> list[tuple[str, Any]]:
    return [("", label), *choices.choices]


class RequestForm(StyledForm):
    scenario = forms.ChoiceField(label=_("应用场景"))
    info_types = forms.MultipleChoiceField(label=_("调取信息"), widget=forms.CheckboxSelectMultiple, required=False)
    purpose = forms.CharField(label=_("调取用途"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("向信息主体说明用途,例如“家政服务人员上岗前背景核查”"))
    subject_kind = forms.ChoiceField(label=_("主体类型"), choices=SubjectKind.choices, initial=SubjectKind.PERSON)
    subject_name = forms.CharField(label=_("信息主体名称"), max_length=128, required=False,
                                   help_text=_("自然人姓名或企业名称"))
    subject_id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    subject_credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    subject_phone = forms.CharField(label=_("信息主体手机号"), max_length=20, required=False,
                                    help_text=_("授权链接以短信发送至信息主体本人,不向申请单位展示"))
    consent_days = forms.IntegerField(label=_("申请授权有效期(天)"), initial=30, min_value=1, max_value=365)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [("", "—")] + [(s.code, s.name) for s in selectors.scenarios()]
        self.fields["info_types"].choices = [
            (t.code, f"{t.name}({t.department.name}·{t.get_subject_kind_display()})")
            for t in selectors.info_types()]


class ConsentForm(StyledForm):
    identity = forms.CharField(label=_("身份核验"), max_length=8, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))


class ReasonForm(StyledForm):
    AUTO_ID = "reason_%s"
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)


class AnswerForm(StyledForm):
    AUTO_ID = "answer_%s"
    found = forms.ChoiceField(label=_("查询结果"), widget=forms.RadioSelect, required=False,
                              choices=[("false", _("查无记录")), ("true", _("查有记录"))])
    summary = forms.CharField(label=_("答复结论"), max_length=500, required=False)
    details = forms.CharField(label=_("答复内容"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))


class VerifyForm(StyledForm):
    number = forms.CharField(label=_("答复编号"), max_length=40, required=False)
    digest = forms.CharField(label=_("答复摘要(SM3)"), max_length=80, required=False)


class InfoTypeForm(StyledForm):
    AUTO_ID = "type_%s"
    code = forms.CharField(label=_("编码"), max_length=32)
    name = forms.CharField(label=_("信息名称"), max_length=64)
    subject_kind = forms.ChoiceField(label=_("主体类型"), choices=SubjectKind.choices)
    department = forms.TypedChoiceField(label=_("数源部门"), coerce=int)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices)
    adapter = forms.ChoiceField(label=_("外部系统适配器"), required=False)
    answer_format = forms.ChoiceField(label=_("答复形式"), choices=AnswerFormat.choices)
    requester_kinds = forms.MultipleChoiceField(label=_("允许的申请单位类型"), choices=RequesterKind.choices,
                                                widget=forms.CheckboxSelectMultiple, required=False)
    scenarios = forms.MultipleChoiceField(label=_("适用场景"), widget=forms.CheckboxSelectMultiple, required=False)
    answer_days = forms.IntegerField(label=_("答复时限(工作日)"), initial=3)
    validity_days = forms.IntegerField(label=_("答复有效期(天)"), initial=90)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from zhengwu.retrieval.external import adapter_choices

        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.pk, d.name) for d in Department.objects.filter(is_active=True)]
        self.fields["adapter"].choices = [("", "—"), *adapter_choices()]
        self.fields["scenarios"].choices = [(s.pk, s.name) for s in selectors.scenarios()]


class RequesterForm(StyledForm):
    AUTO_ID = "requester_%s"
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    name = forms.CharField(label=_("单位名称"), max_length=128)
    kind = forms.ChoiceField(label=_("单位类型"), choices=RequesterKind.choices)
    contact = forms.CharField(label=_("联系人"), max_length=32, required=False)


class RequestFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("状态"), choices=blank(RequestStatus), required=False)
    scenario = forms.TypedChoiceField(label=_("应用场景"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("申请编号"), max_length=32, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [("", _("全部"))] + [(s.pk, s.name) for s in selectors.scenarios()]


class InboxFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("open", _("待答复")), *ItemStatus.choices, ("", _("全部"))])
