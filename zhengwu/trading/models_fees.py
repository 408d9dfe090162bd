"""The transaction service fee (交易服务费), part 5 of the trading domain.

A ``ServiceFeeSchedule`` per project type and start date holds the tiers (marginal rates in ‰ of the
award amount), a minimum and a cap, and an optional ``switched_off_from`` date after which the fee is
waived. Every award gets one ``AwardFee`` row computed on its notice date with the schedule then in
force: charged, or waived (the amount the parties saved).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.trading.choices import ProjectType


def _money(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


class ServiceFeeSchedule(models.Model):
    """The fee schedule of one project type from a date (交易服务费收费标准)."""

    project_type = models.CharField(_("项目类型"), max_length=16, choices=ProjectType.choices)
    effective_from = models.DateField(_("执行日期"))
    switched_off_from = models.DateField(_("停止收取日期"), null=True, blank=True,
                                         help_text=_("自该日(含)起发出中标通知书的项目免收,免收金额计为减轻负担"))
    #: [{"up_to": "5000000" | null, "permille": "1"}]: marginal rates (差额定率累进), the last tier open-ended
    tiers = models.JSONField(_("分档费率(‰,差额定率累进)"))
    minimum = _money(_("最低收费(元)"), default=0)
    cap = _money(_("最高收费(元)"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=200)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("交易服务费标准")
        verbose_name_plural = _("交易服务费标准")
        ordering = ["project_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["project_type", "effective_from"], name="fee_schedule_one_per_day"),
            models.CheckConstraint(condition=models.Q(switched_off_from__isnull=True)
                                   | models.Q(switched_off_from__gte=models.F("effective_from")),
                                   name="fee_schedule_switch_off_after_start"),
            models.CheckConstraint(condition=models.Q(minimum__gte=0), name="fee_schedule_minimum_not_negative"),
            models.CheckConstraint(condition=models.Q(cap__isnull=True) | models.Q(cap__gte=models.F("minimum")),
                                   name="fee_schedule_cap_not_below_minimum"),
        ]

    def __str__(self) -> str:
        return f"{self.get_project_type_display()} {self.effective_from}"


class AwardFee(models.Model):
    """The service fee of one award, computed on the notice date: charged, or waived after the switch-off."""

    award = models.OneToOneField("trading.Award", verbose_name=_("定标"), on_delete=models.CASCADE,
                                 related_name="fee")
    schedule = models.ForeignKey(ServiceFeeSchedule, verbose_name=_("收费标准"), on_delete=models.PROTECT,
                                 related_name="fees")
    project_type = models.CharField(_("项目类型"), max_length=16, choices=ProjectType.choices)
    assessed_on = models.DateField(_("计费日期(中标通知书发出日)"), db_index=True)
    base = _money(_("计费基数(中标价,元)"))
    amount = _money(_("服务费(元)"))
    waived = models.BooleanField(_("免收"))
    #: the tier lines: [{"from", "to", "permille", "portion", "fee"}], and "minimum" / "cap" applied
    detail = models.JSONField(_("计算明细"), default=dict)

    class Meta:
        verbose_name = _("交易服务费")
        verbose_name_plural = _("交易服务费")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.award_id} {self.amount}{' (免收)' if self.waived else ''}"
