"""The demo district generator: a registry of steps that each domain extends.

Each domain registers a step with :func:`demo_step`; ``zhengwu demo`` runs
them in order with one :class:`DemoContext` carrying the seeded random
generator, the scale and what earlier steps made. The same seed gives the
same district.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from django.db import transaction

StepFn = Callable[["DemoContext"], None]
_STEPS: list[tuple[int, str, StepFn]] = []


@dataclass
class DemoContext:
    seed: int = 2023
    scale: float = 1.0
    rng: random.Random = field(init=False)
    #: what the steps made, for later steps: "district", "townships", "departments", ...
    made: dict[str, Any] = field(default_factory=dict)
    #: (role label, username, password, note) printed at the end
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: step name -> seconds
    timings: dict[str, float] = field(default_factory=dict)
    log: Callable[[str], None] = print

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def scaled(self, n: int, *, minimum: int = 1) -> int:
        return max(minimum, round(n * self.scale))

    def rng_for(self, name: str) -> random.Random:
        """An independent generator per step, so adding a step never shifts another's data."""
        return random.Random(f"{self.seed}:{name}")


def demo_step(name: str, *, order: int) -> Callable[[StepFn], StepFn]:
    def decorate(fn: StepFn) -> StepFn:
        _STEPS[:] = [s for s in _STEPS if s[1] != name]
        _STEPS.append((order, name, fn))
        _STEPS.sort(key=lambda s: (s[0], s[1]))
        return fn

    return decorate


def steps() -> list[tuple[int, str, StepFn]]:
    return list(_STEPS)


def generate(ctx: DemoContext, *, only: tuple[str, ...] | None = None) -> DemoContext:
    """Run every registered step in order (or only those whose name starts with one of ``only``)."""
    from django.apps import apps

    # Import every app's demo module so its steps register.
    for config in apps.get_app_configs():
        if config.name.startswith("zhengwu."):
            try:
                __import__(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
    for _, name, fn in steps():
        if only is not None and not name.startswith(only):
            continue
        started = time.perf_counter()
        with transaction.atomic():
            fn(ctx)
        ctx.timings[name] = time.perf_counter() - started
        ctx.log(f"  {name}: {ctx.timings[name]:.1f}s")
    return ctx
