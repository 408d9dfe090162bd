"""Public resource trading (公共资源交易): rules as data, projects and sections, tenders, bidders, deposits.

Part 1 of the domain. Sealed bids, opening, experts, evaluation, award and the
OCDS export come later and hang off these rows: a bid belongs to a
``BidderRegistration`` (one bidder, one section of one tender), an opening to a
``Tender`` at its ``opening_at``, an award and its contract to a ``TenderSection``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.fields import EncryptedCharField
from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.trading.choices import (
    STATE_FUNDING,
    AwardMode,
    BidStatus,
    ChangeKind,
    ContractKind,
    Counting,
    DecisionMethod,
    DepositForm,
    FundingSource,
    ObjectionStatus,
    OpeningOutcome,
    Procedure,
    ProjectType,
    RefundState,
    SealingMode,
    TenderStatus,
)
from zhengwu.trading.rules import CODE_CHOICES


def money(verbose_name, **kwargs) -> models.DecimalField:
    """Yuan with fen: up to 99,999,999,999,999.99 (the seed's 372.3 亿 needs 13 digits)."""
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


# --- rules as data ----------------------------------------------------------------------------------

class RuleSet(models.Model):
    """The rule values of one project type × procedure. A blank type or procedure means "any";
    the set with both blank is the default, written by the data migration."""

    project_type = models.CharField(_("项目类型"), max_length=16, choices=ProjectType.choices, blank=True,
                                    help_text=_("留空表示所有类型"))
    procedure = models.CharField(_("交易方式"), max_length=32, choices=Procedure.choices, blank=True,
                                 help_text=_("留空表示所有方式"))
    name = models.CharField(_("名称"), max_length=64)
    note = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("交易规则集")
        verbose_name_plural = _("交易规则集")
        ordering = ["project_type", "procedure"]
        constraints = [
            models.UniqueConstraint(fields=["project_type", "procedure"], name="ruleset_one_per_type_procedure"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_default(self) -> bool:
        return not self.project_type and not self.procedure


class RuleValue(models.Model):
    """One rule code → value row of a rule set. The value is exact: ``20``, ``0.02`` or ``2/3``."""

    rule_set = models.ForeignKey(RuleSet, verbose_name=_("规则集"), on_delete=models.CASCADE, related_name="values")
    code = models.CharField(_("规则代码"), max_length=64, choices=CODE_CHOICES)
    value = models.CharField(_("值"), max_length=32)
    counting = models.CharField(_("计日方式"), max_length=16, choices=Counting.choices, default=Counting.NATURAL,
                                help_text=_("只对天数规则有效"))
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("交易规则值")
        verbose_name_plural = _("交易规则值")
        ordering = ["rule_set", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="rulevalue_one_per_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} = {self.value}"


# --- projects and sections --------------------------------------------------------------------------

class Project(Timestamped):
    """A trading project (交易项目) as registered with the center."""

    number = models.CharField(_("项目编号"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    project_type = models.CharField(_("项目类型"), max_length=16, choices=ProjectType.choices, db_index=True)
    procedure = models.CharField(_("交易方式"), max_length=32, choices=Procedure.choices)
    funding_source = models.CharField(_("资金来源"), max_length=32, choices=FundingSource.choices)
    tendering_enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("招标人(企业)"), null=True,
                                             blank=True, on_delete=models.PROTECT, related_name="tendered_projects")
    tendering_party_name = models.CharField(_("招标人"), max_length=128)
    tendering_party_credit_code = models.CharField(_("招标人统一社会信用代码"), max_length=18)
    agent = models.ForeignKey("org.Enterprise", verbose_name=_("招标代理机构"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="agented_projects")
    estimate = money(_("估算价(元)"))
    control_price = money(_("最高投标限价(元)"), null=True, blank=True)
    above_limit = models.BooleanField(_("限额以上"), default=False, editable=False,
                                      help_text=_("由标段合同估算价按必须招标限额自动判定"))
    description = models.TextField(_("项目概况"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    supervising_department = models.ForeignKey("org.Department", verbose_name=_("行政监督部门"), null=True,
                                               blank=True, on_delete=models.PROTECT, related_name="+",
                                               help_text=_("其工作人员不得担任本项目评标专家"))

    class Meta:
        verbose_name = _("交易项目")
        verbose_name_plural = _("交易项目")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(estimate__gt=0), name="project_estimate_positive"),
            models.CheckConstraint(condition=models.Q(control_price__isnull=True) | models.Q(control_price__gt=0),
                                   name="project_control_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def state_funded(self) -> bool:
        return self.funding_source in STATE_FUNDING


class Section(models.Model):
    """A section (标段) of a project: the unit a contract is awarded for."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("标段号"))
    name = models.CharField(_("标段名称"), max_length=200)
    contract_kind = models.CharField(_("合同类型"), max_length=16, choices=ContractKind.choices)
    estimate = money(_("合同估算价(元)"))
    control_price = money(_("最高投标限价(元)"), null=True, blank=True)
    above_limit = models.BooleanField(_("限额以上"), default=False, editable=False,
                                      help_text=_("本项目同类合同估算价合计达到必须招标限额"))

    class Meta:
        verbose_name = _("标段")
        verbose_name_plural = _("标段")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="section_number_unique_in_project"),
            models.CheckConstraint(condition=models.Q(estimate__gt=0), name="section_estimate_positive"),
            models.CheckConstraint(condition=models.Q(control_price__isnull=True) | models.Q(control_price__gt=0),
                                   name="section_control_price_positive"),
        ]

    def __str__(self) -> str:
        return f"标段{self.number} {self.name}"


# --- tenders ------------------------------------------------------------------------------------------

class Tender(Stateful, Timestamped):
    """One run of tendering for some sections of a project. A failed tender is re-run as a new one."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=TenderStatus.choices)
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="tenders")
    run_number = models.PositiveSmallIntegerField(_("招标次数"), default=1)
    previous = models.ForeignKey("self", verbose_name=_("前次招标"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="reruns")
    number = models.CharField(_("招标编号"), max_length=40, unique=True)
    title = models.CharField(_("招标公告标题"), max_length=200)
    announcement = models.TextField(_("招标公告"), blank=True)
    documents_text = models.TextField(_("招标文件正文"), blank=True,
                                      help_text=_("投标人须知、资格条件、评标办法等,发布前经公平竞争审查"))
    documents_issued_at = models.DateTimeField(_("招标文件开始发出时间"))
    on_sale_from = models.DateField(_("招标文件发售开始日"))
    on_sale_to = models.DateField(_("招标文件发售截止日"))
    bid_deadline = models.DateTimeField(_("投标截止时间"), db_index=True)
    opening_at = models.DateTimeField(_("开标时间"))
    bid_validity_days = models.PositiveSmallIntegerField(_("投标有效期(天)"), default=90)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    sealing_mode = models.CharField(_("投标文件密钥保管方式"), max_length=16, choices=SealingMode.choices,
                                    default=SealingMode.BIDDER)
    # the award mode the tender documents fix (part 5): ranked, or 评定分离 with the decision method
    award_mode = models.CharField(_("定标方式"), max_length=16, choices=AwardMode.choices, default=AwardMode.RANKED)
    decision_method = models.CharField(_("评定分离定标方法"), max_length=24, choices=DecisionMethod.choices,
                                       blank=True, help_text=_("评定分离时必填;按排序定标时留空"))
    sections = models.ManyToManyField(Section, verbose_name=_("标段"), through="TenderSection",
                                      related_name="tenders")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("招标")
        verbose_name_plural = _("招标")
        ordering = ["-bid_deadline", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "run_number"], name="tender_run_unique_in_project"),
            models.CheckConstraint(condition=models.Q(on_sale_to__gte=models.F("on_sale_from")),
                                   name="tender_sale_period_ordered"),
            models.CheckConstraint(condition=models.Q(bid_deadline__gt=models.F("documents_issued_at")),
                                   name="tender_deadline_after_documents"),
            models.CheckConstraint(condition=models.Q(opening_at__gte=models.F("bid_deadline")),
                                   name="tender_opening_not_before_deadline"),
            models.CheckConstraint(
                condition=models.Q(award_mode="ranked", decision_method="")
                | (models.Q(award_mode="separated") & ~models.Q(decision_method="")),
                name="tender_decision_method_iff_separated"),
        ]
        indexes = [models.Index(fields=["status", "bid_deadline"], name="tender_status_deadline_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def bid_validity_until(self) -> dt.date:
        """The last day bids (and the deposits that secure them) must stay valid."""
        return timezone.localtime(self.bid_deadline).date() + dt.timedelta(days=self.bid_validity_days)


class TenderSection(models.Model):
    """A section offered in a tender, with the deposit the tender documents require for it."""

    tender = models.ForeignKey(Tender, verbose_name=_("招标"), on_delete=models.CASCADE,
                               related_name="tender_sections")
    section = models.ForeignKey(Section, verbose_name=_("标段"), on_delete=models.PROTECT,
                                related_name="tender_sections")
    deposit_required = money(_("投标保证金(元)"), default=0)
    contract_signed_on = models.DateField(_("合同签订日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("招标标段")
        verbose_name_plural = _("招标标段")
        ordering = ["tender", "section__number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "section"], name="tender_section_unique"),
            models.CheckConstraint(condition=models.Q(deposit_required__gte=0), name="tender_deposit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}/{self.section}"


class TenderChange(models.Model):
    """A clarification or an amendment of the tender documents (澄清、修改), in the order issued."""

    tender = models.ForeignKey(Tender, verbose_name=_("招标"), on_delete=models.CASCADE, related_name="changes")
    sequence = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=16, choices=ChangeKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    affects_bids = models.BooleanField(_("影响投标文件编制"), default=False)
    issued_at = models.DateTimeField(_("发出时间"))
    previous_bid_deadline = models.DateTimeField(_("原投标截止时间"))
    new_bid_deadline = models.DateTimeField(_("顺延后的投标截止时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发出人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("澄清修改")
        verbose_name_plural = _("澄清修改")
        ordering = ["tender", "sequence"]
        constraints = [models.UniqueConstraint(fields=["tender", "sequence"], name="tender_change_sequence")]

    def __str__(self) -> str:
        return f"{self.tender_id}#{self.sequence} {self.title}"


class Objection(Stateful):
    """An objection to the tender documents (对招标文件的异议), answered by the tendering side."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=ObjectionStatus.choices)
    tender = models.ForeignKey(Tender, verbose_name=_("招标"), on_delete=models.CASCADE, related_name="objections")
    objector_enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("异议人(企业)"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")
    objector_name = models.CharField(_("异议人"), max_length=128)
    content = models.TextField(_("异议内容"))
    submitted_at = models.DateTimeField(_("提出时间"))
    answer_due_on = models.DateField(_("答复期限"))
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_late = models.BooleanField(_("逾期答复"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("招标文件异议")
        verbose_name_plural = _("招标文件异议")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.objector_name}:{self.content[:20]}"


# --- bidders and deposits ---------------------------------------------------------------------------

class BidderRegistration(models.Model):
    """A bidder's registration for one section of one tender (投标报名, obtaining the documents)."""

    tender_section = models.ForeignKey(TenderSection, verbose_name=_("招标标段"), on_delete=models.PROTECT,
                                       related_name="registrations")
    enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("投标人"), on_delete=models.PROTECT,
                                   related_name="bidder_registrations")
    registered_at = models.DateTimeField(_("报名时间"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("投标报名")
        verbose_name_plural = _("投标报名")
        ordering = ["tender_section", "registered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tender_section", "enterprise"], name="registration_once_per_section"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.tender_section}"


class DepositRefundBatch(models.Model):
    """One clean-up of old unrefunded deposits, recorded as one batch with one audit event."""

    refunded_on = models.DateField(_("退还日期"))
    reference = models.CharField(_("核查或凭证编号"), max_length=64)
    reason = models.TextField(_("说明"))
    older_than_years = models.PositiveSmallIntegerField(_("截标早于(年)"))
    deposit_count = models.PositiveIntegerField(_("笔数"))
    total = money(_("合计(元)"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("历史保证金清退批次")
        verbose_name_plural = _("历史保证金清退批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.deposit_count} 笔, {self.total} 元)"


class Deposit(models.Model):
    """The bid deposit (投标保证金) of one registration: a transfer from the bidder's basic account,
    or an electronic guarantee (电子保函).

    A deposit has no status column: whether it is held, due, overdue or refunded is derived from its
    facts (``refund_due_on``, ``refunded_on``), so the clean-up can record many refunds as one batch.
    """

    registration = models.OneToOneField(BidderRegistration, verbose_name=_("投标报名"), on_delete=models.PROTECT,
                                        related_name="deposit")
    form = models.CharField(_("形式"), max_length=16, choices=DepositForm.choices)
    amount = money(_("金额(元)"))
    received_at = models.DateTimeField(_("到账(提交)时间"))
    # a transfer: the paying account is evidence for supervision (deposits paid from one account, §40)
    payer_account_name = models.CharField(_("付款户名"), max_length=128, blank=True)
    payer_account_number = models.CharField(_("付款账号"), max_length=40, blank=True, db_index=True)
    payer_bank = models.CharField(_("开户银行"), max_length=128, blank=True)
    payer_matches_bidder = models.BooleanField(_("付款户名与投标人一致"), default=False, editable=False)
    # an electronic guarantee
    guarantee_issuer = models.CharField(_("保函开立机构"), max_length=128, blank=True)
    guarantee_number = models.CharField(_("保函编号"), max_length=64, blank=True)
    guarantee_valid_from = models.DateField(_("保函生效日"), null=True, blank=True)
    guarantee_valid_until = models.DateField(_("保函失效日"), null=True, blank=True)
    # the refund
    refund_due_on = models.DateField(_("应退还日期"), null=True, blank=True, db_index=True)
    refunded_on = models.DateField(_("退还日期"), null=True, blank=True)
    refund_amount = money(_("退还本金(元)"), null=True, blank=True)
    refund_interest = money(_("退还利息(元)"), null=True, blank=True)
    refund_reference = models.CharField(_("退还凭证号"), max_length=64, blank=True)
    refund_batch = models.ForeignKey(DepositRefundBatch, verbose_name=_("清退批次"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="deposits")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投标保证金")
        verbose_name_plural = _("投标保证金")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="deposit_amount_positive"),
            models.CheckConstraint(
                condition=(models.Q(form="transfer") & ~models.Q(payer_account_number="") & ~models.Q(payer_bank=""))
                | (models.Q(form="guarantee") & ~models.Q(guarantee_issuer="") & ~models.Q(guarantee_number="")
                   & models.Q(guarantee_valid_from__isnull=False, guarantee_valid_until__isnull=False)),
                name="deposit_form_has_its_evidence",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_on__isnull=True) | models.Q(form="transfer", refund_amount__isnull=False),
                name="deposit_refund_is_a_transfer_with_an_amount",
            ),
            models.UniqueConstraint(fields=["guarantee_issuer", "guarantee_number"],
                                    condition=models.Q(form="guarantee"), name="deposit_guarantee_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.amount}"

    def refund_state(self, today: dt.date | None = None) -> str:
        if self.form == DepositForm.GUARANTEE:
            return RefundState.GUARANTEE
        if self.refunded_on is not None:
            return RefundState.REFUNDED
        if self.refund_due_on is None:
            return RefundState.HELD
        today = today or timezone.localdate()
        return RefundState.OVERDUE if today > self.refund_due_on else RefundState.DUE

    @property
    def refunded_late(self) -> bool:
        return bool(self.refunded_on and self.refund_due_on and self.refunded_on > self.refund_due_on)


# --- sealed bids and the opening (part 2) -------------------------------------------------------------

class CustodianKey(models.Model):
    """An opening custodian's key pair for one tender (开标密钥托管人).

    Bids hold their k-of-n key shares sealed to the public key; the private key is stored only
    sealed under a key derived from the custodian's passphrase, so the server cannot open a share
    without the custodian.
    """

    tender = models.ForeignKey(Tender, verbose_name=_("招标"), on_delete=models.CASCADE, related_name="custodians")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("托管人"), on_delete=models.PROTECT,
                             related_name="+")
    position = models.PositiveSmallIntegerField(_("序号"))
    public_key = models.BinaryField(_("公钥"))
    private_key_sealed = models.BinaryField(_("加密的私钥"))
    salt = models.BinaryField(_("口令盐"))
    kdf = models.CharField(_("口令派生参数"), max_length=40)
    enrolled_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("开标密钥托管人")
        verbose_name_plural = _("开标密钥托管人")
        ordering = ["tender", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "user"], name="custodian_once_per_tender"),
            models.UniqueConstraint(fields=["tender", "position"], name="custodian_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}#{self.position} {self.user_id}"


class Bid(Stateful, Timestamped):
    """A sealed bid (投标文件): SM4-GCM ciphertext whose key is wrapped for the bidder or split among custodians.

    Nothing of the bid is stored in clear before the opening; the price, duration and quality
    commitment are written when the opening decrypts the bid.
    """

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=BidStatus.choices)
    uid = models.UUIDField(_("投标文件标识"), unique=True, editable=False)
    registration = models.ForeignKey(BidderRegistration, verbose_name=_("投标报名"), on_delete=models.PROTECT,
                                     related_name="bids")
    sequence = models.PositiveSmallIntegerField(_("版本"), default=1)
    replaces = models.OneToOneField("self", verbose_name=_("替换的投标文件"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaced_by")
    sealing_mode = models.CharField(_("密钥保管方式"), max_length=16, choices=SealingMode.choices)
    ciphertext = models.BinaryField(_("密文"))
    size = models.PositiveIntegerField(_("密文字节数"))
    digest = models.CharField(_("SM3摘要"), max_length=64)
    received_at = models.DateTimeField(_("接收时间"))
    # bidder mode: the data key sealed under a key derived from the bidder's opening passphrase
    key_salt = models.BinaryField(_("口令盐"), null=True, blank=True)
    key_wrapped = models.BinaryField(_("加密的数据密钥"), null=True, blank=True)
    kdf = models.CharField(_("口令派生参数"), max_length=40, blank=True)
    # written by the opening
    opened_at = models.DateTimeField(_("解密时间"), null=True, blank=True)
    opened_key = models.BinaryField(_("开标后留存的数据密钥(平台密钥加密)"), null=True, blank=True)
    price = money(_("投标报价(元)"), null=True, blank=True)
    duration_days = models.PositiveIntegerField(_("工期(天)"), null=True, blank=True)
    quality = models.CharField(_("质量承诺"), max_length=200, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    failure = models.CharField(_("解密失败原因"), max_length=200, blank=True)
    # evidence for the collusion rules (实施条例 §40): the bid client's file metadata and the upload, recorded at
    # receipt (they reveal nothing of the offer); the people named in the bid and the text fingerprint, at opening
    machine_code = models.CharField(_("制作机器码"), max_length=64, blank=True, db_index=True)
    file_creator_id = models.CharField(_("文件创建者标识"), max_length=64, blank=True, db_index=True)
    pricing_key = models.CharField(_("计价软件加密锁号"), max_length=64, blank=True, db_index=True)
    upload_ip = models.GenericIPAddressField(_("上传IP"), null=True, blank=True, db_index=True)
    project_manager_name = models.CharField(_("项目负责人"), max_length=32, blank=True)
    project_manager_certificate = models.CharField(_("项目负责人注册证书号"), max_length=40, blank=True,
                                                   db_index=True)
    agent_name = models.CharField(_("委托代理人"), max_length=32, blank=True)
    agent_id_number = EncryptedCharField(_("委托代理人身份证号"), blank=True)
    agent_id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    text_signature = models.JSONField(_("文本指纹(MinHash)"), null=True, blank=True,
                                      help_text=_("开标解密后由投标文件正文计算,用于比对雷同"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("递交人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("投标文件")
        verbose_name_plural = _("投标文件")
        ordering = ["registration", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "sequence"], name="bid_sequence_unique"),
            models.UniqueConstraint(fields=["registration"], condition=models.Q(status="sealed"),
                                    name="bid_one_sealed_per_registration"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} v{self.sequence}"


class BidKeyShare(models.Model):
    """One custodian's share of a bid's data key, sealed to the custodian's public key (X25519 + SM4-GCM)."""

    bid = models.ForeignKey(Bid, verbose_name=_("投标文件"), on_delete=models.CASCADE, related_name="shares")
    custodian = models.ForeignKey(CustodianKey, verbose_name=_("托管人"), on_delete=models.PROTECT,
                                  related_name="shares")
    index = models.PositiveSmallIntegerField(_("份额序号"))
    ephemeral_public_key = models.BinaryField(_("临时公钥"))
    sealed_share = models.BinaryField(_("加密的密钥份额"))

    class Meta:
        verbose_name = _("密钥份额")
        verbose_name_plural = _("密钥份额")
        ordering = ["bid", "index"]
        constraints = [models.UniqueConstraint(fields=["bid", "custodian"], name="share_once_per_custodian")]


class OpeningRecord(models.Model):
    """The opening record (开标记录) of one section of a tender, published when written."""

    tender = models.ForeignKey(Tender, verbose_name=_("招标"), on_delete=models.PROTECT,
                               related_name="opening_records")
    section = models.ForeignKey(Section, verbose_name=_("标段"), on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("结果"), max_length=16, choices=OpeningOutcome.choices)
    bid_count = models.PositiveSmallIntegerField(_("递交的投标文件数"))
    min_bids = models.PositiveSmallIntegerField(_("开标最少投标人数"))
    opened_at = models.DateTimeField(_("开标时间"))
    published_at = models.DateTimeField(_("公布时间"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("主持人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("开标记录")
        verbose_name_plural = _("开标记录")
        ordering = ["tender", "section__number"]
        constraints = [models.UniqueConstraint(fields=["tender", "section"], name="opening_once_per_section")]

    def __str__(self) -> str:
        return f"{self.tender_id}/{self.section_id} {self.outcome}"


class OpeningRow(models.Model):
    """One bidder's line of an opening record."""

    record = models.ForeignKey(OpeningRecord, verbose_name=_("开标记录"), on_delete=models.CASCADE,
                               related_name="rows")
    bid = models.OneToOneField(Bid, verbose_name=_("投标文件"), on_delete=models.PROTECT, related_name="opening_row")
    bidder_name = models.CharField(_("投标人"), max_length=128)
    bidder_credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    status = models.CharField(_("解密结果"), max_length=32, choices=BidStatus.choices)
    price = money(_("投标报价(元)"), null=True, blank=True)
    duration_days = models.PositiveIntegerField(_("工期(天)"), null=True, blank=True)
    quality = models.CharField(_("质量承诺"), max_length=200, blank=True)
    deposit_form = models.CharField(_("保证金形式"), max_length=16, blank=True)
    deposit_amount = money(_("保证金(元)"), null=True, blank=True)
    guarantee_number = models.CharField(_("保函编号"), max_length=64, blank=True)
    digest = models.CharField(_("SM3摘要"), max_length=64)

    class Meta:
        verbose_name = _("开标记录行")
        verbose_name_plural = _("开标记录行")
        ordering = ["record", "id"]


# --- experts and the draw (part 3) ------------------------------------------------------------------

from zhengwu.trading.models_experts import (  # noqa: E402,F401  (registered with the app here)
    Expert,
    ExpertDraw,
    ExpertDrawExclusion,
    ExpertDrawMember,
    ExpertDrawRound,
    Specialty,
)


# --- evaluation, publicity and award (part 4) --------------------------------------------------------

from zhengwu.trading.models_evaluation import (  # noqa: E402,F401  (registered with the app here)
    Award,
    CandidateObjection,
    CandidatePublicity,
    EvaluatedBid,
    Evaluation,
    ScoreSheet,
)


# --- separated award, remote evaluation, service fee (part 5) ------------------------------------------

from zhengwu.trading.models_award import AwardDecision  # noqa: E402,F401  (registered with the app here)
from zhengwu.trading.models_fees import AwardFee, ServiceFeeSchedule  # noqa: E402,F401
from zhengwu.trading.models_sessions import (  # noqa: E402,F401
    RemoteSession,
    RemoteSessionEvent,
    RemoteSessionMember,
    RemoteSessionVenue,
)
