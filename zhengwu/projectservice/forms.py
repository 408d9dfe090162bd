"""The web forms of project services. A form checks the shape of the input (a date is a date); every rule is
the service's, and a refusal lands on the field the service names (:func:`zhengwu.core.forms.submit`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm
from zhengwu.org.models import Department, User
from zhengwu.org.roles import Role
from zhengwu.projectservice.choices import MAX_TRIPS_SAVED, FactorKind, FactorStatus

#: issue rows on the visit form
ISSUE_ROWS = 3


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def agent_choices() -> list[tuple[str, str]]:
    users = User.objects.filter(role=Role.WINDOW_CLERK, is_active=True).order_by("username")
    return [("", "—")] + [(str(u.pk), u.display_name or u.username) for u in users]


def staff_choices() -> list[tuple[str, str]]:
    users = User.objects.filter(is_active=True, role__in=[Role.WINDOW_CLERK, Role.CENTER_ADMIN,
                                                          Role.DEPARTMENT_LEADER, Role.TOWNSHIP_STAFF]).order_by(
        "username")
    return [("", "—")] + [(str(u.pk), u.display_name or u.username) for u in users]


class ProjectFilterForm(StyledForm):
    q = forms.CharField(label=_("项目代码、名称或企业"), required=False, max_length=100)
    has_agent = forms.ChoiceField(label=_("代办员"), required=False,
                                  choices=[("", _("全部")), ("yes", _("已指派")), ("no", _("未指派"))])


class PeriodForm(StyledForm):
    start = date_field(_("开始日期"), required=False)
    end = date_field(_("结束日期"), required=False)


class AssignForm(StyledForm):
    AUTO_ID = "assign_%s"
    agent = forms.ChoiceField(label=_("代办员"))
    started_on = date_field(_("开始日期"))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = agent_choices()


class ReleaseForm(StyledForm):
    AUTO_ID = "release_%s"
    ended_on = date_field(_("结束日期"))


class ActionForm(StyledForm):
    AUTO_ID = "action_%s"
    item = forms.ChoiceField(label=_("事项(目录)"), required=False)
    item_text = forms.CharField(label=_("或填写事项"), required=False, max_length=200)
    handled_on = date_field(_("办理日期"))
    what_done = forms.CharField(label=_("办理情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    trips_saved = forms.CharField(label=_("为企业减少跑腿次数"), max_length=4,
                                  help_text=_("0 到 %(n)d 的整数") % {"n": MAX_TRIPS_SAVED},
                                  widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhengwu.cases.models import ServiceItem

        items = ServiceItem.objects.filter(is_active=True, enterprise_related=True).order_by("code")[:300]
        self.fields["item"].choices = [("", "—")] + [(str(i.pk), i.name) for i in items]


class FactorForm(StyledForm):
    AUTO_ID = "factor_%s"
    kind = forms.ChoiceField(label=_("要素类型"), choices=FactorKind.choices)
    capacity = forms.CharField(label=_("需求量"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    capacity_unit = forms.CharField(label=_("单位"), max_length=16, required=False,
                                    help_text=_("留空按类型默认:吨/日、kVA、立方米/日、Mbps"))
    provider = forms.CharField(label=_("供应单位"), max_length=100)
    requested_on = date_field(_("申请日期"))


class FactorMoveForm(StyledForm):
    """promise: the promised date; connect: the connection date; problem: the note."""

    day = date_field(_("日期"), required=False)
    note = forms.CharField(label=_("问题说明"), required=False, max_length=500)
    SERVICE_FIELDS = {"promised_on": "day", "connected_on": "day"}


class FollowUpForm(StyledForm):
    followed_up_on = date_field(_("跟进日期"))
    note = forms.CharField(label=_("跟进情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(StyledForm):
    visited_on = date_field(_("走访日期"))
    team_lead = forms.CharField(label=_("带队人"), max_length=50)
    summary = forms.CharField(label=_("走访情况"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    departments = forms.MultipleChoiceField(label=_("走访部门"), required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 6}))
    enterprises = forms.MultipleChoiceField(label=_("走访企业"), required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 6}))
    projects = forms.MultipleChoiceField(label=_("服务项目"), required=False,
                                         widget=forms.SelectMultiple(attrs={"size": 6}))
    SERVICE_FIELDS = {f"issues[{n}].{name}": f"issue{n + 1}_{name}" for n in range(ISSUE_ROWS)
                      for name in ("description", "owner", "follow_up_days", "project")}

    def __init__(self, *args: Any, projects: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = list(projects)
        self.fields["departments"].choices = [(str(d.pk), d.name) for d in Department.objects.order_by("sort", "code")]
        investors = {p.investor_id: p.investor for p in projects}
        self.fields["enterprises"].choices = [(str(e.pk), e.name) for e in investors.values()]
        project_choices = [(str(p.pk), f"{p.code} {p.name}") for p in projects]
        self.fields["projects"].choices = project_choices
        owners = staff_choices()
        for n in range(1, ISSUE_ROWS + 1):
            self.fields[f"issue{n}_description"] = forms.CharField(label=_("问题 %(n)d") % {"n": n}, required=False,
                                                                   max_length=500)
            self.fields[f"issue{n}_owner"] = forms.ChoiceField(label=_("责任人"), required=False, choices=owners)
            self.fields[f"issue{n}_follow_up_days"] = forms.CharField(label=_("跟进时限(工作日)"), required=False,
                                                                      max_length=3)
            self.fields[f"issue{n}_project"] = forms.ChoiceField(label=_("所属项目"), required=False,
                                                                 choices=[("", "—")] + project_choices)
        self.style()

    def issue_rows(self) -> list[list[Any]]:
        return [[self[f"issue{n}_{name}"] for name in ("description", "owner", "follow_up_days", "project")]
                for n in range(1, ISSUE_ROWS + 1)]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        rows = [n for n in range(1, ISSUE_ROWS + 1)
                if data[f"issue{n}_description"] or data[f"issue{n}_owner"] or data[f"issue{n}_follow_up_days"]]
        # the service numbers the issues it gets; map its numbers back to the rows they came from
        self.SERVICE_FIELDS = {f"issues[{i}].{name}": f"issue{n}_{name}" for i, n in enumerate(rows)
                               for name in ("description", "owner", "follow_up_days", "project")}
        issues = [{"description": data[f"issue{n}_description"], "owner": data[f"issue{n}_owner"],
                   "follow_up_days": data[f"issue{n}_follow_up_days"], "project": data[f"issue{n}_project"]}
                  for n in rows]
        return {"visited_on": data["visited_on"], "team_lead": data["team_lead"], "summary": data["summary"],
                "departments": data["departments"], "enterprises": data["enterprises"],
                "projects": data["projects"], "issues": issues}


class FactorFilterForm(StyledForm):
    kind = forms.ChoiceField(label=_("要素类型"), required=False, choices=[("", _("全部")), *FactorKind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *FactorStatus.choices])
    overdue = forms.BooleanField(label=_("仅逾期未接入"), required=False)


class IssueFilterForm(StyledForm):
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("全部")), ("open", _("待跟进")), ("closed", _("已跟进")),
                                       ("overdue", _("逾期未跟进"))])
