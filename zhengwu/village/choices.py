"""Choices of village-level service (办事不出村), with labels and tones defined once, and the standard
checklist of a village service station (村便民服务站标准化建设清单) as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class StationState(models.TextChoices):
    NOT_RENOVATED = "not_renovated", _("未改造")
    RENOVATED = "renovated", _("已改造提升")
    MODEL = "model", _("样板站")


STATION_STATE_TONES = {StationState.NOT_RENOVATED: Tone.GREY, StationState.RENOVATED: Tone.BLUE,
                       StationState.MODEL: Tone.GREEN}


class AgentStatus(models.TextChoices):
    ACTIVE = "active", _("在岗")
    INACTIVE = "inactive", _("离岗")


AGENT_STATUS_TONES = {AgentStatus.ACTIVE: Tone.GREEN, AgentStatus.INACTIVE: Tone.GREY}

#: the standard checklist of a station: (key, label). Per station, the keys done are stored.
CHECKLIST: tuple[tuple[str, object], ...] = (
    ("signage", _("统一标识标牌")),
    ("space", _("服务场所不少于30平方米")),
    ("counter", _("综合服务窗口")),
    ("equipment", _("电脑、打印机、高拍仪等设备")),
    ("network", _("接入政务外网")),
    ("directory", _("公开村级事项指导目录")),
    ("hours", _("公示开放时间和代办员信息")),
    ("records", _("代办登记台账")),
    ("self_service", _("自助服务终端")),
    ("review", _("“好差评”评价器或二维码")),
)
CHECKLIST_KEYS = tuple(key for key, _label in CHECKLIST)

#: age bands of the age-structure figure: (label, lowest age, highest age inclusive)
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("30岁以下", 0, 29), ("30–39岁", 30, 39), ("40–49岁", 40, 49), ("50–59岁", 50, 59), ("60岁及以上", 60, 200),
)
