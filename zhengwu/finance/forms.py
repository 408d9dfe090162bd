"""Web forms of the financial services supermarket. A form checks the shape of the input; every rule is the
service's, whose error lands on the field it names (``SERVICE_FIELDS`` maps the service's names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm
from zhengwu.finance.choices import ApplicationStatus, InstitutionKind, ProductKind

DATE = forms.DateInput(attrs={"type": "date"})


class InstitutionForm(StyledForm):
    name = forms.CharField(label=_("机构名称"), max_length=128)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    kind = forms.ChoiceField(label=_("机构类型"), choices=InstitutionKind.choices)
    contact_name = forms.CharField(label=_("联系人"), max_length=32)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)


class ProductForm(StyledForm):
    SERVICE_FIELDS = {"institution_id": "institution"}

    institution = forms.TypedChoiceField(label=_("金融机构"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("产品类型"), choices=ProductKind.choices)
    name = forms.CharField(label=_("产品名称"), max_length=128)
    amount_min = forms.DecimalField(label=_("最低金额(元)"), decimal_places=2, max_digits=14)
    amount_max = forms.DecimalField(label=_("最高金额(元)"), decimal_places=2, max_digits=14)
    rate = forms.DecimalField(label=_("年利率或费率(%)"), decimal_places=3, max_digits=6)
    term_months = forms.IntegerField(label=_("期限(月)"))
    conditions = forms.CharField(label=_("申请条件"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, institutions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(i.pk, i.name) for i in institutions]


class ApplicationForm(StyledForm):
    SERVICE_FIELDS = {"product_id": "product", "registration_id": "registration"}

    product = forms.TypedChoiceField(label=_("金融产品"), coerce=int, choices=())
    amount_requested = forms.DecimalField(label=_("申请金额(元)"), decimal_places=2, max_digits=14)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    registration = forms.TypedChoiceField(label=_("担保的投标报名(电子投标保函必选)"), coerce=int, empty_value=None,
                                          choices=(), required=False)
    credit_code = forms.CharField(label=_("企业统一社会信用代码"), max_length=18, required=False)
    enterprise_name = forms.CharField(label=_("企业名称(未登记的企业)"), max_length=128, required=False)

    def __init__(self, *args: Any, products: Any = (), registrations: Any = (), for_any: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [(p.pk, f"{p.get_kind_display()} · {p.institution.name} · {p.name}")
                                          for p in products]
        self.fields["registration"].choices = [("", "—")] + [
            (r.pk, f"{r.tender_section.tender.number} 标段{r.tender_section.section.number} · {r.enterprise.name}")
            for r in registrations]
        if not for_any:
            del self.fields["credit_code"]
            del self.fields["enterprise_name"]


class ApproveForm(StyledForm):
    amount_approved = forms.DecimalField(label=_("批准金额(元)"), decimal_places=2, max_digits=14)
    rate = forms.DecimalField(label=_("利率或费率(%)"), decimal_places=3, max_digits=6, required=False)
    term_months = forms.IntegerField(label=_("期限(月)"), required=False)
    approved_on = forms.DateField(label=_("批准日期"), widget=DATE, required=False)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class IssueForm(StyledForm):
    SERVICE_FIELDS = {"deposit_id": "deposit"}

    guarantee_number = forms.CharField(label=_("保函编号"), max_length=64)
    guarantee_valid_from = forms.DateField(label=_("保函生效日"), widget=DATE, required=False)
    guarantee_valid_until = forms.DateField(label=_("保函失效日"), widget=DATE, required=False)
    deposit = forms.IntegerField(label=_("已登记的投标保证金编号(可选)"), required=False)
    issued_on = forms.DateField(label=_("出函日期"), widget=DATE, required=False)


class DisburseForm(StyledForm):
    disbursed_on = forms.DateField(label=_("放款日期"), widget=DATE, required=False)


ACTION_FORMS = {"accept": ReasonForm, "approve": ApproveForm, "decline": ReasonForm, "issue": IssueForm,
                "disburse": DisburseForm}


class FilterForm(StyledForm):
    q = forms.CharField(label=_("编号、企业或保函编号"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + ApplicationStatus.choices, required=False)
    kind = forms.ChoiceField(label=_("产品类型"), choices=[("", _("全部"))] + ProductKind.choices, required=False)


class PeriodForm(StyledForm):
    date_from = forms.DateField(label=_("起始日期"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("截止日期"), widget=DATE, required=False)
