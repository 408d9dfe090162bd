"""The web forms of remote cross-region evaluation (远程异地评标): the list's filter, a new session with its venues,
seating a member at a venue, recording what happens.

A form checks the shape; the venue rules (one main venue, at least one sub-venue, exactly one of ours, of the
kind our role says, names unique), who may be seated and which event may come when are the service's, shown
next to the input the service names (``venues[i].name`` → the name typed in that row).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.trading.choices import RemoteSessionStatus, SessionEventKind, SessionMemberRole, VenueKind
from zhengwu.trading.forms import StyledForm, datetime_widget
from zhengwu.trading.forms_award import AreaErrorsMixin, _text

#: venue rows offered on a new session (a main venue and up to three sub-venues)
VENUE_ROWS = 4


class SessionFilterForm(StyledForm):
    AUTO_ID = "filter_%s"

    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    our_role = forms.ChoiceField(label=_("本中心角色"), required=False,
                                 choices=[("", _("(全部)")), *VenueKind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("(全部)")), *RemoteSessionStatus.choices])


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.tender.number} {obj.tender.project.name} · {obj.section}"


class SessionForm(AreaErrorsMixin, StyledForm):
    """A session: our role; as main venue one of our sections with a drawn committee, as sub-venue the other
    center's project; the time; the venues (rows, blank rows skipped; ``ours`` picks our venue's row)."""

    AUTO_ID = "session_%s"

    our_role = forms.ChoiceField(label=_("本中心角色"), choices=VenueKind.choices, initial=VenueKind.MAIN,
                                 widget=forms.RadioSelect)
    scheduled_start = forms.DateTimeField(label=_("计划开始时间"), widget=datetime_widget())
    offer = OfferChoiceField(label=_("本中心的招标标段(主场)"), queryset=None, required=False,
                             empty_label=_("(本中心为副场时不选)"),
                             help_text=_("已抽取评标委员会、尚未安排远程异地评标的标段"))
    project_name = forms.CharField(label=_("项目名称"), required=False, max_length=200,
                                   help_text=_("副场:主场交易中心的项目;主场留空则取本中心项目名称"))
    project_number = forms.CharField(label=_("项目编号"), required=False, max_length=64)
    host_center = forms.CharField(label=_("主场交易中心"), required=False, max_length=128)
    note = forms.CharField(label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    ours = forms.ChoiceField(label=_("本中心场地"), required=False, initial="0", widget=forms.RadioSelect,
                             choices=[(str(i), str(i + 1)) for i in range(VENUE_ROWS)])

    ERROR_AREAS = ("__venues__",)

    def __init__(self, *args: Any, offers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers
        for i in range(VENUE_ROWS):
            # the inputs sit in a table: each says which row it is
            row = {"n": i + 1}
            self.fields[f"venue{i}_name"] = forms.CharField(
                label=_("场地名称"), required=False, max_length=128,
                widget=forms.TextInput(attrs={"aria-label": _("第 %(n)d 个场地名称") % row}))
            self.fields[f"venue{i}_city"] = forms.CharField(
                label=_("所在城市"), required=False, max_length=64,
                widget=forms.TextInput(attrs={"aria-label": _("第 %(n)d 个场地所在城市") % row}))
            self.fields[f"venue{i}_kind"] = forms.ChoiceField(
                label=_("主场或副场"), required=False, choices=[("", "—"), *VenueKind.choices],
                initial=VenueKind.MAIN if i == 0 else VenueKind.SUB,
                widget=forms.Select(attrs={"aria-label": _("第 %(n)d 个场地是主场或副场") % row}))
        self.SERVICE_FIELDS = {"section_id": "offer", "venues": "__venues__"}
        self.style()

    @property
    def venues_errors(self) -> list[str]:
        return self.area_errors("__venues__")

    @property
    def venue_rows(self) -> list[dict[str, Any]]:
        ours = self["ours"].value()
        return [{"index": i, "number": i + 1, "name": self[f"venue{i}_name"], "city": self[f"venue{i}_city"],
                 "kind": self[f"venue{i}_kind"], "ours": str(ours) == str(i)} for i in range(VENUE_ROWS)]

    def venues(self) -> list[dict[str, Any]]:
        venues = []
        ours = _text(self, "ours")
        for i in range(VENUE_ROWS):
            name, city = _text(self, f"venue{i}_name"), _text(self, f"venue{i}_city")
            if not (name or city):
                continue
            k = len(venues)
            venues.append({"name": name, "city": city, "kind": _text(self, f"venue{i}_kind"), "ours": ours == str(i)})
            for key in ("name", "city", "kind"):
                self.SERVICE_FIELDS[f"venues[{k}].{key}"] = f"venue{i}_{key}"
        return venues


class SeatForm(StyledForm):
    """Seat a member at a venue: one of our drawn experts (main venue), or a name (the sub-venue's experts, the
    tendering party's representative)."""

    AUTO_ID = "seat_%s"

    venue = forms.ModelChoiceField(label=_("场地"), queryset=None, empty_label=None)
    member = forms.ModelChoiceField(label=_("本标段抽取的专家"), queryset=None, required=False,
                                    empty_label=_("(按姓名登记)"))
    name = forms.CharField(label=_("姓名"), required=False, max_length=64,
                           help_text=_("副场的专家、招标人代表按姓名登记"))
    role = forms.ChoiceField(label=_("身份"), choices=SessionMemberRole.choices, initial=SessionMemberRole.EXPERT)

    SERVICE_FIELDS = {"venue_id": "venue", "member_id": "member"}

    def __init__(self, *args: Any, venues: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: f"{m.expert.name}({m.specialty.name})"


class EventForm(StyledForm):
    """One thing that happened, recorded as it happens (server time): a check-in, the video link of a venue, the
    bids opened, scoring started / finished, the report signed, a note."""

    AUTO_ID = "event_%s"

    kind = forms.ChoiceField(label=_("事项"), choices=SessionEventKind.choices)
    venue = forms.ModelChoiceField(label=_("场地"), queryset=None, required=False, empty_label=_("(不指定)"))
    member = forms.ModelChoiceField(label=_("签到人员"), queryset=None, required=False, empty_label=_("(签到时选择)"))
    note = forms.CharField(label=_("说明"), required=False, max_length=2000)

    SERVICE_FIELDS = {"venue_id": "venue", "member_id": "member"}

    def __init__(self, *args: Any, venues: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: f"{m.name}({m.venue.name})"
