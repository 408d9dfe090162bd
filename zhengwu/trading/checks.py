"""The checks of the trading rules with numbers: each takes the rule as it applies (a ``RuleEntry``)
and raises the rule's violation, naming the rule and its value, or returns what it measured.

Shared by the services (creating a tender, recording a deposit, raising an objection) and the
transition guards (publishing, amending), so a rule is written once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from zhengwu.core.errors import InvalidInput
from zhengwu.trading.rules import RuleEntry, add_days, days_between, days_in_period, violation


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def check_schedule(*, documents_issued_at: dt.datetime, on_sale_from: dt.date, on_sale_to: dt.date,
                   bid_deadline: dt.datetime, opening_at: dt.datetime, bid_validity_days: int) -> None:
    """The order of a tender's dates (no rule numbers: these hold for every procedure)."""
    if bid_deadline <= documents_issued_at:
        raise InvalidInput("投标截止时间必须晚于招标文件开始发出时间。", field="bid_deadline", code="bad_schedule")
    if on_sale_from < local_date(documents_issued_at):
        raise InvalidInput("招标文件发售开始日不能早于招标文件开始发出之日。", field="on_sale_from",
                           code="bad_schedule")
    if on_sale_to < on_sale_from:
        raise InvalidInput("招标文件发售截止日不能早于发售开始日。", field="on_sale_to", code="bad_schedule")
    if on_sale_to > local_date(bid_deadline):
        raise InvalidInput("招标文件发售截止日不能晚于投标截止日。", field="on_sale_to", code="bad_schedule")
    if opening_at < bid_deadline:
        raise InvalidInput("开标时间不能早于投标截止时间。", field="opening_at", code="bad_schedule")
    if not 1 <= bid_validity_days <= 365:
        raise InvalidInput("投标有效期应为 1 到 365 天。", field="bid_validity_days", code="bad_schedule")


def check_documents_period(entry: RuleEntry, *, documents_issued_at: dt.datetime, bid_deadline: dt.datetime) -> int:
    """documents_to_deadline_days: from the day the documents go out to the deadline day."""
    issued, deadline = local_date(documents_issued_at), local_date(bid_deadline)
    days = days_between(issued, deadline, entry)
    if days < entry.as_int:
        raise violation(entry, field="bid_deadline",
                        message=(f"自招标文件开始发出({issued:%Y-%m-%d})至投标截止({deadline:%Y-%m-%d})只有 {days} 日,"
                                 f"不得少于 {entry.text} 日"),
                        actual=days, earliest_deadline_date=add_days(issued, entry.as_int, entry))
    return days


def check_sale_period(entry: RuleEntry, *, on_sale_from: dt.date, on_sale_to: dt.date) -> int:
    """documents_on_sale_days: the sale period counts its first and its last day."""
    days = days_in_period(on_sale_from, on_sale_to, entry)
    if days < entry.as_int:
        raise violation(entry, field="on_sale_to",
                        message=(f"招标文件发售期({on_sale_from:%Y-%m-%d}至{on_sale_to:%Y-%m-%d})只有 {days} 日,"
                                 f"不得少于 {entry.text} 日"),
                        actual=days)
    return days


def deposit_cap(entry: RuleEntry, estimate: Decimal) -> Fraction:
    return Fraction(estimate) * entry.value


def check_deposit_cap(entry: RuleEntry, *, amount: Decimal, estimate: Decimal, field: str) -> None:
    """deposit_max_ratio: a deposit may not exceed the ratio of the section's estimate (2.0 % yes, 2.01 % no)."""
    cap = deposit_cap(entry, estimate)
    if Fraction(amount) > cap:
        shown = Decimal(cap.numerator) / Decimal(cap.denominator)
        raise violation(entry, field=field,
                        message=f"投标保证金 {amount} 元超过标段估算价 {estimate} 元的 {entry.text}(上限 {shown:.2f} 元)",
                        amount=amount, estimate=estimate, cap=f"{shown:.2f}")


def check_change_notice(entry: RuleEntry, *, issued_at: dt.datetime, bid_deadline: dt.datetime, field: str) -> int:
    """change_notice_days: a change that affects bids goes out at least N days before the (new) deadline."""
    issued, deadline = local_date(issued_at), local_date(bid_deadline)
    days = days_between(issued, deadline, entry)
    if days < entry.as_int:
        earliest = add_days(issued, entry.as_int, entry)
        raise violation(entry, field=field,
                        message=(f"影响投标文件编制的澄清或修改距投标截止({deadline:%Y-%m-%d})只有 {days} 日,"
                                 f"须至少 {entry.text} 日;请将投标截止时间顺延至 {earliest:%Y-%m-%d} 或以后"),
                        actual=days, earliest_deadline_date=earliest)
    return days


def check_objection_time(entry: RuleEntry, *, submitted_at: dt.datetime, bid_deadline: dt.datetime) -> int:
    """objection_before_deadline_days: an objection to the documents comes at least N days before the deadline."""
    submitted, deadline = local_date(submitted_at), local_date(bid_deadline)
    days = days_between(submitted, deadline, entry)
    if days < entry.as_int:
        raise violation(entry, field="submitted_at",
                        message=(f"对招标文件的异议应在投标截止({deadline:%Y-%m-%d})前至少 {entry.text} 日提出,"
                                 f"现距截止只有 {days} 日"),
                        actual=days)
    return days


def check_committee(minimum: RuleEntry, share: RuleEntry, *, committee_size: int, representatives: int) -> int:
    """committee_min (odd) and expert_share_min, in exact fractions: 4 refused, 5 accepted, 6 refused (even);
    9 members with 3 representatives is 6/9 = 2/3 (accepted). Returns the number of experts."""
    if not isinstance(committee_size, int) or isinstance(committee_size, bool):
        raise InvalidInput("评标委员会人数应为整数。", field="committee_size", code="bad_count")
    if not isinstance(representatives, int) or isinstance(representatives, bool) or representatives < 0:
        raise InvalidInput("招标人代表人数应为非负整数。", field="representatives", code="bad_count")
    if committee_size < minimum.as_int:
        raise violation(minimum, field="committee_size",
                        message=f"评标委员会 {committee_size} 人,不得少于 {minimum.text} 人", actual=committee_size)
    if committee_size % 2 == 0:
        raise violation(minimum, field="committee_size", message=f"评标委员会 {committee_size} 人,人数须为单数",
                        actual=committee_size)
    experts = committee_size - representatives
    if experts < 0 or Fraction(experts, committee_size) < share.value:
        raise violation(share, field="representatives",
                        message=(f"评标委员会 {committee_size} 人中专家 {max(experts, 0)} 人,"
                                 f"不足成员总数的 {share.text}"),
                        actual=f"{max(experts, 0)}/{committee_size}")
    return experts
