"""The models of the generated work report: the editable sentence templates and the generation jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful
from zhengwu.reports.choices import SECTION_CHOICES, ReportStatus


class SentenceTemplate(models.Model):
    """One paragraph of the report, with ``{figure.key}`` / ``{figure.key|format}`` / ``{period}`` placeholders.

    ``area == "opening"`` is the opening paragraph; the others are written under their ``heading`` in
    ``order`` (consecutive templates with the same heading form one numbered section, "(一)…"; within a
    section each paragraph gets "一是/二是…"). Only the services write it (validated and audited)."""

    area = models.CharField(_("位置"), max_length=32, choices=SECTION_CHOICES, db_index=True)
    order = models.PositiveIntegerField(_("顺序"), default=100)
    heading = models.CharField(_("小节标题"), max_length=200, blank=True)
    text = models.TextField(_("句子模板"))
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("报告句子模板")
        verbose_name_plural = _("报告句子模板")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.get_area_display()} #{self.order}"


class GeneratedReport(Stateful):
    """One generation of the work report for a period: queued → running → done (or failed), with its files."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=ReportStatus.choices)
    start = models.DateField(_("起始日"))
    end = models.DateField(_("截止日"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    message = models.TextField(_("失败原因"), blank=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    #: paths relative to ``settings.VAR_DIR / "reports"``
    docx_file = models.CharField(_("Word 文件"), max_length=300, blank=True)
    html_file = models.CharField(_("网页文件"), max_length=300, blank=True)
    #: the headline figures as written in the report (key → text), for the list of past reports
    headline = models.JSONField(_("主要指标"), default=dict, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作报告")
        verbose_name_plural = _("工作报告")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="reports_report_end_after_start"),
            models.CheckConstraint(condition=models.Q(status__in=ReportStatus.values), name="reports_report_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"
