"""Remote cross-region evaluation (远程异地评标), part 5 of the trading domain.

A ``RemoteSession`` is one evaluation held at a main venue (主场) and one or more sub-venues (副场) in
other cities, linked by video. Our center either hosts the main venue (the project is ours: the
session names its ``TenderSection`` and the committee members are our ``ExpertDrawMember`` rows) or
a sub-venue (the project is another center's: it is recorded by name and number, and the experts
sitting at our venue by name). Every action is a ``RemoteSessionEvent`` and an audit event
(全程公开、留痕、可溯).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.trading.choices import RemoteSessionStatus, SessionEventKind, SessionMemberRole, VenueKind


class RemoteSession(Stateful, Timestamped):
    """A remote cross-region evaluation session: scheduled → in progress → closed (or cancelled)."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=RemoteSessionStatus.choices)
    our_role = models.CharField(_("本中心角色"), max_length=8, choices=VenueKind.choices, db_index=True)
    tender_section = models.ForeignKey("trading.TenderSection", verbose_name=_("招标标段"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="remote_sessions",
                                       help_text=_("本中心为主场时必填;为副场时项目属于主场所在中心,不填"))
    project_name = models.CharField(_("项目名称"), max_length=200)
    project_number = models.CharField(_("项目编号"), max_length=64, blank=True)
    host_center = models.CharField(_("主场交易中心"), max_length=128)
    scheduled_start = models.DateTimeField(_("计划开始时间"), db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("远程异地评标")
        verbose_name_plural = _("远程异地评标")
        ordering = ["-scheduled_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(our_role="main", tender_section__isnull=False)
                                   | models.Q(our_role="sub", tender_section__isnull=True),
                                   name="remote_session_main_has_our_section"),
            models.UniqueConstraint(fields=["tender_section"], condition=~models.Q(status="cancelled"),
                                    name="remote_session_one_live_per_section"),
        ]

    def __str__(self) -> str:
        return f"{self.project_name}({self.get_our_role_display()})"


class RemoteSessionVenue(models.Model):
    """A venue of a session: the main venue or a sub-venue, ours or another center's."""

    session = models.ForeignKey(RemoteSession, verbose_name=_("远程异地评标"), on_delete=models.CASCADE,
                                related_name="venues")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("场地名称"), max_length=128)
    city = models.CharField(_("所在城市"), max_length=64)
    kind = models.CharField(_("主场或副场"), max_length=8, choices=VenueKind.choices)
    ours = models.BooleanField(_("本中心场地"), default=False)

    class Meta:
        verbose_name = _("评标场地")
        verbose_name_plural = _("评标场地")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="venue_name_unique_in_session"),
            models.UniqueConstraint(fields=["session"], condition=models.Q(kind="main"), name="venue_one_main"),
            models.UniqueConstraint(fields=["session"], condition=models.Q(ours=True), name="venue_one_ours"),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.name}({self.get_kind_display()})"


class RemoteSessionMember(models.Model):
    """A committee member seated at a venue: our drawn expert (main sessions), or a name (sub sessions,
    other regions' experts; the tendering party's representatives)."""

    session = models.ForeignKey(RemoteSession, verbose_name=_("远程异地评标"), on_delete=models.CASCADE,
                                related_name="members")
    venue = models.ForeignKey(RemoteSessionVenue, verbose_name=_("场地"), on_delete=models.PROTECT,
                              related_name="members")
    draw_member = models.ForeignKey("trading.ExpertDrawMember", verbose_name=_("抽取的专家"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="remote_seats")
    name = models.CharField(_("姓名"), max_length=64)
    role = models.CharField(_("身份"), max_length=16, choices=SessionMemberRole.choices)
    assigned_at = models.DateTimeField(_("安排时间"))

    class Meta:
        verbose_name = _("评标场地人员")
        verbose_name_plural = _("评标场地人员")
        ordering = ["session", "venue__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "draw_member"], condition=models.Q(draw_member__isnull=False),
                                    name="remote_member_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.venue}"


class RemoteSessionEvent(models.Model):
    """One thing that happened in a session, at a venue, recorded by someone at a server time."""

    session = models.ForeignKey(RemoteSession, verbose_name=_("远程异地评标"), on_delete=models.CASCADE,
                                related_name="events")
    kind = models.CharField(_("事项"), max_length=24, choices=SessionEventKind.choices)
    venue = models.ForeignKey(RemoteSessionVenue, verbose_name=_("场地"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="events")
    member = models.ForeignKey(RemoteSessionMember, verbose_name=_("人员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="events")
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("记录人标识"), max_length=64)

    class Meta:
        verbose_name = _("远程异地评标过程记录")
        verbose_name_plural = _("远程异地评标过程记录")
        ordering = ["session", "occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
