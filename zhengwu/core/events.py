"""In-process domain events: how one app learns that another app's data changed
without importing it (the evaluation rollups follow cases, reviews and reminders).

Events are delivered synchronously, inside the publisher's transaction, so a
subscriber's writes commit or roll back with the change that caused them.
A subscriber must be cheap and must not call back into the publisher.

Events published by the platform:

* ``"<app_label>.<model>.created"`` (``obj``) — :func:`zhengwu.core.workflow.create_with_status`
* ``"<app_label>.<model>.transitioned"`` (``before``, ``obj``, ``transition``) — the workflow engine
* ``"<app_label>.<model>.imported"`` (``ids``) — bulk imports and the demo generator, once per batch
  (``cases.case``, ``reviews.review`` with their handlings, ``core.reminder``)
* ``"reviews.review.created"`` / ``"reviews.review.excluded"`` (``review``)
* ``"core.reminder.created"`` / ``"core.reminder.answered"`` (``reminders``)
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

Handler = Callable[..., None]
_SUBSCRIBERS: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str) -> Callable[[Handler], Handler]:
    """Decorator: ``@subscribe("cases.case.transitioned")`` on ``def handler(**event)``."""

    def decorate(fn: Handler) -> Handler:
        if fn not in _SUBSCRIBERS[name]:
            _SUBSCRIBERS[name].append(fn)
        return fn

    return decorate


def publish(name: str, **event: Any) -> None:
    for handler in list(_SUBSCRIBERS.get(name, ())):
        handler(**event)


def subscribers(name: str) -> list[Handler]:
    return list(_SUBSCRIBERS.get(name, ()))
