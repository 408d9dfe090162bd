"""The web forms of investment project approvals. A form checks the shape of the input; every rule is the
service's, and a refusal lands on the field the service names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.approvals.choices import ProjectType, RiskClass
from zhengwu.core.forms import StyledForm
from zhengwu.org.models import Region, RegionLevel


class ProjectForm(StyledForm):
    code = forms.CharField(label=_("项目代码"), max_length=40)
    name = forms.CharField(label=_("项目名称"), max_length=200)
    investor_credit_code = forms.CharField(label=_("投资主体统一社会信用代码"), max_length=18)
    investor_name = forms.CharField(label=_("投资主体名称"), max_length=200, required=False)
    project_type = forms.ChoiceField(label=_("项目类型"), choices=ProjectType.choices)
    risk_class = forms.ChoiceField(label=_("风险等级"), choices=RiskClass.choices)
    total_investment = forms.CharField(label=_("总投资(万元)"), max_length=20)
    township = forms.ChoiceField(label=_("建设地点(乡镇街道)"))
    description = forms.CharField(label=_("建设内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "—")] + [
            (str(r.pk), r.name) for r in Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code")]
        enterprise = getattr(user, "enterprise", None) if getattr(user, "role", "") == "enterprise_user" else None
        if enterprise is not None:
            self.fields["investor_credit_code"].initial = enterprise.credit_code
            self.fields["investor_name"].initial = enterprise.name


class ApplicationForm(StyledForm):
    """One application, one set of materials: tick the materials provided."""

    project = forms.ChoiceField(label=_("项目"))
    bundle = forms.ChoiceField(label=_("多合一套餐"))
    materials = forms.MultipleChoiceField(label=_("提交的材料(一套)"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, projects: list, bundles: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(str(p.pk), f"{p.code} {p.name}") for p in projects]
        self.fields["bundle"].choices = [(str(b.pk), f"{b.name}({b.get_stage_display()})") for b in bundles]
        names = list(dict.fromkeys(m for b in bundles for m in b.required_materials))
        self.fields["materials"].choices = [(m, m) for m in names]
