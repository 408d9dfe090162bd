"""The enterprise center's sweep (escalation ladder, rating window, overdue consultation tasks), registered with
the core reminders job (``reminders_sweep`` runs every registered sweep)."""

from __future__ import annotations

from datetime import datetime

from zhengwu.core.reminders import register_sweep


@register_sweep("enterprise.demands")
def enterprise_sweep(now: datetime) -> int:
    from zhengwu.enterprise.services import sweep

    return sum(sweep(now=now).values())
