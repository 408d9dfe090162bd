"""Service items (事项) and cases (办件)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.choices import ApplicantKind, CaseStatus, Channel, ItemType, Level, Outcome, Result
from zhengwu.core.identifiers import mask_credit_code, mask_id_card, mask_name
from zhengwu.core.models_base import Stateful


class ServiceItem(models.Model):
    """A government service item of the catalog, with its time limits in working days."""

    code = models.CharField(_("事项编码"), max_length=64, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    department = models.ForeignKey("org.Department", verbose_name=_("实施部门"), on_delete=models.PROTECT,
                                   related_name="service_items")
    item_type = models.CharField(_("事项类型"), max_length=20, choices=ItemType.choices)
    statutory_limit = models.PositiveSmallIntegerField(_("法定时限(工作日)"))
    promised_limit = models.PositiveSmallIntegerField(_("承诺时限(工作日)"), help_text=_("0 表示即办件"))
    acceptance_limit = models.PositiveSmallIntegerField(_("受理时限(工作日)"), default=5)
    level_district = models.BooleanField(_("区级可办"), default=True)
    level_township = models.BooleanField(_("乡镇(街道)可办"), default=False)
    level_village = models.BooleanField(_("村(社区)可办"), default=False)
    online_capable = models.BooleanField(_("可网办"), default=True)
    village_assisted = models.BooleanField(_("村级帮办代办目录"), default=False)
    enterprise_related = models.BooleanField(_("涉企事项"), default=False)
    applicant_kinds = models.CharField(_("服务对象"), max_length=16, default="both",
                                       choices=[("person", _("自然人")), ("enterprise", _("法人")),
                                                ("both", _("自然人和法人"))])
    materials = models.JSONField(_("申请材料"), default=list, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(promised_limit__lte=models.F("statutory_limit")),
                                   name="item_promised_within_statutory"),
        ]

    def __str__(self) -> str:
        return f"{self.name}"

    @property
    def is_instant(self) -> bool:
        return self.promised_limit == 0

    @property
    def levels(self) -> list[str]:
        return [level for level, ok in ((Level.DISTRICT, self.level_district), (Level.TOWNSHIP, self.level_township),
                                        (Level.VILLAGE, self.level_village)) if ok]


class Case(Stateful):
    """A case from receipt to completion. Deadlines and outcome are derived by
    ``cases.deadlines`` from the calendar and the case's events, never typed in."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=CaseStatus.choices)
    number = models.CharField(_("办件编号"), max_length=40, unique=True)
    tracking_digest = models.CharField(max_length=64, blank=True, editable=False)
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="cases")
    township = models.ForeignKey("org.Region", verbose_name=_("乡镇(街道)"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("org.Region", verbose_name=_("村(社区)"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("办理层级"), max_length=16, choices=Level.choices, default=Level.DISTRICT)
    channel = models.CharField(_("收件渠道"), max_length=16, choices=Channel.choices, db_index=True)
    applicant_kind = models.CharField(_("申请人类型"), max_length=16, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("申请人"), max_length=128)
    applicant_person = models.ForeignKey("org.Person", verbose_name=_("申请人(自然人)"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="cases")
    applicant_enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("申请人(法人)"), null=True,
                                             blank=True, on_delete=models.PROTECT, related_name="cases")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代办员"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="agent_cases")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("收件人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    # -- the events the deadlines are derived from --------------------------------
    received_at = models.DateTimeField(_("收件时间"), db_index=True)
    acceptance_clock_on = models.DateField(_("受理计时起算日"))
    supplement_requested_at = models.DateTimeField(_("补正告知时间"), null=True, blank=True)
    supplement_items = models.JSONField(_("补正材料清单"), default=list, blank=True)
    supplement_received_at = models.DateTimeField(_("补正材料收到时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("受理决定时间"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True, db_index=True,
                                   help_text=_("视为受理时为收件日"))
    acceptance_deemed = models.BooleanField(_("视为受理"), default=False)
    suspended_since = models.DateTimeField(_("中止开始时间"), null=True, blank=True)
    suspended_working_days = models.PositiveIntegerField(_("中止工作日数"), default=0)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    result = models.CharField(_("办结结果"), max_length=16, choices=Result.choices, blank=True)
    decision_reason = models.TextField(_("理由"), blank=True)
    # -- derived from the above by cases.deadlines (stored so lists can filter) -----
    acceptance_deadline = models.DateTimeField(_("受理期限"), null=True, blank=True)
    acceptance_overdue = models.BooleanField(_("超期受理"), default=False)
    completion_deadline = models.DateTimeField(_("办结期限"), null=True, blank=True, db_index=True)
    warning_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    outcome = models.CharField(_("办结时效"), max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status", "completion_deadline"], name="case_dept_open_idx"),
            models.Index(fields=["department", "received_at"], name="case_dept_received_idx"),
            models.Index(fields=["township", "received_at"], name="case_township_received_idx"),
            models.Index(fields=["status", "acceptance_deadline"], name="case_acceptance_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(applicant_kind="person", applicant_enterprise__isnull=True)
                           | models.Q(applicant_kind="enterprise", applicant_person__isnull=True)),
                name="case_one_applicant_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def applicant_name_masked(self) -> str:
        return mask_name(self.applicant_name) if self.applicant_kind == ApplicantKind.PERSON else self.applicant_name

    @property
    def applicant_identifier_masked(self) -> str:
        if self.applicant_kind == ApplicantKind.PERSON and self.applicant_person_id:
            return mask_id_card(self.applicant_person.id_number or "")
        if self.applicant_enterprise_id:
            return mask_credit_code(self.applicant_enterprise.credit_code)
        return ""

    @property
    def is_open(self) -> bool:
        return self.status in {CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT, CaseStatus.ACCEPTED,
                               CaseStatus.PROCESSING, CaseStatus.SUSPENDED}


class CaseSuspension(models.Model):
    """One suspension (中止) of a case: the clock stops from ``started_at`` to ``ended_at``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    started_at = models.DateTimeField(_("中止时间"))
    ended_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    reason = models.CharField(_("中止原因"), max_length=255)
    working_days = models.PositiveIntegerField(_("中止工作日数"), default=0)

    class Meta:
        verbose_name = _("中止记录")
        verbose_name_plural = _("中止记录")
        ordering = ["started_at"]
