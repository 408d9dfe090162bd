"""Small projects below the limit (限额以下工程): the registry and its records.

A :class:`SmallProject` is a village or township project whose contract stays below the must-tender limit
(trading rule ``mandatory_limit_works``), so it is contracted locally (直接发包, 比选, 询价, 村民代表会议决定 …)
instead of at the trading center. Its checkpoints are the records kept about it: the approval, the way of
contracting, the contract, the change orders (:class:`ChangeOrder`), the payments (:class:`Payment`) and the
acceptance (:class:`Acceptance`). The status (registered → contracted → in progress → accepted → settled) is
moved only by ``workflow.PROJECT_WORKFLOW``, driven by those records.

:class:`ProjectAlert` links a supervision :class:`~zhengwu.supervision.models.Flag` to every project its
evidence names (a split group names several), so the registry shows each project's alerts and their outcome.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.smallprojects.choices import (
    AcceptanceResult,
    AlertRule,
    Category,
    ContractingWay,
    Funding,
    PaymentKind,
    ProjectStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class SmallProject(Stateful, Timestamped):
    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=ProjectStatus.choices)
    number = models.CharField(_("项目编号"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    owner_region = models.ForeignKey("org.Region", verbose_name=_("建设单位所在区划"), on_delete=models.PROTECT,
                                     related_name="+", help_text=_("乡镇(街道)或村(社区)"))
    township = models.ForeignKey("org.Region", verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT,
                                 related_name="small_projects")
    village = models.ForeignKey("org.Region", verbose_name=_("村(社区)"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="village_small_projects")
    owner_name = models.CharField(_("建设单位"), max_length=100)
    location = models.CharField(_("建设地点"), max_length=200, blank=True)
    scope_keyword = models.CharField(_("道路或范围关键词"), max_length=64, blank=True, db_index=True,
                                     help_text=_("如道路名称“环村路”;同一建设单位同一关键词的项目视为同一范围"))
    category = models.CharField(_("项目类别"), max_length=16, choices=Category.choices, db_index=True)
    estimate = models.DecimalField(_("估算投资(元)"), **MONEY)
    funding = models.CharField(_("资金来源"), max_length=16, choices=Funding.choices)
    approval_date = models.DateField(_("立项批复日期"), null=True, blank=True)
    approval_number = models.CharField(_("批复文号"), max_length=64, blank=True)
    contracting_way = models.CharField(_("发包方式"), max_length=32, choices=ContractingWay.choices, blank=True)
    contractor = models.ForeignKey("org.Enterprise", verbose_name=_("承包单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="small_projects")
    contract_amount = models.DecimalField(_("合同金额(元)"), null=True, blank=True, **MONEY)
    contract_date = models.DateField(_("合同签订日期"), null=True, blank=True, db_index=True)
    planned_completion = models.DateField(_("计划完工日期"), null=True, blank=True)
    actual_completion = models.DateField(_("实际完工日期"), null=True, blank=True)
    description = models.TextField(_("建设内容"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("限额以下工程")
        verbose_name_plural = _("限额以下工程")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["township", "status"], name="sp_township_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ChangeOrder(Timestamped):
    project = models.ForeignKey(SmallProject, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="changes")
    amount = models.DecimalField(_("变更金额(元)"), help_text=_("增加为正,减少为负"), **MONEY)
    reason = models.CharField(_("变更原因"), max_length=500)
    approved_on = models.DateField(_("批准日期"))
    approver = models.CharField(_("批准人(单位)"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("工程变更")
        verbose_name_plural = _("工程变更")
        ordering = ["approved_on", "id"]

    def __str__(self) -> str:
        return f"{self.project.number} {self.amount}"


class Payment(Timestamped):
    project = models.ForeignKey(SmallProject, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="payments")
    amount = models.DecimalField(_("支付金额(元)"), **MONEY)
    paid_on = models.DateField(_("支付日期"))
    kind = models.CharField(_("款项类型"), max_length=16, choices=PaymentKind.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("工程款支付")
        verbose_name_plural = _("工程款支付")
        ordering = ["paid_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project"], condition=models.Q(kind="final"),
                                    name="sp_one_final_payment"),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} {self.get_kind_display()} {self.amount}"


class Acceptance(Timestamped):
    project = models.ForeignKey(SmallProject, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="acceptances")
    accepted_on = models.DateField(_("验收日期"))
    result = models.CharField(_("验收结论"), max_length=8, choices=AcceptanceResult.choices)
    participants = models.CharField(_("参加人员(单位)"), max_length=500)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("竣工验收")
        verbose_name_plural = _("竣工验收")
        ordering = ["accepted_on", "id"]

    def __str__(self) -> str:
        return f"{self.project.number} {self.get_result_display()}"


class ProjectAlert(models.Model):
    """A project named in a flag's evidence (the flag's subject is the first of them)."""

    project = models.ForeignKey(SmallProject, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="alerts")
    flag = models.ForeignKey("supervision.Flag", verbose_name=_("预警"), on_delete=models.PROTECT,
                             related_name="small_projects")
    rule = models.CharField(_("规则"), max_length=32, choices=AlertRule.choices, db_index=True)

    class Meta:
        verbose_name = _("项目预警")
        verbose_name_plural = _("项目预警")
        ordering = ["-flag__detected_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "flag"], name="sp_alert_once_per_project")]

    def __str__(self) -> str:
        return f"{self.rule} {self.project_id}"
