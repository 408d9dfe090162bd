"""The tendering party's decision in 评定分离 (separated award), part 5 of the trading domain.

One ``AwardDecision`` per evaluation of a tender whose documents fix ``award_mode = separated``: the
method (vote, lottery, vote then lottery, collective deliberation, price competition), the members of
the tendering party's decision group, what each method needs (the votes of every round, the lottery
seed, the minutes, the final offers), the outcome, the reasons, and an SM3 digest over the canonical
JSON of all of it. The ``Award`` it produces is the same row a ranked award writes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.trading.choices import DecisionMethod


class AwardDecision(models.Model):
    """The tendering party's decision among the unranked candidates (评定分离定标记录)."""

    evaluation = models.OneToOneField("trading.Evaluation", verbose_name=_("评标"), on_delete=models.PROTECT,
                                      related_name="decision")
    award = models.OneToOneField("trading.Award", verbose_name=_("定标"), on_delete=models.PROTECT,
                                 related_name="decision")
    method = models.CharField(_("定标方法"), max_length=24, choices=DecisionMethod.choices)
    #: the tendering party's decision group: [{"name", "role"}], in the order given
    group = models.JSONField(_("定标委员会成员"))
    #: the recommended candidates as the group saw them: [{"bid", "bidder", "price"}], in opening order
    candidates = models.JSONField(_("中标候选人(不排序)"))
    #: what the method needs: vote rounds, final offers, the chosen bid of a deliberation
    inputs = models.JSONField(_("定标过程数据"), default=dict)
    #: what the method computed: tallies, finalists, the lottery's ordered pool and the index drawn, offers
    outcome = models.JSONField(_("定标结果数据"), default=dict)
    seed = models.CharField(_("抽签随机种子"), max_length=40, blank=True)
    minutes = models.TextField(_("集体议事纪要"), blank=True)
    reasons = models.TextField(_("定标理由"))
    winner = models.ForeignKey("trading.EvaluatedBid", verbose_name=_("中标人"), on_delete=models.PROTECT,
                               related_name="+")
    price = models.DecimalField(_("中标价(元)"), max_digits=16, decimal_places=2)
    decided_at = models.DateTimeField(_("定标时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    digest = models.CharField(_("SM3摘要"), max_length=64)

    class Meta:
        verbose_name = _("评定分离定标记录")
        verbose_name_plural = _("评定分离定标记录")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.get_method_display()}"
