"""Choices of the leadership dashboard: the period presets and how a plan target compares, defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Preset(models.TextChoices):
    """The period switch's presets; each is anchored on a day (today, or the end of a chosen past year)."""

    YEAR_TO_DATE = "ytd", _("本年至今")
    JAN_NOV = "jan_nov", _("本年1-11月")
    MONTH = "month", _("本月")
    LAST_YEAR = "last_year", _("上年")
    CUSTOM = "custom", _("自定义")


class Comparison(models.TextChoices):
    """A plan target is met when the figure is at least (≥) or at most (≤) the target value."""

    AT_LEAST = "ge", _("不低于(≥)")
    AT_MOST = "le", _("不高于(≤)")


COMPARISON_SIGNS = {Comparison.AT_LEAST: "≥", Comparison.AT_MOST: "≤"}
