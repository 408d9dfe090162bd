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
from zhengwu.supervision.choices import CaseStatus, FlagFamily, FlagStatus


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
