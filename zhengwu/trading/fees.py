"""The transaction service fee (交易服务费): the tier arithmetic, the schedule in force, and the report.

The fee of an award is computed on the award amount (the award price) by marginal tiers
(差额定率累进, the form of 计价格〔2002〕1980号): each tier's rate in ‰ applies to the part of the
amount inside the tier, the parts are added exactly and rounded half up to fen once, then the
schedule's minimum and cap apply. Example with the default tiers (1‰ to 500 万, 0.6‰ to 5,000 万,
0.2‰ to 5 亿, 0.05‰ above; minimum 200 元, cap 50,000 元):

* 2,300 万: 500 万 × 1‰ + 1,800 万 × 0.6‰ = 5,000 + 10,800 = 15,800.00 元;
* 10 万: 100 元, below the minimum: 200.00 元;
* 8 亿: 5,000 + 27,000 + 90,000 + 15,000 = 137,000 元, above the cap: 50,000.00 元.

The schedule in force on a day is the project type's schedule with the latest ``effective_from`` on or
before it; if its ``switched_off_from`` is on or before the day the fee is waived, and the amount the
schedule would have charged is reported as saved by the parties (减轻交易主体负担).

Writes (configuring a schedule, assessing an award) are in ``services_fees``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet

from zhengwu.core.errors import Forbidden, InvalidInput
from zhengwu.trading.choices import ProjectType
from zhengwu.trading.models import AwardFee, ServiceFeeSchedule
from zhengwu.trading.selectors_award import may_read_district

CENT = Decimal("0.01")
MAX_PERMILLE = Decimal(1000)


def _decimal(value: Any, *, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field} 必须是数字,实际为“{value}”。", field=field, code="invalid") from None
    if not number.is_finite():
        raise InvalidInput(f"{field} 必须是数字。", field=field, code="invalid")
    return number


def tiers_clean(raw: Any) -> list[dict[str, str | None]]:
    """The tiers as stored: ``[{"up_to": "5000000" | None, "permille": "1"}]``, bounds strictly increasing,
    the last one open (``up_to`` null), rates from 0 to 1000 ‰. Errors name ``tiers[i].<key>``."""
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("请填写至少一档费率。", field="tiers", code="required")
    clean: list[dict[str, str | None]] = []
    previous = Decimal(0)
    for i, tier in enumerate(raw):
        if not isinstance(tier, dict):
            raise InvalidInput("每一档须有 up_to 与 permille。", field=f"tiers[{i}]", code="invalid")
        rate = _decimal(tier.get("permille"), field=f"tiers[{i}].permille")
        if rate < 0 or rate > MAX_PERMILLE:
            raise InvalidInput(f"费率须在 0 到 1000‰ 之间,实际为 {rate}‰。", field=f"tiers[{i}].permille",
                               code="out_of_range")
        last = i == len(raw) - 1
        up_to = tier.get("up_to")
        if up_to in (None, ""):
            if not last:
                raise InvalidInput("只有最后一档可以不设上限。", field=f"tiers[{i}].up_to", code="required")
            clean.append({"up_to": None, "permille": str(rate)})
            continue
        if last:
            raise InvalidInput("最后一档不设上限(up_to 为空),以覆盖任何金额。", field=f"tiers[{i}].up_to",
                               code="last_tier_open")
        bound = _decimal(up_to, field=f"tiers[{i}].up_to")
        if bound <= previous:
            raise InvalidInput(f"各档上限须递增,第 {i + 1} 档上限 {bound} 不大于前一档 {previous}。",
                               field=f"tiers[{i}].up_to", code="not_increasing")
        clean.append({"up_to": str(bound), "permille": str(rate)})
        previous = bound
    return clean


def _fen(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def compute_fee(amount: Decimal, *, tiers: list[dict[str, Any]], minimum: Decimal,
                cap: Decimal | None) -> tuple[Decimal, dict[str, Any]]:
    """The fee of ``amount`` (yuan) under the tiers, the minimum and the cap, with the lines of the computation."""
    lines = []
    total = Fraction(0)
    lower = Decimal(0)
    for tier in tiers:
        if amount <= lower:
            break
        upper = Decimal(tier["up_to"]) if tier["up_to"] is not None else None
        top = amount if upper is None else min(amount, upper)
        portion = top - lower
        fee = Fraction(portion) * Fraction(Decimal(tier["permille"])) / 1000
        lines.append({"from": str(lower), "to": str(top), "permille": tier["permille"], "portion": str(portion),
                      "fee": str(_fen(fee))})
        total += fee
        if upper is None:
            break
        lower = upper
    raw = _fen(total)
    fee_amount, applied = raw, None
    if fee_amount < minimum:
        fee_amount, applied = minimum.quantize(CENT), "minimum"
    if cap is not None and fee_amount > cap:
        fee_amount, applied = cap.quantize(CENT), "cap"
    return fee_amount, {"lines": lines, "tiered": str(raw), "applied": applied}


# --- reads ---------------------------------------------------------------------------------------------

def schedule_in_force(*, project_type: str, on: dt.date) -> ServiceFeeSchedule | None:
    """The project type's schedule with the latest start on or before ``on`` (None: no fee for the type)."""
    return (ServiceFeeSchedule.objects.filter(project_type=project_type, effective_from__lte=on)
            .order_by("-effective_from").first())


def require_district_reader(user: Any) -> None:
    if not may_read_district(user):
        raise Forbidden("交易服务费和统计数据仅供中心工作人员、监管人员查看。", code="permission_denied")


def fee_schedule_list(*, user: Any, project_type: str = "") -> QuerySet[ServiceFeeSchedule]:
    require_district_reader(user)
    qs = ServiceFeeSchedule.objects.all()
    return qs.filter(project_type=project_type) if project_type else qs


def fee_schedule_get(*, user: Any, pk: int) -> ServiceFeeSchedule:
    from zhengwu.core.permissions import get_visible

    return get_visible(ServiceFeeSchedule.objects.all() if may_read_district(user)
                       else ServiceFeeSchedule.objects.none(), pk=pk)


def period_bounds(year: int, month: int | None) -> tuple[dt.date, dt.date]:
    """The first day of the year (or month) and the first day after it."""
    if not 2000 <= year <= 2100:
        raise InvalidInput(f"年份须在 2000 到 2100 之间,实际为 {year}。", field="year", code="out_of_range")
    if month is not None and not 1 <= month <= 12:
        raise InvalidInput(f"月份须为 1 到 12,实际为 {month}。", field="month", code="out_of_range")
    if month is None:
        return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return dt.date(year, month, 1), (dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1))


def _cell() -> dict[str, Any]:
    return {"awards": 0, "charged_count": 0, "charged": Decimal("0.00"), "waived_count": 0, "waived": Decimal("0.00")}


def _add(cell: dict[str, Any], fee: AwardFee) -> None:
    cell["awards"] += 1
    key = "waived" if fee.waived else "charged"
    cell[f"{key}_count"] += 1
    cell[key] += fee.amount


def fee_report(*, user: Any, year: int, month: int | None = None) -> dict[str, Any]:
    """Fees charged and waived (saved by the parties) in a year or a month: the total, by month, by type,
    and by month × type. Awards are placed by their notice date (``AwardFee.assessed_on``)."""
    require_district_reader(user)
    start, end = period_bounds(year, month)
    total = _cell()
    by_month: dict[int, dict[str, Any]] = defaultdict(_cell)
    by_type: dict[str, dict[str, Any]] = defaultdict(_cell)
    by_month_type: dict[tuple[int, str], dict[str, Any]] = defaultdict(_cell)
    for fee in AwardFee.objects.filter(assessed_on__gte=start, assessed_on__lt=end).order_by("assessed_on", "id"):
        for cell in (total, by_month[fee.assessed_on.month], by_type[fee.project_type],
                     by_month_type[(fee.assessed_on.month, fee.project_type)]):
            _add(cell, fee)
    labels = dict(ProjectType.choices)
    return {
        "year": year, "month": month, **total,
        "by_month": [{"month": m, **by_month[m]} for m in sorted(by_month)],
        "by_type": [{"project_type": t, "label": str(labels[t]), **by_type[t]} for t in ProjectType.values
                    if t in by_type],
        "by_month_type": [{"month": m, "project_type": t, **cell} for (m, t), cell in sorted(by_month_type.items())],
    }
