"""Third-party information retrieval (第三方信息调取协同办理, DOMAIN.md §12).

* :class:`Scenario` and :class:`InfoType`: the catalog of retrievable information, each type owned by a department
  (internal relay, 内跑) or answered by an external system through an adapter (``retrieval.external``).
* :class:`Requester`: an organization registered by credit code that may ask; only its enterprise users ask.
* :class:`RetrievalRequest`: named types about a subject (a person or an enterprise) for a stated purpose in a
  scenario. Nothing moves before the subject's :class:`Consent`.
* :class:`Consent`: purpose, recipient, scope and validity the subject agrees to through a one-time link (only a
  keyed hash of its code is stored) or from their own account; refusal and withdrawal stop everything.
* :class:`RequestItem`: one per type, routed to its owner department once consent is granted; the answer is
  encrypted, numbered and sealed by an SM3 digest the requester can verify; it expires.

Statuses move only through ``workflow.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.fields import EncryptedCharField
from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.retrieval.choices import (
    AnswerFormat,
    ConsentChannel,
    ConsentStatus,
    ItemStatus,
    RequesterKind,
    RequesterStatus,
    RequestStatus,
    Source,
    SubjectKind,
)


class Scenario(models.Model):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("应用场景"), max_length=64, unique=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("应用场景")
        verbose_name_plural = _("应用场景")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class InfoType(Timestamped):
    """A type of retrievable information (可调取信息事项)."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("信息名称"), max_length=64, unique=True)
    subject_kind = models.CharField(_("主体类型"), max_length=16, choices=SubjectKind.choices)
    department = models.ForeignKey("org.Department", verbose_name=_("数源部门"), on_delete=models.PROTECT,
                                   related_name="retrieval_types")
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.INTERNAL)
    adapter = models.CharField(_("外部系统适配器"), max_length=32, blank=True)
    answer_format = models.CharField(_("答复形式"), max_length=16, choices=AnswerFormat.choices)
    requester_kinds = models.JSONField(_("允许的申请单位类型"), default=list)
    scenarios = models.ManyToManyField(Scenario, verbose_name=_("适用场景"), related_name="info_types")
    answer_days = models.PositiveSmallIntegerField(_("答复时限(工作日)"), default=3)
    validity_days = models.PositiveSmallIntegerField(_("答复有效期(天)"), default=90)
    description = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("可调取信息")
        verbose_name_plural = _("可调取信息目录")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def requester_kind_labels(self) -> list[str]:
        return [str(RequesterKind(k).label) for k in self.requester_kinds if k in RequesterKind.values]


class Requester(Stateful, Timestamped):
    """A registered requesting organization (申请单位)."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=RequesterStatus.choices)
    enterprise = models.OneToOneField("org.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                      related_name="retrieval_requester")
    kind = models.CharField(_("单位类型"), max_length=16, choices=RequesterKind.choices)
    contact = models.CharField(_("联系人"), max_length=32, blank=True)
    status_reason = models.CharField(_("状态原因"), max_length=500, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("申请单位")
        verbose_name_plural = _("申请单位")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.enterprise.name

    @property
    def name(self) -> str:
        return self.enterprise.name

    @property
    def credit_code(self) -> str:
        return self.enterprise.credit_code


class RetrievalRequest(Stateful, Timestamped):
    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=RequestStatus.choices)
    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    requester = models.ForeignKey(Requester, verbose_name=_("申请单位"), on_delete=models.PROTECT,
                                  related_name="requests")
    scenario = models.ForeignKey(Scenario, verbose_name=_("应用场景"), on_delete=models.PROTECT,
                                 related_name="requests")
    purpose = models.CharField(_("调取用途"), max_length=500)
    subject_kind = models.CharField(_("主体类型"), max_length=16, choices=SubjectKind.choices)
    subject_person = models.ForeignKey("org.Person", verbose_name=_("信息主体(自然人)"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="retrieval_requests")
    subject_enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("信息主体(企业)"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="retrieval_about")
    #: keyed index of the subject's ID number or credit code, sealed into every answer's digest
    subject_index = models.CharField(max_length=64, editable=False)
    consent_days = models.PositiveSmallIntegerField(_("授权有效期(天)"), default=30)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("申请时间"), db_index=True)
    consented_at = models.DateTimeField(_("授权时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("交付时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("终止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("信息调取申请")
        verbose_name_plural = _("信息调取申请")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(subject_person__isnull=False, subject_enterprise__isnull=True)
                       | models.Q(subject_person__isnull=True, subject_enterprise__isnull=False)),
            name="retrieval_one_subject")]

    def __str__(self) -> str:
        return self.number

    @property
    def subject(self):  # noqa: ANN201
        return self.subject_person if self.subject_person_id else self.subject_enterprise

    @property
    def subject_name_masked(self) -> str:
        from zhengwu.core.identifiers import mask_name

        return mask_name(self.subject_person.name) if self.subject_person_id else self.subject_enterprise.name

    @property
    def subject_id_masked(self) -> str:
        if self.subject_person_id:
            return self.subject_person.id_number_masked
        return self.subject_enterprise.credit_code_masked


class Consent(Stateful, Timestamped):
    """The subject's separate consent to one request (单独同意, 个人信息保护法 §14, §23)."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=ConsentStatus.choices)
    request = models.OneToOneField(RetrievalRequest, verbose_name=_("调取申请"), on_delete=models.CASCADE,
                                   related_name="consent")
    purpose = models.CharField(_("用途"), max_length=500)
    recipient_name = models.CharField(_("接收方"), max_length=128)
    recipient_credit_code = models.CharField(_("接收方信用代码"), max_length=18)
    scope = models.JSONField(_("授权范围(信息编码)"), default=list)
    valid_days = models.PositiveSmallIntegerField(_("授权有效期(天)"))
    valid_until = models.DateTimeField(_("授权有效期至"), null=True, blank=True)
    phone = EncryptedCharField(_("接收授权短信的手机号"), blank=True)
    #: keyed hash (HMAC-SM3 blind index) of the one-time code; the code itself is never stored
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_expires_at = models.DateTimeField(_("授权码有效期至"))
    code_used_at = models.DateTimeField(_("授权码使用时间"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("身份核验失败次数"), default=0)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    channel = models.CharField(_("授权渠道"), max_length=16, choices=ConsentChannel.choices, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人账号"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("授权同意")
        verbose_name_plural = _("授权同意")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.request.number} {self.get_status_display()}"


class RequestItem(Stateful, Timestamped):
    """One requested type of one request, answered by its owner department or an external system."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=ItemStatus.choices)
    request = models.ForeignKey(RetrievalRequest, verbose_name=_("调取申请"), on_delete=models.CASCADE,
                                related_name="items")
    info_type = models.ForeignKey(InfoType, verbose_name=_("信息"), on_delete=models.PROTECT, related_name="items")
    department = models.ForeignKey("org.Department", verbose_name=_("答复部门"), on_delete=models.PROTECT,
                                   related_name="retrieval_items")
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("答复期限"), null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    found = models.BooleanField(_("查有记录"), null=True, blank=True)
    summary = models.CharField(_("答复结论"), max_length=500, blank=True)
    content = EncryptedCharField(_("答复内容"), blank=True)
    answer_number = models.CharField(_("答复编号"), max_length=40, blank=True, db_index=True)
    digest = models.CharField(_("答复摘要(SM3)"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("答复有效期至"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("外部调用次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True, db_index=True)
    source_reference = models.CharField(_("外部系统流水号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("调取事项")
        verbose_name_plural = _("调取事项")
        ordering = ["request_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "info_type"], name="retrieval_item_once_per_type"),
            models.UniqueConstraint(fields=["answer_number"], condition=~models.Q(answer_number=""),
                                    name="retrieval_answer_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.request.number} {self.info_type.name}"

    @property
    def is_external(self) -> bool:
        return self.info_type.source == Source.EXTERNAL
