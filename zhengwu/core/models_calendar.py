"""The working-day calendar's two tables.

``CalendarYear``: the State Council's holiday notice for one year has been
entered. For such a year the overrides are the whole truth on top of
Monday–Friday; the ``chinesecalendar`` package is no longer consulted.

``CalendarOverride``: one date whose status differs from (or restates) the
default: a holiday on a weekday, or a make-up working day (调休上班) on a
weekend. Without a ``CalendarYear`` row for its year an override corrects the
package (or the Monday–Friday fallback) for that one date.

The rules live in :mod:`zhengwu.core.calendar`; these are plain rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["CalendarYear", "CalendarOverride"]

MIN_YEAR = 1949
MAX_YEAR = 2200


class CalendarYear(models.Model):
    """A year whose holiday notice was entered: Monday–Friday plus its overrides."""

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    source = models.CharField(
        _("依据"), max_length=500,
        help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}：{self.source}"


class CalendarOverride(models.Model):
    """One date declared a working day or a day off, overriding the default for that date."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(
        _("工作日"), default=False,
        help_text=_("勾选表示当天上班（如周末调休上班）；不勾选表示当天放假（如法定节假日）。"),
    )
    name = models.CharField(_("名称"), max_length=100, blank=True, help_text=_("例如：国庆节、调休上班"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("上班") if self.is_working_day else _("放假")
        return f"{self.date.isoformat()} {kind} {self.name}".rstrip()
