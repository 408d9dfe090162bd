"""Choices of small projects below the limit (限额以下工程), with labels and tones defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class Category(models.TextChoices):
    ROAD = "road", _("道路")
    WATER = "water", _("水利")
    BUILDING = "building", _("房屋建筑")
    LANDSCAPE = "landscape", _("村庄环境整治")
    UTILITY = "utility", _("管网与设施")
    OTHER = "other", _("其他")


class ContractingWay(models.TextChoices):
    DIRECT = "direct", _("直接发包")
    COMPETITIVE = "competitive", _("竞争性比选")
    INQUIRY = "inquiry", _("询价")
    VILLAGER_MEETING = "villager_meeting", _("村民代表会议决定")
    OTHER = "other", _("其他")


class Funding(models.TextChoices):
    TOWNSHIP = "township", _("乡镇财政")
    VILLAGE = "village", _("村集体自筹")
    SUBSIDY = "subsidy", _("上级补助")
    MIXED = "mixed", _("多渠道")


class ProjectStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    CONTRACTED = "contracted", _("已签约")
    IN_PROGRESS = "in_progress", _("实施中")
    ACCEPTED = "accepted", _("已验收")
    SETTLED = "settled", _("已结算")


PROJECT_STATUS_TONES = {ProjectStatus.REGISTERED: Tone.GREY, ProjectStatus.CONTRACTED: Tone.BLUE,
                        ProjectStatus.IN_PROGRESS: Tone.BLUE, ProjectStatus.ACCEPTED: Tone.GREEN,
                        ProjectStatus.SETTLED: Tone.GREEN}


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", _("预付款")
    PROGRESS = "progress", _("进度款")
    FINAL = "final", _("结算款(尾款)")


class AcceptanceResult(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class AlertRule(models.TextChoices):
    SPLIT = "SP_SPLIT", _("化整为零规避招标")
    OVERPAID = "SP_OVERPAID", _("支付超过合同额")
    CHANGE_OVER = "SP_CHANGE_OVER", _("变更超过合同额10%")
    NO_ACCEPTANCE = "SP_NO_ACCEPTANCE", _("未验收即付尾款")
    CONTRACTOR_CONCENTRATION = "SP_CONTRACTOR_CONCENTRATION", _("同一承包人集中承接")


class CheckpointState(models.TextChoices):
    DONE = "done", _("已记录")
    MISSING = "missing", _("缺失")
    NONE = "none", _("无")


CHECKPOINT_TONES = {CheckpointState.DONE: Tone.GREEN, CheckpointState.MISSING: Tone.RED,
                    CheckpointState.NONE: Tone.GREY}
