"""Red flags and the supervision cases they open.

A :class:`Flag` is one finding of one rule about one subject (a tender section, an enterprise, a small
project ...), with the evidence that made the rule fire. The same finding found again is the same row
(``fingerprint`` is unique), so re-running detection never duplicates. Each flag opens or joins the open
:class:`SupervisionCase` of its subject group (the project, usually), and ends in a recorded decision:
confirmed, dismissed with a reason, or turned into a violation clue. Nothing is dismissed silently.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.supervision.choices import (
    CaseStatus,
    ClueConclusion,
    ClueSource,
    ClueStatus,
    FlagFamily,
    FlagStatus,
    InspectionResult,
)


class SupervisionCase(Stateful, Timestamped):
    """A supervision case (监管案件): the flags and alerts about one subject group, handled together."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=CaseStatus.choices)
    number = models.CharField(_("案件编号"), max_length=32, unique=True)
    group_key = models.CharField(_("归集对象"), max_length=120, db_index=True,
                                 help_text=_("如 trading.project:12;同一对象的预警归入同一个处理中的案件"))
    title = models.CharField(_("标题"), max_length=200)
    project = models.ForeignKey("trading.Project", verbose_name=_("交易项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="supervision_cases")
    opened_at = models.DateTimeField(_("立案时间"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    conclusion = models.TextField(_("办结意见"), blank=True)

    class Meta:
        verbose_name = _("监管案件")
        verbose_name_plural = _("监管案件")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["group_key"], condition=models.Q(status="open"),
                                    name="supervision_case_one_open_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Flag(Stateful, Timestamped):
    """One rule's finding about one subject, with its evidence and, in the end, a decision."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=FlagStatus.choices)
    family = models.CharField(_("类别"), max_length=16, choices=FlagFamily.choices, db_index=True)
    rule = models.CharField(_("规则"), max_length=32, db_index=True,
                            help_text=_("国际指标如 R024;串通规则如 CN_SAME_MACHINE;限额以下如 SP_SPLIT"))
    fingerprint = models.CharField(_("指纹"), max_length=64, unique=True,
                                   help_text=_("规则 + 对象 + 证据要点的 SM3 摘要:重复检测不重复生成"))
    subject_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT,
                                     related_name="+")
    subject_id = models.PositiveBigIntegerField(_("对象"))
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(_("对象名称"), max_length=200)
    title = models.CharField(_("摘要"), max_length=200)
    value = models.FloatField(_("指标值"), null=True, blank=True)
    evidence = models.JSONField(_("证据"), default=dict)
    case = models.ForeignKey(SupervisionCase, verbose_name=_("监管案件"), on_delete=models.PROTECT,
                             related_name="flags")
    project = models.ForeignKey("trading.Project", verbose_name=_("交易项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="flags")
    tender_section = models.ForeignKey("trading.TenderSection", verbose_name=_("招标标段"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="flags")
    enterprises = models.ManyToManyField("org.Enterprise", verbose_name=_("涉及企业"), blank=True,
                                         related_name="flags")
    detected_at = models.DateTimeField(_("发现时间"), db_index=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="flag_subject_idx"),
                   models.Index(fields=["rule", "status"], name="flag_rule_status_idx")]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject_label}"


class InspectionCampaign(Timestamped):
    """An inspection campaign (专项排查): a period, a scope, and the projects checked in it."""

    name = models.CharField(_("排查名称"), max_length=200)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    scope = models.TextField(_("排查范围"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("专项排查")
        verbose_name_plural = _("专项排查")
        ordering = ["-period_start", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                              name="inspection_campaign_period_ordered")]

    def __str__(self) -> str:
        return self.name


class Inspection(Timestamped):
    """One project checked in one campaign, with its result and findings."""

    campaign = models.ForeignKey(InspectionCampaign, verbose_name=_("专项排查"), on_delete=models.PROTECT,
                                 related_name="inspections")
    project = models.ForeignKey("trading.Project", verbose_name=_("交易项目"), on_delete=models.PROTECT,
                                related_name="inspections")
    inspected_on = models.DateField(_("排查日期"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("排查人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    result = models.CharField(_("排查结果"), max_length=16, choices=InspectionResult.choices)
    findings = models.TextField(_("发现的问题"), blank=True)

    class Meta:
        verbose_name = _("项目排查")
        verbose_name_plural = _("项目排查")
        ordering = ["-inspected_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "project"], name="inspection_once_per_campaign")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.project}"


class Clue(Stateful, Timestamped):
    """A violation clue (违法违规线索): registered → investigated → concluded → rectification → verified;
    a clue found not substantiated is closed without rectification."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=ClueStatus.choices)
    number = models.CharField(_("线索编号"), max_length=32, unique=True)
    source = models.CharField(_("来源"), max_length=16, choices=ClueSource.choices, db_index=True)
    source_reference = models.CharField(_("来源依据"), max_length=200, blank=True,
                                        help_text=_("如投诉编号、移送函文号、预警规则"))
    flag = models.OneToOneField(Flag, verbose_name=_("预警"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="clue")
    case = models.ForeignKey(SupervisionCase, verbose_name=_("监管案件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="clues")
    inspection = models.ForeignKey(Inspection, verbose_name=_("项目排查"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="clues")
    project = models.ForeignKey("trading.Project", verbose_name=_("交易项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="clues")
    enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("涉及企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="clues")
    description = models.TextField(_("线索内容"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(_("登记时间"), db_index=True)
    due_at = models.DateTimeField(_("本环节期限"), null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    investigation = models.TextField(_("调查情况"), blank=True)
    investigated_at = models.DateTimeField(_("调查完成时间"), null=True, blank=True)
    conclusion = models.CharField(_("认定结论"), max_length=20, choices=ClueConclusion.choices, blank=True)
    decision = models.TextField(_("处理决定"), blank=True)
    concluded_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    rectification_requirement = models.TextField(_("整改要求"), blank=True)
    rectification_days = models.PositiveSmallIntegerField(_("整改期限(工作日)"), null=True, blank=True)
    rectification_due_at = models.DateTimeField(_("整改期限"), null=True, blank=True)
    verification = models.TextField(_("验收意见"), blank=True)
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("违规线索")
        verbose_name_plural = _("违规线索")
        ordering = ["-registered_at", "-id"]

    def __str__(self) -> str:
        return self.number
