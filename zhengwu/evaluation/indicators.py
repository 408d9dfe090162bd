"""The nine indicators as data: one formula per indicator over the counters,
computed for any period, per department, per township or for the whole district,
from the rollups (fast) or from the raw tables (the proof and the fallback)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Sum

from zhengwu.evaluation import raw
from zhengwu.evaluation.counters import COUNTERS
from zhengwu.evaluation.models import DailyRollup, Indicator, RollupDelta

Source = Literal["rollup", "raw"]
GROUP_FIELD = {"department": "department_id", "township": "township_id"}
#: where the kept counters live: the folded rollups and the live deltas not folded yet
ROLLUP_SOURCES = (DailyRollup, RollupDelta)


@dataclass(frozen=True)
class Formula:
    numerator: str | None = None
    denominator: str | None = None
    #: "ratio" = numerator / denominator; "compression" = 1 − Σ promised / Σ statutory over the items in use
    kind: str = "ratio"


FORMULAS: dict[str, Formula] = {
    "online_rate": Formula("received_online", "received"),
    "acceptance_overdue_rate": Formula("accepted_overdue", "accepted"),
    "completion_overdue_rate": Formula("completed_overdue", "completed"),
    "instant_rate": Formula("completed_instant", "completed"),
    "limit_compression": Formula(kind="compression"),
    "review_coverage": Formula("completed_reviewed", "completed"),
    "bad_review_rate": Formula("bad_reviews", "reviews"),
    "rectification_on_time_rate": Formula("rectified_on_time", "rectify_due"),
    "reminder_response_rate": Formula("reminders_answered", "reminders"),
}

#: The default nine (DOMAIN.md §5), created by the data migration.
DEFAULT_INDICATORS = [
    (1, "online_rate", "一网通办率", "higher", "网办(PC端)与掌办(移动端)收件数 / 全部收件数"),
    (2, "acceptance_overdue_rate", "超期受理率", "lower", "超过受理期限作出受理决定的办件数 / 受理办件数"),
    (3, "completion_overdue_rate", "超期办结率", "lower", "超过办结期限办结的办件数 / 办结办件数"),
    (4, "instant_rate", "即办率", "higher", "即办件当日办结数 / 办结办件数"),
    (5, "limit_compression", "承诺时限压缩比", "higher", "1 − Σ承诺时限 / Σ法定时限(统计期内有收件的事项)"),
    (6, "review_coverage", "评价率", "higher", "有评价的办结办件数 / 办结办件数"),
    (7, "bad_review_rate", "差评率", "lower", "差评数(申诉成立的除外) / 评价数"),
    (8, "rectification_on_time_rate", "差评整改及时率", "higher", "按期整改的差评数 / 到期应整改的差评数"),
    (9, "reminder_response_rate", "预警处置及时率", "higher", "1个工作日内响应(办件已推进)的提醒数 / 提醒数"),
]


@dataclass(frozen=True)
class Value:
    numerator: Decimal
    denominator: Decimal
    #: the ratio in [0, 1], or None when the denominator is 0 (not applicable)
    value: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        return None if self.value is None else (self.value * 100).quantize(Decimal("0.01"))


def _ratio(num: Any, den: Any) -> Value:
    num, den = Decimal(num or 0), Decimal(den or 0)
    return Value(num, den, (num / den) if den else None)


def _item_limits() -> dict[int, tuple[int, int]]:
    from zhengwu.cases.models import ServiceItem

    return {pk: (promised, statutory) for pk, promised, statutory in
            ServiceItem.objects.values_list("pk", "promised_limit", "statutory_limit")}


def _compression(items: set[int], limits: dict[int, tuple[int, int]]) -> Value:
    promised = sum(limits[i][0] for i in items if i in limits)
    statutory = sum(limits[i][1] for i in items if i in limits)
    if not statutory:
        return Value(Decimal(promised), Decimal(statutory), None)
    return Value(Decimal(statutory - promised), Decimal(statutory), Decimal(statutory - promised) / Decimal(statutory))


def counter_sums(*, start: date, end: date, group: str | None, source: Source = "rollup") -> dict[Any, dict[str, int]]:
    """Every counter summed over the period, per group."""
    if start > end:
        from zhengwu.core.errors import InvalidInput

        raise InvalidInput("统计截止日不能早于起始日。", field="end", code="bad_period")
    if source == "raw":
        sums: dict[Any, dict[str, int]] = {}
        for counter in COUNTERS:
            for gid, n in raw.raw_counts(counter, start=start, end=end, group=group).items():
                sums.setdefault(gid, dict.fromkeys(COUNTERS, 0))[counter] = n
        return _drop_unplaced(sums, group)
    sum_all = {name: Sum(name) for name in COUNTERS}
    sums: dict[Any, dict[str, int]] = {}
    # The folded rollups plus the live deltas not folded yet: exact at any moment.
    for model in ROLLUP_SOURCES:
        qs = model.objects.filter(day__gte=start, day__lte=end)
        if group is None:
            rows = [{None: None, **qs.aggregate(**sum_all)}]
            field = None
        else:
            field = GROUP_FIELD[group]
            rows = qs.values(field).annotate(**sum_all).order_by()
        for row in rows:
            target = sums.setdefault(row[field], dict.fromkeys(COUNTERS, 0))
            for name in COUNTERS:
                target[name] += row[name] or 0
    return _drop_unplaced(sums, group)


def _drop_unplaced(sums: dict[Any, dict[str, int]], group: str | None) -> dict[Any, dict[str, int]]:
    if group == "township":
        sums.pop(0, None)  # cases handled at district level belong to no township
    return {gid: v for gid, v in sums.items() if any(v.values())}


def items_in_use(*, start: date, end: date, group: str | None, source: Source = "rollup") -> dict[Any, set[int]]:
    if source == "raw":
        return raw.raw_items(start=start, end=end, group=group)
    fields = ([GROUP_FIELD[group]] if group else []) + ["item_id"]
    result: dict[Any, set[int]] = {}
    for model in ROLLUP_SOURCES:
        qs = model.objects.filter(day__gte=start, day__lte=end, received__gt=0).values(*fields).distinct()
        for row in qs.order_by():
            result.setdefault(row[fields[0]] if group else None, set()).add(row["item_id"])
    return result


def indicator_values(*, start: date, end: date, group: str | None, source: Source = "rollup",
                     indicators: list[Indicator] | None = None) -> dict[Any, dict[str, Value]]:
    """{group id (or None for the district): {indicator code: Value}} for the period."""
    indicators = indicators if indicators is not None else list(Indicator.objects.filter(is_active=True))
    sums = counter_sums(start=start, end=end, group=group, source=source)
    needs_items = any(FORMULAS[i.formula].kind == "compression" for i in indicators)
    items = items_in_use(start=start, end=end, group=group, source=source) if needs_items else {}
    limits = _item_limits() if needs_items else {}
    result: dict[Any, dict[str, Value]] = {}
    for gid, counters in sums.items():
        values = {}
        for ind in indicators:
            formula = FORMULAS[ind.formula]
            if formula.kind == "compression":
                values[ind.code] = _compression(items.get(gid, set()), limits)
            else:
                values[ind.code] = _ratio(counters[formula.numerator], counters[formula.denominator])
        result[gid] = values
    return result
