"""Statuses and choices of the cases domain, with labels and colours defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import DeadlineState, Tone  # noqa: F401  (DeadlineState is re-exported for the domain)


class ItemType(models.TextChoices):
    LICENSE = "license", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    BENEFIT = "benefit", _("行政给付")
    RULING = "ruling", _("行政裁决")
    LEVY = "levy", _("行政征收")
    REWARD = "reward", _("行政奖励")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class Level(models.TextChoices):
    DISTRICT = "district", _("区级")
    TOWNSHIP = "township", _("乡镇(街道)级")
    VILLAGE = "village", _("村(社区)级")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人")


class Channel(models.TextChoices):
    ONLINE_PC = "pc", _("网办(PC端)")
    MOBILE = "mobile", _("掌办(移动端)")
    WINDOW = "window", _("窗口")
    AGENT = "agent", _("村级代办")
    SELF_SERVICE = "self_service", _("自助终端")


ONLINE_CHANNELS = (Channel.ONLINE_PC, Channel.MOBILE)


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("已收件")
    SUPPLEMENT = "supplement", _("补正中")
    ACCEPTED = "accepted", _("已受理")
    PROCESSING = "processing", _("办理中")
    SUSPENDED = "suspended", _("已中止")
    COMPLETED = "completed", _("已办结")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT, CaseStatus.ACCEPTED, CaseStatus.PROCESSING,
                 CaseStatus.SUSPENDED)
CLOSED_STATUSES = (CaseStatus.COMPLETED, CaseStatus.NOT_ACCEPTED, CaseStatus.WITHDRAWN)

CASE_STATUS_TONES = {
    CaseStatus.RECEIVED: Tone.BLUE,
    CaseStatus.SUPPLEMENT: Tone.YELLOW,
    CaseStatus.ACCEPTED: Tone.BLUE,
    CaseStatus.PROCESSING: Tone.BLUE,
    CaseStatus.SUSPENDED: Tone.GREY,
    CaseStatus.COMPLETED: Tone.GREEN,
    CaseStatus.NOT_ACCEPTED: Tone.RED,
    CaseStatus.WITHDRAWN: Tone.GREY,
}


class Result(models.TextChoices):
    APPROVED = "approved", _("准予")
    DENIED = "denied", _("不予")


class Outcome(models.TextChoices):
    """How a completed case finished against its deadline (derived, never typed in)."""

    INSTANT = "instant", _("即办")
    EARLY = "early", _("提前办结")
    ON_TIME = "on_time", _("按时办结")
    OVERDUE = "overdue", _("超期办结")
