"""Demo step ``supervision.collusion`` (order 70): the collusion rules over the demo trading year.

The trading year (``trading.year2023``, order 60) records each bid's evidence and plants a few patterns
(``trading.demo_plan.plant_collusion``): sections where two bidders' files come from one machine (one pair
also from one IP, one with near-identical texts), a lowest-price section whose losing prices form an
arithmetic progression, a group of three builders winning four sections in turn, two bidders with the same
legal representative. This step runs ``detect_collusion`` so that they are found and open supervision cases.
"""

from __future__ import annotations

from typing import Any

from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.org.models import User
from zhengwu.org.roles import Role
from zhengwu.supervision.detect_collusion import detect_collusion

ACTOR = "demo"


def planted_summary(planted: dict[str, Any]) -> dict[str, int]:
    """How many patterns of each kind the trading year planted."""
    return {kind: len(items) for kind, items in planted.items()}


@demo_step("supervision.collusion", order=70)
def detect_demo_collusion(ctx: DemoContext) -> None:
    actor = User.objects.filter(role=Role.SUPERVISOR).order_by("id").first() or ACTOR
    summary = detect_collusion(actor=actor)
    planted = (ctx.made.get("trading") or {}).get("collusion") or {}
    ctx.made["supervision.collusion"] = {"summary": summary, "planted": planted_summary(planted)}
    ctx.log(f"串通投标迹象:{summary['found']} 项发现,新增预警 {summary['raised']} 条("
            + ",".join(f"{rule} {c['found']}" for rule, c in summary["rules"].items() if c["found"]) + ")")
