"""Scoring (赋分) and ranking: rank-based, threshold-linear and target attainment.

Every method is direction-aware. Ties share a rank (standard competition
ranking: 1, 2, 2, 4). An indicator without data for a group (denominator 0) is
not applicable: the group's total is rescaled to the weights that do apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

from zhengwu.evaluation.choices import Direction, Method
from zhengwu.evaluation.indicators import Value

TWO = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rule:
    indicator: str
    direction: str
    weight: Decimal
    method: str
    step: Decimal | None = None
    floor: Decimal | None = None
    target: Decimal | None = None


@dataclass
class GroupResult:
    group_id: Any
    scores: dict[str, Decimal | None] = field(default_factory=dict)
    ranks: dict[str, int | None] = field(default_factory=dict)
    total: Decimal = Decimal(0)
    rank: int = 0


def competition_ranks(values: dict[Any, Decimal | None], *, higher_is_better: bool) -> dict[Any, int | None]:
    """1-based ranks with ties sharing the better rank; None values are not ranked."""
    present = [(gid, v) for gid, v in values.items() if v is not None]
    present.sort(key=lambda gv: gv[1], reverse=higher_is_better)
    ranks: dict[Any, int | None] = {gid: None for gid, v in values.items() if v is None}
    previous, previous_rank = None, 0
    for position, (gid, v) in enumerate(present, start=1):
        if v != previous:
            previous, previous_rank = v, position
        ranks[gid] = previous_rank
    return ranks


def _percent(value: Value) -> Decimal | None:
    return None if value.value is None else value.value * HUNDRED


def _linear(v: Decimal, rule: Rule) -> Decimal:
    floor, target = rule.floor, rule.target
    if rule.direction == Direction.HIGHER:
        if v >= target:
            return rule.weight
        if v <= floor:
            return Decimal(0)
    else:
        if v <= target:
            return rule.weight
        if v >= floor:
            return Decimal(0)
    return rule.weight * (v - floor) / (target - floor)


def _attainment(v: Decimal, rule: Rule) -> Decimal:
    target = rule.target
    if rule.direction == Direction.HIGHER:
        share = Decimal(1) if target == 0 else min(Decimal(1), v / target)
    else:
        share = Decimal(1) if v <= target else (target / v if v else Decimal(1))
    return rule.weight * max(Decimal(0), share)


def score(values: dict[Any, dict[str, Value]], rules: Iterable[Rule]) -> list[GroupResult]:
    """Score every group on every rule, total (rescaled over the applicable weights) and rank."""
    rules = list(rules)
    results = {gid: GroupResult(gid) for gid in values}
    for rule in rules:
        percents = {gid: _percent(v[rule.indicator]) if rule.indicator in v else None for gid, v in values.items()}
        ranks = competition_ranks(percents, higher_is_better=rule.direction == Direction.HIGHER)
        for gid, pct in percents.items():
            results[gid].ranks[rule.indicator] = ranks[gid]
            if pct is None:
                results[gid].scores[rule.indicator] = None
            elif rule.method == Method.RANK:
                results[gid].scores[rule.indicator] = max(Decimal(0), rule.weight - rule.step * (ranks[gid] - 1))
            elif rule.method == Method.THRESHOLD:
                results[gid].scores[rule.indicator] = _linear(pct, rule)
            else:
                results[gid].scores[rule.indicator] = _attainment(pct, rule)
    weights = {r.indicator: r.weight for r in rules}
    for result in results.values():
        applicable = [k for k, s in result.scores.items() if s is not None]
        weight_sum = sum((weights[k] for k in applicable), Decimal(0))
        raw_total = sum((result.scores[k] for k in applicable), Decimal(0))
        result.total = ((raw_total * HUNDRED / weight_sum) if weight_sum else Decimal(0)).quantize(
            TWO, rounding=ROUND_HALF_UP)
        result.scores = {k: (None if s is None else s.quantize(TWO, rounding=ROUND_HALF_UP))
                         for k, s in result.scores.items()}
    totals = {gid: r.total for gid, r in results.items()}
    for gid, rank in competition_ranks(totals, higher_is_better=True).items():
        results[gid].rank = rank or 0
    return sorted(results.values(), key=lambda r: (r.rank, str(r.group_id)))
