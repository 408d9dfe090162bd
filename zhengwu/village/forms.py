"""Web forms of village-level service: they check the shape; the services check the rules."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm
from zhengwu.org.models import Region


class StationActionForm(StyledForm):
    on = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("理由"), required=False, max_length=500)
    SERVICE_FIELDS = {"renovated_on": "on", "model_on": "on", "reason": "reason"}


class TrainingForm(StyledForm):
    held_on = forms.DateField(label=_("培训日期"), widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(label=_("培训主题"), max_length=200)
    township = forms.ModelChoiceField(label=_("组织乡镇(街道)"), queryset=Region.objects.none(), required=False,
                                      empty_label=_("(区级培训)"))
    attendees = forms.CharField(label=_("参训代办员"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("代办员编号或登录名,以空格、逗号或换行分隔"))

    def __init__(self, *args: Any, townships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships

    def clean_attendees(self) -> list[str]:
        return [t for t in re.split(r"[\s,,、]+", self.cleaned_data.get("attendees") or "") if t]


class SchemeForm(StyledForm):
    name = forms.CharField(label=_("评定名称"), max_length=100)
    period_start = forms.DateField(label=_("考评期起"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("考评期止"), widget=forms.DateInput(attrs={"type": "date"}))


class AgentCaseForm(StyledForm):
    """代办收件: the agent submits a case for a villager at the agent's own village."""

    item = forms.ModelChoiceField(label=_("事项"), queryset=None, empty_label=_("请选择村级可办事项"),
                                  error_messages={"required": _("请选择办理的事项。")})
    applicant_name = forms.CharField(label=_("村民姓名"), max_length=128)
    id_number = forms.CharField(label=_("身份证号"), max_length=32)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    SERVICE_FIELDS = {"name": "applicant_name", "applicant_kind": "item", "channel": "item", "level": "item",
                      "village": "item"}

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda i: f"{i.code} {i.name}"
