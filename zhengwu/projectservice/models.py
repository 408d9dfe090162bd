"""Services around investment projects (DOMAIN.md §8).

* Assisted handling (帮办代办): an :class:`AgentAssignment` names a staff agent for a project over a period
  (one active — not ended — assignment per project); each :class:`AgentAction` records one item the agent
  handled for the enterprise and the trips (跑腿次数) it saved.
* The project service team (项目推进服务团): a :class:`ServiceVisit` on a date to units (:class:`VisitUnit`, a
  department or an enterprise) and projects; each :class:`VisitIssue` found has an owner and a follow-up
  deadline in working days, and is closed by recording the follow-up.
* The factor guarantee library (要素保障库): a :class:`FactorNeed` per project and kind (water, electricity,
  gas, telecom) with capacity, provider and dates; its status (requested → promised → connected, or
  problem) is moved only by ``workflow.FACTOR_WORKFLOW``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.projectservice.choices import FactorKind, FactorStatus


class AgentAssignment(Timestamped):
    project = models.ForeignKey("approvals.InvestmentProject", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="agent_assignments")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代办员"), on_delete=models.PROTECT,
                              related_name="agent_assignments")
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("指派人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("帮办代办指派")
        verbose_name_plural = _("帮办代办指派")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project"], condition=models.Q(ended_on__isnull=True),
                                    name="ps_one_active_agent_per_project"),
            models.CheckConstraint(condition=models.Q(ended_on__isnull=True)
                                   | models.Q(ended_on__gte=models.F("started_on")),
                                   name="ps_assignment_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} · {self.agent}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class AgentAction(Timestamped):
    assignment = models.ForeignKey(AgentAssignment, verbose_name=_("指派"), on_delete=models.PROTECT,
                                   related_name="actions")
    project = models.ForeignKey("approvals.InvestmentProject", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="agent_actions")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代办员"), on_delete=models.PROTECT,
                              related_name="agent_actions")
    item = models.ForeignKey("cases.ServiceItem", verbose_name=_("事项"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    item_text = models.CharField(_("事项(自填)"), max_length=200, blank=True)
    handled_on = models.DateField(_("办理日期"), db_index=True)
    what_done = models.CharField(_("办理情况"), max_length=500)
    trips_saved = models.PositiveSmallIntegerField(_("为企业减少跑腿次数"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("帮办代办记录")
        verbose_name_plural = _("帮办代办记录")
        ordering = ["-handled_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(item__isnull=False) | ~models.Q(item_text=""),
                                   name="ps_action_names_an_item"),
        ]

    def __str__(self) -> str:
        return f"{self.handled_on} {self.item_label}"

    @property
    def item_label(self) -> str:
        return self.item.name if self.item_id else self.item_text


class ServiceVisit(Timestamped):
    visited_on = models.DateField(_("走访日期"), db_index=True)
    team_lead = models.CharField(_("带队人"), max_length=50)
    summary = models.CharField(_("走访情况"), max_length=1000, blank=True)
    projects = models.ManyToManyField("approvals.InvestmentProject", verbose_name=_("服务项目"), blank=True,
                                      related_name="service_visits")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("服务团走访")
        verbose_name_plural = _("服务团走访")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.team_lead}"


class VisitUnit(models.Model):
    """A unit visited: a department or an enterprise (exactly one)."""

    visit = models.ForeignKey(ServiceVisit, verbose_name=_("走访"), on_delete=models.CASCADE, related_name="units")
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("org.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("走访单位")
        verbose_name_plural = _("走访单位")
        constraints = [
            models.CheckConstraint(condition=(models.Q(department__isnull=False, enterprise__isnull=True)
                                              | models.Q(department__isnull=True, enterprise__isnull=False)),
                                   name="ps_unit_department_xor_enterprise"),
            models.UniqueConstraint(fields=["visit", "department"], condition=models.Q(department__isnull=False),
                                    name="ps_unit_department_once"),
            models.UniqueConstraint(fields=["visit", "enterprise"], condition=models.Q(enterprise__isnull=False),
                                    name="ps_unit_enterprise_once"),
        ]

    def __str__(self) -> str:
        return str(self.department or self.enterprise)

    @property
    def key(self) -> str:
        return f"d{self.department_id}" if self.department_id else f"e{self.enterprise_id}"


class VisitIssue(Timestamped):
    """An issue a visit found; open until its follow-up is recorded."""

    visit = models.ForeignKey(ServiceVisit, verbose_name=_("走访"), on_delete=models.PROTECT, related_name="issues")
    project = models.ForeignKey("approvals.InvestmentProject", verbose_name=_("项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="service_issues")
    description = models.CharField(_("问题"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT,
                              related_name="service_issues")
    follow_up_days = models.PositiveSmallIntegerField(_("跟进时限(工作日)"))
    due_on = models.DateField(_("跟进截止日期"), db_index=True)
    followed_up_on = models.DateField(_("跟进日期"), null=True, blank=True)
    follow_up_note = models.CharField(_("跟进情况"), max_length=500, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("跟进记录人"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("走访发现问题")
        verbose_name_plural = _("走访发现问题")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def is_open(self) -> bool:
        return self.followed_up_on is None


class FactorNeed(Stateful, Timestamped):
    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=FactorStatus.choices)
    project = models.ForeignKey("approvals.InvestmentProject", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="factor_needs")
    kind = models.CharField(_("要素类型"), max_length=16, choices=FactorKind.choices)
    capacity = models.DecimalField(_("需求量"), max_digits=12, decimal_places=2)
    capacity_unit = models.CharField(_("单位"), max_length=16)
    provider = models.CharField(_("供应单位"), max_length=100)
    requested_on = models.DateField(_("申请日期"))
    promised_on = models.DateField(_("承诺接入日期"), null=True, blank=True, db_index=True)
    connected_on = models.DateField(_("实际接入日期"), null=True, blank=True)
    problem_note = models.CharField(_("问题说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("要素保障需求")
        verbose_name_plural = _("要素保障需求")
        ordering = ["project_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="ps_factor_kind_once_per_project")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_kind_display()}"
