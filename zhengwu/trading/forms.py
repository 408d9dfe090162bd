"""The web forms of public resource trading: the staff workspace, the bidder portal, the expert's scores.

A form checks the shape of the input (a date is a date, a file was sent); every rule is the service's.
An ``AppError`` a service raises lands on the field it names (:func:`attach_app_error`, through the
form's ``SERVICE_FIELDS``), so a refused rule ("…(规则 documents_to_deadline_days = 20)") is shown next to
the field it is about, and a refusal about no one field is shown above the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from django import forms
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm, attach_app_error  # noqa: F401  (re-exported to the views)
from zhengwu.org.models import Department
from zhengwu.trading.choices import (
    AwardMode,
    ChangeKind,
    DecisionMethod,
    ContractKind,
    DepositForm,
    EvaluationMethod,
    FundingSource,
    Procedure,
    ProjectType,
    ReplacementCause,
    SealingMode,
)
from zhengwu.trading.models import EvaluatedBid, Section, Tender
from zhengwu.trading.services_evaluation import DEFAULT_PARAMS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_field(label: Any, *, required: bool = True, initial: str | None = None, help_text: Any = "") -> forms.CharField:
    """Yuan as text: the service checks the amount (fen, positive, cap) and names the field when it refuses."""
    return forms.CharField(label=label, required=required, initial=initial, max_length=20, help_text=help_text,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


def passphrase_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, strip=False, max_length=200, help_text=help_text,
                           widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


# --- projects and sections -----------------------------------------------------------------------------

class ProjectForm(StyledForm):
    """登记项目, with its first section (more sections are added on the project's page)."""

    name = forms.CharField(label=_("项目名称"), max_length=200)
    project_type = forms.ChoiceField(label=_("项目类型"), choices=ProjectType.choices)
    procedure = forms.ChoiceField(label=_("交易方式"), choices=Procedure.choices)
    funding_source = forms.ChoiceField(label=_("资金来源"), choices=FundingSource.choices)
    estimate = money_field(_("估算价(元)"))
    control_price = money_field(_("最高投标限价(元)"), required=False)
    tendering_party_name = forms.CharField(label=_("招标人"), max_length=128)
    tendering_party_credit_code = forms.CharField(label=_("招标人统一社会信用代码"), max_length=18)
    supervising_department = forms.ModelChoiceField(label=_("行政监督部门"), queryset=Department.objects.none(),
                                                    required=False, empty_label=_("(未指定)"))
    description = forms.CharField(label=_("项目概况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    section_name = forms.CharField(label=_("第1标段名称"), max_length=200, required=False,
                                   help_text=_("留空则稍后在项目页添加标段"))
    section_contract_kind = forms.ChoiceField(label=_("合同类型"), choices=ContractKind.choices)
    section_estimate = money_field(_("标段合同估算价(元)"), required=False)
    section_control_price = money_field(_("标段最高投标限价(元)"), required=False)

    SERVICE_FIELDS = {"sections.0.name": "section_name", "sections.0.contract_kind": "section_contract_kind",
                      "sections.0.estimate": "section_estimate", "sections.0.control_price": "section_control_price"}

    def __init__(self, *args: Any, departments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["supervising_department"].queryset = departments

    def sections(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        if not data.get("section_name"):
            return []
        return [{"name": data["section_name"], "contract_kind": data["section_contract_kind"],
                 "estimate": data.get("section_estimate"), "control_price": data.get("section_control_price") or None}]


class SectionForm(StyledForm):
    AUTO_ID = "section_%s"

    name = forms.CharField(label=_("标段名称"), max_length=200)
    contract_kind = forms.ChoiceField(label=_("合同类型"), choices=ContractKind.choices)
    estimate = money_field(_("合同估算价(元)"))
    control_price = money_field(_("最高投标限价(元)"), required=False)


# --- tenders ------------------------------------------------------------------------------------------------

class TenderForm(StyledForm):
    """A draft tender (create, or edit while a draft): the schedule, and the sections offered with their deposits."""

    title = forms.CharField(label=_("招标公告标题"), max_length=200)
    announcement = forms.CharField(label=_("招标公告"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    documents_issued_at = forms.DateTimeField(label=_("招标文件开始发出时间"), widget=datetime_widget())
    on_sale_from = forms.DateField(label=_("招标文件发售开始日"), widget=date_widget())
    on_sale_to = forms.DateField(label=_("招标文件发售截止日"), widget=date_widget())
    bid_deadline = forms.DateTimeField(label=_("投标截止时间"), widget=datetime_widget())
    opening_at = forms.DateTimeField(label=_("开标时间"), required=False, widget=datetime_widget(),
                                     help_text=_("留空则与投标截止时间相同"))
    bid_validity_days = forms.IntegerField(label=_("投标有效期(天)"), initial=90, min_value=1, max_value=365)
    sealing_mode = forms.ChoiceField(label=_("投标文件密钥保管方式"), choices=SealingMode.choices,
                                     initial=SealingMode.BIDDER)
    award_mode = forms.ChoiceField(label=_("定标方式"), choices=AwardMode.choices, initial=AwardMode.RANKED,
                                   required=False)
    decision_method = forms.ChoiceField(label=_("评定分离定标方法"), required=False,
                                        choices=[("", _("(评定合一时不填)")), *DecisionMethod.choices])
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SERVICE_FIELDS = {"deposit_required": "__sections__", "sections": "__sections__", "previous_id": "title"}
    #: error keys that are not fields: the sections table
    ERROR_AREAS = ("__sections__",)

    def __init__(self, *args: Any, sections: Iterable[Section], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section_rows: list[tuple[Section, str, str]] = []
        for section in sections:
            offer, deposit = f"offer_{section.pk}", f"deposit_{section.pk}"
            self.fields[offer] = forms.BooleanField(label=str(section), required=False, initial=True)
            self.fields[deposit] = money_field(_("投标保证金(元)"), required=False, initial="0")
            self.section_rows.append((section, offer, deposit))
        if editing:
            del self.fields["sealing_mode"]
        self.style()

    @property
    def section_fields(self) -> list[tuple[Section, Any, Any]]:
        return [(section, self[offer], self[deposit]) for section, offer, deposit in self.section_rows]

    @property
    def section_errors(self) -> list[str]:
        return list(self.errors.get("__sections__", []))

    def add_error(self, field: str | None, error: Any) -> None:
        if field == "__sections__":  # the sections table has no single field: keep the message for it
            if self._errors is None:
                self._errors = ErrorDict()
            self._errors.setdefault("__sections__", self.error_class()).append(str(error))
            return
        super().add_error(field, error)

    def deposits(self) -> dict[int, str]:
        data = self.cleaned_data
        return {section.pk: (data.get(deposit) or "0") for section, offer, deposit in self.section_rows
                if data.get(offer)}

    def schedule(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"title": data["title"], "announcement": data.get("announcement") or "",
                "documents_issued_at": data["documents_issued_at"], "on_sale_from": data["on_sale_from"],
                "on_sale_to": data["on_sale_to"], "bid_deadline": data["bid_deadline"],
                "opening_at": data.get("opening_at") or data["bid_deadline"],
                "bid_validity_days": data["bid_validity_days"],
                "award_mode": data.get("award_mode") or AwardMode.RANKED,
                "decision_method": data.get("decision_method") or ""}


def tender_form_data(tender: Tender) -> dict[str, Any]:
    """A draft as form data, so the edit form can be bound (and carry an error the publication raised)."""
    def moment(value: dt.datetime) -> str:
        return timezone.localtime(value).strftime(DATETIME_FORMAT)

    data: dict[str, Any] = {
        "title": tender.title, "announcement": tender.announcement,
        "documents_issued_at": moment(tender.documents_issued_at), "on_sale_from": tender.on_sale_from.isoformat(),
        "on_sale_to": tender.on_sale_to.isoformat(), "bid_deadline": moment(tender.bid_deadline),
        "opening_at": moment(tender.opening_at), "bid_validity_days": str(tender.bid_validity_days),
        "award_mode": tender.award_mode, "decision_method": tender.decision_method, "version": str(tender.version),
    }
    for offer in tender.tender_sections.all():
        data[f"offer_{offer.section_id}"] = "on"
        data[f"deposit_{offer.section_id}"] = str(offer.deposit_required)
    return data


class ChangeForm(StyledForm):
    """澄清 (does not affect the bids) or 修改 (affects them: change_notice_days, or a later deadline)."""

    AUTO_ID = "change_%s"

    kind = forms.ChoiceField(label=_("类型"), choices=ChangeKind.choices, initial=ChangeKind.CLARIFICATION,
                             widget=forms.RadioSelect)
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))
    new_bid_deadline = forms.DateTimeField(label=_("顺延后的投标截止时间"), required=False, widget=datetime_widget(),
                                           help_text=_("修改影响投标文件编制且距截止不足规定天数时填写"))


class ReasonForm(StyledForm):
    AUTO_ID = "reason_%s"

    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


# --- deposits -------------------------------------------------------------------------------------------------

class DepositRecordForm(StyledForm):
    form = forms.ChoiceField(label=_("形式"), choices=DepositForm.choices, initial=DepositForm.TRANSFER,
                             widget=forms.RadioSelect)
    amount = money_field(_("金额(元)"))
    received_at = forms.DateTimeField(label=_("到账(提交)时间"), widget=datetime_widget())
    payer_account_name = forms.CharField(label=_("付款户名"), max_length=128, required=False)
    payer_account_number = forms.CharField(label=_("付款账号"), max_length=40, required=False)
    payer_bank = forms.CharField(label=_("开户银行"), max_length=128, required=False)
    guarantee_issuer = forms.CharField(label=_("保函开立机构"), max_length=128, required=False)
    guarantee_number = forms.CharField(label=_("保函编号"), max_length=64, required=False)
    guarantee_valid_from = forms.DateField(label=_("保函生效日"), required=False, widget=date_widget())
    guarantee_valid_until = forms.DateField(label=_("保函失效日"), required=False, widget=date_widget())


class RefundForm(StyledForm):
    refunded_on = forms.DateField(label=_("退还日期"), widget=date_widget())
    interest = money_field(_("利息(元)"), required=False, initial="0")
    reference = forms.CharField(label=_("退还凭证号"), max_length=64, required=False)


# --- sealed bids and the opening ---------------------------------------------------------------------------------

class CustodianForm(StyledForm):
    AUTO_ID = "custodian_%s"

    passphrase = passphrase_field(_("我的托管口令"), help_text=_("至少 8 个字符,只有您知道;开标时需再次输入"))


class OpeningForm(StyledForm):
    """The opening: in custodians mode, the passphrases of the custodians present (at least k of n)."""

    AUTO_ID = "opening_%s"

    def __init__(self, *args: Any, custodians: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.custodian_names: list[tuple[str, Any]] = []
        for key in custodians:
            name = f"custodian_{key.user_id}"
            label = key.user.display_name or key.user.get_username()
            self.fields[name] = passphrase_field(label, required=False)
            self.custodian_names.append((name, key))
        self.style()

    @property
    def custodian_fields(self) -> list[Any]:
        return [self[name] for name, _key in self.custodian_names]

    def custodian_passphrases(self) -> dict[int, str]:
        return {key.user_id: self.cleaned_data[name] for name, key in self.custodian_names if self.cleaned_data[name]}


# --- the committee ----------------------------------------------------------------------------------------

class DrawForm(StyledForm):
    """The committee: its size, the tendering party's representatives, the experts needed per specialty."""

    AUTO_ID = "draw_%s"

    committee_size = forms.IntegerField(label=_("评标委员会人数"), initial=5, min_value=1, max_value=99)
    representatives = forms.IntegerField(label=_("招标人代表人数"), initial=1, min_value=0, max_value=99)

    SERVICE_FIELDS = {"requirements": "__all__"}

    def __init__(self, *args: Any, specialties: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specialty_names: list[tuple[str, Any]] = []
        for specialty in specialties:
            name = f"need_{specialty.code}"
            self.fields[name] = forms.IntegerField(label=specialty.name, required=False, min_value=0, max_value=99)
            self.specialty_names.append((name, specialty))
        self.style()

    @property
    def specialty_fields(self) -> list[Any]:
        return [self[name] for name, _specialty in self.specialty_names]

    def requirements(self) -> dict[str, int]:
        return {s.code: self.cleaned_data[name] for name, s in self.specialty_names if self.cleaned_data.get(name)}


class ReplaceForm(StyledForm):
    AUTO_ID = "replace_%s"

    cause = forms.ChoiceField(label=_("替换原因类别"), choices=ReplacementCause.choices)
    reason = forms.CharField(label=_("替换原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


# --- evaluation, publicity, award ---------------------------------------------------------------------------

class EvaluationStartForm(StyledForm):
    AUTO_ID = "start_%s"

    method = forms.ChoiceField(label=_("评标办法"), choices=EvaluationMethod.choices,
                               initial=EvaluationMethod.COMPREHENSIVE)
    technical_max = forms.CharField(label=_("技术分满分"), initial=DEFAULT_PARAMS["technical_max"], max_length=8)
    business_max = forms.CharField(label=_("商务分满分"), initial=DEFAULT_PARAMS["business_max"], max_length=8)
    price_max = forms.CharField(label=_("价格分满分"), initial=DEFAULT_PARAMS["price_max"], max_length=8)
    k = forms.CharField(label=_("基准价下浮系数 k"), initial=DEFAULT_PARAMS["k"], max_length=8)
    drop_extremes = forms.BooleanField(label=_("去掉一个最高价和一个最低价"), required=False)

    SERVICE_FIELDS = {f"params.{key}": key for key in ("technical_max", "business_max", "price_max", "k",
                                                       "drop_extremes")} | {"section_id": "__all__"}

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"technical_max": data["technical_max"], "business_max": data["business_max"],
                "price_max": data["price_max"], "k": data["k"], "drop_extremes": bool(data.get("drop_extremes"))}


class CandidateObjectionForm(StyledForm):
    AUTO_ID = "objection_%s"

    objector_name = forms.CharField(label=_("异议人"), max_length=128)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(StyledForm):
    AUTO_ID = "answer_%s"

    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 2}))


class CandidateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: EvaluatedBid) -> str:
        return f"{obj.rank}. {obj.bidder_name}({obj.price} 元)"


class AwardForm(StyledForm):
    AUTO_ID = "award_%s"

    bid = CandidateChoiceField(label=_("中标人"), queryset=EvaluatedBid.objects.none(), empty_label=None)
    reason = forms.CharField(label=_("未确定排名第一的理由"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("国有资金项目确定排名第一以外的候选人时必填(实施条例第55条)"))

    SERVICE_FIELDS = {"bid_id": "bid"}

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bid"].queryset = candidates
        first = candidates.first()
        if first is not None:
            self.fields["bid"].initial = first.pk


class ContractForm(StyledForm):
    AUTO_ID = "contract_%s"

    signed_on = forms.DateField(label=_("合同签订日期"), widget=date_widget())


# --- the bidder portal ------------------------------------------------------------------------------------

class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Section) -> str:
        return str(obj)


class RegisterForm(StyledForm):
    AUTO_ID = "register_%s"

    section = SectionChoiceField(label=_("标段"), queryset=Section.objects.none(), empty_label=None)

    SERVICE_FIELDS = {"section_id": "section", "registered_at": "section", "credit_code": "section"}

    def __init__(self, *args: Any, sections: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections


class BidForm(StyledForm):
    """A sealed bid: the file, the price and commitments sealed with it, and (bidder mode) the opening passphrase."""

    file = forms.FileField(label=_("投标文件"), error_messages={"required": _("请选择投标文件。")})
    price = money_field(_("投标报价(元)"))
    duration_days = forms.IntegerField(label=_("工期(天)"), required=False, min_value=1)
    quality = forms.CharField(label=_("质量承诺"), max_length=200, required=False)
    passphrase = passphrase_field(_("开标口令"), help_text=_("至少 8 个字符。开标时须由贵单位输入,平台不保存,遗失则投标文件无法解密"))
    passphrase_again = passphrase_field(_("再次输入开标口令"))
    # what the bid-preparation client reports with the file (evidence for supervision, 实施条例 §40), optional
    machine_code = forms.CharField(label=_("制作机器码"), max_length=64, required=False,
                                   help_text=_("由投标文件制作工具自动填写"))
    file_creator_id = forms.CharField(label=_("文件创建者标识"), max_length=64, required=False)
    pricing_key = forms.CharField(label=_("计价软件加密锁号"), max_length=64, required=False)
    project_manager_name = forms.CharField(label=_("项目负责人"), max_length=32, required=False)
    project_manager_certificate = forms.CharField(label=_("项目负责人注册证书号"), max_length=40, required=False)
    agent_name = forms.CharField(label=_("委托代理人"), max_length=32, required=False)
    agent_id_number = forms.CharField(label=_("委托代理人身份证号"), max_length=18, required=False,
                                      help_text=_("随投标文件加密,开标后加密保存"))

    EVIDENCE_FIELDS = ("machine_code", "file_creator_id", "pricing_key", "project_manager_name",
                       "project_manager_certificate", "agent_name", "agent_id_number")
    SERVICE_FIELDS = {"section_id": "__all__"}

    def __init__(self, *args: Any, needs_passphrase: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_passphrase:
            del self.fields["passphrase"], self.fields["passphrase_again"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "passphrase" in self.fields and data.get("passphrase") != data.get("passphrase_again"):
            self.add_error("passphrase_again", _("两次输入的开标口令不一致。"))
        return data

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        upload = data["file"]
        return {"file": upload.read(), "file_name": upload.name, "price": data["price"],
                "duration_days": data.get("duration_days"), "quality": data.get("quality") or "",
                "passphrase": data.get("passphrase"),
                **{name: data.get(name) or "" for name in self.EVIDENCE_FIELDS}}


class WithdrawForm(StyledForm):
    AUTO_ID = "withdraw_%s"

    reason = forms.CharField(label=_("撤回说明(选填)"), required=False, max_length=2000)


class PassphraseForm(StyledForm):
    AUTO_ID = "passphrase_%s"

    passphrase = passphrase_field(_("开标口令"))


# --- the expert's scores -------------------------------------------------------------------------------------

class ScoreForm(StyledForm):
    technical = forms.CharField(label=_("技术分"), max_length=8,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    business = forms.CharField(label=_("商务分"), max_length=8,
                               widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    comment = forms.CharField(label=_("评审意见"), required=False, max_length=2000)

    SERVICE_FIELDS = {"bid_id": "__all__", "member_id": "__all__", "method": "__all__"}
