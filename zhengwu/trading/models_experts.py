"""Experts and the draw of an evaluation committee (评标专家库与专家抽取), part 3 of the trading domain.

A draw belongs to one ``TenderSection``; it is made of rounds (the initial draw, then one round per
replacement). Each round records its seed and the ordered pool it drew from, so ``draw_replay``
recomputes the same experts; every candidate with a required specialty who was left out has an
exclusion row with its reasons.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful, Timestamped
from zhengwu.trading.choices import DrawRoundKind, ExpertSource, ExpertStatus, ReplacementCause


class Specialty(models.Model):
    """A specialty of the expert classification (评标专业), e.g. 房屋建筑, 市政, 水利, 造价, 法律."""

    code = models.CharField(_("专业代码"), max_length=32, unique=True)
    name = models.CharField(_("专业名称"), max_length=64, unique=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评标专业")
        verbose_name_plural = _("评标专业")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Expert(Stateful, Timestamped):
    """An evaluation expert. ``status`` (active / suspended / punished) changes only through the expert workflow."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=ExpertStatus.choices)
    name = models.CharField(_("姓名"), max_length=32)
    person = models.ForeignKey("org.Person", verbose_name=_("自然人(身份证号加密)"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="expert_profiles")
    specialties = models.ManyToManyField(Specialty, verbose_name=_("专业"), related_name="experts")
    employer = models.ForeignKey("org.Enterprise", verbose_name=_("工作单位(企业)"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="employed_experts")
    employer_name = models.CharField(_("工作单位"), max_length=128, blank=True)
    department = models.ForeignKey("org.Department", verbose_name=_("所在行政部门"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="experts",
                                    help_text=_("专家是某行政部门工作人员时填写:该部门监督的项目须回避"))
    region = models.CharField(_("所在地区"), max_length=64, blank=True)
    title = models.CharField(_("职称"), max_length=64, blank=True)
    source = models.CharField(_("所属专家库"), max_length=16, choices=ExpertSource.choices, db_index=True)
    credit_score = models.PositiveSmallIntegerField(_("信用分"), default=100)
    declared_conflicts = models.ManyToManyField(
        "org.Enterprise", verbose_name=_("申报有利害关系的单位"), blank=True, related_name="declared_experts",
        help_text=_("近亲属任职或其他利害关系的单位:为投标人、招标人或代理机构时回避"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="expert_profile",
                                help_text=_("专家本人的账号(角色:评标专家),用于在评分界面提交本人的评分表"))

    class Meta:
        verbose_name = _("评标专家")
        verbose_name_plural = _("评标专家")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(credit_score__lte=100), name="expert_credit_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.name


class ExpertDraw(models.Model):
    """The draw of the evaluation committee of one section of one tender."""

    tender_section = models.OneToOneField("trading.TenderSection", verbose_name=_("招标标段"),
                                          on_delete=models.PROTECT, related_name="expert_draw")
    committee_size = models.PositiveSmallIntegerField(_("评标委员会人数"))
    representatives = models.PositiveSmallIntegerField(_("招标人代表人数"))
    expert_count = models.PositiveSmallIntegerField(_("专家人数"))
    requirements = models.JSONField(_("专业及人数"))
    local_allowed = models.PositiveSmallIntegerField(_("可从本地库抽取的最多人数"))
    rules = models.JSONField(_("适用的规则值"), default=dict)
    created_at = models.DateTimeField(_("抽取时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("专家抽取")
        verbose_name_plural = _("专家抽取")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expert_count__lte=models.F("committee_size")),
                                   name="draw_experts_within_committee"),
        ]

    def __str__(self) -> str:
        return f"draw {self.pk} ({self.tender_section_id})"


class ExpertDrawRound(models.Model):
    """One random choice of a draw: the initial draw (number 0) or a replacement. Seed and pool recorded."""

    draw = models.ForeignKey(ExpertDraw, verbose_name=_("专家抽取"), on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次"))
    kind = models.CharField(_("类型"), max_length=16, choices=DrawRoundKind.choices)
    seed = models.CharField(_("随机种子"), max_length=40)
    needs = models.JSONField(_("本轮需要(专业代码 → 人数)"))
    pool = models.JSONField(_("候选池(专业代码 → 库 → 专家编号,升序)"))
    local_allowed = models.PositiveSmallIntegerField(_("本轮可从本地库抽取的最多人数"))
    candidates_count = models.PositiveIntegerField(_("具备专业的专家数"))
    exclusions = models.JSONField(_("排除汇总(专业代码 → 原因 → 人数)"), default=dict)
    reason = models.TextField(_("补抽原因"), blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), db_index=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("专家抽取轮次")
        verbose_name_plural = _("专家抽取轮次")
        ordering = ["draw", "number"]
        constraints = [models.UniqueConstraint(fields=["draw", "number"], name="draw_round_number_unique")]


class ExpertDrawMember(models.Model):
    """An expert drawn for a committee. A replaced member keeps its row with the cause, and names its replacement."""

    draw = models.ForeignKey(ExpertDraw, verbose_name=_("专家抽取"), on_delete=models.CASCADE, related_name="members")
    round = models.ForeignKey(ExpertDrawRound, verbose_name=_("轮次"), on_delete=models.CASCADE,
                              related_name="members")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="draws")
    specialty = models.ForeignKey(Specialty, verbose_name=_("专业"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("所属专家库"), max_length=16, choices=ExpertSource.choices)
    position = models.PositiveSmallIntegerField(_("抽取顺序"))
    replaced_at = models.DateTimeField(_("被替换时间"), null=True, blank=True)
    replacement_cause = models.CharField(_("替换原因类别"), max_length=16, choices=ReplacementCause.choices,
                                         blank=True)
    replacement_reason = models.TextField(_("替换原因"), blank=True)
    replaced_by = models.OneToOneField("self", verbose_name=_("替换者"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="replaces")

    class Meta:
        verbose_name = _("抽取的专家")
        verbose_name_plural = _("抽取的专家")
        ordering = ["draw", "round__number", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "expert"], name="draw_member_once_per_draw")]

    @property
    def serving(self) -> bool:
        return self.replaced_at is None


class ExpertDrawExclusion(models.Model):
    """A candidate with a required specialty left out of a round's pool, with every reason that applied."""

    round = models.ForeignKey(ExpertDrawRound, verbose_name=_("轮次"), on_delete=models.CASCADE,
                              related_name="exclusion_rows")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="+")
    specialty = models.ForeignKey(Specialty, verbose_name=_("专业"), on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(_("原因"))

    class Meta:
        verbose_name = _("专家抽取排除记录")
        verbose_name_plural = _("专家抽取排除记录")
        ordering = ["round", "specialty", "expert"]
        constraints = [models.UniqueConstraint(fields=["round", "expert", "specialty"],
                                               name="draw_exclusion_once")]
