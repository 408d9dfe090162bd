"""Village-level service (办事不出村, DOMAIN.md §6).

* :class:`Station` — the service station of one village or community (one per ``org.Region`` of level
  village): address, opening hours, the state (not renovated → renovated → model station, moved only by
  ``workflow.STATION_WORKFLOW`` with the date) and the standard checklist items done (``choices.CHECKLIST``).
* :class:`Agent` — a village agent (代办员): a person with a login (role ``village_agent``), a station, birth
  date, certificate (持证上岗) and status (active / inactive, moved by ``workflow.AGENT_WORKFLOW``).
* :class:`TrainingSession` with :class:`Attendance` — trainings of the township or the district.
* :class:`Inspection` — a station inspection with a score (0–100), an input of the star rating.
* :class:`RatingScheme` and :class:`StarRating` — the periodic star rating (星级评定): weights and thresholds
  as data, one rating per agent and scheme (the agent's history is their ratings over the schemes).

Cases are not copied here: an agent's cases are ``cases.Case`` rows whose ``agent`` is the agent's user.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.village.choices import AgentStatus, StationState


class Station(Stateful, Timestamped):
    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=StationState.choices)
    village = models.OneToOneField("org.Region", verbose_name=_("村(社区)"), on_delete=models.PROTECT,
                                   related_name="service_station")
    township = models.ForeignKey("org.Region", verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT,
                                 related_name="village_stations")
    name = models.CharField(_("站点名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    renovated_on = models.DateField(_("改造提升完成日期"), null=True, blank=True)
    model_on = models.DateField(_("评为样板站日期"), null=True, blank=True)
    checklist_done = models.JSONField(_("已达标清单项"), default=list, blank=True)

    class Meta:
        verbose_name = _("村(社区)便民服务站")
        verbose_name_plural = _("村(社区)便民服务站")
        ordering = ["township__sort", "village__sort", "id"]
        indexes = [models.Index(fields=["township", "status"], name="village_station_twp_idx")]

    def __str__(self) -> str:
        return self.name


class Agent(Stateful, Timestamped):
    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=AgentStatus.choices)
    name = models.CharField(_("姓名"), max_length=64)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), on_delete=models.PROTECT,
                                related_name="village_agent")
    station = models.ForeignKey(Station, verbose_name=_("服务站"), on_delete=models.PROTECT, related_name="agents")
    birth_date = models.DateField(_("出生日期"))
    certificate_number = models.CharField(_("上岗证编号"), max_length=32, blank=True)
    certificate_date = models.DateField(_("取证日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("代办员")
        verbose_name_plural = _("代办员")
        ordering = ["station__township__sort", "station__village__sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate_number"], condition=~models.Q(certificate_number=""),
                                    name="village_agent_certificate_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def certified(self) -> bool:
        return bool(self.certificate_number and self.certificate_date)


class TrainingSession(Timestamped):
    held_on = models.DateField(_("培训日期"), db_index=True)
    topic = models.CharField(_("培训主题"), max_length=200)
    township = models.ForeignKey("org.Region", verbose_name=_("组织乡镇(街道)"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="village_trainings",
                                 help_text=_("为空表示区级培训"))
    attendees = models.ManyToManyField(Agent, through="Attendance", related_name="trainings",
                                       verbose_name=_("参训代办员"))

    class Meta:
        verbose_name = _("代办员培训")
        verbose_name_plural = _("代办员培训")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class Attendance(models.Model):
    session = models.ForeignKey(TrainingSession, verbose_name=_("培训"), on_delete=models.CASCADE,
                                related_name="attendance")
    agent = models.ForeignKey(Agent, verbose_name=_("代办员"), on_delete=models.PROTECT, related_name="attendance")

    class Meta:
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        constraints = [models.UniqueConstraint(fields=["session", "agent"], name="village_attendance_once")]


class Inspection(Timestamped):
    station = models.ForeignKey(Station, verbose_name=_("服务站"), on_delete=models.PROTECT,
                                related_name="inspections")
    inspected_on = models.DateField(_("检查日期"), db_index=True)
    score = models.DecimalField(_("检查得分"), max_digits=5, decimal_places=1)
    inspector = models.CharField(_("检查人(单位)"), max_length=100)
    note = models.CharField(_("检查情况"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("服务站检查")
        verbose_name_plural = _("服务站检查")
        ordering = ["-inspected_on", "-id"]


class RatingScheme(Timestamped):
    """One period of the star rating with its weights, targets and star thresholds (as data)."""

    name = models.CharField(_("评定名称"), max_length=100)
    period_start = models.DateField(_("考评期起"))
    period_end = models.DateField(_("考评期止"))
    #: component -> weight, e.g. {"cases": 30, "timeliness": 20, "satisfaction": 20, "training": 15, "inspection": 15}
    weights = models.JSONField(_("权重"))
    #: {"cases": 180, "training": 4}: the counts that earn the full 100 points of those components
    targets = models.JSONField(_("满分标准"))
    #: [[90, 5], [80, 4], [70, 3], [60, 2], [0, 1]]: lowest score of each star level
    thresholds = models.JSONField(_("星级分数线"))
    rated_at = models.DateTimeField(_("评定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("星级评定方案")
        verbose_name_plural = _("星级评定方案")
        ordering = ["-period_end", "-id"]
        constraints = [models.UniqueConstraint(fields=["period_start", "period_end"], name="village_scheme_period")]

    def __str__(self) -> str:
        return self.name


class StarRating(models.Model):
    scheme = models.ForeignKey(RatingScheme, verbose_name=_("评定方案"), on_delete=models.CASCADE,
                               related_name="ratings")
    agent = models.ForeignKey(Agent, verbose_name=_("代办员"), on_delete=models.PROTECT, related_name="ratings")
    township = models.ForeignKey("org.Region", verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT,
                                 related_name="+")
    score = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    stars = models.PositiveSmallIntegerField(_("星级"))
    rank_in_township = models.PositiveIntegerField(_("乡镇内排名"))
    #: the counts and the component scores (0–100) the score came from
    components = models.JSONField(_("得分明细"), default=dict)

    class Meta:
        verbose_name = _("星级评定结果")
        verbose_name_plural = _("星级评定结果")
        ordering = ["scheme", "township__sort", "rank_in_township"]
        constraints = [models.UniqueConstraint(fields=["scheme", "agent"], name="village_rating_once")]
