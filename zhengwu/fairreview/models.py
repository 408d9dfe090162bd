"""Models of fairreview: the rule list (data an administrator extends), each review run, and its findings.

A finding is one rule's hit on one clause (sentence) of the documents. Its identity across runs is a
fingerprint of the rule, the source and the clause's text, so a re-run keeps an accepted finding accepted while
the clause is unchanged, resolves a finding whose clause is gone, and never lets an edited clause inherit an
acceptance. A finding has no status field: it is open until ``resolved_at`` (an edit removed the clause) or
``accepted_at`` (a reviewer kept it with a written reason) is set.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Timestamped
from zhengwu.fairreview.choices import FindingState, Matcher, RuleCategory, Severity, Source


class Rule(Timestamped):
    """One restrictive-clause rule: a regular expression, optionally a numeric check on what it captures."""

    code = models.CharField(_("规则编号"), max_length=32, unique=True)
    category = models.CharField(_("类别"), max_length=16, choices=RuleCategory.choices)
    matcher = models.CharField(_("匹配方式"), max_length=24, choices=Matcher.choices, default=Matcher.REGEX)
    pattern = models.TextField(_("正则表达式"), help_text=_("数值规则用命名分组 (?P<amount>…)(?P<unit>…) 或 (?P<value>…)"))
    unless_pattern = models.TextField(_("除外表达式"), blank=True,
                                      help_text=_("同一条款中出现此表达式时不视为问题,例如“或相当于”"))
    threshold = models.DecimalField(_("阈值"), max_digits=14, decimal_places=4, null=True, blank=True,
                                    help_text=_("金额规则为估算价的倍数;数值规则为上限或下限"))
    contract_kinds = models.JSONField(_("适用合同类型"), default=list, blank=True,
                                      help_text=_("空表示全部;如 [\"works\"] 只审查施工标段的招标"))
    message = models.CharField(_("提示"), max_length=300)
    legal_basis = models.CharField(_("依据"), max_length=300)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices, default=Severity.HIGH)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("公平竞争审查规则")
        verbose_name_plural = _("公平竞争审查规则")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.message}"

    def clean(self) -> None:
        from zhengwu.core.errors import AppError
        from zhengwu.fairreview.scanner import validate_rule

        try:
            validate_rule(matcher=self.matcher, pattern=self.pattern, unless_pattern=self.unless_pattern,
                          threshold=self.threshold, contract_kinds=self.contract_kinds)
        except AppError as exc:
            raise ValidationError({exc.field or "pattern": exc.message}) from None


class Review(models.Model):
    """One run of the review over a tender's text (kept as reviewed, with its SM3 digest)."""

    tender = models.ForeignKey("trading.Tender", verbose_name=_("招标"), on_delete=models.PROTECT,
                               related_name="fair_reviews")
    digest = models.CharField(_("文件摘要(SM3)"), max_length=64)
    documents_text = models.TextField(_("审查时的招标文件正文"), blank=True)
    announcement = models.TextField(_("审查时的招标公告"), blank=True)
    estimate = models.DecimalField(_("标段估算价(元)"), max_digits=16, decimal_places=2, null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审查时间"), db_index=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审查人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_by_label = models.CharField(_("审查人"), max_length=64, blank=True)
    found = models.PositiveIntegerField(_("发现问题"), default=0)
    new = models.PositiveIntegerField(_("新增问题"), default=0)
    resolved = models.PositiveIntegerField(_("已消除"), default=0)
    open = models.PositiveIntegerField(_("待处理"), default=0)

    class Meta:
        verbose_name = _("公平竞争审查记录")
        verbose_name_plural = _("公平竞争审查记录")
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.tender_id}@{self.reviewed_at:%Y-%m-%d %H:%M}"


class Finding(models.Model):
    """One rule's hit on one clause, kept across runs while the clause is unchanged."""

    tender = models.ForeignKey("trading.Tender", verbose_name=_("招标"), on_delete=models.PROTECT,
                               related_name="fair_findings")
    rule = models.ForeignKey(Rule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="findings")
    fingerprint = models.CharField(_("条款指纹"), max_length=64)
    source = models.CharField(_("所在文件"), max_length=16, choices=Source.choices, default=Source.DOCUMENTS)
    first_review = models.ForeignKey(Review, verbose_name=_("首次发现"), on_delete=models.CASCADE,
                                     related_name="new_findings")
    last_review = models.ForeignKey(Review, verbose_name=_("最近发现"), on_delete=models.CASCADE,
                                    related_name="findings")
    clause_start = models.PositiveIntegerField(_("条款起点"))
    clause_end = models.PositiveIntegerField(_("条款终点"))
    match_start = models.PositiveIntegerField(_("匹配起点"))
    match_end = models.PositiveIntegerField(_("匹配终点"))
    clause = models.TextField(_("条款"))
    excerpt = models.CharField(_("匹配内容"), max_length=500)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    accepted_at = models.DateTimeField(_("保留时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("保留人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    accepted_by_label = models.CharField(_("保留人"), max_length=64, blank=True)
    accept_reason = models.TextField(_("保留理由"), blank=True)
    resolved_at = models.DateTimeField(_("消除时间"), null=True, blank=True)
    resolved_by_review = models.ForeignKey(Review, verbose_name=_("消除于"), null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="resolved_findings")

    class Meta:
        verbose_name = _("审查发现")
        verbose_name_plural = _("审查发现")
        ordering = ["tender", "source", "clause_start", "rule__code"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "fingerprint"], name="fairreview_finding_unique"),
            models.CheckConstraint(condition=models.Q(accepted_at__isnull=True) | ~models.Q(accept_reason=""),
                                   name="fairreview_accept_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code}: {self.excerpt}"

    @property
    def state(self) -> str:
        if self.resolved_at is not None:
            return FindingState.RESOLVED
        if self.accepted_at is not None:
            return FindingState.ACCEPTED
        return FindingState.OPEN

    def get_state_display(self) -> str:
        return str(FindingState(self.state).label)
