"""The evaluation scheme: indicators, versioned scoring schemes, daily rollups, weekly publications, suggestions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful
from zhengwu.evaluation.choices import Direction, Grouping, Method, PublicationStatus, SuggestionStatus


class Indicator(models.Model):
    """One of the nine indicators (DOMAIN.md §5). ``formula`` names an entry of
    ``evaluation.indicators.FORMULAS``: the one definition every screen, export and API uses."""

    code = models.CharField(_("指标编码"), max_length=40, unique=True)
    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    name = models.CharField(_("指标名称"), max_length=64)
    formula = models.CharField(_("计算公式"), max_length=40)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices)
    unit = models.CharField(_("单位"), max_length=8, default="%")
    description = models.TextField(_("口径说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class Scheme(models.Model):
    """A scoring scheme (评价办法). Its rules live in immutable versions."""

    name = models.CharField(_("方案名称"), max_length=64, unique=True)
    grouping = models.CharField(_("评价对象"), max_length=16, choices=Grouping.choices, default=Grouping.DEPARTMENT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价方案")
        verbose_name_plural = _("评价方案")

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> SchemeVersion | None:
        return self.versions.order_by("-number").first()


class SchemeVersion(models.Model):
    """An immutable version of a scheme. Editing a scheme writes a new version."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    note = models.CharField(_("修订说明"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    digest = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        constraints = [models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_unique")]
        ordering = ["scheme", "number"]

    def __str__(self) -> str:
        return f"{self.scheme.name} v{self.number}"


class SchemeRule(models.Model):
    """How one indicator is scored in one scheme version."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="rules")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2)
    method = models.CharField(_("赋分方法"), max_length=16, choices=Method.choices)
    step = models.DecimalField(_("每降一名扣分"), max_digits=6, decimal_places=2, null=True, blank=True)
    floor = models.DecimalField(_("零分值"), max_digits=12, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("满分值"), max_digits=12, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("赋分规则")
        verbose_name_plural = _("赋分规则")
        constraints = [models.UniqueConstraint(fields=["version", "indicator"], name="rule_once_per_indicator")]
        ordering = ["indicator__number"]


class CounterColumns(models.Model):
    """The fourteen counters of ``evaluation.counters.COUNTERS``, one column each."""

    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    accepted_overdue = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    completed_overdue = models.IntegerField(default=0)
    completed_instant = models.IntegerField(default=0)
    completed_reviewed = models.IntegerField(default=0)
    reviews = models.IntegerField(default=0)
    bad_reviews = models.IntegerField(default=0)
    rectify_due = models.IntegerField(default=0)
    rectified_on_time = models.IntegerField(default=0)
    reminders = models.IntegerField(default=0)
    reminders_answered = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyRollup(CounterColumns):
    """Daily counters per department × township × item × channel, kept up to date
    incrementally (evaluation.rollups) and rebuildable from the raw tables."""

    day = models.DateField()
    department_id = models.IntegerField()
    township_id = models.IntegerField(default=0, help_text="0: no township")
    item_id = models.IntegerField()
    channel = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("日汇总")
        verbose_name_plural = _("日汇总")
        constraints = [models.UniqueConstraint(fields=["day", "department_id", "township_id", "item_id", "channel"],
                                               name="rollup_key")]
        indexes = [models.Index(fields=["day", "department_id"], name="rollup_day_dept_idx"),
                   models.Index(fields=["day", "township_id"], name="rollup_day_township_idx")]


class RollupDelta(CounterColumns):
    """Counter deltas of live changes, appended without touching a shared row.

    A transition adds one insert-only row here instead of updating the day's rollup
    row, which many concurrent transactions would otherwise queue on until they commit.
    ``rollups.fold`` moves them into :class:`DailyRollup`; readers add the unfolded rows.
    """

    day = models.DateField()
    department_id = models.IntegerField()
    township_id = models.IntegerField(default=0)
    item_id = models.IntegerField()
    channel = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("汇总增量")
        verbose_name_plural = _("汇总增量")


class Publication(Stateful):
    """A week's frozen values, scores and ranks (晾晒). Published snapshots never change."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=PublicationStatus.choices,
                              default=PublicationStatus.DRAFT)
    scheme_version = models.ForeignKey(SchemeVersion, verbose_name=_("方案版本"), on_delete=models.PROTECT,
                                       related_name="publications")
    week_start = models.DateField(_("周起始日"))
    period_start = models.DateField(_("统计起始日"))
    period_end = models.DateField(_("统计截止日"))
    grouping = models.CharField(_("评价对象"), max_length=16, choices=Grouping.choices, default=Grouping.DEPARTMENT)
    payload = models.JSONField(_("晾晒内容"), default=dict)
    digest = models.CharField(_("SM3摘要"), max_length=64, blank=True)
    prepared_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("晾晒时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("晾晒")
        verbose_name_plural = _("晾晒")
        ordering = ["-week_start"]
        constraints = [models.UniqueConstraint(fields=["week_start", "grouping"], name="one_publication_per_week")]

    def __str__(self) -> str:
        return f"{self.week_start:%Y-%m-%d} {self.get_status_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and type(self).objects.filter(pk=self.pk, status=PublicationStatus.PUBLISHED).exists():
            raise ValueError("a published snapshot never changes")
        super().save(*args, **kwargs)


class Suggestion(Stateful):
    """A department's suggestion on the scheme (建议), adopted or declined with a reason."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=SuggestionStatus.choices)
    department = models.ForeignKey("org.Department", verbose_name=_("提出部门"), on_delete=models.PROTECT,
                                   related_name="evaluation_suggestions")
    indicator = models.ForeignKey(Indicator, verbose_name=_("涉及指标"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("标题"), max_length=128)
    content = models.TextField(_("建议内容"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("提出时间"))
    decision_reason = models.TextField(_("答复意见"), blank=True)
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价建议")
        verbose_name_plural = _("评价建议")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.title
