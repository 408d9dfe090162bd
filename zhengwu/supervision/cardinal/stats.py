"""The order statistics Cardinal uses (Rust ``statrs`` 0.16 ``OrderStatistics``), reproduced exactly.

``quantile`` is Hyndman and Fan's definition 8 (median-unbiased, R's ``type = 8``): ``h = (n + 1/3)·τ + 1/3``,
the ``⌊h⌋``-th and next order statistics interpolated. The fences use a fused multiply-add like Rust's
``mul_add`` (one rounding), computed exactly with fractions.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Iterable

NAN = float("nan")


def quantile(values: Iterable[float], tau: float) -> float:
    data = sorted(values)
    n = len(data)
    if n == 0 or not 0.0 <= tau <= 1.0:
        return NAN
    h = (n + 1.0 / 3.0) * tau + 1.0 / 3.0
    hf = int(h)
    if hf <= 0 or tau == 0.0:
        return data[0]
    if hf >= n or math.isclose(tau, 1.0, rel_tol=0.0, abs_tol=4 * 2.220446049250313e-16):
        return data[-1]
    a, b = data[hf - 1], data[hf]
    return a + (h - hf) * (b - a)


def quartiles(values: Iterable[float]) -> tuple[float, float]:
    data = sorted(values)
    return quantile(data, 0.25), quantile(data, 0.75)


def percentile(values: Iterable[float], p: int) -> float:
    return quantile(values, p / 100.0)


def mul_add(a: float, b: float, c: float) -> float:
    """``a * b + c`` with one rounding (Rust ``f64::mul_add``)."""
    if not all(math.isfinite(x) for x in (a, b, c)):
        return a * b + c
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def lower_fence(q1: float, q3: float) -> float:
    """Q1 − 1.5·IQR."""
    return mul_add(q3 - q1, -1.5, q1)


def upper_fence(q1: float, q3: float) -> float:
    """Q3 + 1.5·IQR."""
    return mul_add(q3 - q1, 1.5, q3)
