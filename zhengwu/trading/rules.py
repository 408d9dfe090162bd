"""The catalog of trading rules with numbers, and how a rule is counted and refused.

The numbers themselves are data (``RuleSet`` / ``RuleValue`` rows, looked up by
:func:`zhengwu.trading.selectors.rule`); this module only says which rule codes
exist, what kind of number each one is, the legal default the data migration
writes, and how a violation is reported: an :class:`InvalidInput` whose code is
``rule.<code>`` and whose message and ``details`` name the rule and its value.

Values are exact fractions (``"0.02"``, ``"2/3"``, ``"20"``): a share of two
thirds stored as 0.6667 would refuse a committee of 6 experts out of 9.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from zhengwu.core import calendar
from zhengwu.core.errors import InvalidInput
from zhengwu.trading.choices import Counting, RuleKind


@dataclass(frozen=True)
class RuleDef:
    code: str
    kind: str
    default: str
    label: str
    basis: str
    #: which part of the trading domain applies the rule
    used_by: str
    minimum: Fraction | None = None
    maximum: Fraction | None = None
    odd: bool = False


_DEFS = [
    RuleDef("documents_to_deadline_days", RuleKind.DAYS, "20", "招标文件开始发出至投标截止的最短天数",
            "招标投标法第24条", "tender publish"),
    RuleDef("documents_on_sale_days", RuleKind.DAYS, "5", "招标文件发售期的最短天数", "招标投标法实施条例第16条",
            "tender publish"),
    RuleDef("change_notice_days", RuleKind.DAYS, "15", "影响投标文件编制的澄清修改距投标截止的最短天数",
            "招标投标法实施条例第21条", "tender amend"),
    RuleDef("objection_before_deadline_days", RuleKind.DAYS, "10", "对招标文件提出异议距投标截止的最短天数",
            "招标投标法实施条例第22条", "objection submit"),
    RuleDef("objection_answer_days", RuleKind.DAYS, "3", "答复异议的期限(天)", "招标投标法实施条例第22条、第54条",
            "objection answer"),
    RuleDef("deposit_max_ratio", RuleKind.RATIO, "0.02", "投标保证金占估算价的最高比例", "招标投标法实施条例第26条",
            "tender deposits, deposit record", minimum=Fraction(0), maximum=Fraction(1)),
    RuleDef("deposit_refund_days", RuleKind.DAYS, "5", "合同签订后退还投标保证金的期限(天)",
            "招标投标法实施条例第57条", "deposit refund due"),
    RuleDef("min_bids", RuleKind.COUNT, "3", "开标所需的最少投标人数", "招标投标法第28条", "opening (part 2)",
            minimum=Fraction(1)),
    RuleDef("custodian_k", RuleKind.COUNT, "2", "开标密钥托管人中解密所需的最少人数(k)", "本中心规则:密钥分割托管 k-of-n",
            "sealed bids (part 2)", minimum=Fraction(1)),
    RuleDef("custodian_n", RuleKind.COUNT, "3", "开标密钥托管人人数(n)", "本中心规则:密钥分割托管 k-of-n",
            "sealed bids (part 2)", minimum=Fraction(2), maximum=Fraction(255)),
    RuleDef("committee_min", RuleKind.COUNT, "5", "评标委员会最少人数(单数)", "招标投标法第37条",
            "evaluation (part 3)", minimum=Fraction(1), odd=True),
    RuleDef("expert_share_min", RuleKind.RATIO, "2/3", "评标委员会中专家的最低比例", "招标投标法第37条",
            "evaluation (part 3)", minimum=Fraction(0), maximum=Fraction(1)),
    RuleDef("publicity_within_days", RuleKind.DAYS, "3", "收到评标报告后公示中标候选人的期限(天)",
            "招标投标法实施条例第54条", "award (part 3)"),
    RuleDef("publicity_min_days", RuleKind.DAYS, "3", "中标候选人公示的最短天数", "招标投标法实施条例第54条",
            "award (part 3)"),
    RuleDef("contract_within_days", RuleKind.DAYS, "30", "发出中标通知书后订立合同的期限(天)", "招标投标法第46条",
            "contract (part 3)"),
    RuleDef("mandatory_limit_works", RuleKind.AMOUNT, "4000000", "施工单项合同估算价的必须招标限额(元)",
            "必须招标的工程项目规定(2018)第5条", "project classification"),
    RuleDef("mandatory_limit_goods", RuleKind.AMOUNT, "2000000", "重要设备、材料等货物采购的必须招标限额(元)",
            "必须招标的工程项目规定(2018)第5条", "project classification"),
    RuleDef("mandatory_limit_services", RuleKind.AMOUNT, "1000000", "勘察、设计、监理等服务采购的必须招标限额(元)",
            "必须招标的工程项目规定(2018)第5条", "project classification"),
    RuleDef("control_price_max_ratio", RuleKind.RATIO, "1", "最高投标限价与估算价之比的上限",
            "本中心规则:最高投标限价不得超过估算价(GB 50500 第5.1节:超过批准概算的须报审)", "project, section",
            minimum=Fraction(0), maximum=Fraction(10)),
    RuleDef("expert_cooldown_days", RuleKind.DAYS, "30", "专家被抽取后不再参加抽取的天数(冷却期)",
            "本中心规则:避免同一专家频繁参加评标", "expert draw (part 3)"),
    RuleDef("expert_min_credit", RuleKind.COUNT, "60", "参加抽取的专家最低信用分", "本中心规则:评标专家信用评价",
            "expert draw (part 3)", minimum=Fraction(0), maximum=Fraction(100)),
    RuleDef("provincial_share_min", RuleKind.RATIO, "1", "限额以上项目从省专家库抽取专家的最低比例",
            "招标投标法实施条例第46条;省综合评标专家库管理办法", "expert draw (part 3)",
            minimum=Fraction(0), maximum=Fraction(1)),
    RuleDef("separated_candidates_max", RuleKind.COUNT, "3", "评定分离:评标委员会推荐的不排序中标候选人最多人数",
            "本中心规则:评定分离改革试点(评标委员会推荐不超过3名合格的中标候选人,不排序)", "separated award (part 5)",
            minimum=Fraction(1), maximum=Fraction(10)),
    RuleDef("decision_group_min", RuleKind.COUNT, "5", "评定分离:招标人定标委员会最少人数(单数)",
            "本中心规则:评定分离改革试点(招标人组建定标委员会,5人以上单数)", "separated award (part 5)",
            minimum=Fraction(1), odd=True),
    RuleDef("vote_lottery_finalists", RuleKind.COUNT, "2", "票决抽签:票决后进入抽签的候选人数",
            "本中心规则:评定分离改革试点(票决抽签)", "separated award (part 5)",
            minimum=Fraction(2), maximum=Fraction(10)),
]

CATALOG: dict[str, RuleDef] = {d.code: d for d in _DEFS}
CODE_CHOICES = [(d.code, f"{d.code} {d.label}") for d in _DEFS]
#: the contract kind -> the rule holding its mandatory-tendering threshold
LIMIT_RULE = {"works": "mandatory_limit_works", "goods": "mandatory_limit_goods",
              "services": "mandatory_limit_services"}


def definition(code: str) -> RuleDef:
    try:
        return CATALOG[code]
    except KeyError:
        raise InvalidInput(f"未知的规则代码:{code}。", field="code", code="unknown_rule") from None


def parse_value(code: str, text: Any) -> Fraction:
    """The exact value of ``text`` for rule ``code``, or InvalidInput naming the field ``value``."""
    d = definition(code)
    raw = str(text if text is not None else "").strip()
    try:
        if "/" in raw:
            top, bottom = raw.split("/", 1)
            value = Fraction(int(top.strip()), int(bottom.strip()))
        else:
            value = Fraction(Decimal(raw))
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise InvalidInput(f"规则 {code} 的值“{raw}”不是数字(可写 20、0.02 或 2/3)。", field="value",
                           code="bad_rule_value") from None
    if d.kind in (RuleKind.DAYS, RuleKind.COUNT) and (value.denominator != 1 or value < 0):
        raise InvalidInput(f"规则 {code} 的值必须是非负整数。", field="value", code="bad_rule_value")
    if value < 0:
        raise InvalidInput(f"规则 {code} 的值不能为负数。", field="value", code="bad_rule_value")
    if d.minimum is not None and value < d.minimum or d.maximum is not None and value > d.maximum:
        raise InvalidInput(f"规则 {code} 的值必须在 {d.minimum} 到 {d.maximum} 之间。", field="value",
                           code="bad_rule_value")
    if d.odd and value % 2 != 1:
        raise InvalidInput(f"规则 {code} 的值必须是单数。", field="value", code="bad_rule_value")
    return value


@dataclass(frozen=True)
class RuleEntry:
    """One rule as it applies to a project: its value and the rule set it came from."""

    code: str
    value: Fraction
    text: str
    counting: str = Counting.NATURAL
    source: str = "default"

    @property
    def as_int(self) -> int:
        return int(self.value)

    @property
    def working_days(self) -> bool:
        return self.counting == Counting.WORKING

    def describe(self) -> str:
        unit = "(工作日)" if self.working_days else ""
        return f"规则 {self.code} = {self.text}{unit}"

    def snapshot(self) -> str:
        return f"{self.text}{' working' if self.working_days else ''}"


# --- counting days --------------------------------------------------------------------------------

def days_between(start: dt.date, end: dt.date, entry: RuleEntry) -> int:
    """Days from ``start`` to ``end``: the first day not counted, the last one counted (民法典 §201).

    Natural days by default; working days of the platform calendar when the rule row says so.
    """
    if entry.working_days:
        return calendar.working_days_between(start, end)
    return (end - start).days


def days_in_period(first: dt.date, last: dt.date, entry: RuleEntry) -> int:
    """Days of a period that includes both its first and its last day (a sale period 3/1–3/5 is 5 days)."""
    if last < first:
        return 0
    if entry.working_days:
        return calendar.working_days_between(first - dt.timedelta(days=1), last)
    return (last - first).days + 1


def add_days(start: dt.date, n: int, entry: RuleEntry) -> dt.date:
    if entry.working_days:
        return calendar.add_working_days(start, n)
    return start + dt.timedelta(days=n)


# --- refusing ---------------------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (Decimal, Fraction)):
        return str(value)
    return value


def violation(entry: RuleEntry, *, field: str, message: str, **details: Any) -> InvalidInput:
    """The refusal of a rule: code ``rule.<code>``, the rule and its value in the message and the details."""
    return InvalidInput(
        f"{message}({entry.describe()})",
        field=field,
        code=f"rule.{entry.code}",
        details={"rule": entry.code, "value": entry.text, "counting": entry.counting, "source": entry.source,
                 **{k: _jsonable(v) for k, v in details.items()}},
    )
