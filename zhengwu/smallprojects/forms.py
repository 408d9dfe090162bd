"""The web forms of small projects. A form checks the shape of the input (a date is a date); every rule is
the service's, and a refusal lands on the field the service names (:func:`attach_app_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm, attach_app_error  # noqa: F401  (re-exported to the views)
from zhengwu.org.models import RegionLevel
from zhengwu.org.selectors import regions_visible_to
from zhengwu.smallprojects.choices import (
    AcceptanceResult,
    Category,
    ContractingWay,
    Funding,
    PaymentKind,
    ProjectStatus,
)


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def money_field(label: Any, *, help_text: Any = "") -> forms.CharField:
    """Yuan as text: the service checks the amount and names the field when it refuses."""
    return forms.CharField(label=label, max_length=20, help_text=help_text,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


def blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices.choices]


def region_choices(user: Any) -> list[tuple[str, str]]:
    """The townships and villages in the user's scope, villages under their township."""
    regions = list(regions_visible_to(user).filter(level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])
                   .select_related("parent").order_by("code"))
    return [("", "—")] + [(str(r.pk), r.name if r.level == RegionLevel.TOWNSHIP else f"{r.parent.name} / {r.name}")
                          for r in regions]


class ProjectForm(StyledForm):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    owner_region = forms.ChoiceField(label=_("建设单位所在区划"))
    owner_name = forms.CharField(label=_("建设单位"), max_length=100,
                                 help_text=_("如“某某村股份经济合作社”“某某镇人民政府”"))
    category = forms.ChoiceField(label=_("项目类别"), choices=Category.choices)
    scope_keyword = forms.CharField(label=_("道路或范围关键词"), max_length=64, required=False,
                                    help_text=_("如道路名称;用于发现拆分项目"))
    location = forms.CharField(label=_("建设地点"), max_length=200, required=False)
    estimate = money_field(_("估算投资(元)"), help_text=_("须低于必须招标限额"))
    funding = forms.ChoiceField(label=_("资金来源"), choices=Funding.choices)
    approval_date = date_field(_("立项批复日期"), required=False)
    approval_number = forms.CharField(label=_("批复文号"), max_length=64, required=False)
    contracting_way = forms.ChoiceField(label=_("发包方式"), choices=blank(ContractingWay), required=False)
    planned_completion = date_field(_("计划完工日期"), required=False)
    description = forms.CharField(label=_("建设内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_region"].choices = region_choices(user)


class ContractForm(StyledForm):
    contract_amount = money_field(_("合同金额(元)"))
    contract_date = date_field(_("合同签订日期"))
    contractor_credit_code = forms.CharField(label=_("承包单位统一社会信用代码"), max_length=18)
    contractor_name = forms.CharField(label=_("承包单位名称"), max_length=128)
    contracting_way = forms.ChoiceField(label=_("发包方式"), choices=blank(ContractingWay), required=False)
    planned_completion = date_field(_("计划完工日期"), required=False)


class ChangeForm(StyledForm):
    amount = money_field(_("变更金额(元)"), help_text=_("增加为正,减少为负"))
    reason = forms.CharField(label=_("变更原因"), max_length=500)
    approved_on = date_field(_("批准日期"))
    approver = forms.CharField(label=_("批准人(单位)"), max_length=100)


class PaymentForm(StyledForm):
    amount = money_field(_("支付金额(元)"))
    paid_on = date_field(_("支付日期"))
    kind = forms.ChoiceField(label=_("款项类型"), choices=PaymentKind.choices)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class AcceptanceForm(StyledForm):
    accepted_on = date_field(_("验收日期"))
    result = forms.ChoiceField(label=_("验收结论"), choices=AcceptanceResult.choices)
    participants = forms.CharField(label=_("参加人员(单位)"), max_length=500)
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class FilterForm(StyledForm):
    township = forms.TypedChoiceField(label=_("乡镇(街道)"), required=False, coerce=int, empty_value=None)
    village = forms.TypedChoiceField(label=_("村(社区)"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label=_("类别"), choices=blank(Category, _("全部")), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=blank(ProjectStatus, _("全部")), required=False)
    q = forms.CharField(label=_("编号、名称或道路"), max_length=64, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = list(regions_visible_to(user).filter(level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])
                       .order_by("code"))
        township_id = self.data.get("township") if self.is_bound else None
        self.fields["township"].choices = [("", _("全部"))] + [
            (r.pk, r.name) for r in regions if r.level == RegionLevel.TOWNSHIP]
        self.fields["village"].choices = [("", _("全部"))] + [
            (r.pk, r.name) for r in regions if r.level == RegionLevel.VILLAGE
            and (not township_id or str(r.parent_id) == str(township_id))]
