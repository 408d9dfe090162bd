"""The configurable numbers of the review system and the deadlines derived from them.

``settings.ZHENGWU`` (one deployment serves one district, so these are the
district's rules):

* ``REVIEW_VISIT_DAYS`` (1): working days for the return visit (回访核实);
* ``REVIEW_RECTIFY_DAYS`` (15): working days for the rectification (整改),
  local rules range 5–15;
* ``REVIEW_DEFAULT_AFTER_DAYS`` (7): natural days after completion before an
  unrated case gets the default level;
* ``REVIEW_DEFAULT_LEVEL`` (``None``): ``None`` gives no default review; 3
  (基本满意) or better gives that level. A bad default level is refused: a
  review nobody gave must not open a bad-review handling.

Both deadlines count from the local date the bad review arrived, through the
working-day calendar (holidays skipped, make-up days counted), and end at the
end of that working day (``DEADLINE_END_OF_DAY``). An appeal does not stop the
rectification clock.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from zhengwu.core import calendar
from zhengwu.core.ui import DeadlineState
from zhengwu.reviews.choices import BAD_LEVEL_MAX, MAX_LEVEL, HandlingStatus


def _days(name: str, default: int) -> int:
    value = settings.ZHENGWU.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ImproperlyConfigured(f'ZHENGWU["{name}"] must be a whole number of days ≥ 0, not {value!r}')
    return value


def visit_days() -> int:
    return _days("REVIEW_VISIT_DAYS", 1)


def rectify_days() -> int:
    return _days("REVIEW_RECTIFY_DAYS", 15)


def default_after_days() -> int:
    return _days("REVIEW_DEFAULT_AFTER_DAYS", 7)


def default_level() -> int | None:
    """The level an unrated case gets, or ``None`` for no default review."""
    value = settings.ZHENGWU.get("REVIEW_DEFAULT_LEVEL")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not BAD_LEVEL_MAX < value <= MAX_LEVEL:
        raise ImproperlyConfigured(
            f'ZHENGWU["REVIEW_DEFAULT_LEVEL"] must be None or a level from 3 (基本满意) to 5, not {value!r}')
    return value


def visit_deadline(reviewed_at: datetime) -> datetime:
    return calendar.deadline(start=reviewed_at, working_days=visit_days())


def rectify_deadline(reviewed_at: datetime) -> datetime:
    return calendar.deadline(start=reviewed_at, working_days=rectify_days())


#: the deadline each state waits for: the visit, then the rectification (an appeal does not stop it);
#: a rectified handling waits for the feedback, which has no deadline
DUE_FIELD = {
    HandlingStatus.REGISTERED: "visit_deadline",
    HandlingStatus.VISITED: "rectify_deadline",
    HandlingStatus.APPEALING: "rectify_deadline",
}


def due(handling) -> datetime | None:  # noqa: ANN001
    """The deadline of the step the handling waits for, if any."""
    name = DUE_FIELD.get(handling.status)
    return getattr(handling, name) if name else None


def deadline_state(handling, *, now: datetime | None = None) -> str:  # noqa: ANN001
    """normal, warning (the deadline is today), overdue, or done (closed, appeal upheld).

    A rectified handling waits for the feedback, which has no deadline of its own: normal.
    """
    if handling.status in (HandlingStatus.CLOSED, HandlingStatus.APPEAL_UPHELD):
        return DeadlineState.DONE
    moment = due(handling)
    if moment is None:
        return DeadlineState.NORMAL
    now = now or timezone.now()
    if now > moment:
        return DeadlineState.OVERDUE
    if timezone.localdate(now) == timezone.localdate(moment):
        return DeadlineState.WARNING
    return DeadlineState.NORMAL
