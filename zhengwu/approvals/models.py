"""Investment projects (投资项目), the approval items of each stage, bundles (多合一) and combined applications
whose items run as parallel cases of the cases app, fanned in to one combined approval document (批件)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.approvals.choices import ApplicationStatus, ProjectType, RiskClass, Stage
from zhengwu.core.models_base import Stateful


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


class StageItem(models.Model):
    """A service item of the catalog that belongs to one stage of a project's approvals."""

    stage = models.CharField(_("阶段"), max_length=32, choices=Stage.choices, db_index=True)
    item = models.ForeignKey("cases.ServiceItem", verbose_name=_("事项"), on_delete=models.PROTECT,
                             related_name="approval_stages")
    is_environmental = models.BooleanField(_("环评事项"), default=False,
                                           help_text=_("可与立项并联办理的环境影响评价事项"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("阶段审批事项")
        verbose_name_plural = _("阶段审批事项")
        ordering = ["stage", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["stage", "item"], name="approvals_stage_item_unique")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.item}"


class Bundle(models.Model):
    """A combined application (多合一) as data: the items of one stage started together with one set of
    materials. ``parallel_environmental`` lets the bundle carry the environmental assessment items too (立项与环评
    并联)."""

    name = models.CharField(_("名称"), max_length=120, unique=True)
    stage = models.CharField(_("阶段"), max_length=32, choices=Stage.choices, db_index=True)
    parallel_environmental = models.BooleanField(_("立项与环评并联"), default=False)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("多合一套餐")
        verbose_name_plural = _("多合一套餐")
        ordering = ["stage", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def required_materials(self) -> list[str]:
        """The one set of materials: every item's required materials, each once, in order."""
        seen: dict[str, None] = {}
        for bundle_item in self.items.all():
            for name in bundle_item.required_materials:
                seen.setdefault(name, None)
        return list(seen)


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("cases.ServiceItem", verbose_name=_("事项"), on_delete=models.PROTECT,
                             related_name="+")
    required_materials = models.JSONField(_("必需材料"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("套餐事项")
        verbose_name_plural = _("套餐事项")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="approvals_bundle_item_unique")]

    def __str__(self) -> str:
        return f"{self.bundle} · {self.item}"


class CombinedApplication(Stateful):
    """One application, one set of materials (一次申请、一套材料), fanned out to one case per item; the combined
    approval document (一个批件) is issued when every item's case is approved."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=ApplicationStatus.choices)
    number = models.CharField(_("申请编号"), max_length=40, unique=True)
    project = models.ForeignKey(InvestmentProject, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="applications")
    bundle = models.ForeignKey(Bundle, verbose_name=_("套餐"), on_delete=models.PROTECT, related_name="applications")
    stage = models.CharField(_("阶段"), max_length=32, choices=Stage.choices, db_index=True)
    materials = models.JSONField(_("申请材料"), default=list, blank=True)
    received_at = models.DateTimeField(_("申请时间"), db_index=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    items_completed_at = models.DateTimeField(_("全部事项办结时间"), null=True, blank=True)
    stop_reasons = models.JSONField(_("终止原因"), default=list, blank=True)
    document_number = models.CharField(_("批件编号"), max_length=40, blank=True, db_index=True)
    issued_at = models.DateTimeField(_("批件出具时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("出具人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    document_items = models.JSONField(_("批件事项"), default=list, blank=True)

    class Meta:
        verbose_name = _("多合一申请")
        verbose_name_plural = _("多合一申请")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.number


class ApplicationItem(models.Model):
    """One item of a combined application and the case that handles it at its department."""

    application = models.ForeignKey(CombinedApplication, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("cases.ServiceItem", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT,
                                related_name="approval_item")
    promised_limit = models.PositiveSmallIntegerField(_("承诺时限(工作日)"))

    class Meta:
        verbose_name = _("申请事项")
        verbose_name_plural = _("申请事项")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.application} · {self.item}"
