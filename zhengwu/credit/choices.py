"""Choices of the credit domain: penalty states and bases, behaviour record kinds, scopes and states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class PenaltyStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认(评价较差自动提出)")
    EFFECTIVE = "effective", _("已扣分")
    REJECTED = "rejected", _("不予扣分")
    REVOKED = "revoked", _("已撤销")


PENALTY_STATUS_TONES = {PenaltyStatus.PROPOSED: Tone.YELLOW, PenaltyStatus.EFFECTIVE: Tone.RED,
                        PenaltyStatus.REJECTED: Tone.GREY, PenaltyStatus.REVOKED: Tone.GREY}


class PenaltyBasis(models.TextChoices):
    """What the expert did (考核扣分事由)."""

    LATE = "late", _("迟到或早退")
    ABSENT = "absent", _("无故缺席评标")
    NOT_BY_METHOD = "not_by_method", _("未按评标办法评审")
    LEAKED = "leaked", _("泄露评审信息")
    UNDECLARED_CONFLICT = "undeclared_conflict", _("应回避未回避")
    MISCONDUCT = "misconduct", _("其他违反评标纪律的行为")
    LOW_RATING = "low_rating", _("招标人评价较差(一标一评)")


class RecordKind(models.TextChoices):
    """Kinds of market-entity behaviour records (市场主体行为记录)."""

    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("行政处罚")
    BAN = "ban", _("禁止参与")
    BAD_CREDIT = "bad_credit", _("不良信用")
    GOOD_CREDIT = "good_credit", _("良好信用")


RECORD_KIND_TONES = {RecordKind.ADMINISTRATIVE_PENALTY: Tone.RED, RecordKind.BAN: Tone.RED,
                     RecordKind.BAD_CREDIT: Tone.YELLOW, RecordKind.GOOD_CREDIT: Tone.GREEN}


class BanScope(models.TextChoices):
    """What a ban forbids."""

    BIDDING = "bidding", _("投标")
    EXPERT = "expert", _("评标")
    AGENCY = "agency", _("招标代理")
    ALL = "all", _("全部")


class RecordStatus(models.TextChoices):
    EFFECTIVE = "effective", _("有效")
    REVOKED = "revoked", _("已撤销")
