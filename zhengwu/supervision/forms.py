"""The web forms of supervision. A form checks the shape of the input; every rule is the service's, and an
``AppError`` a service raises lands on the field it names (:func:`attach_app_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm, attach_app_error  # noqa: F401  (re-exported to the views)
from zhengwu.supervision.choices import ClueSource, FlagFamily, FlagStatus, ClueStatus, InspectionResult


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class FlagFilterForm(StyledForm):
    family = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部类别")), *FlagFamily.choices])
    rule = forms.CharField(label=_("规则"), required=False, max_length=32)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *FlagStatus.choices])
    q = forms.CharField(label=_("搜索"), required=False, max_length=64)


class ReasonForm(StyledForm):
    """A decision on a flag (确认 / 排除): the reason is required (the service says so, naming ``reason``)."""

    reason = forms.CharField(label=_("处理意见"), required=False, max_length=2000, widget=_text())


class FlagClueForm(StyledForm):
    reason = forms.CharField(label=_("转为线索的理由"), required=False, max_length=2000, widget=_text(2))
    description = forms.CharField(label=_("线索内容"), required=False, max_length=4000, widget=_text(3),
                                  help_text=_("不填则以预警摘要和理由作为线索内容"))


class CaseCloseForm(StyledForm):
    conclusion = forms.CharField(label=_("办结意见"), required=False, max_length=2000, widget=_text(2))


class ClueFilterForm(StyledForm):
    source = forms.ChoiceField(label=_("来源"), required=False, choices=[("", _("全部来源")), *ClueSource.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *ClueStatus.choices])
    overdue = forms.BooleanField(label=_("仅看超期"), required=False)


class ClueForm(StyledForm):
    """登记线索 (complaints and referrals; clues from flags and inspections are made on their pages)."""

    source = forms.ChoiceField(label=_("来源"), choices=[(ClueSource.COMPLAINT, ClueSource.COMPLAINT.label),
                                                        (ClueSource.DEPARTMENT, ClueSource.DEPARTMENT.label),
                                                        (ClueSource.INSPECTION, ClueSource.INSPECTION.label)])
    source_reference = forms.CharField(label=_("来源依据"), required=False, max_length=200,
                                       help_text=_("投诉举报编号、移送函文号等"))
    project = forms.CharField(label=_("交易项目编号"), required=False, max_length=32)
    enterprise = forms.CharField(label=_("涉及企业统一社会信用代码"), required=False, max_length=18)
    description = forms.CharField(label=_("线索内容"), required=False, max_length=4000, widget=_text(4))


class ClueStageForm(StyledForm):
    """One stage of a clue: its text, and for the rectification requirement the period in working days."""

    reason = forms.CharField(label=_("内容"), required=False, max_length=4000, widget=_text(3))
    days = forms.IntegerField(label=_("整改期限(工作日)"), required=False, min_value=1, max_value=250)


class CampaignForm(StyledForm):
    name = forms.CharField(label=_("排查名称"), required=False, max_length=200)
    period_start = forms.DateField(label=_("开始日期"), required=False, widget=_date())
    period_end = forms.DateField(label=_("结束日期"), required=False, widget=_date())
    scope = forms.CharField(label=_("排查范围"), required=False, max_length=2000, widget=_text(2))


class InspectionForm(StyledForm):
    project = forms.CharField(label=_("交易项目编号"), max_length=32)
    inspected_on = forms.DateField(label=_("排查日期"), required=False, widget=_date())
    result = forms.ChoiceField(label=_("排查结果"), choices=InspectionResult.choices)
    findings = forms.CharField(label=_("发现的问题"), required=False, max_length=4000, widget=_text(2))


class PeriodForm(StyledForm):
    date_from = forms.DateField(label=_("起"), required=False, widget=_date())
    date_to = forms.DateField(label=_("止"), required=False, widget=_date())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data
