"""Models of credit (信用管理, DOMAIN.md §11 and issue 6 items 1 and 8).

* ``ExpertRating``: the tendering party's rating of one expert who served on one section (一标一评), once;
  four marks of 1–5 (守时, 尽职, 公正, 专业水平) and their mean.
* ``ExpertPenalty``: penalty points (考核扣分) with a basis and a reason; a workflow row (proposed → effective
  or rejected; effective → revoked). While effective its points are off the expert's ``credit_score``.
* ``BehaviourRecord``: a market-entity behaviour record (市场主体行为记录) of an enterprise or a person,
  shared across departments; a ban forbids bidding, evaluating, acting as agent, or all of them between
  ``effective_from`` and ``effective_until`` until revoked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful
from zhengwu.credit.choices import BanScope, PenaltyBasis, PenaltyStatus, RecordKind, RecordStatus

MARKS = ("punctuality", "diligence", "fairness", "professional")


def _mark(verbose_name) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose_name, help_text=_("1 到 5 分:1 很差,3 一般,5 很好"))


class ExpertRating(models.Model):
    """The tendering party's rating of one expert for one section (一标一评)."""

    tender_section = models.ForeignKey("trading.TenderSection", verbose_name=_("招标标段"), on_delete=models.PROTECT,
                                       related_name="expert_ratings")
    expert = models.ForeignKey("trading.Expert", verbose_name=_("专家"), on_delete=models.PROTECT,
                               related_name="ratings")
    member = models.ForeignKey("trading.ExpertDrawMember", verbose_name=_("评标委员会成员"), on_delete=models.PROTECT,
                               related_name="+")
    punctuality = _mark(_("守时"))
    diligence = _mark(_("尽职"))
    fairness = _mark(_("公正"))
    professional = _mark(_("专业水平"))
    average = models.DecimalField(_("平均分"), max_digits=3, decimal_places=2)
    comment = models.TextField(_("评价意见"), blank=True)
    tendering_enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("招标人(企业)"), null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    on_behalf = models.BooleanField(_("工作人员代为录入"), default=False)
    rated_at = models.DateTimeField(_("评价时间"), db_index=True)

    class Meta:
        verbose_name = _("专家评价(一标一评)")
        verbose_name_plural = _("专家评价(一标一评)")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tender_section", "expert"], name="rating_once_per_expert_section"),
            *[models.CheckConstraint(condition=Q(**{f"{m}__gte": 1, f"{m}__lte": 5}), name=f"rating_{m}_1_to_5")
              for m in MARKS],
        ]

    def __str__(self) -> str:
        return f"{self.expert_id}@{self.tender_section_id}: {self.average}"


class ExpertPenalty(Stateful):
    """Penalty points of an expert (考核扣分). ``deducted`` is what came off the score (never below 0)."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=PenaltyStatus.choices)
    expert = models.ForeignKey("trading.Expert", verbose_name=_("专家"), on_delete=models.PROTECT,
                               related_name="penalties")
    tender_section = models.ForeignKey("trading.TenderSection", verbose_name=_("招标标段"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="expert_penalties")
    rating = models.OneToOneField(ExpertRating, verbose_name=_("引起的评价"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="penalty")
    basis = models.CharField(_("扣分事由"), max_length=32, choices=PenaltyBasis.choices)
    points = models.PositiveSmallIntegerField(_("扣分"))
    reason = models.TextField(_("情况说明"))
    occurred_on = models.DateField(_("发生日期"), db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"))
    effective_at = models.DateTimeField(_("扣分时间"), null=True, blank=True)
    deducted = models.PositiveSmallIntegerField(_("实际扣减"), default=0)
    score_before = models.PositiveSmallIntegerField(_("扣分前信用分"), null=True, blank=True)
    score_after = models.PositiveSmallIntegerField(_("扣分后信用分"), null=True, blank=True)
    suspended = models.BooleanField(_("因此暂停"), default=False)
    decision_reason = models.TextField(_("确认、不予扣分或撤销理由"), blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家考核扣分")
        verbose_name_plural = _("专家考核扣分")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=1, points__lte=100), name="penalty_points_1_to_100"),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} −{self.points} ({self.basis})"


class BehaviourRecord(Stateful):
    """A market-entity behaviour record of an enterprise or a person (exactly one of them)."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=RecordStatus.choices)
    enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="behaviour_records")
    person = models.ForeignKey("org.Person", verbose_name=_("自然人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="behaviour_records")
    kind = models.CharField(_("类别"), max_length=32, choices=RecordKind.choices, db_index=True)
    scope = models.CharField(_("禁止范围"), max_length=16, choices=BanScope.choices, blank=True,
                             help_text=_("仅“禁止参与”填写"))
    title = models.CharField(_("标题"), max_length=200)
    reason = models.TextField(_("事实与理由"))
    legal_basis = models.TextField(_("法律依据"), blank=True)
    department = models.ForeignKey("org.Department", verbose_name=_("作出部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    department_name = models.CharField(_("作出部门名称"), max_length=128)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    effective_from = models.DateField(_("生效日期"), db_index=True)
    effective_until = models.DateField(_("截止日期"), null=True, blank=True, help_text=_("为空表示长期有效"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.TextField(_("撤销理由"), blank=True)

    class Meta:
        verbose_name = _("市场主体行为记录")
        verbose_name_plural = _("市场主体行为记录")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=(Q(enterprise__isnull=False, person__isnull=True)
                                              | Q(enterprise__isnull=True, person__isnull=False)),
                                   name="record_one_subject"),
            models.CheckConstraint(condition=Q(effective_until__isnull=True)
                                   | Q(effective_until__gte=models.F("effective_from")),
                                   name="record_until_after_from"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.person.name

    def effective_on(self, day) -> bool:
        return (self.status == RecordStatus.EFFECTIVE and self.effective_from <= day
                and (self.effective_until is None or day <= self.effective_until))
