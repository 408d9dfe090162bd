"""Demo step ``supervision.international`` (order 72): the eleven international indicators over the demo's
2023 trading sections, raised as flags dated at the end of the period, so the supervisor's year (step 80)
finds them and decides each one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from zhengwu.core import audit
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.supervision.detect_international import indicators_over_trading, raise_international_flags
from zhengwu.trading.models import TenderSection

YEAR = 2023
DETECTED_AT = dt.datetime(YEAR, 11, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def international_flags(*, year: int, detected_at: dt.datetime) -> dict[str, object]:
    """Run the indicators over the sections published in ``year`` and raise their flags at ``detected_at``."""
    sections = TenderSection.objects.filter(tender__published_at__year=year)
    result = indicators_over_trading(sections=sections)
    created = raise_international_flags(actor="demo", result=result, now=detected_at, sections=sections)
    by_code: dict[str, int] = {}
    for group in result.values():
        for codes in group.values():
            for code in codes:
                by_code[code] = by_code.get(code, 0) + 1
    return {"results_by_indicator": dict(sorted(by_code.items())), "flags_created": created}


@demo_step("supervision.international", order=72)
def make_international_flags(ctx: DemoContext) -> None:
    summary = international_flags(year=YEAR, detected_at=DETECTED_AT)
    ctx.made["supervision.international"] = summary
    audit.record(actor="demo", action="demo.supervision_international", obj=("supervision.demo", YEAR),
                 payload=summary)
    ctx.log(f"国际红旗指标:{summary['flags_created']} 条预警("
            + ",".join(f"{c} {n}" for c, n in summary["results_by_indicator"].items()) + ")。")
