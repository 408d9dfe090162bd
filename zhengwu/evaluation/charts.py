"""ECharts options built from the same data as the tables.

A page puts an option into ``data-echarts='…'`` and ``app.js`` draws it with
the vendored ECharts (loaded through the ``vendor_scripts`` block). Only
numbers already rounded for the tables go into a chart.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Iterable

from zhengwu.core.ui import STATUS_COLOURS, Tone

BLUE = "#0b4f9c"
PALETTE = [BLUE, "#c8a24a", STATUS_COLOURS[Tone.GREEN].chart, STATUS_COLOURS[Tone.RED].chart, "#6f42c1",
           "#20a4b8", "#e67e22", "#5b6678", "#2e86de", "#8e44ad", "#16a085", "#d35400"]
FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def to_json(option: dict[str, Any]) -> str:
    return json.dumps(option, ensure_ascii=False, default=lambda v: float(v) if isinstance(v, Decimal) else str(v))


def _base(title: str) -> dict[str, Any]:
    return {
        "color": PALETTE,
        "textStyle": {"fontFamily": FONT},
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 14, "fontWeight": 600, "color": "#072a66"}},
        "tooltip": {"trigger": "axis", "confine": True},
        "grid": {"left": 8, "right": 16, "top": 44, "bottom": 8, "containLabel": True},
        "animation": False,
    }


def _value_axis(unit: str) -> dict[str, Any]:
    """Rates run from 0 to 100 % (a truncated axis would exaggerate small differences); other units scale."""
    if unit == "%":
        return {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}}
    return {"type": "value", "scale": True, "axisLabel": {"formatter": "{value}"}}


def bar(*, title: str, names: list[str], values: Iterable[Any], unit: str = "%", average: Any = None,
        average_label: str = "") -> dict[str, Any]:
    """Vertical bars, one per group, with an optional line for the district value."""
    option = _base(title)
    series: dict[str, Any] = {"type": "bar", "name": title, "data": [_num(v) for v in values], "barMaxWidth": 28,
                              "itemStyle": {"color": BLUE}}
    if average is not None:
        series["markLine"] = {"symbol": "none", "data": [{"yAxis": _num(average), "name": average_label}],
                              "label": {"formatter": f"{average_label} {{c}}{unit}", "position": "insideEndTop"},
                              "lineStyle": {"color": "#c8a24a", "type": "dashed"}}
    option.update({
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30 if len(names) > 6 else 0,
                                                                     "fontSize": 11}},
        "yAxis": _value_axis(unit),
        "series": [series],
    })
    return option


def ranking(*, title: str, names: list[str], totals: Iterable[Any]) -> dict[str, Any]:
    """Horizontal bars, the first rank on top."""
    option = _base(title)
    option["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}, "confine": True}
    option.update({
        "xAxis": {"type": "value", "max": 100, "name": ""},
        "yAxis": {"type": "category", "data": list(reversed(names)), "axisLabel": {"fontSize": 11}},
        "series": [{"type": "bar", "name": title, "data": list(reversed([_num(t) for t in totals])),
                    "barMaxWidth": 18, "itemStyle": {"color": BLUE},
                    "label": {"show": True, "position": "right", "fontSize": 11}}],
    })
    return option


def lines(*, title: str, labels: list[str], series: dict[str, Iterable[Any]], unit: str = "%",
          inverse: bool = False) -> dict[str, Any]:
    option = _base(title)
    option["legend"] = {"type": "scroll", "top": 22, "left": 0, "right": 0}
    option["grid"]["top"] = 64 if len(series) > 1 else 44
    option.update({
        "xAxis": {"type": "category", "data": labels, "boundaryGap": False},
        "yAxis": {**_value_axis(unit), "inverse": inverse},
        "series": [{"type": "line", "name": name, "data": [_num(v) for v in values], "connectNulls": True,
                    "symbolSize": 6} for name, values in series.items()],
    })
    if len(series) == 1:
        option.pop("legend")
    return option
