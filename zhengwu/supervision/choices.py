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


class ClueSource(models.TextChoices):
    COMPLAINT = "complaint", _("投诉举报")
    INSPECTION = "inspection", _("排查")
    RED_FLAG = "red_flag", _("预警")
    DEPARTMENT = "department", _("部门移送")


class ClueStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    INVESTIGATED = "investigated", _("已调查")
    CONCLUDED = "concluded", _("已认定属实")
    RECTIFICATION = "rectification", _("整改中")
    VERIFIED = "verified", _("已验收")
    CLOSED = "closed", _("不属实办结")


#: the stages that still wait for someone (each has a deadline)
CLUE_ACTIVE = (ClueStatus.REGISTERED, ClueStatus.INVESTIGATED, ClueStatus.CONCLUDED, ClueStatus.RECTIFICATION)

CLUE_STATUS_TONES = {ClueStatus.REGISTERED: Tone.YELLOW, ClueStatus.INVESTIGATED: Tone.BLUE,
                     ClueStatus.CONCLUDED: Tone.RED, ClueStatus.RECTIFICATION: Tone.BLUE,
                     ClueStatus.VERIFIED: Tone.GREEN, ClueStatus.CLOSED: Tone.GREY}


class ClueConclusion(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("属实")
    NOT_SUBSTANTIATED = "not_substantiated", _("不属实")


class InspectionResult(models.TextChoices):
    NO_PROBLEM = "no_problem", _("未发现问题")
    PROBLEMS_FOUND = "problems_found", _("发现问题")


INSPECTION_RESULT_TONES = {InspectionResult.NO_PROBLEM: Tone.GREEN, InspectionResult.PROBLEMS_FOUND: Tone.RED}
