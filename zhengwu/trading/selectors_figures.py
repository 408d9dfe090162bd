"""District-wide trading figures for any period of whole days, for the leadership dashboard and the work report.

The figures screen (``figures.trading_figures``, ``/trading/figures/?year=``) works by calendar year or month and
checks its reader; the reports registry asks for any period (``date_from`` to ``date_to``, both included, Beijing
dates) with the whole district as its scope, so these functions take no user: the reports' views and API check
their own permission. The definitions are the screen's (docs/trading.md part 5), one SQL aggregate each; the tests
(``trading/tests/test_selectors_figures.py``) check that a calendar year gives exactly the screen's numbers:

* an award is in the period when its notice was issued (``notice_issued_at``, local date) in it;
* a project is counted in the period of its *first* award (the earliest notice of any of its sections);
* amount = Σ award price; savings = Σ (control price − award price) and control total = Σ control price over the
  awards whose evaluation has a control price; savings rate = savings ÷ control total;
* 评定分离: counted projects with a tender in ``award_mode = separated`` (of any of their awards); the amount is
  Σ award price of the period's awards under such a tender; the share is over government-invested projects;
* guarantees: deposits in guarantee form received in the period (count, Σ amount);
* remote sessions: closed sessions started in the period, by our role (``selectors_sessions``).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Min, Q, QuerySet, Sum

from zhengwu.core.periods import local_day_bounds
from zhengwu.trading.choices import AwardMode, DepositForm, ExpertSource, FundingSource, ProjectType
from zhengwu.trading.models import Award, Deposit, DepositRefundBatch, ExpertDrawMember, Project
from zhengwu.trading.selectors_sessions import remote_session_counts

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=20, decimal_places=2)
PROJECT = "evaluation__tender_section__tender__project"


_bounds = local_day_bounds


def _money(value: Any) -> Decimal:
    return (Decimal(value) if value is not None else ZERO).quantize(CENT)


def _project_filter(prefix: str, *, project_type: str | None, above_limit: bool | None) -> Q:
    q = Q()
    if project_type is not None:
        q &= Q(**{f"{prefix}project_type": project_type})
    if above_limit is not None:
        q &= Q(**{f"{prefix}above_limit": above_limit})
    return q


def awards_in_period(*, date_from: dt.date, date_to: dt.date, project_type: str | None = None,
                     above_limit: bool | None = None) -> QuerySet[Award]:
    """The awards whose notice was issued in the period (optionally of one project type / side of the limit)."""
    start, end = _bounds(date_from, date_to)
    return Award.objects.filter(_project_filter(f"{PROJECT}__", project_type=project_type, above_limit=above_limit),
                                notice_issued_at__gte=start, notice_issued_at__lt=end)


def projects_first_awarded(*, date_from: dt.date, date_to: dt.date, project_type: str | None = None,
                           above_limit: bool | None = None) -> QuerySet[Project]:
    """The projects counted in the period: those whose first award (any year) was issued in it."""
    start, end = _bounds(date_from, date_to)
    return (Project.objects.filter(_project_filter("", project_type=project_type, above_limit=above_limit))
            .annotate(first_award=Min("tenders__tender_sections__evaluation__award__notice_issued_at"))
            .filter(first_award__gte=start, first_award__lt=end))


def award_totals(*, date_from: dt.date, date_to: dt.date, project_type: str | None = None,
                 above_limit: bool | None = None) -> dict[str, Any]:
    """Projects, awards, amount, control total, savings and the savings rate (a fraction, 4 decimals as on the
    screen, or None without a control price) of the period, for all projects or one type / side of the limit."""
    awards = awards_in_period(date_from=date_from, date_to=date_to, project_type=project_type,
                              above_limit=above_limit)
    with_control = Q(evaluation__control_price__isnull=False)
    sums = awards.aggregate(
        awards=Count("pk"), amount=Sum("price"),
        control_total=Sum("evaluation__control_price", filter=with_control),
        savings=Sum(ExpressionWrapper(F("evaluation__control_price") - F("price"), output_field=MONEY),
                    filter=with_control),
        without_control=Count("pk", filter=Q(evaluation__control_price__isnull=True)))
    control, savings = _money(sums["control_total"]), _money(sums["savings"])
    return {
        "projects": projects_first_awarded(date_from=date_from, date_to=date_to, project_type=project_type,
                                           above_limit=above_limit).count(),
        "awards": sums["awards"], "amount": _money(sums["amount"]), "control_total": control, "savings": savings,
        "awards_without_control_price": sums["without_control"],
        "savings_rate": savings_rate(savings, control),
    }


def savings_rate(savings: Decimal, control_total: Decimal) -> Decimal | None:
    """savings ÷ control total as a fraction rounded half-up to 4 decimals (the screen's ``savings_rate``)."""
    if not control_total:
        return None
    return (Decimal(savings) / Decimal(control_total)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def above_limit_construction(*, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """:func:`award_totals` of the construction projects above the mandatory-tendering limit (限额以上工程建设)."""
    return award_totals(date_from=date_from, date_to=date_to, project_type=ProjectType.CONSTRUCTION,
                        above_limit=True)


def separated_figures(*, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """评定分离 in the period: counted projects that used it (any funding) and the amount of the period's awards
    under it; the government-invested projects counted and how many of them used it."""
    separated_mode = Q(tenders__award_mode=AwardMode.SEPARATED,
                       tenders__tender_sections__evaluation__award__isnull=False)
    separated_ids = Project.objects.filter(separated_mode).values("pk")
    counted = projects_first_awarded(date_from=date_from, date_to=date_to)
    government = counted.filter(funding_source=FundingSource.GOVERNMENT_INVESTED)
    amount = awards_in_period(date_from=date_from, date_to=date_to).filter(
        evaluation__tender_section__tender__award_mode=AwardMode.SEPARATED).aggregate(s=Sum("price"))["s"]
    return {"projects": counted.filter(pk__in=separated_ids).count(), "amount": _money(amount),
            "government_invested_projects": government.count(),
            "government_invested_separated": government.filter(pk__in=separated_ids).count()}


def guarantee_deposits(*, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Bid deposits given as an electronic guarantee (电子保函) received in the period: count and Σ amount."""
    start, end = _bounds(date_from, date_to)
    sums = Deposit.objects.filter(form=DepositForm.GUARANTEE, received_at__gte=start, received_at__lt=end).aggregate(
        n=Count("pk"), s=Sum("amount"))
    return {"count": sums["n"], "amount": _money(sums["s"])}


def remote_sessions(*, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """Remote cross-region sessions held (closed) that started in the period, as main venue and as sub-venue."""
    return remote_session_counts(date_from=date_from, date_to=date_to + dt.timedelta(days=1))


def provincial_draws(*, date_from: dt.date, date_to: dt.date, above_limit: bool | None = True) -> dict[str, int]:
    """Experts drawn in the period (by the local date of the round; initial draws and replacements, replaced or
    not), for sections of projects above the limit by default (依法必招, where the rule ``provincial_share_min``
    binds): how many, and how many from the provincial database."""
    start, end = _bounds(date_from, date_to)
    qs = ExpertDrawMember.objects.filter(round__drawn_at__gte=start, round__drawn_at__lt=end)
    if above_limit is not None:
        qs = qs.filter(draw__tender_section__tender__project__above_limit=above_limit)
    sums = qs.aggregate(drawn=Count("pk"), provincial=Count("pk", filter=Q(source=ExpertSource.PROVINCIAL)))
    return {"drawn": sums["drawn"], "provincial": sums["provincial"]}


def old_deposit_refunds(*, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Clean-ups of old deposits (``DepositRefundBatch``) refunded in the period: batches, deposits, Σ total."""
    sums = DepositRefundBatch.objects.filter(refunded_on__gte=date_from, refunded_on__lte=date_to).aggregate(
        batches=Count("pk"), deposits=Sum("deposit_count"), total=Sum("total"))
    return {"batches": sums["batches"], "deposits": sums["deposits"] or 0, "total": _money(sums["total"])}
