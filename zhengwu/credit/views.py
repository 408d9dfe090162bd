"""The credit screens (``/credit/…``): expert credit list and page (history, score chart, penalty form),
the 一标一评 rating of a section's experts, penalties (decide proposals, revoke), behaviour records.

Views parse and call one service or selector; which buttons show comes from the permissions and the
workflow's available transitions."""

from __future__ import annotations

from typing import Any

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.errors import AppError, InvalidInput
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.credit import selectors, services
from zhengwu.credit.choices import PenaltyStatus, RecordKind
from zhengwu.credit.forms import PenaltyForm, RatingForm, ReasonForm, RecordForm
from zhengwu.credit.models import ExpertRating
from zhengwu.credit.workflow import PENALTY_WORKFLOW, RECORD_WORKFLOW
from zhengwu.org.models import Enterprise, Person
from zhengwu.trading.choices import ExpertStatus
from zhengwu.trading.forms import attach_app_error

PAGE_SIZE = 50


def _year(request: HttpRequest) -> int:
    raw = str(request.GET.get("year") or "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def expert_rows(user: Any, params: Any) -> Any:
    """The experts list's rows for ``params`` (the screen and its Excel export read the same)."""
    raw = str(params.get("year") or "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    q = (params.get("q") or "").strip()[:64]
    status = params.get("status") or ""
    status = status if status in ExpertStatus.values else ""
    return selectors.expert_credit_list(user=user, year=year, q=q, status=status,
                                        penalized=params.get("penalized") == "1")


def penalty_rows(user: Any, params: Any) -> Any:
    """The penalties list's rows for ``params`` (the screen and its Excel export read the same)."""
    status = params.get("status") or ""
    return selectors.penalty_list(user=user, status=status if status in PenaltyStatus.values else "")


def rating_rows(user: Any, params: Any) -> Any:
    """The sections to rate (一标一评), for the screen and its Excel export."""
    return selectors.rating_sections(user=user)


def record_rows(user: Any, params: Any) -> Any:
    """The behaviour records list's rows for ``params`` (the screen and its Excel export read the same)."""
    kind = params.get("kind") or ""
    kind = kind if kind in RecordKind.values else ""
    q = (params.get("q") or "").strip()[:64]
    in_force = params.get("in_force") == "1"
    return selectors.behaviour_record_list(user=user, kind=kind, q=q,
                                           effective_on=timezone.localdate() if in_force else None)


# --- expert credit --------------------------------------------------------------------------------------

@require_GET
@permission_required_403("credit.view")
def expert_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    q = (request.GET.get("q") or "").strip()[:64]
    status = request.GET.get("status") or ""
    status = status if status in ExpertStatus.values else ""
    penalized = request.GET.get("penalized") == "1"
    experts = expert_rows(request.user, request.GET)
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/experts.html", {"page_obj": page, "year": year, "q": q, "status": status,
                                                   "penalized": penalized, "statuses": ExpertStatus.choices})


def _chart(series: list[dict]) -> str:
    option = {"tooltip": {"trigger": "axis"}, "grid": {"left": 40, "right": 20, "top": 20, "bottom": 30},
              "xAxis": {"type": "category", "data": [p["at"][:10] for p in series]},
              "yAxis": {"type": "value", "min": 0, "max": 100},
              "series": [{"type": "line", "step": "end", "name": _("信用分"), "data": [p["score"] for p in series]}]}
    return json.dumps(option, ensure_ascii=False)


def _expert_page(request: HttpRequest, pk: int, *, form: PenaltyForm | None = None, status: int = 200):
    year = _year(request)
    expert = (selectors.expert_credit_list(user=request.user, year=year).filter(pk=pk).first()
              or selectors.expert_credit_get(user=request.user, pk=pk))
    history = selectors.expert_credit_history(expert)
    for p in history["penalties"]:
        p.available = PENALTY_WORKFLOW.available(p, request.user)
    can_penalize = request.user.has_perm("credit.manage_penalties")
    if form is None and can_penalize:
        form = PenaltyForm()
    return render(request, "credit/expert_detail.html", {
        "expert": expert, "year": year, "history": history, "chart": _chart(history["series"]), "form": form,
        "rules": selectors.credit_rules(),
    }, status=status)


@require_GET
@permission_required_403("credit.view")
@handles_app_errors
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _expert_page(request, pk)


@require_POST
@permission_required_403("credit.manage_penalties")
@handles_app_errors
def penalty_new(request: HttpRequest, pk: int) -> HttpResponse:
    expert = selectors.expert_credit_get(user=request.user, pk=pk)
    form = PenaltyForm(request.POST)
    if form.is_valid():
        try:
            penalty = services.penalty_record(actor=request.user, expert=expert, points=form.cleaned_data["points"],
                                              basis=form.cleaned_data["basis"], reason=form.cleaned_data["reason"],
                                              occurred_on=form.cleaned_data["occurred_on"])
        except InvalidInput as exc:
            attach_app_error(form, exc)
        else:
            messages.success(request, _("已扣 %(points)s 分,信用分 %(score)s。") % {
                "points": penalty.points, "score": penalty.score_after})
            if penalty.suspended:
                messages.warning(request, _("该专家已达到暂停条件,已暂停评标资格。"))
            return redirect("credit:expert", pk=expert.pk)
    return _expert_page(request, pk, form=form, status=422)


# --- penalties ------------------------------------------------------------------------------------------

@require_GET
@permission_required_403("credit.view")
def penalty_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or ""
    status = status if status in PenaltyStatus.values else ""
    penalties = penalty_rows(request.user, request.GET)
    page = Paginator(penalties, PAGE_SIZE).get_page(request.GET.get("page"))
    for p in page:
        p.available = PENALTY_WORKFLOW.available(p, request.user)
    return render(request, "credit/penalties.html", {"page_obj": page, "status": status,
                                                     "statuses": PenaltyStatus.choices})


@require_POST
@permission_required_403("credit.manage_penalties")
@handles_app_errors
def penalty_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    penalty = selectors.penalty_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.penalty_transition(actor=request.user, penalty=penalty, action=action,
                                    reason=form.cleaned_data.get("reason", ""))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已处理。"))
    target = request.POST.get("next") or ""
    return redirect(target if target.startswith("/credit/") else "credit:penalties")


# --- ratings (一标一评) -------------------------------------------------------------------------------------

@require_GET
@permission_required_403("credit.rate")
def rating_sections(request: HttpRequest) -> HttpResponse:
    sections = rating_rows(request.user, request.GET)
    page = Paginator(sections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/ratings.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
@permission_required_403("credit.rate")
@handles_app_errors
def rating_section(request: HttpRequest, pk: int) -> HttpResponse:
    section = selectors.section_for_rating(user=request.user, pk=pk)
    served = selectors.served_members(section)
    rated = {r.expert_id: r for r in ExpertRating.objects.filter(tender_section=section)}
    forms_by_expert = {}
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST, prefix=f"e{request.POST.get('expert_pk', '')}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                rating = services.rating_submit(
                    actor=request.user, tender_section=section, expert=data["expert"],
                    punctuality=data["punctuality"], diligence=data["diligence"], fairness=data["fairness"],
                    professional=data["professional"], comment=data["comment"])
            except AppError as exc:
                if exc.status == 403 or exc.status == 404:
                    raise
                attach_app_error(form, exc)
            else:
                messages.success(request, _("已评价专家%(name)s(平均 %(avg)s 分)。") % {
                    "name": rating.expert.name, "avg": rating.average})
                if rating.average < selectors.credit_rules()["low_rating_below"]:
                    messages.warning(request, _("评价较差,已自动提出扣分建议,待工作人员或监管人员确认。"))
                return redirect("credit:rate", pk=section.pk)
        forms_by_expert[data_expert(request)] = form
        status = 422
    rows = []
    for m in served:
        form = forms_by_expert.get(m.expert_id) or RatingForm(prefix=f"e{m.expert_id}",
                                                              initial={"expert": m.expert_id})
        rows.append({"member": m, "rating": rated.get(m.expert_id), "form": form})
    return render(request, "credit/rate.html", {"section": section, "rows": rows,
                                                "finished": section.evaluation.status == "reported"}, status=status)


def data_expert(request: HttpRequest) -> int | None:
    raw = str(request.POST.get("expert_pk") or "")
    return int(raw) if raw.isdigit() else None


# --- behaviour records ----------------------------------------------------------------------------------

@require_GET
@permission_required_403("credit.view")
def record_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") or ""
    kind = kind if kind in RecordKind.values else ""
    q = (request.GET.get("q") or "").strip()[:64]
    in_force = request.GET.get("in_force") == "1"
    records = record_rows(request.user, request.GET)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/records.html", {"page_obj": page, "kind": kind, "q": q, "in_force": in_force,
                                                   "kinds": RecordKind.choices, "today": timezone.localdate()})


@require_GET
@permission_required_403("credit.view")
@handles_app_errors
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.behaviour_record_get(user=request.user, pk=pk)
    return render(request, "credit/record_detail.html", {
        "record": record, "in_force": record.effective_on(timezone.localdate()),
        "actions": RECORD_WORKFLOW.available(record, request.user), "form": ReasonForm()})


@require_http_methods(["GET", "POST"])
@permission_required_403("credit.manage_records")
@handles_app_errors
def record_new(request: HttpRequest) -> HttpResponse:
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = person = None
        if data["credit_code"]:
            enterprise = Enterprise.objects.filter(credit_code=data["credit_code"].strip().upper()).first()
            if enterprise is None:
                form.add_error("credit_code", _("未登记的企业。"))
        if data["person_id"]:
            person = Person.objects.filter(pk=data["person_id"]).first()
            if person is None:
                form.add_error("person_id", _("自然人不存在。"))
        if not form.errors:
            try:
                record = services.behaviour_record_create(
                    actor=request.user, enterprise=enterprise, person=person, kind=data["kind"],
                    scope=data["scope"], title=data["title"], reason=data["reason"],
                    legal_basis=data["legal_basis"], department_name=data["department_name"],
                    document_number=data["document_number"], effective_from=data["effective_from"],
                    effective_until=data["effective_until"])
            except InvalidInput as exc:
                attach_app_error(form, exc)
            else:
                messages.success(request, _("已登记。"))
                return redirect("credit:record", pk=record.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "credit/record_new.html", {"form": form}, status=status)


@require_POST
@permission_required_403("credit.manage_records")
@handles_app_errors
def record_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.behaviour_record_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.behaviour_record_revoke(actor=request.user, record=record, reason=form.cleaned_data.get("reason", ""))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销。"))
    return redirect("credit:record", pk=record.pk)
