"""Models of the enterprise service center (企业综合服务中心, DOMAIN.md §7).

* :class:`ServiceSection` (板块) is data, the default nine loaded by a data migration; every
  enterprise-related service item is entered into one section (:class:`SectionItem`).
* :class:`Demand` (诉求) runs the closed loop received → classified → routed → answered → rated → closed;
  only ``workflow.DEMAND_WORKFLOW`` moves its status. Each round of routing has its assignments
  (:class:`DemandAssignment`: the lead department and the assisting ones, each with its part and answer),
  its escalations (:class:`Escalation`) and, at the end, its rating (:class:`DemandRating`).
* :class:`Consultation` (协同会商) with its follow-up :class:`ConsultationTask` rows.
* Liaison officers (驻企员): :class:`LiaisonAssignment` and :class:`LiaisonVisit`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.fields import EncryptedCharField
from zhengwu.core.identifiers import mask_phone
from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.enterprise.choices import (
    AssignmentRole,
    Channel,
    CloseReason,
    DemandClass,
    DemandStatus,
    EscalationLevel,
    Rating,
)

USER = settings.AUTH_USER_MODEL


class ServiceSection(models.Model):
    code = models.CharField(_("板块编码"), max_length=32, unique=True)
    name = models.CharField(_("板块名称"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务板块")
        verbose_name_plural = _("服务板块")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class SectionItem(models.Model):
    """An enterprise-related service item entered into its one section."""

    item = models.OneToOneField("cases.ServiceItem", verbose_name=_("事项"), on_delete=models.CASCADE,
                                related_name="enterprise_section")
    section = models.ForeignKey(ServiceSection, verbose_name=_("板块"), on_delete=models.PROTECT,
                                related_name="items")
    assigned_at = models.DateTimeField(_("入驻时间"), auto_now_add=True)
    assigned_by = models.ForeignKey(USER, verbose_name=_("操作人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("板块入驻事项")
        verbose_name_plural = _("板块入驻事项")
        ordering = ["section__order", "item__code"]

    def __str__(self) -> str:
        return f"{self.section} · {self.item_id}"


class LiaisonVisit(Timestamped):
    officer = models.ForeignKey(USER, verbose_name=_("驻企员"), on_delete=models.PROTECT,
                                related_name="liaison_visits")
    enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="liaison_visits")
    visited_on = models.DateField(_("走访日期"), db_index=True)
    content = models.TextField(_("走访内容"))

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.enterprise_id}"


class LiaisonAssignment(Timestamped):
    officer = models.ForeignKey(USER, verbose_name=_("驻企员"), on_delete=models.PROTECT,
                                related_name="liaison_assignments")
    enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="liaison_assignments")
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("驻企联系")
        verbose_name_plural = _("驻企联系")
        ordering = ["officer_id", "-start", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                                   name="ent_liaison_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} → {self.enterprise_id}"


class Demand(Stateful, Timestamped):
    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=DemandStatus.choices)
    number = models.CharField(_("诉求编号"), max_length=32, unique=True)
    enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="demands")
    title = models.CharField(_("诉求标题"), max_length=200)
    content = models.TextField(_("诉求内容"))
    channel = models.CharField(_("受理渠道"), max_length=24, choices=Channel.choices, db_index=True)
    ticket_12345 = models.CharField(_("12345工单号"), max_length=32, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32)
    contact_mobile = EncryptedCharField(_("联系电话"), max_length=11)
    node = models.ForeignKey("org.ServiceNode", verbose_name=_("受理网点"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="demands")
    visit = models.ForeignKey(LiaisonVisit, verbose_name=_("走访记录"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="demands")
    raised_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    section = models.ForeignKey(ServiceSection, verbose_name=_("板块"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="demands")
    demand_class = models.CharField(_("诉求类别"), max_length=16, choices=DemandClass.choices, blank=True)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)
    lead_department = models.ForeignKey("org.Department", verbose_name=_("牵头部门"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="led_demands")
    routed_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    deadline = models.DateTimeField(_("办理期限"), null=True, blank=True, db_index=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(USER, verbose_name=_("答复人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    rating_due = models.DateTimeField(_("评价截止"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_reason = models.CharField(_("办结方式"), max_length=24, choices=CloseReason.choices, blank=True)

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["section", "status"], name="ent_demand_section_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def contact_mobile_masked(self) -> str:
        return mask_phone(self.contact_mobile or "")

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_at is None or self.deadline is None:
            return None
        return self.answered_at <= self.deadline


class DemandAssignment(Timestamped):
    demand = models.ForeignKey(Demand, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="assignments")
    round = models.PositiveSmallIntegerField(_("轮次"))
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="demand_assignments")
    role = models.CharField(_("职责"), max_length=8, choices=AssignmentRole.choices)
    part = models.TextField(_("承办事项"), blank=True)
    answer = models.TextField(_("办理意见"), blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    answered_by = models.ForeignKey(USER, verbose_name=_("反馈人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    waived = models.BooleanField(_("已免于反馈"), default=False)
    waived_reason = models.CharField(_("免于反馈理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("诉求交办")
        verbose_name_plural = _("诉求交办")
        ordering = ["demand_id", "round", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "round", "department"], name="ent_assignment_once"),
            models.UniqueConstraint(fields=["demand", "round"], condition=models.Q(role="lead"),
                                    name="ent_one_lead_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id}/{self.round} {self.department_id} {self.role}"

    @property
    def settled(self) -> bool:
        return self.answered_at is not None or self.waived


class Escalation(models.Model):
    demand = models.ForeignKey(Demand, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="escalations")
    round = models.PositiveSmallIntegerField(_("轮次"))
    level = models.CharField(_("督办层级"), max_length=24, choices=EscalationLevel.choices)
    at = models.DateTimeField(_("督办时间"))
    overdue_days = models.PositiveSmallIntegerField(_("超期工作日"))
    notified = models.ManyToManyField(USER, verbose_name=_("通知人员"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["demand_id", "round", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["demand", "round", "level"], name="ent_escalate_once")]

    def __str__(self) -> str:
        return f"{self.demand_id}/{self.round} {self.level}"


class DemandRating(models.Model):
    """One rating the enterprise gave (a reopened demand keeps the rating of each round)."""

    demand = models.ForeignKey(Demand, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(_("轮次"))
    rating = models.CharField(_("评价"), max_length=16, choices=Rating.choices)
    comment = models.TextField(_("评价意见"), blank=True)
    at = models.DateTimeField(_("评价时间"))
    by = models.ForeignKey(USER, verbose_name=_("评价人"), null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        verbose_name = _("诉求评价")
        verbose_name_plural = _("诉求评价")
        ordering = ["demand_id", "round"]
        constraints = [models.UniqueConstraint(fields=["demand", "round"], name="ent_rate_once_per_round")]


class Consultation(Timestamped):
    demand = models.ForeignKey(Demand, verbose_name=_("诉求"), on_delete=models.PROTECT,
                               related_name="consultations")
    held_on = models.DateField(_("会商日期"))
    departments = models.ManyToManyField("org.Department", verbose_name=_("参会部门"), related_name="+")
    attendees = models.CharField(_("参会人员"), max_length=500, blank=True)
    record = models.TextField(_("会商记录"))
    decisions = models.TextField(_("会商决定"))
    convened_by = models.ForeignKey(USER, verbose_name=_("召集人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("协同会商")
        verbose_name_plural = _("协同会商")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.demand_id}"


class ConsultationTask(Timestamped):
    consultation = models.ForeignKey(Consultation, verbose_name=_("会商"), on_delete=models.CASCADE,
                                     related_name="tasks")
    department = models.ForeignKey("org.Department", verbose_name=_("责任部门"), on_delete=models.PROTECT,
                                   related_name="consultation_tasks")
    description = models.CharField(_("任务"), max_length=500)
    working_days = models.PositiveSmallIntegerField(_("时限(工作日)"))
    deadline = models.DateTimeField(_("完成期限"), db_index=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.CharField(_("完成情况"), max_length=500, blank=True)
    done_by = models.ForeignKey(USER, verbose_name=_("完成人"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        verbose_name = _("会商任务")
        verbose_name_plural = _("会商任务")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.description
