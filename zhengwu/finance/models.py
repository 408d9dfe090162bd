"""The financial services supermarket (金融服务超市): institutions, their products and enterprise applications.

An :class:`Institution` (bank, guarantee company, insurer) offers :class:`Product` s (loans, electronic bid
guarantees, insurance) with their terms. An enterprise (or the center's staff on its behalf) applies for a
product: an :class:`Application`, whose status (submitted → accepted → approved / declined → issued for a bid
guarantee, disbursed for a loan) only ``workflow.APPLICATION_WORKFLOW`` moves.

An issued bid guarantee is linked to the trading :class:`~zhengwu.trading.models.Deposit` (form guarantee) it
stands for, so the money it freed for the bidder (cash not locked up as a deposit) is computed from the deposit
rows, never typed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.finance.choices import ApplicationStatus, InstitutionKind, ProductKind

MONEY = {"max_digits": 14, "decimal_places": 2}


class Institution(models.Model):
    name = models.CharField(_("机构名称"), max_length=128, unique=True,
                            help_text=_("与保函上的开立机构名称一致"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("机构类型"), max_length=16, choices=InstitutionKind.choices)
    contact_name = models.CharField(_("联系人"), max_length=32)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    active = models.BooleanField(_("在架"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("金融机构")
        verbose_name_plural = _("金融机构")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    institution = models.ForeignKey(Institution, verbose_name=_("金融机构"), on_delete=models.PROTECT,
                                    related_name="products")
    kind = models.CharField(_("产品类型"), max_length=16, choices=ProductKind.choices, db_index=True)
    name = models.CharField(_("产品名称"), max_length=128)
    amount_min = models.DecimalField(_("最低金额(元)"), **MONEY)
    amount_max = models.DecimalField(_("最高金额(元)"), **MONEY)
    rate = models.DecimalField(_("年利率或费率(%)"), max_digits=6, decimal_places=3,
                               help_text=_("贷款为年利率,保函和保险为费率"))
    term_months = models.PositiveSmallIntegerField(_("期限(月)"))
    conditions = models.TextField(_("申请条件"), blank=True)
    active = models.BooleanField(_("在架"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("金融产品")
        verbose_name_plural = _("金融产品")
        ordering = ["kind", "institution__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="finance_product_name_unique"),
            models.CheckConstraint(condition=models.Q(amount_min__gt=0) & models.Q(amount_max__gte=models.F("amount_min")),
                                   name="finance_product_amount_range"),
            models.CheckConstraint(condition=models.Q(rate__gte=0) & models.Q(rate__lte=100),
                                   name="finance_product_rate_range"),
            models.CheckConstraint(condition=models.Q(term_months__gte=1), name="finance_product_term_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} · {self.name}"


class Application(Stateful, Timestamped):
    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=ApplicationStatus.choices)
    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("申请企业"), on_delete=models.PROTECT,
                                   related_name="finance_applications")
    product = models.ForeignKey(Product, verbose_name=_("金融产品"), on_delete=models.PROTECT,
                                related_name="applications")
    # copied from the product at submission: the figures group by them without a join
    institution = models.ForeignKey(Institution, verbose_name=_("金融机构"), on_delete=models.PROTECT,
                                    related_name="applications")
    kind = models.CharField(_("产品类型"), max_length=16, choices=ProductKind.choices, db_index=True)
    amount_requested = models.DecimalField(_("申请金额(元)"), **MONEY)
    purpose = models.CharField(_("用途"), max_length=200)
    # a bid guarantee: the bidder registration (tender section) it guarantees
    registration = models.ForeignKey("trading.BidderRegistration", verbose_name=_("投标报名"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="finance_applications")
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # the institution's decision
    amount_approved = models.DecimalField(_("批准金额(元)"), null=True, blank=True, **MONEY)
    rate_approved = models.DecimalField(_("批准利率或费率(%)"), max_digits=6, decimal_places=3, null=True, blank=True)
    term_months_approved = models.PositiveSmallIntegerField(_("批准期限(月)"), null=True, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True, db_index=True)
    decline_reason = models.TextField(_("未批准原因"), blank=True)
    # a bid guarantee issued, and the trading deposit it stands for
    guarantee_number = models.CharField(_("保函编号"), max_length=64, blank=True)
    guarantee_valid_from = models.DateField(_("保函生效日"), null=True, blank=True)
    guarantee_valid_until = models.DateField(_("保函失效日"), null=True, blank=True)
    issued_on = models.DateField(_("出函日期"), null=True, blank=True, db_index=True)
    deposit = models.OneToOneField("trading.Deposit", verbose_name=_("对应投标保证金"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="finance_application")
    # a loan disbursed
    disbursed_on = models.DateField(_("放款日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("金融服务申请")
        verbose_name_plural = _("金融服务申请")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_requested__gt=0), name="finance_application_amount_positive"),
            models.CheckConstraint(condition=~models.Q(kind="bid_guarantee") | models.Q(registration__isnull=False),
                                   name="finance_guarantee_has_registration"),
            models.CheckConstraint(condition=~models.Q(status="issued") | models.Q(deposit__isnull=False),
                                   name="finance_issued_has_deposit"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise}"
