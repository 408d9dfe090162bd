"""Choices of the work report, with labels and tones defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone
from zhengwu.reports.registry import Area

#: the template kind of the report's opening paragraph (not an area of the registry)
OPENING = "opening"

#: where a sentence template goes: the opening paragraph, or one of the registry's areas
SECTION_CHOICES = [(OPENING, _("开篇段落")), *Area.choices]


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


REPORT_STATUS_TONES = {ReportStatus.QUEUED: Tone.GREY, ReportStatus.RUNNING: Tone.BLUE,
                       ReportStatus.DONE: Tone.GREEN, ReportStatus.FAILED: Tone.RED}


class FileFormat(models.TextChoices):
    DOCX = "docx", _("Word 文档")
    HTML = "html", _("网页版")


class PlaceholderFormat(models.TextChoices):
    """How a ``{key|format}`` placeholder writes its figure (``{key}`` alone is :attr:`SCALED`)."""

    SCALED = "", _("按报告习惯(万件、亿元、%)")
    EXACT = "exact", _("精确值(千分位)")
    CHANGE = "change", _("同比变化(同比增长/下降…)")
    PREVIOUS = "previous", _("上年同期值")
    PREVIOUS_EXACT = "previous_exact", _("上年同期精确值")


#: placeholders that are not figures
PERIOD_WORDS = {"period": _("统计期间,如“2023年1-11月”"), "year": _("年份,如“2023”"),
                "district": _("区名,如“婺城区”")}
