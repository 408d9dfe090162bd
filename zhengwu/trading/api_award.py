"""评定分离, service fee and figures: ``/api/v1/trading/evaluations/{id}/award-decision``, ``…/fee-schedules``,
``…/fees/report``, ``…/figures``.

Parse, call one service or selector, render. Trading staff decide (``trading.award``); the center
administrator keeps the fee schedules (``trading.manage_rules``); staff, supervisors and the center read
the decisions, the fees and the figures; an enterprise user none of them.
"""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from zhengwu.core.schemas import ErrorOut
from zhengwu.trading import fees, figures, selectors, services_award, services_fees
from zhengwu.trading.choices import DecisionMethod
from zhengwu.trading.models import AwardDecision, ServiceFeeSchedule
from zhengwu.trading.schemas_award import (
    AwardDecisionIn,
    AwardDecisionOut,
    FeeReportOut,
    FeeScheduleIn,
    FeeScheduleOut,
    FeeSwitchOffIn,
    FiguresOut,
)
from zhengwu.trading.selectors_award import award_decision_get

router = Router(tags=["trading"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def plain(value: Any) -> Any:
    """Money and dates as the API writes them: Decimal as text (yuan with fen), recursively."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def decision_out(d: AwardDecision) -> AwardDecisionOut:
    return AwardDecisionOut(
        id=d.pk, evaluation_id=d.evaluation_id, award_id=d.award_id, method=d.method,
        method_label=str(DecisionMethod(d.method).label), group=d.group, candidates=d.candidates, inputs=d.inputs,
        outcome=d.outcome, seed=d.seed, minutes=d.minutes, reasons=d.reasons, bid_id=d.winner.bid_id,
        bidder_name=d.winner.bidder_name, price=str(d.price), decided_at=d.decided_at, digest=d.digest,
        verified=services_award.decision_verify(d), replayed=services_award.decision_replay(d))


def schedule_out(s: ServiceFeeSchedule) -> FeeScheduleOut:
    return FeeScheduleOut(id=s.pk, project_type=s.project_type, effective_from=s.effective_from,
                          switched_off_from=s.switched_off_from, tiers=s.tiers, minimum=str(s.minimum),
                          cap=str(s.cap) if s.cap is not None else None, basis=s.basis)


# --- 评定分离 ------------------------------------------------------------------------------------------

@router.post("/evaluations/{evaluation_id}/award-decision", response={201: AwardDecisionOut, **ERRORS})
def award_decide_separated(request: HttpRequest, evaluation_id: int, data: AwardDecisionIn):
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    services_award.award_decide_separated(
        actor=request.user, evaluation=evaluation, group=[m.dict() for m in data.group], reasons=data.reasons,
        votes=data.votes, offers=data.offers, minutes=data.minutes, bid_id=data.bid_id)
    return Status(201, decision_out(award_decision_get(user=request.user, evaluation_id=evaluation_id)))


@router.get("/evaluations/{evaluation_id}/award-decision", response={200: AwardDecisionOut, **ERRORS})
def award_decision_detail(request: HttpRequest, evaluation_id: int):
    return decision_out(award_decision_get(user=request.user, evaluation_id=evaluation_id))


# --- the service fee -------------------------------------------------------------------------------------

@router.get("/fee-schedules", response={200: list[FeeScheduleOut], **ERRORS})
def fee_schedule_list(request: HttpRequest, project_type: str = ""):
    return [schedule_out(s) for s in fees.fee_schedule_list(user=request.user, project_type=project_type)]


@router.post("/fee-schedules", response={201: FeeScheduleOut, **ERRORS})
def fee_schedule_create(request: HttpRequest, data: FeeScheduleIn):
    schedule = services_fees.fee_schedule_create(
        actor=request.user, project_type=data.project_type, effective_from=data.effective_from,
        tiers=[t.dict() for t in data.tiers], minimum=data.minimum, cap=data.cap, basis=data.basis,
        switched_off_from=data.switched_off_from)
    return Status(201, schedule_out(schedule))


@router.post("/fee-schedules/{schedule_id}/switch-off", response={200: FeeScheduleOut, **ERRORS})
def fee_schedule_switch_off(request: HttpRequest, schedule_id: int, data: FeeSwitchOffIn):
    schedule = fees.fee_schedule_get(user=request.user, pk=schedule_id)
    return schedule_out(services_fees.fee_schedule_switch_off(actor=request.user, schedule=schedule,
                                                              switched_off_from=data.switched_off_from,
                                                              reason=data.reason))


@router.get("/fees/report", response={200: FeeReportOut, **ERRORS})
def fee_report(request: HttpRequest, year: int, month: int | None = None):
    return plain(fees.fee_report(user=request.user, year=year, month=month))


# --- figures ---------------------------------------------------------------------------------------------

@router.get("/figures", response={200: FiguresOut, **ERRORS})
def trading_figures(request: HttpRequest, year: int | None = None, month: int | None = None):
    """Projects, amounts, savings and savings rate by type, month and limit; 评定分离 share; guarantees; the
    service fee; remote sessions. ``year`` defaults to the current one."""
    year = year or timezone.localdate().year
    return plain(figures.trading_figures(user=request.user, year=year, month=month))
