"""The scanner: a pure function from a text and a rule list to findings, with no database.

``scan(text, rules, *, estimate)`` cuts the text into clauses (sentences ending in 。;!? or their full-width forms, or a line break),
runs each active rule's regular expression, drops a hit whose clause contains the rule's ``unless_pattern``
(e.g. a brand named "或相当于"), applies the numeric check of numeric rules, and returns one finding per rule and
clause, with the clause's span ``[clause_start, clause_end)``, the matched span and excerpt. The rules are any
objects with the attributes of :class:`~zhengwu.fairreview.models.Rule`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Iterable

from zhengwu.core.crypto import sm3_hex
from zhengwu.core.errors import InvalidInput
from zhengwu.fairreview.choices import NUMERIC_MATCHERS, Matcher

CLAUSE_END = re.compile("[。;\uff1b!\uff01?\uff1f\n]")
MAX_PATTERN = 600
UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "万": Decimal(10_000), "亿元": Decimal(100_000_000),
         "亿": Decimal(100_000_000)}
CONTRACT_KINDS = ("works", "goods", "services")


@dataclass(frozen=True)
class Finding:
    rule_code: str
    clause_start: int
    clause_end: int
    match_start: int
    match_end: int
    excerpt: str
    clause: str
    detail: str = ""
    rule: Any = field(default=None, compare=False, repr=False)

    def fingerprint(self, *, source: str = "documents_text", occurrence: int = 0) -> str:
        """The finding's identity across runs: rule, source and the clause's text (and which copy of it)."""
        key = "\x1f".join((self.rule_code, source, " ".join(self.clause.split()), str(occurrence)))
        return sm3_hex(key.encode("utf-8"))


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _regex(value: str, *, field: str) -> re.Pattern[str]:
    value = str(value or "")
    if len(value) > MAX_PATTERN:
        raise InvalidInput(f"表达式不能超过 {MAX_PATTERN} 个字符。", field=field, code="pattern_too_long")
    try:
        return _compile(value)
    except re.error as exc:
        raise InvalidInput(f"正则表达式有误:{exc}。", field=field, code="bad_pattern") from None


def validate_rule(*, matcher: str, pattern: str, unless_pattern: str = "", threshold: Any = None,
                  contract_kinds: Any = ()) -> None:
    """Refuse a rule the scanner cannot run, naming the field (InvalidInput)."""
    if matcher not in Matcher.values:
        raise InvalidInput(f"匹配方式“{matcher}”不存在。", field="matcher", code="invalid_choice")
    if not str(pattern or "").strip():
        raise InvalidInput("请填写正则表达式。", field="pattern", code="required")
    compiled = _regex(pattern, field="pattern")
    if compiled.match(""):
        raise InvalidInput("正则表达式不能匹配空文本。", field="pattern", code="matches_empty")
    if unless_pattern:
        _regex(unless_pattern, field="unless_pattern")
    groups = set(compiled.groupindex)
    if matcher == Matcher.AMOUNT_ABOVE_ESTIMATE and not {"amount", "unit"} <= groups:
        raise InvalidInput("金额规则的表达式须含命名分组 (?P<amount>…) 和 (?P<unit>…)。", field="pattern",
                           code="missing_group")
    if matcher in (Matcher.NUMBER_ABOVE, Matcher.NUMBER_BELOW) and "value" not in groups:
        raise InvalidInput("数值规则的表达式须含命名分组 (?P<value>…)。", field="pattern", code="missing_group")
    if matcher in NUMERIC_MATCHERS:
        if threshold is None or threshold == "":
            raise InvalidInput("数值规则须填写阈值。", field="threshold", code="required")
        try:
            value = Decimal(str(threshold))
        except InvalidOperation:
            raise InvalidInput("阈值须为数字。", field="threshold", code="invalid") from None
        if value < 0 or not value.is_finite():
            raise InvalidInput("阈值不能为负数。", field="threshold", code="invalid")
    kinds = contract_kinds or ()
    if not isinstance(kinds, (list, tuple)) or any(k not in CONTRACT_KINDS for k in kinds):
        raise InvalidInput(f"适用合同类型只能是 {', '.join(CONTRACT_KINDS)} 中的若干项。", field="contract_kinds",
                           code="invalid_choice")


def clauses(text: str) -> list[tuple[int, int]]:
    """The spans of the text's clauses, leading blanks left out, the closing mark kept."""
    spans: list[tuple[int, int]] = []
    start = 0
    for end_mark in CLAUSE_END.finditer(text):
        end = end_mark.end() if end_mark.group() != "\n" else end_mark.start()
        _add(spans, text, start, end)
        start = end_mark.end()
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    if start < end:
        spans.append((start, end))


def parse_amount(number: str, unit: str) -> Decimal | None:
    try:
        return Decimal(number.replace(",", "").replace("\uff0c", "")) * UNITS.get(unit.strip(), Decimal(1))
    except (InvalidOperation, AttributeError):
        return None


def _yuan(value: Decimal) -> str:
    if value >= 10_000:
        return f"{(value / 10_000).normalize():f} 万元"
    return f"{value.normalize():f} 元"


def _numeric(rule: Any, match: re.Match[str], *, estimate: Decimal | None) -> tuple[bool, str]:
    threshold = Decimal(str(rule.threshold))
    if rule.matcher == Matcher.AMOUNT_ABOVE_ESTIMATE:
        amount = parse_amount(match.group("amount") or "", match.group("unit") or "元")
        if amount is None or estimate is None or estimate <= 0:
            return False, ""
        limit = threshold * estimate
        if amount > limit:
            return True, f"要求 {_yuan(amount)},超过标段估算价 {_yuan(estimate)} 的 {threshold.normalize():f} 倍"
        return False, ""
    try:
        value = Decimal((match.group("value") or "").replace(",", ""))
    except InvalidOperation:
        return False, ""
    if rule.matcher == Matcher.NUMBER_ABOVE and value > threshold:
        return True, f"要求 {value.normalize():f},高于上限 {threshold.normalize():f}"
    if rule.matcher == Matcher.NUMBER_BELOW and value < threshold:
        return True, f"为 {value.normalize():f},低于下限 {threshold.normalize():f}"
    return False, ""


def applies(rule: Any, contract_kinds: Iterable[str] | None) -> bool:
    """A rule limited to some contract kinds applies to a tender offering a section of one of them."""
    wanted = set(getattr(rule, "contract_kinds", None) or ())
    if not wanted or contract_kinds is None:
        return not wanted or contract_kinds is None
    return bool(wanted & set(contract_kinds))


def scan(text: str, rules: Iterable[Any], *, estimate: Decimal | None,
         contract_kinds: Iterable[str] | None = None) -> list[Finding]:
    """The findings of the active ``rules`` in ``text``, in the order of the text (then of the rule code).

    ``estimate``: the section estimate (元) the amount rules compare with (``None``: they find nothing);
    ``contract_kinds``: the kinds of the tender's sections (``None``: every rule applies)."""
    text = text or ""
    if not text.strip():
        return []
    kinds = set(contract_kinds) if contract_kinds is not None else None
    spans = clauses(text)
    starts = [s for s, _ in spans]
    found: dict[tuple[str, int], Finding] = {}
    for rule in rules:
        if not getattr(rule, "active", True) or not applies(rule, kinds):
            continue
        compiled = _compile(rule.pattern)
        unless = _compile(rule.unless_pattern) if rule.unless_pattern else None
        for match in compiled.finditer(text):
            if match.end() == match.start():
                continue
            index = _clause_of(starts, spans, match.start())
            if index is None or (rule.code, index) in found:
                continue
            c_start, c_end = spans[index]
            clause = text[c_start:c_end]
            if unless is not None and unless.search(clause):
                continue
            detail = ""
            if rule.matcher in NUMERIC_MATCHERS:
                hit, detail = _numeric(rule, match, estimate=estimate)
                if not hit:
                    continue
            found[(rule.code, index)] = Finding(
                rule_code=rule.code, clause_start=c_start, clause_end=max(c_end, match.end()),
                match_start=match.start(), match_end=match.end(), excerpt=match.group()[:500], clause=clause,
                detail=detail, rule=rule)
    return sorted(found.values(), key=lambda f: (f.clause_start, f.rule_code))


def _clause_of(starts: list[int], spans: list[tuple[int, int]], position: int) -> int | None:
    from bisect import bisect_right

    index = bisect_right(starts, position) - 1
    if index < 0:
        return 0 if spans else None
    return index


def fingerprints(findings: list[Finding], *, source: str) -> list[tuple[str, Finding]]:
    """Each finding with its fingerprint; identical clauses hit by the same rule are told apart by their order."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for f in findings:
        key = (f.rule_code, " ".join(f.clause.split()))
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append((f.fingerprint(source=source, occurrence=n), f))
    return out


def segments(text: str, findings: list[Any]) -> list[tuple[str, list[Any]]]:
    """The text cut at every clause boundary of the findings: ``(piece, findings covering it)`` in order, for
    highlighting (the template escapes each piece)."""
    cuts = {0, len(text)}
    for f in findings:
        cuts.update((max(0, min(f.clause_start, len(text))), max(0, min(f.clause_end, len(text)))))
    points = sorted(cuts)
    out: list[tuple[str, list[Any]]] = []
    for a, b in zip(points, points[1:]):
        if a == b:
            continue
        covering = [f for f in findings if f.clause_start <= a and b <= f.clause_end]
        out.append((text[a:b], covering))
    return out
