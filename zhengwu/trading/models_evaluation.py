"""Evaluation, candidates' publicity and award (评标、中标候选人公示、定标), part 4 of the trading domain.

One ``Evaluation`` per section of a tender (``TenderSection``): the method and the price formula as
data, one ``EvaluatedBid`` per line of the opening record (valid, or rejected with its reason), one
signed ``ScoreSheet`` per committee member × valid bid, and the report (ranked candidates, digest).
Then the ``CandidatePublicity`` (a workflow row), objections to the candidates, and the ``Award``
with its notice and contract. In 评定分离 (part 5) the report recommends unranked candidates
(``EvaluatedBid.recommended``, ``rank`` empty) and the award comes from an ``AwardDecision``
(``models_award``), so ``Award.winner_rank`` is empty.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_base import Stateful
from zhengwu.trading.choices import EvaluationMethod, EvaluationStatus, PublicityStatus, RejectionCode


def _money(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


def _score(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=6, decimal_places=2, **kwargs)


class Evaluation(models.Model):
    """The committee's evaluation of one section of one tender (评标)."""

    tender_section = models.OneToOneField("trading.TenderSection", verbose_name=_("招标标段"),
                                          on_delete=models.PROTECT, related_name="evaluation")
    method = models.CharField(_("评标办法"), max_length=16, choices=EvaluationMethod.choices)
    status = models.CharField(_("状态"), max_length=16, choices=EvaluationStatus.choices,
                              default=EvaluationStatus.SCORING)
    #: the price formula and the maximum scores, as data (see services_evaluation.DEFAULT_PARAMS)
    params = models.JSONField(_("评分参数"))
    control_price = _money(_("最高投标限价(元)"), null=True, blank=True)
    base_price = _money(_("评标基准价(元)"), null=True, blank=True)
    created_at = models.DateTimeField(_("开始评标时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("评标报告提交时间"), null=True, blank=True)
    report = models.JSONField(_("评标报告"), default=dict, blank=True)
    report_digest = models.CharField(_("评标报告SM3摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("评标")
        verbose_name_plural = _("评标")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.tender_section} {self.get_method_display()}"


class EvaluatedBid(models.Model):
    """One line of the opening record as the committee sees it: valid, or rejected with the reason."""

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("评标"), on_delete=models.CASCADE,
                                   related_name="bids")
    bid = models.OneToOneField("trading.Bid", verbose_name=_("投标文件"), on_delete=models.PROTECT,
                               related_name="evaluated")
    bidder_name = models.CharField(_("投标人"), max_length=128)
    price = _money(_("投标报价(元)"), null=True, blank=True)
    valid = models.BooleanField(_("有效投标"))
    rejection_code = models.CharField(_("否决代码"), max_length=32, choices=RejectionCode.choices, blank=True)
    rejection_reason = models.TextField(_("否决理由"), blank=True)
    technical = _score(_("技术分(平均)"), null=True, blank=True)
    business = _score(_("商务分(平均)"), null=True, blank=True)
    price_score = _score(_("价格分"), null=True, blank=True)
    total = _score(_("综合得分"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("排名"), null=True, blank=True,
                                            help_text=_("评定分离时不排序,为空"))
    recommended = models.BooleanField(_("推荐为中标候选人"), default=False)

    class Meta:
        verbose_name = _("评审的投标")
        verbose_name_plural = _("评审的投标")
        ordering = ["evaluation", "rank", "id"]

    def __str__(self) -> str:
        return f"{self.bidder_name} {self.price}"


class ScoreSheet(models.Model):
    """One committee member's technical and business scores of one valid bid, signed with an SM3 digest."""

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("评标"), on_delete=models.CASCADE,
                                   related_name="sheets")
    member = models.ForeignKey("trading.ExpertDrawMember", verbose_name=_("评标委员会成员"),
                               on_delete=models.PROTECT, related_name="score_sheets")
    expert = models.ForeignKey("trading.Expert", verbose_name=_("专家"), on_delete=models.PROTECT, related_name="+")
    evaluated_bid = models.ForeignKey(EvaluatedBid, verbose_name=_("投标"), on_delete=models.CASCADE,
                                      related_name="sheets")
    technical = _score(_("技术分"))
    business = _score(_("商务分"))
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    digest = models.CharField(_("SM3摘要"), max_length=64)

    class Meta:
        verbose_name = _("专家评分表")
        verbose_name_plural = _("专家评分表")
        ordering = ["evaluation", "member", "evaluated_bid"]
        constraints = [models.UniqueConstraint(fields=["member", "evaluated_bid"], name="score_sheet_once")]


class CandidatePublicity(Stateful):
    """The publicity of the winning candidates (中标候选人公示): draft → published → closed."""

    status = models.CharField(_("状态"), max_length=32, db_index=True, choices=PublicityStatus.choices)
    evaluation = models.OneToOneField(Evaluation, verbose_name=_("评标"), on_delete=models.PROTECT,
                                      related_name="publicity")
    published_at = models.DateTimeField(_("公示开始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("公示结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("中标候选人公示")
        verbose_name_plural = _("中标候选人公示")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.status}"


class CandidateObjection(models.Model):
    """An objection to the evaluation result during the publicity (对评标结果的异议), answered within 3 days."""

    publicity = models.ForeignKey(CandidatePublicity, verbose_name=_("公示"), on_delete=models.CASCADE,
                                  related_name="objections")
    objector_name = models.CharField(_("异议人"), max_length=128)
    content = models.TextField(_("异议内容"))
    submitted_at = models.DateTimeField(_("提出时间"))
    answer_due_on = models.DateField(_("答复期限"), db_index=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_late = models.BooleanField(_("逾期答复"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("评标结果异议")
        verbose_name_plural = _("评标结果异议")
        ordering = ["-submitted_at", "-id"]


class Award(models.Model):
    """The award of a section (定标): the winner, the notice and the contract."""

    evaluation = models.OneToOneField(Evaluation, verbose_name=_("评标"), on_delete=models.PROTECT,
                                      related_name="award")
    winner = models.ForeignKey(EvaluatedBid, verbose_name=_("中标人"), on_delete=models.PROTECT, related_name="+")
    winner_rank = models.PositiveSmallIntegerField(_("中标候选人排名"), null=True, blank=True,
                                                   help_text=_("评定分离的候选人不排序,为空"))
    reason = models.TextField(_("未确定排名第一的理由"), blank=True)
    price = _money(_("中标价(元)"), help_text=_("价格竞争定标时为最终报价"))
    notice_issued_at = models.DateTimeField(_("中标通知书发出时间"))
    contract_due_on = models.DateField(_("合同订立期限"), db_index=True)
    contract_signed_on = models.DateField(_("合同签订日期"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("定标")
        verbose_name_plural = _("定标")
        ordering = ["-notice_issued_at", "-id"]
