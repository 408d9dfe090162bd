"""Checks that other domains add to trading, so trading never imports them.

Supervision and credit build on trading; trading must still refuse what they forbid:

* ``publish_checks``: ``check(tender)`` raises an :class:`~zhengwu.core.errors.AppError` when a tender may not
  be published (the fair competition review's open findings). Run inside the publish transition's guard.
* ``bidder_checks``: ``check(enterprise, tender_section, now)`` raises when an enterprise may not register
  as a bidder (a ban in the market-entity behaviour records). Run by ``bidder_register``.
* ``expert_exclusions``: ``exclude(expert_ids, now)`` returns ``{expert_id: reason}`` for experts who may not
  be drawn (a ban on the expert's person). Every reason is recorded with the draw like the built-in ones.

A domain registers in its ``AppConfig.ready``; registering the same function twice keeps one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable

PublishCheck = Callable[[Any], None]
BidderCheck = Callable[[Any, Any, dt.datetime], None]
ExpertExclusion = Callable[[Iterable[int], dt.datetime], dict[int, str]]

publish_checks: list[PublishCheck] = []
bidder_checks: list[BidderCheck] = []
expert_exclusions: list[ExpertExclusion] = []


def register(hooks: list[Any], fn: Any) -> Any:
    if fn not in hooks:
        hooks.append(fn)
    return fn


def run_publish_checks(tender: Any) -> None:
    for check in publish_checks:
        check(tender)


def run_bidder_checks(enterprise: Any, tender_section: Any, now: dt.datetime) -> None:
    for check in bidder_checks:
        check(enterprise, tender_section, now)


def run_expert_exclusions(expert_ids: Iterable[int], now: dt.datetime) -> dict[int, list[str]]:
    ids = list(expert_ids)
    found: dict[int, list[str]] = {}
    for exclude in expert_exclusions:
        for expert_id, reason in exclude(ids, now).items():
            found.setdefault(expert_id, []).append(str(reason))
    return found
