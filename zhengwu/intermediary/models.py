"""Online intermediary supermarket (网上中介超市, DOMAIN.md §9).

* :class:`ServiceType` and the public service list (:class:`ServiceListItem`, 清单管理).
* :class:`Agency`: registered by credit code, supervised by a department, offering service types, with
  :class:`Qualification` rows (an expired one blocks answering) and a credit score from owners' ratings; its
  state (active / suspended / removed) moves only through ``workflow.AGENCY_WORKFLOW``.
* :class:`Purchase`: posted by a project owner (an enterprise); agencies :class:`Answer` it; one answer is
  selected (direct choice, a reproducible random draw, lowest price or scoring), the deal is published, then
  contract, completion and the owner's :class:`Rating`. Status moves only through ``PURCHASE_WORKFLOW``.
* :class:`RemovalProposal`: the periodic clean-up's proposals that a person accepts or rejects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.intermediary.choices import AgencyStatus, ProposalStatus, PurchaseStatus, SelectionMethod

MONEY = {"max_digits": 14, "decimal_places": 2}


class ServiceType(models.Model):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("服务类型"), max_length=64, unique=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("中介服务类型")
        verbose_name_plural = _("中介服务类型")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class ServiceListItem(Timestamped):
    """An intermediary service item of the public list (清单)."""

    service_type = models.ForeignKey(ServiceType, verbose_name=_("服务类型"), on_delete=models.PROTECT,
                                     related_name="list_items")
    name = models.CharField(_("中介服务事项"), max_length=200)
    department = models.ForeignKey("org.Department", verbose_name=_("审批(主管)部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    time_limit_days = models.PositiveIntegerField(_("服务时限(工作日)"))
    workflow_text = models.TextField(_("办理流程"))
    conditions = models.TextField(_("申请条件"))
    fee_standard = models.CharField(_("收费标准"), max_length=500)
    legal_basis = models.CharField(_("设定依据"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("中介服务清单事项")
        verbose_name_plural = _("中介服务清单")
        ordering = ["service_type__sort", "id"]
        constraints = [models.UniqueConstraint(fields=["service_type", "name"], name="im_list_item_unique")]

    def __str__(self) -> str:
        return self.name


class Agency(Stateful, Timestamped):
    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=AgencyStatus.choices)
    enterprise = models.OneToOneField("org.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                      related_name="agency")
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("机构名称"), max_length=128)
    department = models.ForeignKey("org.Department", verbose_name=_("监管部门"), on_delete=models.PROTECT,
                                   related_name="intermediary_agencies")
    service_types = models.ManyToManyField(ServiceType, verbose_name=_("服务类型"), related_name="agencies")
    contact = models.CharField(_("联系人"), max_length=32, blank=True)
    credit_score = models.DecimalField(_("信用分"), max_digits=5, decimal_places=1, default=80)
    ratings_count = models.PositiveIntegerField(_("评价次数"), default=0)
    status_reason = models.CharField(_("状态原因"), max_length=500, blank=True)
    registered_on = models.DateField(_("入驻日期"))

    class Meta:
        verbose_name = _("中介机构")
        verbose_name_plural = _("中介机构")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Qualification(Timestamped):
    agency = models.ForeignKey(Agency, verbose_name=_("机构"), on_delete=models.CASCADE,
                               related_name="qualifications")
    name = models.CharField(_("资质名称"), max_length=128)
    number = models.CharField(_("证书编号"), max_length=64)
    valid_until = models.DateField(_("有效期至"), db_index=True)

    class Meta:
        verbose_name = _("机构资质")
        verbose_name_plural = _("机构资质")
        ordering = ["valid_until", "id"]
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="im_qualification_unique")]

    def __str__(self) -> str:
        return f"{self.name}({self.number})"


class Purchase(Stateful, Timestamped):
    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=PurchaseStatus.choices)
    number = models.CharField(_("采购编号"), max_length=32, unique=True)
    owner = models.ForeignKey("org.Enterprise", verbose_name=_("项目业主"), on_delete=models.PROTECT,
                              related_name="intermediary_purchases")
    project_name = models.CharField(_("项目名称"), max_length=200)
    government_invested = models.BooleanField(_("政府投资项目"), default=False)
    investment_project_code = models.CharField(_("投资项目代码"), max_length=40, blank=True, db_index=True)
    service_type = models.ForeignKey(ServiceType, verbose_name=_("服务类型"), on_delete=models.PROTECT,
                                     related_name="purchases")
    budget = models.DecimalField(_("预算(元)"), **MONEY)
    answer_deadline = models.DateTimeField(_("应答截止时间"))
    selection_method = models.CharField(_("选取方式"), max_length=16, choices=SelectionMethod.choices)
    description = models.TextField(_("服务内容"), blank=True)
    posted_at = models.DateTimeField(_("发布时间"), db_index=True)
    selected_answer = models.ForeignKey("Answer", verbose_name=_("成交应答"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    deal_at = models.DateTimeField(_("成交时间"), null=True, blank=True, db_index=True)
    draw_seed = models.CharField(_("抽取种子"), max_length=32, blank=True)
    contract_date = models.DateField(_("合同签订日期"), null=True, blank=True)
    completed_on = models.DateField(_("服务完成日期"), null=True, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("中介服务采购")
        verbose_name_plural = _("中介服务采购")
        ordering = ["-posted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.project_name}"


class Answer(models.Model):
    purchase = models.ForeignKey(Purchase, verbose_name=_("采购"), on_delete=models.CASCADE, related_name="answers")
    agency = models.ForeignKey(Agency, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="answers")
    price = models.DecimalField(_("报价(元)"), **MONEY)
    plan = models.TextField(_("服务方案"))
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=2, null=True, blank=True)
    answered_at = models.DateTimeField(_("应答时间"), db_index=True)

    class Meta:
        verbose_name = _("机构应答")
        verbose_name_plural = _("机构应答")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["purchase", "agency"], name="im_one_answer_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency} {self.price}"


class Rating(models.Model):
    purchase = models.OneToOneField(Purchase, verbose_name=_("采购"), on_delete=models.CASCADE,
                                    related_name="rating")
    agency = models.ForeignKey(Agency, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="ratings")
    stars = models.PositiveSmallIntegerField(_("评价(1-5星)"))
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"))
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")
        ordering = ["-rated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.agency} {self.stars}"


class RemovalProposal(Stateful, Timestamped):
    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=ProposalStatus.choices)
    agency = models.ForeignKey(Agency, verbose_name=_("机构"), on_delete=models.CASCADE,
                               related_name="removal_proposals")
    reasons = models.JSONField(_("清理理由"), default=list)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    review_date = models.DateField(_("检查日期"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.CharField(_("决定理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("清理建议")
        verbose_name_plural = _("清理建议")
        ordering = ["-review_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency"], condition=models.Q(status="proposed"),
                                               name="im_one_open_proposal")]

    def __str__(self) -> str:
        return f"{self.agency} {self.reasons}"
