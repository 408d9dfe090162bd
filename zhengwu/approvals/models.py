"""Investment projects (投资项目). The combined applications, their items and the combined approval documents
come in later migrations of this app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.approvals.choices import ProjectType, RiskClass


class InvestmentProject(models.Model):
    """An investment project identified by its national project code (项目代码); write through the services."""

    code = models.CharField(_("项目代码"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    investor = models.ForeignKey("org.Enterprise", verbose_name=_("投资主体"), on_delete=models.PROTECT,
                                 related_name="investment_projects")
    project_type = models.CharField(_("项目类型"), max_length=16, choices=ProjectType.choices, db_index=True)
    total_investment = models.DecimalField(_("总投资(万元)"), max_digits=14, decimal_places=2)
    township = models.ForeignKey("org.Region", verbose_name=_("建设地点(乡镇街道)"), on_delete=models.PROTECT,
                                 related_name="investment_projects")
    risk_class = models.CharField(_("风险等级"), max_length=16, choices=RiskClass.choices, db_index=True)
    description = models.TextField(_("建设内容"), blank=True)
    registered_at = models.DateTimeField(_("登记时间"), db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("投资项目")
        verbose_name_plural = _("投资项目")
        ordering = ["-registered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
