"""The transaction service fee on the web (``/trading/fees/``): the schedules, a new schedule, the switch-off, the
report of a year.

The center administrator keeps the schedules (``trading.manage_rules``, as for the rule table): a new schedule of
a project type from a date, with its marginal tiers (‰), minimum, cap and basis (``services_fees.fee_schedule_create``),
and the date from which a schedule stops charging (``fee_schedule_switch_off``); a schedule is never edited.
Staff and supervisors read the page. Refusals are shown next to the field the service names (a tier's bound or
rate, the cap, a date that would reach back over fees already assessed).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import AppError
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.trading import fees, services_fees
from zhengwu.trading.forms import attach_app_error
from zhengwu.trading.forms_award import FeeScheduleForm, FeeSwitchOffForm, YearForm
from zhengwu.trading.models import ServiceFeeSchedule
from zhengwu.trading.views import WORKSPACE

MANAGE = "trading.manage_rules"


def tiers_text(tiers: list[dict[str, Any]]) -> list[str]:
    """The tiers in words: "500万元以下部分 1‰", "500万元至5000万元部分 0.6‰", "5亿元以上部分 0.05‰"."""
    def amount(value: str) -> str:
        number = Decimal(value)
        if number >= 100_000_000 and number % 100_000_000 == 0:
            return _("%(n)s亿元") % {"n": f"{number / 100_000_000:g}"}
        if number >= 10_000 and number % 10_000 == 0:
            return _("%(n)s万元") % {"n": f"{number / 10_000:g}"}
        return _("%(n)s元") % {"n": f"{number:,.2f}"}

    lines, lower = [], None
    for tier in tiers:
        up_to = tier.get("up_to")
        if lower is None and up_to is not None:
            part = _("%(up)s以下部分") % {"up": amount(up_to)}
        elif up_to is None:
            part = _("%(low)s以上部分") % {"low": amount(lower)} if lower is not None else _("全部金额")
        else:
            part = _("%(low)s至%(up)s部分") % {"low": amount(lower), "up": amount(up_to)}
        lines.append(f"{part} {tier['permille']}‰")
        lower = up_to
    return lines


def _report(request: HttpRequest) -> tuple[YearForm, dict[str, Any] | None]:
    form = YearForm({"year": request.GET.get("year") or timezone.localdate().year})
    if not form.is_valid():
        return form, None
    try:
        return form, fees.fee_report(user=request.user, year=form.cleaned_data["year"])
    except AppError as exc:
        if exc.status == 403:
            raise
        attach_app_error(form, exc)
        return form, None


def fee_schedule_rows(user: Any, params: Any) -> list[dict[str, Any]]:
    """The schedules by project type with their tiers in words and whether each is in force and charging today
    (the screen and its Excel export read the same)."""
    today = timezone.localdate()
    schedules = list(fees.fee_schedule_list(user=user).select_related("created_by")
                     .order_by("project_type", "-effective_from"))
    in_force = {s.project_type: fees.schedule_in_force(project_type=s.project_type, on=today) for s in schedules}
    rows = []
    for s in schedules:
        current = in_force.get(s.project_type)
        rows.append({"schedule": s, "tiers": tiers_text(s.tiers),
                     "in_force": current is not None and current.pk == s.pk,
                     "charging": current is not None and current.pk == s.pk
                     and (s.switched_off_from is None or s.switched_off_from > today)})
    return rows


def _context(request: HttpRequest, *, create_form: FeeScheduleForm | None = None,
             off_form: tuple[int, FeeSwitchOffForm] | None = None) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    can_manage = user.has_perm(MANAGE)
    rows = fee_schedule_rows(user, request.GET)
    for row in rows:
        s, form = row["schedule"], None
        if can_manage and s.switched_off_from is None:
            form = off_form[1] if off_form is not None and off_form[0] == s.pk else FeeSwitchOffForm(prefix=f"off{s.pk}")
        row["off_form"] = form
    year_form, report = _report(request)
    return {"rows": rows, "today": today, "create_form": create_form or (FeeScheduleForm() if can_manage else None),
            "year_form": year_form, "report": report}


def _render(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    return render(request, "trading/fees.html", _context(request, **forms), status=status)


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def fee_schedules(request: HttpRequest) -> HttpResponse:
    """交易服务费: the schedules by project type, the one in force today, and the fees of a year."""
    return _render(request)


@require_POST
@permission_required_403(WORKSPACE)
@permission_required_403(MANAGE)
@handles_app_errors
def fee_schedule_new(request: HttpRequest) -> HttpResponse:
    form = FeeScheduleForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            schedule = services_fees.fee_schedule_create(
                actor=request.user, project_type=data["project_type"], effective_from=data["effective_from"],
                tiers=form.tiers(), minimum=data["minimum"] or "0", cap=data["cap"] or None, basis=data["basis"],
                switched_off_from=data["switched_off_from"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("%(type)s的收费标准已登记,自 %(day)s 起执行。")
                             % {"type": schedule.get_project_type_display(), "day": schedule.effective_from})
            return redirect("trading:fee_schedules")
    return _render(request, status=status, create_form=form)


@require_POST
@permission_required_403(WORKSPACE)
@permission_required_403(MANAGE)
@handles_app_errors
def fee_schedule_switch_off(request: HttpRequest, pk: int) -> HttpResponse:
    schedule: ServiceFeeSchedule = fees.fee_schedule_get(user=request.user, pk=pk)
    form = FeeSwitchOffForm(request.POST, prefix=f"off{schedule.pk}")
    status = 422
    if form.is_valid():
        try:
            services_fees.fee_schedule_switch_off(actor=request.user, schedule=schedule,
                                                  switched_off_from=form.cleaned_data["switched_off_from"],
                                                  reason=form.cleaned_data["reason"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已设定自 %(day)s 起停止收取。") % {"day": form.cleaned_data["switched_off_from"]})
            return redirect("trading:fee_schedules")
    return _render(request, status=status, off_form=(schedule.pk, form))
