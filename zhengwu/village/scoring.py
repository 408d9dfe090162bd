"""The star rating's arithmetic (星级评定), pure functions so a hand-counted example can check them.

Each component scores 0–100 from the agent's counts in the period:

* ``cases``: cases credited to the agent, ``100 × cases / targets["cases"]``, at most 100;
* ``timeliness``: share of the agent's completed cases finished on time (outcome not overdue), × 100;
  no completed case → 0 (nothing to credit);
* ``satisfaction``: the reviews of the agent's cases (``reviews.Review.level``, 1–5), ``100 × (mean − 1) / 4``;
  no review → 50 (counted as 基本满意, level 3);
* ``training``: sessions attended, ``100 × attended / targets["training"]``, at most 100;
* ``inspection``: mean score (0–100) of the inspections of the agent's station in the period; none → 60.

The score is the weighted mean ``Σ weight × component / Σ weight`` rounded half up to 0.1; stars are the
first threshold ``[lowest score, stars]`` (highest first) the score reaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

COMPONENTS = ("cases", "timeliness", "satisfaction", "training", "inspection")
DEFAULT_WEIGHTS = {"cases": 30, "timeliness": 20, "satisfaction": 20, "training": 15, "inspection": 15}
DEFAULT_TARGETS = {"cases": 180, "training": 4}
DEFAULT_THRESHOLDS = [[90, 5], [80, 4], [70, 3], [60, 2], [0, 1]]
NO_REVIEW_SATISFACTION = Decimal(50)
NO_INSPECTION_SCORE = Decimal(60)
HUNDRED = Decimal(100)


@dataclass
class Counts:
    cases: int = 0
    completed: int = 0
    on_time: int = 0
    reviews: int = 0
    review_level_sum: int = 0
    trainings: int = 0
    inspections: int = 0
    inspection_score_sum: Decimal = Decimal(0)


def _cap(value: Decimal) -> Decimal:
    return min(HUNDRED, value)


def components(counts: Counts, *, targets: dict[str, Any]) -> dict[str, Decimal]:
    cases_target = Decimal(targets["cases"])
    training_target = Decimal(targets["training"])
    return {
        "cases": _cap(HUNDRED * counts.cases / cases_target),
        "timeliness": HUNDRED * counts.on_time / counts.completed if counts.completed else Decimal(0),
        "satisfaction": (HUNDRED * (Decimal(counts.review_level_sum) / counts.reviews - 1) / 4
                         if counts.reviews else NO_REVIEW_SATISFACTION),
        "training": _cap(HUNDRED * counts.trainings / training_target),
        "inspection": (Decimal(counts.inspection_score_sum) / counts.inspections
                       if counts.inspections else NO_INSPECTION_SCORE),
    }


def score(parts: dict[str, Decimal], *, weights: dict[str, Any]) -> Decimal:
    total_weight = sum(Decimal(str(weights.get(c, 0))) for c in COMPONENTS)
    weighted = sum(Decimal(str(weights.get(c, 0))) * parts[c] for c in COMPONENTS)
    return (weighted / total_weight).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def stars_for(value: Decimal, *, thresholds: list[list[Any]]) -> int:
    for lowest, stars in sorted(thresholds, key=lambda t: -Decimal(str(t[0]))):
        if value >= Decimal(str(lowest)):
            return int(stars)
    return 1


def ranks(scores: list[tuple[int, Decimal]]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) of ``(key, score)`` by score, highest first."""
    ordered = sorted(scores, key=lambda s: (-s[1], s[0]))
    result: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        result[key] = rank
    return result
