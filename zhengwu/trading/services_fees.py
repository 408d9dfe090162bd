"""Writes of the transaction service fee: configuring a schedule, switching it off, assessing an award.

A schedule is never edited in place: a new rate is a new schedule from a date, and the switch-off is
set once. Neither may reach back over fees already assessed, so an award's fee always matches the
schedule that was in force on its notice date. Permission: ``trading.manage_rules`` (the center
administrator keeps the rule table and, with it, the fee schedule).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.inputs import acting_user as _user
from zhengwu.trading import checks
from zhengwu.trading.choices import ProjectType
from zhengwu.trading.fees import compute_fee, schedule_in_force, tiers_clean
from zhengwu.trading.models import Award, AwardFee, ServiceFeeSchedule
from zhengwu.trading.services import money


def fee_schedule_create(*, actor: Any, project_type: str, effective_from: dt.date, tiers: Any, basis: str,
                        minimum: Any = 0, cap: Any = None, switched_off_from: dt.date | None = None,
                        now: dt.datetime | None = None) -> ServiceFeeSchedule:
    """A fee schedule of one project type from a date (a later schedule of the type replaces it from its date)."""
    require(actor, "trading.manage_rules")
    now = now or timezone.now()
    if project_type not in ProjectType.values:
        raise InvalidInput(f"未知的项目类型:{project_type}。", field="project_type", code="bad_choice")
    clean = tiers_clean(tiers)
    low = money(minimum, field="minimum", allow_zero=True)
    high = money(cap, field="cap", required=False)
    if high is not None and high < low:
        raise InvalidInput(f"最高收费 {high} 元低于最低收费 {low} 元。", field="cap", code="cap_below_minimum")
    basis = str(basis or "").strip()
    if not basis:
        raise InvalidInput("请填写收费依据(如物价部门的核定文件)。", field="basis", code="required")
    if switched_off_from is not None and switched_off_from < effective_from:
        raise InvalidInput("停止收取日期不能早于执行日期。", field="switched_off_from", code="bad_date")
    with transaction.atomic():
        last = (AwardFee.objects.filter(project_type=project_type).order_by("-assessed_on")
                .values_list("assessed_on", flat=True).first())
        if last is not None and effective_from <= last:
            raise Conflict(f"{ProjectType(project_type).label}已按原标准计算到 {last},新标准只能从其后一日起执行。",
                           field="effective_from", code="fees_already_assessed", details={"last_assessed_on": last})
        if ServiceFeeSchedule.objects.filter(project_type=project_type, effective_from=effective_from).exists():
            raise Conflict("该类型同一执行日期已有收费标准。", field="effective_from", code="duplicate")
        schedule = ServiceFeeSchedule.objects.create(
            project_type=project_type, effective_from=effective_from, switched_off_from=switched_off_from,
            tiers=clean, minimum=low, cap=high, basis=basis, created_at=now, created_by=_user(actor))
        audit.record(actor=actor, action="servicefeeschedule.create", obj=schedule,
                     payload={"project_type": project_type, "effective_from": effective_from.isoformat(),
                              "switched_off_from": switched_off_from.isoformat() if switched_off_from else None,
                              "tiers": clean, "minimum": low, "cap": high, "basis": basis})
    return schedule


def fee_schedule_switch_off(*, actor: Any, schedule: ServiceFeeSchedule, switched_off_from: dt.date,
                            reason: str = "") -> ServiceFeeSchedule:
    """Stop charging under ``schedule`` from a date (awards noticed on or after it are waived). Set once;
    not earlier than a fee already charged under the schedule."""
    require(actor, "trading.manage_rules")
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidInput("请填写停止收取的依据或理由。", field="reason", code="required")
    if switched_off_from < schedule.effective_from:
        raise InvalidInput("停止收取日期不能早于该标准的执行日期。", field="switched_off_from", code="bad_date")
    with transaction.atomic():
        locked = ServiceFeeSchedule.objects.select_for_update().get(pk=schedule.pk)
        if locked.switched_off_from is not None:
            raise Conflict(f"该标准已自 {locked.switched_off_from} 起停止收取。", field="switched_off_from",
                           code="already_switched_off")
        charged = (locked.fees.filter(waived=False, assessed_on__gte=switched_off_from)
                   .order_by("-assessed_on").values_list("assessed_on", flat=True).first())
        if charged is not None:
            raise Conflict(f"{charged} 已按该标准收费,停止收取日期须在其后。", field="switched_off_from",
                           code="fees_already_assessed", details={"last_charged_on": charged})
        ServiceFeeSchedule.objects.filter(pk=locked.pk).update(switched_off_from=switched_off_from)
        locked.switched_off_from = switched_off_from
        audit.record(actor=actor, action="servicefeeschedule.switch_off", obj=locked, reason=reason,
                     payload={"project_type": locked.project_type, "switched_off_from": switched_off_from.isoformat()})
    return locked


def award_fee_assess(*, award: Award, project_type: str) -> AwardFee | None:
    """The fee of a new award on its notice date (inside the award's transaction; the award's audit event
    carries the result). None when the type has no schedule in force."""
    on = checks.local_date(award.notice_issued_at)
    schedule = schedule_in_force(project_type=project_type, on=on)
    if schedule is None:
        return None
    amount, detail = compute_fee(Decimal(award.price), tiers=schedule.tiers, minimum=Decimal(schedule.minimum),
                                 cap=Decimal(schedule.cap) if schedule.cap is not None else None)
    waived = schedule.switched_off_from is not None and schedule.switched_off_from <= on
    return AwardFee.objects.create(award=award, schedule=schedule, project_type=project_type, assessed_on=on,
                                   base=award.price, amount=amount, waived=waived, detail=detail)


def fee_summary(fee: AwardFee | None) -> dict[str, Any] | None:
    """What the award's audit event records of its fee."""
    if fee is None:
        return None
    return {"schedule": fee.schedule_id, "amount": str(fee.amount), "waived": fee.waived,
            "assessed_on": fee.assessed_on.isoformat()}
