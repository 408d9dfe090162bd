"""Reviews (好差评) and the handling of bad reviews (差评整改), DOMAIN.md §4."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful
from zhengwu.reviews.choices import BAD_LEVEL_MAX, MAX_LEVEL, MIN_LEVEL, HandlingStatus, ReviewChannel, ReviewLevel


class Review(models.Model):
    """One review of a completed case on one channel.

    ``department`` and ``township`` are copied from the case when the review is
    given, so that statistics and scopes need no join. A review whose bad-review
    appeal was upheld is ``excluded`` from every statistic but never deleted.
    """

    case = models.ForeignKey("cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="reviews")
    channel = models.CharField(_("评价渠道"), max_length=16, choices=ReviewChannel.choices)
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=ReviewLevel.choices)
    comment = models.TextField(_("评价内容"), blank=True)
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now, db_index=True)
    is_default = models.BooleanField(_("默认评价"), default=False,
                                     help_text=_("逾期未评价,由系统按配置给出的默认等级"))
    excluded = models.BooleanField(_("不计入统计"), default=False, help_text=_("差评申诉成立:保留记录,不计入统计"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     help_text=_("登录用户提交时填写(工作人员录入或申请人本人);公开页面和默认评价为空"))
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+")
    township = models.ForeignKey("org.Region", verbose_name=_("乡镇(街道)"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "created_at"], name="review_dept_created_idx"),
            models.Index(fields=["township", "created_at"], name="review_township_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "channel"], name="review_one_per_case_channel"),
            models.CheckConstraint(condition=models.Q(level__gte=MIN_LEVEL, level__lte=MAX_LEVEL),
                                   name="review_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}·{self.get_channel_display()}·{self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level <= BAD_LEVEL_MAX


class BadReviewHandling(Stateful):
    """The closed loop of one bad review: return visit, rectification, feedback, or appeal.

    Deadlines are derived from the working-day calendar when the review arrives
    (``reviews.deadlines``); ``rectified_on_time`` is fixed when the
    rectification is recorded. Only the workflow engine changes ``status``.
    """

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=HandlingStatus.choices)
    review = models.OneToOneField(Review, verbose_name=_("差评"), on_delete=models.PROTECT, related_name="handling")
    department = models.ForeignKey("org.Department", verbose_name=_("责任部门"), on_delete=models.PROTECT,
                                   related_name="+")
    township = models.ForeignKey("org.Region", verbose_name=_("乡镇(街道)"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    visit_deadline = models.DateTimeField(_("回访期限"))
    rectify_deadline = models.DateTimeField(_("整改期限"), db_index=True)
    visited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    visit_note = models.TextField(_("回访核实情况"), blank=True)
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    rectify_note = models.TextField(_("整改情况"), blank=True)
    rectified_on_time = models.BooleanField(_("按时整改"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    feedback_note = models.TextField(_("反馈内容"), blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    appeal_reason = models.TextField(_("申诉理由"), blank=True)
    appeal_decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    appeal_upheld = models.BooleanField(_("申诉成立"), null=True, blank=True)
    appeal_decision = models.TextField(_("复核意见"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("差评处置")
        verbose_name_plural = _("差评处置")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "visit_deadline"], name="badreview_visit_due_idx"),
            models.Index(fields=["department", "status"], name="badreview_dept_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}·{self.get_status_display()}"
