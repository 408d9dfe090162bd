"""The trading figures of a year or a month (DOMAIN.md §10, §13): read-only, computed from the awards.

Definitions (docs/trading.md, part 5, has them with a worked example):

* **Award in the period**: an ``Award`` whose notice was issued (``notice_issued_at``, Beijing date) in it.
* **Projects**: projects counted once, in the period of their *first* award (the earliest notice of any of
  their sections, whatever the year), so the months of a year add up to the year.
* **Transaction amount** (成交金额): Σ award price of the awards in the period.
* **Savings** (节约资金): Σ (control price − award price) over the awards in the period whose evaluation had a
  control price (the section's, or the project's for a one-section project: ``Evaluation.control_price``);
  **savings rate** (节约率) = savings ÷ Σ those control prices. Awards without a control price are counted
  in ``awards_without_control_price`` and left out of both sums.
* **By type / by month / above or below the limit**: an award by its project's type, its notice month and its
  project's ``above_limit`` (限额以上 is a classification of the project, as the seed counts "限额以上工程建设项目");
  a project by the same attributes of its first award.
* **评定分离 share**: of the government-invested projects counted in the period, the share whose tender (of any
  of their awards) fixed ``award_mode = separated``. Goal ≥ 30 % (the seed's 2024 plan). All separated
  projects of the period and their amount are reported too.
* **Guarantees** (电子保函): deposits in guarantee form received in the period: their count and the sum of their
  amounts, the cash the bidders did not have to lock up (释放投标企业资金).
* **Service fee**: ``AwardFee`` of the awards in the period: charged, and waived (saved by the parties).
* **Remote sessions**: sessions closed, started in the period, with our center as main venue / as sub-venue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Min, Sum
from django.utils import timezone

from zhengwu.trading.choices import AwardMode, DepositForm, FundingSource, ProjectType
from zhengwu.trading.fees import period_bounds, require_district_reader
from zhengwu.trading.models import Award, AwardFee, Deposit
from zhengwu.trading.selectors_sessions import remote_session_counts

#: the 2024 goal of the seed: at least 30 % of government-invested projects use 评定分离
SEPARATED_SHARE_GOAL = Fraction(3, 10)
ZERO = Decimal("0.00")


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _rate(part: Decimal | int, whole: Decimal | int) -> str | None:
    if not whole:
        return None
    value = Fraction(Decimal(part)) / Fraction(Decimal(whole))
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"),
                                                                               rounding=ROUND_HALF_UP))


def _bucket() -> dict[str, Any]:
    return {"projects": 0, "awards": 0, "amount": ZERO, "control_total": ZERO, "savings": ZERO,
            "awards_without_control_price": 0}


def _finish(bucket: dict[str, Any]) -> dict[str, Any]:
    return {**bucket, "savings_rate": _rate(bucket["savings"], bucket["control_total"])}


def trading_figures(*, user: Any, year: int, month: int | None = None) -> dict[str, Any]:
    """Every trading figure of ``year`` (or of one ``month`` of it), with breakdowns by type, month and limit."""
    require_district_reader(user)
    date_from, date_to = period_bounds(year, month)
    start, end = _moment(date_from), _moment(date_to)
    awards = list(Award.objects.filter(notice_issued_at__gte=start, notice_issued_at__lt=end)
                  .select_related("evaluation", "evaluation__tender_section__tender__project")
                  .order_by("notice_issued_at", "id"))
    project_ids = {a.evaluation.tender_section.tender.project_id for a in awards}
    first_award = dict(Award.objects.filter(evaluation__tender_section__tender__project_id__in=project_ids)
                       .values_list("evaluation__tender_section__tender__project_id")
                       .annotate(first=Min("notice_issued_at")))
    separated_ids = set(Award.objects.filter(evaluation__tender_section__tender__project_id__in=project_ids,
                                             evaluation__tender_section__tender__award_mode=AwardMode.SEPARATED)
                        .values_list("evaluation__tender_section__tender__project_id", flat=True))

    total = _bucket()
    by_type: dict[str, dict[str, Any]] = defaultdict(_bucket)
    by_month: dict[int, dict[str, Any]] = defaultdict(_bucket)
    by_limit: dict[bool, dict[str, Any]] = defaultdict(_bucket)
    counted: dict[int, Any] = {}
    separated_amount = ZERO
    for award in awards:
        tender = award.evaluation.tender_section.tender
        project = tender.project
        month_of = timezone.localtime(award.notice_issued_at).month
        cells = (total, by_type[project.project_type], by_month[month_of], by_limit[project.above_limit])
        control = award.evaluation.control_price
        for cell in cells:
            cell["awards"] += 1
            cell["amount"] += award.price
            if control is None:
                cell["awards_without_control_price"] += 1
            else:
                cell["control_total"] += control
                cell["savings"] += control - award.price
        if tender.award_mode == AwardMode.SEPARATED:
            separated_amount += award.price
        first = first_award[project.pk]
        if project.pk not in counted and start <= first < end:
            counted[project.pk] = project
            for cell in (total, by_type[project.project_type], by_month[timezone.localtime(first).month],
                         by_limit[project.above_limit]):
                cell["projects"] += 1

    government = [p for p in counted.values() if p.funding_source == FundingSource.GOVERNMENT_INVESTED]
    government_separated = [p for p in government if p.pk in separated_ids]
    share = _rate(len(government_separated), len(government))

    guarantees = Deposit.objects.filter(form=DepositForm.GUARANTEE, received_at__gte=start, received_at__lt=end)
    fees = AwardFee.objects.filter(award__notice_issued_at__gte=start, award__notice_issued_at__lt=end)
    labels = dict(ProjectType.choices)
    return {
        "year": year, "month": month, "date_from": date_from, "date_to": date_to - dt.timedelta(days=1),
        **_finish(total),
        "by_type": [{"project_type": t, "label": str(labels[t]), **_finish(by_type[t])}
                    for t in ProjectType.values if t in by_type],
        "by_month": [{"month": m, **_finish(by_month[m])} for m in sorted(by_month)],
        "above_limit": _finish(by_limit[True]),
        "below_limit": _finish(by_limit[False]),
        "separated": {
            "projects": sum(1 for pk in counted if pk in separated_ids),
            "amount": separated_amount,
            "government_invested_projects": len(government),
            "government_invested_separated": len(government_separated),
            "share": share,
            "goal": str(Decimal(SEPARATED_SHARE_GOAL.numerator) / SEPARATED_SHARE_GOAL.denominator),
            "goal_met": bool(government) and Fraction(len(government_separated), len(government)) >= SEPARATED_SHARE_GOAL,
        },
        "guarantees": {"count": guarantees.count(), "amount_freed": guarantees.aggregate(s=Sum("amount"))["s"] or ZERO},
        "service_fee": {
            "charged": fees.filter(waived=False).aggregate(s=Sum("amount"))["s"] or ZERO,
            "charged_count": fees.filter(waived=False).count(),
            "waived": fees.filter(waived=True).aggregate(s=Sum("amount"))["s"] or ZERO,
            "waived_count": fees.filter(waived=True).count(),
        },
        "remote_sessions": remote_session_counts(date_from=date_from, date_to=date_to),
    }
