"""The web forms of trading part 5: the 评定分离 decision, the fee schedules, the figures' year, the expert's account.

As in ``forms``: a form checks the shape of the input; every rule is the service's, and a refusal lands on
the field the service names. The service names fields of lists (``group[2].name``, ``votes[1]``,
``tiers[0].up_to``, ``offers.<bid id>``): a form here maps each to the input the user typed it in (rows left
blank are skipped, so the service's index is not the row's), or to an *area* (the group, a round, the tiers)
when no single input is to blame.
"""

from __future__ import annotations

from typing import Any, Iterable

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from zhengwu.trading.choices import DecisionMethod, ProjectType
from zhengwu.trading.forms import StyledForm, date_widget, money_field

#: rows of the decision group offered at first (a group has at least ``decision_group_min`` = 5 members)
GROUP_ROWS = 7
MAX_GROUP_ROWS = 21
#: rows of fee tiers offered (the default schedule has 4)
TIER_ROWS = 6
VOTING = (DecisionMethod.VOTE, DecisionMethod.VOTE_LOTTERY)


class AreaErrorsMixin:
    """Errors about a group of inputs (the decision group, one round of votes, the tiers) kept under a key that is
    not a field (``ERROR_AREAS``), shown next to that group on the page."""

    ERROR_AREAS: tuple[str, ...] = ()

    def add_error(self, field: str | None, error: Any) -> None:
        if field in self.ERROR_AREAS:
            if self._errors is None:
                self._errors = ErrorDict()
            self._errors.setdefault(field, self.error_class()).append(str(error))
            return
        super().add_error(field, error)  # type: ignore[misc]

    def area_errors(self, name: str) -> list[str]:
        return list(self.errors.get(name, []))


def _text(form: forms.Form, name: str) -> str:
    return str(form.cleaned_data.get(name) or "").strip()


# --- 评定分离: the tendering party's decision ---------------------------------------------------------------

def candidate_label(candidate: Any) -> str:
    return f"{candidate.bidder_name}({candidate.price} 元)"


def _rounds_text(rounds: list[list[int]]) -> str:
    return ";".join(",".join(str(b) for b in allowed) for allowed in rounds)


def _rounds_parse(text: str, ids: list[int]) -> list[list[int]]:
    """The candidates of each round as the page carried them; anything that is not a candidate is dropped."""
    rounds = []
    for part in str(text or "").split(";"):
        allowed = [int(b) for b in part.split(",") if b.strip().isdigit() and int(b) in ids]
        if allowed:
            rounds.append(allowed)
    return rounds


class DecisionForm(AreaErrorsMixin, StyledForm):
    """The tendering party's decision (定标) by the method the documents fix.

    The group is a table of rows (name, role); for a vote each row also holds that member's vote in each round,
    so votes are "per member per round". After a tie the page adds a round among the tied candidates only
    (``rounds`` carries each round's candidates). Price competition has one offer per candidate; deliberation the
    minutes and the chosen candidate; the lottery nothing but the group and the reasons.
    """

    AUTO_ID = "decision_%s"

    reasons = forms.CharField(label=_("定标理由"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    rows = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rounds = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: Any = None, *, method: str, candidates: list[Any], rows: int | None = None,
                 rounds: list[list[int]] | None = None, **kwargs: Any) -> None:
        self.method = method
        self.candidates = list(candidates)
        ids = [c.bid_id for c in self.candidates]
        if data is not None:
            given = str(data.get("rows") or "")
            rows = int(given) if given.isdigit() else rows
            if rounds is None:
                rounds = _rounds_parse(data.get("rounds", ""), ids)
        self.row_count = max(GROUP_ROWS, min(MAX_GROUP_ROWS, rows or GROUP_ROWS))
        if method in VOTING:
            rounds = rounds or [ids]
            if method == DecisionMethod.VOTE_LOTTERY:
                rounds = rounds[:1]
        else:
            rounds = []
        self.round_candidates = rounds
        if data is not None:  # the hidden inputs carry what this form now is (a round may have been added)
            data = data.copy()
            data["rows"], data["rounds"] = str(self.row_count), _rounds_text(rounds)
        super().__init__(data, **kwargs)
        self.fields["rows"].initial = self.row_count
        self.fields["rounds"].initial = _rounds_text(rounds)
        labels = {c.bid_id: candidate_label(c) for c in self.candidates}
        for i in range(self.row_count):
            # the inputs sit in a table: each says which row and which round it is
            self.fields[f"m{i}_name"] = forms.CharField(
                label=_("姓名"), required=False, max_length=64,
                widget=forms.TextInput(attrs={"aria-label": _("第 %(i)d 位成员姓名") % {"i": i + 1}}))
            self.fields[f"m{i}_role"] = forms.CharField(
                label=_("身份(职务)"), required=False, max_length=64,
                widget=forms.TextInput(attrs={"aria-label": _("第 %(i)d 位成员身份(职务)") % {"i": i + 1}}))
            for r, allowed in enumerate(rounds):
                self.fields[f"v{r}_{i}"] = forms.ChoiceField(
                    label=_("第 %(n)d 轮投票") % {"n": r + 1}, required=False,
                    choices=[("", "—"), *[(str(b), labels[b]) for b in allowed]],
                    widget=forms.Select(attrs={"aria-label": _("第 %(i)d 位成员第 %(n)d 轮投票")
                                               % {"i": i + 1, "n": r + 1}}))
        if method == DecisionMethod.DELIBERATION:
            self.fields["minutes"] = forms.CharField(label=_("集体议事纪要"), required=False, max_length=20000,
                                                     widget=forms.Textarea(attrs={"rows": 5}))
            self.fields["bid_id"] = forms.ChoiceField(label=_("集体议事确定的中标人"), required=False,
                                                      choices=[("", _("(请选择)")), *labels.items()])
        if method == DecisionMethod.PRICE_COMPETITION:
            for c in self.candidates:
                self.fields[f"offer_{c.bid_id}"] = money_field(
                    _("%(bidder)s的最终报价(元)") % {"bidder": c.bidder_name}, required=False,
                    help_text=_("投标报价 %(price)s 元;不报则按投标报价") % {"price": c.price})
        self.ERROR_AREAS = ("__group__", "__votes__", "__offers__", *[f"__round{r}__" for r in range(len(rounds))])
        self.SERVICE_FIELDS = {"group": "__group__", "votes": "__votes__", "offers": "__offers__",
                               **{f"votes[{r}]": f"__round{r}__" for r in range(len(rounds))},
                               **{f"offers.{c.bid_id}": f"offer_{c.bid_id}" for c in self.candidates}}
        self.group_rows: list[int] = []
        self.style()

    # what the page renders ----------------------------------------------------------------------------------
    @property
    def member_rows(self) -> list[dict[str, Any]]:
        return [{"index": i, "name": self[f"m{i}_name"], "role": self[f"m{i}_role"],
                 "votes": [self[f"v{r}_{i}"] for r in range(len(self.round_candidates))]}
                for i in range(self.row_count)]

    @property
    def round_headers(self) -> list[dict[str, Any]]:
        names = {c.bid_id: c.bidder_name for c in self.candidates}
        return [{"number": r + 1, "candidates": [names[b] for b in allowed], "errors": self.area_errors(f"__round{r}__")}
                for r, allowed in enumerate(self.round_candidates)]

    @property
    def group_errors(self) -> list[str]:
        return self.area_errors("__group__")

    @property
    def votes_errors(self) -> list[str]:
        return self.area_errors("__votes__")

    @property
    def offers_errors(self) -> list[str]:
        return self.area_errors("__offers__")

    @property
    def offer_fields(self) -> list[Any]:
        return [self[f"offer_{c.bid_id}"] for c in self.candidates if f"offer_{c.bid_id}" in self.fields]

    # what the service gets -------------------------------------------------------------------------------------
    def group(self) -> list[dict[str, str]]:
        """The members, from the rows with a name or a role (blank rows skipped); the service's ``group[k]`` is
        mapped back to the row it came from."""
        members, self.group_rows = [], []
        for i in range(self.row_count):
            name, role = _text(self, f"m{i}_name"), _text(self, f"m{i}_role")
            if name or role:
                k = len(members)
                members.append({"name": name, "role": role})
                self.group_rows.append(i)
                self.SERVICE_FIELDS[f"group[{k}].name"] = f"m{i}_name"
                self.SERVICE_FIELDS[f"group[{k}].role"] = f"m{i}_role"
        return members

    def votes(self) -> list[dict[str, int]] | None:
        """Each round: {member name: Bid id} of the members who voted in it (a member without a vote is left out,
        and the service names who did not vote)."""
        if self.method not in VOTING:
            return None
        rounds = []
        for r in range(len(self.round_candidates)):
            ballots = {}
            for i in self.group_rows:
                name, vote = _text(self, f"m{i}_name"), _text(self, f"v{r}_{i}")
                if name and vote:
                    ballots[name] = int(vote)
            rounds.append(ballots)
        return rounds

    def offers(self) -> dict[str, str] | None:
        if self.method != DecisionMethod.PRICE_COMPETITION:
            return None
        return {str(c.bid_id): _text(self, f"offer_{c.bid_id}") for c in self.candidates
                if _text(self, f"offer_{c.bid_id}")}

    def minutes(self) -> str:
        return _text(self, "minutes") if self.method == DecisionMethod.DELIBERATION else ""

    def bid_id(self) -> int | None:
        chosen = _text(self, "bid_id") if self.method == DecisionMethod.DELIBERATION else ""
        return int(chosen) if chosen else None


# --- the service fee ---------------------------------------------------------------------------------------

class FeeScheduleForm(AreaErrorsMixin, StyledForm):
    """A new fee schedule of one project type from a date: marginal tiers (‰), minimum, cap, basis."""

    AUTO_ID = "fee_%s"

    project_type = forms.ChoiceField(label=_("项目类型"), choices=ProjectType.choices)
    effective_from = forms.DateField(label=_("执行日期"), widget=date_widget())
    minimum = money_field(_("最低收费(元)"), required=False, initial="0")
    cap = money_field(_("最高收费(元)"), required=False)
    basis = forms.CharField(label=_("依据(物价部门核定文件)"), required=False, max_length=200)
    switched_off_from = forms.DateField(label=_("停止收取日期"), required=False, widget=date_widget(),
                                        help_text=_("留空则一直收取;可以以后再设"))

    ERROR_AREAS = ("__tiers__",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(TIER_ROWS):
            row = {"n": i + 1}
            self.fields[f"t{i}_up_to"] = money_field(_("本档上限(元)"), required=False)
            self.fields[f"t{i}_up_to"].widget.attrs["aria-label"] = _("第 %(n)d 档上限(元)") % row
            self.fields[f"t{i}_permille"] = forms.CharField(
                label=_("费率(‰)"), required=False, max_length=12,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                              "aria-label": _("第 %(n)d 档费率(‰)") % row}))
        self.SERVICE_FIELDS = {"tiers": "__tiers__"}
        self.tier_rows: list[int] = []
        self.style()

    @property
    def tiers_errors(self) -> list[str]:
        return self.area_errors("__tiers__")

    @property
    def tier_fields(self) -> list[tuple[int, Any, Any]]:
        return [(i + 1, self[f"t{i}_up_to"], self[f"t{i}_permille"]) for i in range(TIER_ROWS)]

    def tiers(self) -> list[dict[str, str | None]]:
        """The filled rows in order; a row without an upper bound is the open last tier."""
        tiers, self.tier_rows = [], []
        for i in range(TIER_ROWS):
            up_to, permille = _text(self, f"t{i}_up_to"), _text(self, f"t{i}_permille")
            if up_to or permille:
                k = len(tiers)
                tiers.append({"up_to": up_to or None, "permille": permille})
                self.tier_rows.append(i)
                self.SERVICE_FIELDS[f"tiers[{k}].up_to"] = f"t{i}_up_to"
                self.SERVICE_FIELDS[f"tiers[{k}].permille"] = f"t{i}_permille"
                self.SERVICE_FIELDS[f"tiers[{k}]"] = f"t{i}_permille"
        return tiers


class FeeSwitchOffForm(StyledForm):
    """Stop charging under one schedule from a date (one form per schedule on the page: ``prefix`` = off<id>)."""

    switched_off_from = forms.DateField(label=_("停止收取日期"), widget=date_widget())
    reason = forms.CharField(label=_("依据或理由"), required=False, max_length=2000)


class YearForm(StyledForm):
    """The year of the figures and the fee report (the service checks the range and names ``year``)."""

    AUTO_ID = "period_%s"

    year = forms.IntegerField(label=_("年度"), error_messages={"invalid": _("请输入年份,如 2024。")},
                              widget=forms.NumberInput(attrs={"inputmode": "numeric", "style": "width: 7rem"}))


# --- the expert's login account -------------------------------------------------------------------------------

class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        account = f"(已关联 {obj.user.get_username()})" if obj.user_id else ""
        return f"{obj.name}{account}"


class ExpertAccountForm(StyledForm):
    """Link an expert to the login account (role 评标专家) the expert scores with."""

    AUTO_ID = "account_%s"

    expert = ExpertChoiceField(label=_("专家"), queryset=None, empty_label=_("(请选择)"))
    username = forms.CharField(label=_("登录账号(用户名)"), max_length=150,
                               help_text=_("账号角色须为“评标专家”;一个账号只能关联一位专家"))

    SERVICE_FIELDS = {"user_id": "username"}

    def __init__(self, *args: Any, experts: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts
