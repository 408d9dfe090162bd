"""Numbers written the way a Chinese work report writes them.

* counts: below 10,000 as digits ("3946件"), from 10,000 in 万 with one decimal ("56.2万件"), from 10⁸ in 亿;
* money (the figures hold 元): from 10⁸ in 亿元 with one decimal ("372.3亿元"), from 10⁴ in 万元 ("64.2万元");
* rates are held in percent already and keep the figure's decimals ("99.4%", "0.03%");
* a year-on-year change is "同比增长12.5%", "同比下降20.47%" or "与上年同期持平".

Rounding is half-up, as people do it by hand (and as Excel does), not Python's banker's rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from zhengwu.reports.registry import FigureValue, Number, Unit

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
MONEY_UNITS = {Unit.YUAN}


def _q(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _plain(value: Decimal, decimals: int) -> str:
    text = f"{_q(value, decimals):f}"
    return text


def scaled(value: Number, *, unit: str, decimals: int = 0) -> str:
    """The number with its unit, scaled to 万/亿 where a report would ("56.2万件", "372.3亿元", "99.4%")."""
    v = Decimal(value)
    if unit == Unit.PERCENT:
        return f"{_plain(v, decimals)}%"
    sign = "-" if v < 0 else ""
    a = abs(v)
    if a >= YI:
        return f"{sign}{_plain(a / YI, 1)}亿{unit}"
    if a >= WAN:
        return f"{sign}{_plain(a / WAN, 1)}万{unit}"
    if unit in MONEY_UNITS:
        return f"{sign}{_plain(a, 2 if a != a.to_integral_value() else 0)}{unit}"
    return f"{sign}{_plain(a, decimals)}{unit}"


def exact(value: Number, *, unit: str, decimals: int = 0) -> str:
    """The unscaled number with thousands separators, for tables ("562,118 件", "37,230,000,000.00 元")."""
    v = Decimal(value)
    places = 2 if unit in MONEY_UNITS else decimals
    body = f"{_q(v, places):,.{places}f}"
    return f"{body}{unit}" if unit == Unit.PERCENT else f"{body} {unit}"


def value_text(fv: FigureValue) -> str:
    if fv.value is None:
        return "—"
    return scaled(fv.value, unit=fv.figure.unit, decimals=fv.figure.decimals)


def change_text(fv: FigureValue) -> str:
    """"同比增长12.5%" / "同比下降20.47%" / "与上年同期持平"; for a rate, the change in percentage points."""
    if fv.figure.unit == Unit.PERCENT:
        diff = fv.difference
        if diff is None:
            return ""
        d = _q(Decimal(diff), max(fv.figure.decimals, 1))
        if d == 0:
            return "与上年同期持平"
        word = "提高" if d > 0 else "下降"
        return f"同比{word}{_plain(abs(d), max(fv.figure.decimals, 1))}个百分点"
    change = fv.change
    if change is None:
        return ""
    if change == 0:
        return "与上年同期持平"
    word = "增长" if change > 0 else "下降"
    return f"同比{word}{_plain(abs(change), 2)}%"
