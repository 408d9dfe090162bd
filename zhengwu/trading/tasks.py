"""Periodic entry points of the trading domain: close the tenders whose bid deadline has come."""

from __future__ import annotations

from datetime import datetime

from zhengwu.core.reminders import register_sweep
from zhengwu.trading.services import tenders_close_due


@register_sweep("trading.close_tenders")
def sweep_close_tenders(now: datetime) -> int:
    """Close at the deadline (no bid is accepted after it; the opening is a later, separate step)."""
    return tenders_close_due(now=now)
