"""The counters behind the nine indicators, each defined once with the date that
attributes it to a day. Both the incremental rollups and the raw computation use
these definitions, which is why they agree.

| counter             | counts                                             | on the day of           |
|---------------------|----------------------------------------------------|-------------------------|
| received            | cases received                                     | receipt                 |
| received_online     | … through PC or mobile (一网通办)                    | receipt                 |
| accepted            | cases accepted (incl. deemed)                      | acceptance date         |
| accepted_overdue    | … decided after the acceptance deadline            | acceptance date         |
| completed           | cases completed (approved or denied)               | completion              |
| completed_overdue   | … after the completion deadline                    | completion              |
| completed_instant   | … instant items finished on the day of acceptance  | completion              |
| completed_reviewed  | … with at least one counted review                 | completion              |
| reviews             | reviews not excluded by an upheld appeal           | review                  |
| bad_reviews         | … of level 1 or 2                                  | review                  |
| rectify_due         | bad reviews (counted) whose rectification is due   | rectification deadline  |
| rectified_on_time   | … rectified by the deadline                        | rectification deadline  |
| reminders           | deadline reminders sent about cases                | reminder                |
| reminders_answered  | … answered (case moved on) within 1 working day    | reminder                |
"""

from __future__ import annotations

from collections import Counter as Tally
from datetime import date, datetime
from typing import Any, Iterable, NamedTuple

from django.utils import timezone

from zhengwu.cases.choices import ONLINE_CHANNELS, CaseStatus, Outcome

COUNTERS = ("received", "received_online", "accepted", "accepted_overdue", "completed", "completed_overdue",
            "completed_instant", "completed_reviewed", "reviews", "bad_reviews", "rectify_due", "rectified_on_time",
            "reminders", "reminders_answered")

CASE_REMINDER_KIND = "case_deadline"


class Key(NamedTuple):
    day: date
    department_id: int
    township_id: int
    item_id: int
    channel: str


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def case_key(case: Any, day: date) -> Key:
    return Key(day, case.department_id, case.township_id or 0, case.item_id, case.channel)


def case_contribution(case: Any) -> Tally:
    """What one case adds to the case counters, from its current fields alone."""
    tally: Tally = Tally()
    if case is None:
        return tally
    received = case_key(case, local_day(case.received_at))
    tally[(received, "received")] += 1
    if case.channel in ONLINE_CHANNELS:
        tally[(received, "received_online")] += 1
    if case.accepted_on is not None:
        accepted = case_key(case, case.accepted_on)
        tally[(accepted, "accepted")] += 1
        if case.acceptance_overdue:
            tally[(accepted, "accepted_overdue")] += 1
    if case.status == CaseStatus.COMPLETED and case.completed_at is not None:
        completed = case_key(case, local_day(case.completed_at))
        tally[(completed, "completed")] += 1
        if case.outcome == Outcome.OVERDUE:
            tally[(completed, "completed_overdue")] += 1
        if case.outcome == Outcome.INSTANT:
            tally[(completed, "completed_instant")] += 1
    return tally


def review_contribution(review: Any, case: Any) -> Tally:
    """What one (counted) review adds: reviews and bad reviews on the review's day."""
    tally: Tally = Tally()
    if review.excluded:
        return tally
    key = case_key(case, local_day(review.created_at))
    tally[(key, "reviews")] += 1
    if review.level <= 2:
        tally[(key, "bad_reviews")] += 1
    return tally


def handling_contribution(handling: Any, review: Any, case: Any) -> Tally:
    tally: Tally = Tally()
    if review.excluded:
        return tally
    key = case_key(case, local_day(handling.rectify_deadline))
    tally[(key, "rectify_due")] += 1
    if handling.rectified_on_time:
        tally[(key, "rectified_on_time")] += 1
    return tally


def reminder_contribution(reminder: Any, case: Any) -> Tally:
    tally: Tally = Tally()
    key = case_key(case, local_day(reminder.created_at))
    tally[(key, "reminders")] += 1
    if reminder.answered_in_time:
        tally[(key, "reminders_answered")] += 1
    return tally


def difference(after: Tally, before: Tally) -> dict[tuple[Key, str], int]:
    keys = set(after) | set(before)
    return {k: after[k] - before[k] for k in keys if after[k] != before[k]}


def group_by_key(deltas: Iterable[tuple[tuple[Key, str], int]]) -> dict[Key, dict[str, int]]:
    rows: dict[Key, dict[str, int]] = {}
    for (key, counter), n in deltas:
        rows.setdefault(key, dict.fromkeys(COUNTERS, 0))[counter] += n
    return rows
