"""The models of the leadership dashboard: the plan's tracked targets (年度工作目标).

A :class:`PlanTarget` names a registered figure (``zhengwu.reports.registry``) by its key, a comparison and a
value, for one year; its progress is computed from the figure for 1 January to today (to 31 December for a past
year), never stored. Targets change only through ``services.target_create`` / ``target_update`` (audited).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Timestamped
from zhengwu.leadership.choices import COMPARISON_SIGNS, Comparison


class PlanTarget(Timestamped):
    year = models.PositiveIntegerField(_("年度"))
    name = models.CharField(_("目标名称"), max_length=200)
    figure_key = models.CharField(_("统计指标"), max_length=64)
    comparison = models.CharField(_("比较"), max_length=2, choices=Comparison.choices, default=Comparison.AT_LEAST)
    target_value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("年度工作目标")
        verbose_name_plural = _("年度工作目标")
        ordering = ["-year", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["year", "figure_key"], name="leadership_target_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def sign(self) -> str:
        return COMPARISON_SIGNS.get(self.comparison, "")
