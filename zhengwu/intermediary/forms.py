"""The web forms of the intermediary supermarket. A form checks the shape of the input; every rule is the
service's, and a refusal lands on the field the service names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm
from zhengwu.intermediary.choices import AgencyStatus, PurchaseStatus, SelectionMethod
from zhengwu.intermediary.models import ServiceType
from zhengwu.org.models import Department


def blank(choices: Any, label: Any = _("全部")) -> list[tuple[str, Any]]:
    return [("", label), *choices.choices]


def type_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(str(t.pk), t.name) for t in ServiceType.objects.order_by("sort", "id")]


class PurchaseForm(StyledForm):
    project_name = forms.CharField(label=_("项目名称"), max_length=200)
    service_type = forms.ChoiceField(label=_("服务类型"))
    budget = forms.CharField(label=_("预算(元)"), max_length=20)
    answer_deadline = forms.DateTimeField(label=_("应答截止时间"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    selection_method = forms.ChoiceField(label=_("选取方式"), choices=SelectionMethod.choices)
    government_invested = forms.BooleanField(label=_("政府投资项目"), required=False)
    investment_project_code = forms.CharField(label=_("投资项目代码"), max_length=40, required=False)
    description = forms.CharField(label=_("服务内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = type_choices()


class AnswerForm(StyledForm):
    AUTO_ID = "answer_%s"
    price = forms.CharField(label=_("报价(元)"), max_length=20)
    plan = forms.CharField(label=_("服务方案"), widget=forms.Textarea(attrs={"rows": 3}))


class SelectForm(StyledForm):
    AUTO_ID = "select_%s"
    answer = forms.TypedChoiceField(label=_("成交应答"), required=False, coerce=int, empty_value=None)
    seed = forms.CharField(label=_("随机种子(可选)"), max_length=20, required=False,
                           help_text=_("留空由系统生成并记录;凭种子可复核抽取结果"))

    def __init__(self, *args: Any, answers: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [("", "—")] + [(a.pk, f"{a.agency.name} {a.price}") for a in answers]


class ContractForm(StyledForm):
    AUTO_ID = "contract_%s"
    contract_date = forms.DateField(label=_("合同签订日期"), widget=forms.DateInput(attrs={"type": "date"}))


class CompleteForm(StyledForm):
    AUTO_ID = "complete_%s"
    completed_on = forms.DateField(label=_("服务完成日期"), widget=forms.DateInput(attrs={"type": "date"}))


class RateForm(StyledForm):
    AUTO_ID = "rate_%s"
    stars = forms.TypedChoiceField(label=_("评价"), coerce=int,
                                   choices=[(n, "★" * n) for n in range(5, 0, -1)])
    comment = forms.CharField(label=_("评价意见"), max_length=500, required=False)


class ReasonForm(StyledForm):
    AUTO_ID = "reason_%s"
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)


class AgencyFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("状态"), choices=blank(AgencyStatus), required=False)
    department = forms.TypedChoiceField(label=_("监管部门"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("名称"), max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("全部"))] + [
            (d.pk, d.name) for d in Department.objects.filter(intermediary_agencies__isnull=False).distinct()
            .order_by("sort", "id")]


class PurchaseFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("状态"), choices=blank(PurchaseStatus), required=False)
    method = forms.ChoiceField(label=_("选取方式"), choices=blank(SelectionMethod), required=False)
    q = forms.CharField(label=_("项目名称"), max_length=64, required=False)
