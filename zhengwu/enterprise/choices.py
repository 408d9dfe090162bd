"""Choices of the enterprise service center, with labels and tones defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class DemandStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    CLASSIFIED = "classified", _("已分类")
    ROUTED = "routed", _("办理中")
    ANSWERED = "answered", _("已答复")
    RATED = "rated", _("已评价")
    CLOSED = "closed", _("已办结")


DEMAND_STATUS_TONES = {DemandStatus.RECEIVED: Tone.YELLOW, DemandStatus.CLASSIFIED: Tone.YELLOW,
                       DemandStatus.ROUTED: Tone.BLUE, DemandStatus.ANSWERED: Tone.BLUE,
                       DemandStatus.RATED: Tone.BLUE, DemandStatus.CLOSED: Tone.GREY}

#: demands still being handled (the deadline runs)
OPEN_STATUSES = (DemandStatus.RECEIVED, DemandStatus.CLASSIFIED, DemandStatus.ROUTED)


class Channel(models.TextChoices):
    HALL = "hall", _("窗口受理")
    HOTLINE = "hotline", _("服务热线")
    ONLINE = "online", _("网上提交")
    LIAISON_VISIT = "liaison_visit", _("驻企员走访")
    TRANSFERRED_12345 = "transferred_12345", _("12345转办")


class DemandClass(models.TextChoices):
    ROUTINE = "routine", _("一般诉求")
    COMPLEX = "complex", _("复杂诉求")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("牵头部门")
    ASSIST = "assist", _("协办部门")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


RATING_TONES = {Rating.SATISFIED: Tone.GREEN, Rating.BASIC: Tone.GREEN, Rating.UNSATISFIED: Tone.RED}


class CloseReason(models.TextChoices):
    RATED = "rated", _("企业评价后办结")
    DEFAULT_SATISFIED = "default_satisfied", _("评价期满默认满意")


class EscalationLevel(models.TextChoices):
    DEPARTMENT_LEADER = "department_leader", _("部门负责人督办")
    CENTER_LEADER = "center_leader", _("中心领导督办")
    DISTRICT_LEADER = "district_leader", _("区领导督办")


ESCALATION_TONES = {EscalationLevel.DEPARTMENT_LEADER: Tone.YELLOW, EscalationLevel.CENTER_LEADER: Tone.RED,
                    EscalationLevel.DISTRICT_LEADER: Tone.RED}
