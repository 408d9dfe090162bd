"""Choices of the intermediary supermarket, with labels and tones defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class AgencyStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    REMOVED = "removed", _("已清理")


AGENCY_STATUS_TONES = {AgencyStatus.ACTIVE: Tone.GREEN, AgencyStatus.SUSPENDED: Tone.YELLOW,
                       AgencyStatus.REMOVED: Tone.GREY}


class SelectionMethod(models.TextChoices):
    DIRECT = "direct", _("直接选取")
    RANDOM = "random", _("随机抽取")
    LOWEST_PRICE = "lowest_price", _("最低价")
    SCORING = "scoring", _("综合评分")


class PurchaseStatus(models.TextChoices):
    POSTED = "posted", _("已发布")
    ANSWERING = "answering", _("应答中")
    SELECTED = "selected", _("已成交")
    CONTRACTED = "contracted", _("已签约")
    COMPLETED = "completed", _("已完成")
    RATED = "rated", _("已评价")


PURCHASE_STATUS_TONES = {PurchaseStatus.POSTED: Tone.GREY, PurchaseStatus.ANSWERING: Tone.BLUE,
                         PurchaseStatus.SELECTED: Tone.GREEN, PurchaseStatus.CONTRACTED: Tone.BLUE,
                         PurchaseStatus.COMPLETED: Tone.GREEN, PurchaseStatus.RATED: Tone.GREEN}


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("待决定")
    ACCEPTED = "accepted", _("已采纳(清理)")
    REJECTED = "rejected", _("已驳回")


PROPOSAL_STATUS_TONES = {ProposalStatus.PROPOSED: Tone.YELLOW, ProposalStatus.ACCEPTED: Tone.GREY,
                         ProposalStatus.REJECTED: Tone.GREEN}


class RemovalReason(models.TextChoices):
    QUALIFICATION_EXPIRED = "qualification_expired", _("资质过期")
    LOW_CREDIT = "low_credit", _("信用分低于阈值")
    INACTIVE = "inactive", _("12个月无应答")
