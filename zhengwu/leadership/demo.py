"""The leadership step of the demo generator: the 2024 plan's targets (DOMAIN.md §6–§10), after every domain's
data, so each target names a registered figure."""

from __future__ import annotations

from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.leadership import services


@demo_step("leadership.targets", order=120)
def targets(ctx: DemoContext) -> None:
    made = services.targets_seed_plan(actor="demo", year=2024)
    ctx.made["plan_targets"] = made
    ctx.log(f"    {len(made)} plan targets for 2024")
