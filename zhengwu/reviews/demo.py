"""Demo reviews, bad-review handlings and deadline reminders for the two demo years (DOMAIN.md §13).

Step ``reviews.years`` (30), after the cases' years:

* 35 % of the completed cases get one review (一事一评 or 一次一评), mostly 非常满意;
* bad reviews counted in the statistics, January–November: 127 in 2022 and 101 in 2023
  (−20.47 %, the seed's figure), every one of 2023 rectified; a few more bad reviews
  whose appeal was upheld (kept, not counted), and three fresh ones in December 2023
  still waiting for the return visit or the rectification, for the specialist's desk;
* deadline reminders about cases: 3,946 in 2023 (the seed's figure) and 5,100 in 2022,
  most answered within one working day.

Rows are born in their final state with bulk inserts (one audit event per year) and
announced with ``reviews.review.imported`` / ``core.reminder.imported`` so the
evaluation rollups follow. ``--scale`` multiplies every count.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from zhengwu.cases.models import Case
from zhengwu.core import audit, calendar, events
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.core.models import Reminder
from zhengwu.reviews import deadlines
from zhengwu.reviews.choices import HandlingStatus, ReviewChannel
from zhengwu.reviews.models import BadReviewHandling, Review

REVIEW_SHARE = 0.35
#: year -> (counted bad reviews Jan–Nov, of which rectified on time, upheld appeals, reminders, answered in time)
YEARS = {2022: (127, 110, 4, 5100, 0.90), 2023: (101, 97, 5, 3946, 0.94)}
BAD_COMMENTS = ("等候时间太长", "材料要求解释不清", "窗口人员态度不好", "系统多次提交失败", "办理时间超出预期")
GOOD_COMMENTS = ("", "", "", "办事效率高", "服务热情", "一次办好,点赞")


@demo_step("reviews.years", order=30)
def make_reviews(ctx: DemoContext) -> None:
    for year, plan in YEARS.items():
        ids = ctx.made.get(f"cases_{year}_completed_ids")
        if ids:
            _make_year(ctx, year, ids, plan)


def _cases(ids: list[int]) -> dict[int, tuple]:
    rows: dict[int, tuple] = {}
    for start in range(0, len(ids), 20000):
        for row in Case.objects.filter(pk__in=ids[start:start + 20000]).values_list(
                "pk", "completed_at", "department_id", "township_id", "received_at"):
            rows[row[0]] = row
    return rows


def _make_year(ctx: DemoContext, year: int, completed: list[int], plan: tuple) -> None:
    rng = ctx.rng_for(f"reviews.{year}")
    bad_counted, on_time, upheld, reminders, answered_share = plan
    bad_counted, on_time = ctx.scaled(bad_counted), ctx.scaled(on_time)
    upheld, reminders = ctx.scaled(upheld, minimum=1), ctx.scaled(reminders)
    reviewed = rng.sample(completed, round(len(completed) * REVIEW_SHARE))
    info = _cases(reviewed)
    # A review comes up to three days after the completion: the counted bad reviews come from cases completed by
    # 27 November, so each is made inside January–November, the period the seed counts.
    last_day = date(year, 11, 27)
    jan_nov = [pk for pk in reviewed if timezone.localtime(info[pk][1]).date() <= last_day]
    december = [pk for pk in reviewed if timezone.localtime(info[pk][1]).month == 12]
    bad_ids = set(rng.sample(jan_nov, bad_counted + upheld))
    upheld_ids = set(rng.sample(sorted(bad_ids), upheld))
    open_ids = set(rng.sample(december, min(3, len(december)))) if year == 2023 else set()

    reviews = []
    for pk in reviewed:
        _, completed_at, dept, town, _received = info[pk]
        created = completed_at + timedelta(minutes=rng.randint(5, 60 * 24 * 3))
        bad = pk in bad_ids or pk in open_ids
        level = rng.choice((1, 2)) if bad else rng.choices((5, 4, 3), weights=(88, 10, 2))[0]
        reviews.append(Review(case_id=pk, channel=rng.choice((ReviewChannel.ONLINE, ReviewChannel.ON_SITE)),
                              level=level, created_at=created, excluded=pk in upheld_ids, department_id=dept,
                              township_id=town,
                              comment=rng.choice(BAD_COMMENTS) if bad else rng.choice(GOOD_COMMENTS)))
    created = Review.objects.bulk_create(reviews, batch_size=5000)
    review_ids = [r.pk for r in created if r.pk is not None] or _ids_of(Review, "case_id", reviewed)

    handlings = []
    late_budget = len(bad_ids - upheld_ids) - on_time
    for review in Review.objects.filter(case_id__in=sorted(bad_ids | open_ids)).order_by("case_id"):
        handlings.append(_handling(rng, review, upheld=review.case_id in upheld_ids,
                                   still_open=review.case_id in open_ids,
                                   late=review.case_id not in upheld_ids and review.case_id not in open_ids
                                   and (late_budget := late_budget - 1) >= 0))
    BadReviewHandling.objects.bulk_create(handlings, batch_size=1000)

    reminder_ids = _make_reminders(rng, year, ctx, reminders, answered_share)
    audit.record(actor="demo", action="demo.reviews", obj=("reviews.demo", year),
                 payload={"reviews": len(reviews), "bad_counted": bad_counted, "upheld": upheld,
                          "open": len(open_ids), "reminders": len(reminder_ids)})
    events.publish("reviews.review.imported", ids=review_ids)
    events.publish("core.reminder.imported", ids=reminder_ids)


def _handling(rng: random.Random, review: Review, *, upheld: bool, still_open: bool, late: bool
              ) -> BadReviewHandling:
    visit_due = deadlines.visit_deadline(review.created_at)
    rectify_due = deadlines.rectify_deadline(review.created_at)
    visited = review.created_at + timedelta(hours=rng.randint(2, 20))
    fields: dict[str, Any] = dict(review=review, department_id=review.department_id,
                                  township_id=review.township_id, visit_deadline=visit_due,
                                  rectify_deadline=rectify_due, status_changed_at=visited, version=1)
    if still_open:
        return BadReviewHandling(status=rng.choice((HandlingStatus.REGISTERED, HandlingStatus.VISITED)), **{
            **fields, "version": 0, "status_changed_at": review.created_at})
    if upheld:
        return BadReviewHandling(status=HandlingStatus.APPEAL_UPHELD, visited_at=visited, visit_note="已回访核实",
                                 appealed_at=visited + timedelta(hours=2), appeal_reason="评价与办件无关,属误评",
                                 appeal_decided_at=visited + timedelta(days=1), appeal_upheld=True,
                                 appeal_decision="复核属实,申诉成立", **fields)
    rectified = (rectify_due + timedelta(days=rng.randint(1, 4)) if late
                 else calendar.deadline(start=visited, working_days=rng.randint(1, 8)) - timedelta(hours=6))
    return BadReviewHandling(status=HandlingStatus.CLOSED, visited_at=visited, visit_note="已电话回访,情况属实",
                             rectified_at=rectified, rectify_note="已组织窗口整改并完善一次性告知",
                             rectified_on_time=rectified <= rectify_due, feedback_at=rectified + timedelta(hours=3),
                             feedback_note="已向评价人反馈整改情况", **fields)


def _make_reminders(rng: random.Random, year: int, ctx: DemoContext, n: int, answered_share: float) -> list[int]:
    low, high = ctx.made["case_id_ranges"][year]
    case_ids = rng.sample(range(low, high + 1), min(n, high - low + 1))
    received = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "received_at"))
    year_end = timezone.make_aware(datetime(year, 12, 31, 20, 0))
    rows = []
    for pk in case_ids:
        if pk not in received:
            continue
        # a reminder about a case received in the last days of December stays in its year (the seed counts a year)
        created = min(received[pk] + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6)), year_end)
        in_time = rng.random() < answered_share
        answered = created + (timedelta(hours=rng.randint(1, 20)) if in_time else timedelta(days=rng.randint(3, 6)))
        rows.append(Reminder(object_type="cases.case", object_id=str(pk), kind="case_deadline",
                             stage=rng.choice(("yellow", "red")), level="yellow", message="办件临近或超过期限",
                             created_at=created, answered_at=answered,
                             answered_in_time=answered <= calendar.deadline(start=created, working_days=1)))
    created = Reminder.objects.bulk_create(rows, batch_size=5000)
    return [r.pk for r in created if r.pk is not None] or _ids_of(
        Reminder.objects.filter(object_type="cases.case", kind="case_deadline"), "object_id",
        [r.object_id for r in rows])


def _ids_of(source: Any, field: str, values: list[Any], *, batch: int = 20000) -> list[int]:
    """Primary keys of the rows whose ``field`` is in ``values``, in batches (SQLite limits parameters)."""
    qs = source.objects.all() if isinstance(source, type) else source
    ids: list[int] = []
    for start in range(0, len(values), batch):
        ids += qs.filter(**{f"{field}__in": values[start:start + batch]}).values_list("pk", flat=True)
    return ids


def demo_now() -> datetime:
    from zhengwu.cases.demo import demo_now as cases_now

    return cases_now()
