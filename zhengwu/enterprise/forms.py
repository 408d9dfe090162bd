"""The web forms of the enterprise center. A form checks the shape of the input; every rule is the service's,
and a refusal lands on the field the service names (:func:`attach_app_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm, attach_app_error  # noqa: F401  (re-exported to the views)
from zhengwu.enterprise.choices import Channel, DemandClass, Rating
from zhengwu.enterprise.models import ServiceSection
from zhengwu.org.models import Department

ASSIST_ROWS = 3
TASK_ROWS = 3


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def text(label: Any, *, rows: int = 0, max_length: int = 5000, help_text: Any = "") -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget, help_text=help_text)


def departments() -> list[tuple[str, str]]:
    return [("", "—")] + [(str(d.pk), d.name) for d in Department.objects.filter(is_active=True)]


class DemandForm(StyledForm):
    title = text(_("诉求标题"), max_length=200)
    content = text(_("诉求内容"), rows=4)
    contact_name = text(_("联系人"), max_length=32)
    contact_mobile = text(_("联系电话(手机)"), max_length=20)
    channel = forms.ChoiceField(label=_("受理渠道"), choices=[c for c in Channel.choices
                                                            if c[0] != Channel.LIAISON_VISIT])
    ticket_12345 = text(_("12345工单号"), max_length=32, help_text=_("12345转办时必填"))
    credit_code = text(_("统一社会信用代码"), max_length=20)
    enterprise_name = text(_("企业名称"), max_length=128, help_text=_("尚未登记的企业请填写"))

    def __init__(self, *args: Any, for_enterprise: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_enterprise:
            for name in ("channel", "ticket_12345", "credit_code", "enterprise_name"):
                del self.fields[name]


class ClassifyForm(StyledForm):
    section = forms.ChoiceField(label=_("板块"), required=False)
    demand_class = forms.ChoiceField(label=_("诉求类别"), choices=DemandClass.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "—")] + [(str(s.pk), s.name)
                                                        for s in ServiceSection.objects.filter(active=True)]


class RouteForm(StyledForm):
    ERROR_AREAS = ("assisting",)
    SERVICE_FIELDS = {f"assisting.{n}.department": f"assist_{n}_department" for n in range(ASSIST_ROWS)}

    lead_department = forms.ChoiceField(label=_("牵头部门"), required=False)
    lead_part = text(_("牵头部门承办事项"), rows=2, max_length=2000)
    demand_class = forms.ChoiceField(label=_("诉求类别"), choices=[("", "—"), *DemandClass.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = departments()
        self.fields["lead_department"].choices = choices
        for n in range(ASSIST_ROWS):
            self.fields[f"assist_{n}_department"] = forms.ChoiceField(label=_("协办部门%(n)d") % {"n": n + 1},
                                                                      choices=choices, required=False)
            self.fields[f"assist_{n}_part"] = forms.CharField(label=_("协办事项%(n)d") % {"n": n + 1},
                                                              required=False, max_length=2000)
        self.style()

    def assisting(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [{"department": data[f"assist_{n}_department"], "part": data[f"assist_{n}_part"]}
                for n in range(ASSIST_ROWS) if data.get(f"assist_{n}_department")]


class AnswerForm(StyledForm):
    content = text(_("答复内容"), rows=4)


class AssignmentAnswerForm(StyledForm):
    answer = text(_("本部门办理意见"), rows=3)


class WaiveForm(StyledForm):
    reason = text(_("免于反馈理由"), max_length=200)


class RateForm(StyledForm):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = text(_("评价意见"), rows=2, max_length=2000, help_text=_("不满意时必填"))


class ReopenForm(StyledForm):
    reason = text(_("重新办理理由"), max_length=500)


class ConsultForm(StyledForm):
    SERVICE_FIELDS = {**{f"tasks.{n}.{f}": f"task_{n}_{f}" for n in range(TASK_ROWS)
                         for f in ("department", "description", "working_days")},
                      **{f"departments.{n}": "departments" for n in range(20)}}

    held_on = date_field(_("会商日期"))
    departments = forms.MultipleChoiceField(label=_("参会部门"), required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 6}))
    attendees = text(_("参会人员"), max_length=500)
    record = text(_("会商记录"), rows=3, max_length=10000)
    decisions = text(_("会商决定"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = departments()
        self.fields["departments"].choices = choices[1:]
        for n in range(TASK_ROWS):
            self.fields[f"task_{n}_department"] = forms.ChoiceField(label=_("任务%(n)d责任部门") % {"n": n + 1},
                                                                    choices=choices, required=False)
            self.fields[f"task_{n}_description"] = forms.CharField(label=_("任务%(n)d内容") % {"n": n + 1},
                                                                   required=False, max_length=500)
            self.fields[f"task_{n}_working_days"] = forms.IntegerField(label=_("时限(工作日)"), required=False,
                                                                       min_value=0, max_value=999)
        self.style()

    def tasks(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [{"department": data[f"task_{n}_department"], "description": data[f"task_{n}_description"],
                 "working_days": data[f"task_{n}_working_days"]}
                for n in range(TASK_ROWS) if data.get(f"task_{n}_department") or data.get(f"task_{n}_description")]


class TaskDoneForm(StyledForm):
    note = text(_("完成情况"), max_length=500)


class VisitForm(StyledForm):
    SERVICE_FIELDS = {f"demands.0.{f}": f"demand_{f}" for f in ("title", "content", "contact_name",
                                                               "contact_mobile")}

    enterprise = forms.ChoiceField(label=_("企业"))
    visited_on = date_field(_("走访日期"))
    content = text(_("走访内容"), rows=3)
    demand_title = text(_("收集的诉求(标题)"), max_length=200, help_text=_("没有诉求可不填"))
    demand_content = text(_("诉求内容"), rows=2)
    demand_contact_name = text(_("联系人"), max_length=32)
    demand_contact_mobile = text(_("联系电话(手机)"), max_length=20)

    def __init__(self, *args: Any, enterprises: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(str(e.pk), e.name) for e in enterprises]

    def demands(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        if not any(d.get(f"demand_{f}") for f in ("title", "content", "contact_name", "contact_mobile")):
            return []
        return [{f: d[f"demand_{f}"] for f in ("title", "content", "contact_name", "contact_mobile")}]


class PeriodForm(StyledForm):
    date_from = date_field(_("开始日期"), required=False)
    date_to = date_field(_("结束日期"), required=False)


class FilterForm(PeriodForm):
    status = forms.ChoiceField(label=_("状态"), required=False)
    section = forms.ChoiceField(label=_("板块"), required=False)
    overdue = forms.BooleanField(label=_("仅超期"), required=False)
    q = forms.CharField(label=_("编号/标题/企业"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhengwu.enterprise.choices import DemandStatus

        self.fields["status"].choices = [("", "全部"), *DemandStatus.choices]
        self.fields["section"].choices = [("", "全部")] + [(str(s.pk), s.name)
                                                           for s in ServiceSection.objects.filter(active=True)]


class SectionItemForm(StyledForm):
    item = forms.IntegerField(widget=forms.HiddenInput)
    section = forms.ChoiceField(label=_("板块"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(str(s.pk), s.name) for s in ServiceSection.objects.filter(active=True)]
