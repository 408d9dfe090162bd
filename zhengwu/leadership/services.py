"""The leadership app's writes: the plan's tracked targets (年度工作目标).

Every write is one call, in one transaction, with its audit event. A target names a registered figure
(``zhengwu.reports.registry``); an unknown key is refused naming ``figure``. The dashboard's figures themselves are
never written: reports read, never write.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.inputs import acting_user, clean_text
from zhengwu.core.permissions import require
from zhengwu.leadership.choices import Comparison
from zhengwu.leadership.models import PlanTarget
from zhengwu.leadership.permissions import MANAGE
from zhengwu.reports import registry

MIN_YEAR = 2000
MAX_YEAR = 2100
TARGET_LIMIT = Decimal("1e15")


@dataclass(frozen=True)
class PlannedTarget:
    name: str
    figure_key: str
    comparison: str
    target_value: Decimal
    note: str


#: the 2024 plan's goals (DOMAIN.md §6–§10; the issue's list), seeded by :func:`targets_seed_plan`
PLAN_2024: tuple[PlannedTarget, ...] = (
    PlannedTarget("涉企事项100%入驻企业综合服务中心", "enterprise.items_entered_rate", Comparison.AT_LEAST,
                  Decimal(100), "DOMAIN.md §7:涉企服务事项全部入驻板块。"),
    PlannedTarget("网上中介超市成交300条以上", "intermediary.deals", Comparison.AT_LEAST, Decimal(300),
                  "DOMAIN.md §9:全年成交不少于300条(2023年198条)。"),
    PlannedTarget("评定分离项目占比30%以上", "trading.separation_share", Comparison.AT_LEAST, Decimal(30),
                  "DOMAIN.md §10:限额以上工程建设项目中实行评定分离的占比。"),
    PlannedTarget("投资项目审批提速20%", "approvals.time_reduction_yoy", Comparison.AT_LEAST, Decimal(20),
                  "DOMAIN.md §8:审批平均用时比上年同期缩短20%以上。"),
    PlannedTarget("村级可办事项100项以上", "village.items_delegated", Comparison.AT_LEAST, Decimal(100),
                  "DOMAIN.md §6:下放到村(社区)代办的事项不少于100项。"),
    PlannedTarget("乡镇可办个人事项占比80%以上", "village.township_items_rate", Comparison.AT_LEAST, Decimal(80),
                  "DOMAIN.md §6:个人事项在乡镇(街道)可办的比例不低于80%。"),
)


def _figure_key(value: Any) -> str:
    key = clean_text(value, field="figure", label="统计指标", max_length=64)
    registry.figure(key, field="figure")  # unknown → 422 naming "figure"
    return key


def _decimal(value: Any) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"目标值“{value}”不是数字。", field="target_value", code="not_a_number") from None
    if not number.is_finite() or abs(number) >= TARGET_LIMIT:
        raise InvalidInput("目标值超出范围。", field="target_value", code="out_of_range")
    return number.quantize(Decimal("0.0001"))


def _year(value: Any) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"年度“{value}”无效。", field="year", code="bad_year") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(f"年度应在 {MIN_YEAR} 至 {MAX_YEAR} 之间。", field="year", code="bad_year")
    return year


def _comparison(value: Any) -> str:
    if value not in Comparison.values:
        raise InvalidInput("比较方式应为“不低于”或“不高于”。", field="comparison", code="bad_comparison")
    return str(value)


def _order(value: Any) -> int:
    try:
        order = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("排序应为整数。", field="order", code="bad_order") from None
    if order < 0:
        raise InvalidInput("排序不能为负数。", field="order", code="bad_order")
    return order


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """The given fields, each checked; a refusal names its field."""
    cleaners = {
        "name": lambda v: clean_text(v, field="name", label="目标名称", max_length=200),
        "figure_key": _figure_key,
        "comparison": _comparison,
        "target_value": _decimal,
        "year": _year,
        "note": lambda v: clean_text(v, field="note", label="说明", max_length=500, required=False),
        "active": bool,
        "order": _order,
    }
    return {k: cleaners[k](v) for k, v in data.items()}


def _unique(year: int, figure_key: str, *, exclude: int | None = None) -> None:
    qs = PlanTarget.objects.filter(year=year, figure_key=figure_key)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise Conflict(f"{year}年已有该指标的目标。", field="figure", code="duplicate_target")


def _payload(t: PlanTarget) -> dict[str, Any]:
    return {"year": t.year, "name": t.name, "figure": t.figure_key, "comparison": t.comparison,
            "target_value": str(t.target_value), "active": t.active, "order": t.order}


def target_create(*, actor: Any, name: str, figure: str, target_value: Any, year: Any, comparison: str = Comparison.AT_LEAST,
                  note: str = "", active: bool = True, order: int = 100) -> PlanTarget:
    """Add a plan target: ``figure`` must be a registered figure key; one target per figure and year."""
    require(actor, MANAGE)
    data = _clean({"name": name, "figure_key": figure, "target_value": target_value, "year": year, "comparison": comparison,
                   "note": note, "active": active, "order": order})
    with transaction.atomic():
        _unique(data["year"], data["figure_key"])
        row = PlanTarget.objects.create(created_by=acting_user(actor), **data)
        audit.record(actor=actor, action="plan_target.create", obj=row, payload=_payload(row))
    return row


def target_update(*, actor: Any, target: PlanTarget | int, **changes: Any) -> PlanTarget:
    """Change some of a target's fields (``name``, ``figure``, ``comparison``, ``target_value``, ``year``, ``note``,
    ``active``, ``order``); the audit event holds the values before and after."""
    require(actor, MANAGE)
    unknown = set(changes) - {"name", "figure", "comparison", "target_value", "year", "note", "active", "order"}
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(f"不能修改字段 {field}。", field=field, code="unknown_field")
    if "figure" in changes:
        changes["figure_key"] = changes.pop("figure")
    data = _clean(changes)
    with transaction.atomic():
        pk = target.pk if isinstance(target, PlanTarget) else target
        row = PlanTarget.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            from zhengwu.core.errors import NotFound

            raise NotFound("目标不存在。")
        before = _payload(row)
        for key, value in data.items():
            setattr(row, key, value)
        _unique(row.year, row.figure_key, exclude=row.pk)
        row.updated_at = timezone.now()
        row.save()
        audit.record(actor=actor, action="plan_target.update", obj=row,
                     payload={"before": before, "after": _payload(row)})
    return row


def targets_seed_plan(*, actor: Any, year: int = 2024, plan: tuple[PlannedTarget, ...] = PLAN_2024
                      ) -> list[PlanTarget]:
    """Seed the plan's targets for ``year`` (the 2024 plan by default); a target already there is kept as is, so
    running it twice adds nothing. Only figures that are registered are seeded."""
    made = []
    for order, planned in enumerate(plan, start=1):
        if PlanTarget.objects.filter(year=year, figure_key=planned.figure_key).exists():
            continue
        try:
            registry.figure(planned.figure_key)
        except InvalidInput:
            continue
        made.append(target_create(actor=actor, name=planned.name, figure=planned.figure_key,
                                  comparison=planned.comparison, target_value=planned.target_value, year=year,
                                  note=planned.note, order=order * 10))
    return made
