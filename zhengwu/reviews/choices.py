"""Choices of the reviews domain (DOMAIN.md §4), with labels and colours defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class ReviewChannel(models.TextChoices):
    ON_SITE = "on_site", _("一次一评")
    ONLINE = "online", _("一事一评")
    PUBLIC = "public", _("综合点评")
    GOVERNMENT = "government", _("监督查评")


#: the channels an applicant may rate through (the government check is the center's own)
APPLICANT_CHANNELS = (ReviewChannel.ON_SITE, ReviewChannel.ONLINE, ReviewChannel.PUBLIC)


class ReviewLevel(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


MIN_LEVEL, MAX_LEVEL = 1, 5
#: levels 1 and 2 are bad reviews (差评); 4 and 5 count as good reviews (好评)
BAD_LEVEL_MAX = 2
GOOD_LEVEL_MIN = 4

REVIEW_LEVEL_TONES = {
    ReviewLevel.VERY_SATISFIED: Tone.GREEN,
    ReviewLevel.SATISFIED: Tone.GREEN,
    ReviewLevel.BASICALLY_SATISFIED: Tone.BLUE,
    ReviewLevel.DISSATISFIED: Tone.YELLOW,
    ReviewLevel.VERY_DISSATISFIED: Tone.RED,
}


class HandlingStatus(models.TextChoices):
    REGISTERED = "registered", _("待回访")
    VISITED = "visited", _("已回访核实")
    RECTIFIED = "rectified", _("已整改")
    CLOSED = "closed", _("已反馈办结")
    APPEALING = "appealing", _("申诉中")
    APPEAL_UPHELD = "appeal_upheld", _("申诉成立")


OPEN_HANDLING_STATUSES = (HandlingStatus.REGISTERED, HandlingStatus.VISITED, HandlingStatus.RECTIFIED,
                          HandlingStatus.APPEALING)

HANDLING_STATUS_TONES = {
    HandlingStatus.REGISTERED: Tone.YELLOW,
    HandlingStatus.VISITED: Tone.BLUE,
    HandlingStatus.RECTIFIED: Tone.BLUE,
    HandlingStatus.CLOSED: Tone.GREEN,
    HandlingStatus.APPEALING: Tone.YELLOW,
    HandlingStatus.APPEAL_UPHELD: Tone.GREY,
}
