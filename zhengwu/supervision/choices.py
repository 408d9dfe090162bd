"""Statuses and kinds of supervision, with their labels and tones."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class FlagFamily(models.TextChoices):
    INTERNATIONAL = "international", _("国际红旗指标")
    COLLUSION = "collusion", _("串通投标迹象")
    SMALL_PROJECT = "small_project", _("限额以下工程预警")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")
    CLUE = "clue", _("已转线索")


FLAG_STATUS_TONES = {FlagStatus.OPEN: Tone.YELLOW, FlagStatus.CONFIRMED: Tone.RED,
                     FlagStatus.DISMISSED: Tone.GREY, FlagStatus.CLUE: Tone.BLUE}


class CaseStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    CLOSED = "closed", _("已办结")


CASE_STATUS_TONES = {CaseStatus.OPEN: Tone.YELLOW, CaseStatus.CLOSED: Tone.GREEN}
