"""Kinds of the fair competition review: rule categories, matchers and severities, with labels and tones."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class RuleCategory(models.TextChoices):
    REGION = "region", _("地域限制/本地注册")
    OWNERSHIP = "ownership", _("所有制限制")
    BRAND = "brand", _("指定品牌")
    QUALIFICATION = "qualification", _("资质/业绩/人员要求过高")
    FINANCE = "finance", _("营业收入/注册资本过高")
    SCORING = "scoring", _("评分因素不合理")
    OTHER = "other", _("其他")


class Matcher(models.TextChoices):
    """How a rule looks at the text. Every matcher starts with the rule's regular expression; the numeric ones
    then compare a number the expression captures with a threshold."""

    REGEX = "regex", _("文本匹配(正则表达式)")
    #: ``(?P<amount>…)(?P<unit>元|万元|亿元)``: flagged when the amount is above threshold × the section estimate
    AMOUNT_ABOVE_ESTIMATE = "amount_above_estimate", _("金额超过标段估算价的倍数")
    #: ``(?P<value>…)``: flagged when the number is above the threshold (e.g. the count of similar projects)
    NUMBER_ABOVE = "number_above", _("数值高于上限")
    #: ``(?P<value>…)``: flagged when the number is below the threshold (e.g. the price weight in %)
    NUMBER_BELOW = "number_below", _("数值低于下限")


NUMERIC_MATCHERS = (Matcher.AMOUNT_ABOVE_ESTIMATE, Matcher.NUMBER_ABOVE, Matcher.NUMBER_BELOW)


class Severity(models.TextChoices):
    HIGH = "high", _("严重")
    MEDIUM = "medium", _("一般")
    LOW = "low", _("提示")


SEVERITY_TONES = {Severity.HIGH: Tone.RED, Severity.MEDIUM: Tone.YELLOW, Severity.LOW: Tone.GREY}


class FindingState(models.TextChoices):
    """Derived from the finding's dates (no status field): open until resolved by an edit or accepted."""

    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已说明理由保留")
    RESOLVED = "resolved", _("已修改消除")


FINDING_STATE_TONES = {FindingState.OPEN: Tone.RED, FindingState.ACCEPTED: Tone.BLUE,
                       FindingState.RESOLVED: Tone.GREEN}


class Source(models.TextChoices):
    DOCUMENTS = "documents_text", _("招标文件正文")
    ANNOUNCEMENT = "announcement", _("招标公告")
