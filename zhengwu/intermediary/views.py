"""The intermediary supermarket on the web (under /intermediary/): the public service list and deals, agencies,
purchases with their answer / select (draw) / contract / complete / rate actions, the clean-up proposals and
the figures. Every write is one call to the service the API also calls; a refusal is shown next to the field
it names (422/409)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.forms import submit
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.intermediary import selectors, services
from zhengwu.intermediary.choices import (
    AGENCY_STATUS_TONES,
    PROPOSAL_STATUS_TONES,
    PURCHASE_STATUS_TONES,
    ProposalStatus,
    PurchaseStatus,
    RemovalReason,
    SelectionMethod,
)
from zhengwu.intermediary.forms import (
    AgencyFilterForm,
    AnswerForm,
    CompleteForm,
    ContractForm,
    PurchaseFilterForm,
    PurchaseForm,
    RateForm,
    ReasonForm,
    SelectForm,
)
from zhengwu.intermediary.models import Purchase
from zhengwu.intermediary.rendering import qualification_dicts
from zhengwu.intermediary.workflow import AGENCY_WORKFLOW, PROPOSAL_WORKFLOW, PURCHASE_WORKFLOW

VIEW = "intermediary.view"
MANAGE = "intermediary.manage"
PAGE_SIZE = 50


def _filters(form: Any) -> dict[str, Any]:
    if form.is_bound and form.is_valid():
        return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    return {}


# --- public -------------------------------------------------------------------------------------------------

def agency_rows(user: Any, params: Any, *, form: Any = None) -> Any:
    """The agencies list's rows for ``params`` (the screen and its Excel export read the same)."""
    form = form if form is not None else AgencyFilterForm(params or None)
    return selectors.agency_list(user=user, **_filters(form))


def purchase_rows(user: Any, params: Any, *, form: Any = None) -> Any:
    """The purchases list's rows for ``params`` (the screen and its Excel export read the same)."""
    form = form if form is not None else PurchaseFilterForm(params or None)
    return selectors.purchase_list(user=user, **_filters(form))


def service_rows(user: Any, params: Any) -> list[Any]:
    """The public service list's items (the screen and its Excel export read the same)."""
    return list(selectors.service_list())


def deal_rows(user: Any, params: Any) -> Any:
    """The published deals (the screen and its Excel export read the same)."""
    return selectors.deals_published()


def proposal_rows(user: Any, params: Any) -> list[dict[str, Any]]:
    """The clean-up proposals of the chosen status (default: proposed) with their reasons in words."""
    status = params.get("status", ProposalStatus.PROPOSED)
    qs = selectors.proposals_visible_to(user)
    if status in ProposalStatus.values:
        qs = qs.filter(status=status)
    return [{"proposal": p, "reasons": [RemovalReason(r).label for r in p.reasons if r in RemovalReason.values]}
            for p in qs]


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    """The public intermediary service list (清单): no login needed."""
    return render(request, "intermediary/service_list.html", {"items": service_rows(request.user, request.GET)})


@require_GET
def deals(request: HttpRequest) -> HttpResponse:
    """The published deals (成交公告): no login needed."""
    page = Paginator(deal_rows(request.user, request.GET), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "intermediary/deals.html", {"page_obj": page, "query": ""})


# --- agencies -----------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(VIEW)
def agency_list(request: HttpRequest) -> HttpResponse:
    form = AgencyFilterForm(request.GET or None)
    qs = agency_rows(request.user, request.GET, form=form)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "intermediary/agency_list.html", {"form": form, "page_obj": page,
                                                             "query": query.urlencode(),
                                                             "tones": AGENCY_STATUS_TONES})


def _agency_context(request: HttpRequest, pk: int, form: Any = None) -> dict[str, Any]:
    agency = selectors.agency_get(user=request.user, pk=pk)
    return {"agency": agency, "qualifications": qualification_dicts(agency), "tones": AGENCY_STATUS_TONES,
            "buttons": AGENCY_WORKFLOW.available(agency, request.user), "form": form or ReasonForm(),
            "answers": agency.answers.select_related("purchase").order_by("-answered_at")[:20],
            "ratings": agency.ratings.select_related("purchase")[:20]}


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "intermediary/agency_detail.html", _agency_context(request, pk))


@require_POST
@permission_required_403(MANAGE)
@handles_app_errors
def agency_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    handlers = {"suspend": services.agency_suspend, "reinstate": services.agency_reinstate,
                "remove": services.agency_remove}
    if action not in handlers:
        raise Http404
    form = ReasonForm(request.POST)
    done = submit(form, lambda data: handlers[action](actor=request.user, agency=pk, reason=data["reason"]))
    if done.ok:
        messages.success(request, _("已处理。"))
        return redirect("intermediary:agency", pk=pk)
    return render(request, "intermediary/agency_detail.html", _agency_context(request, pk, form), status=done.status)


# --- purchases ----------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(VIEW)
def purchase_list(request: HttpRequest) -> HttpResponse:
    form = PurchaseFilterForm(request.GET or None)
    qs = purchase_rows(request.user, request.GET, form=form)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "intermediary/purchase_list.html", {"form": form, "page_obj": page,
                                                               "query": query.urlencode(),
                                                               "tones": PURCHASE_STATUS_TONES})


@require_http_methods(["GET", "POST"])
@permission_required_403("intermediary.purchase")
@handles_app_errors
def purchase_new(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = PurchaseForm(request.POST)
        done = submit(form, lambda data: services.purchase_post(actor=request.user, **data), passthrough=(403,))
        if done.ok:
            messages.success(request, _("采购 %(number)s 已发布。") % {"number": done.value.number})
            return redirect("intermediary:purchase", pk=done.value.pk)
        status = done.status
    else:
        form = PurchaseForm()
    return render(request, "intermediary/purchase_new.html", {"form": form}, status=status)


FORMS = {"answer": AnswerForm, "select": SelectForm, "contract": ContractForm, "complete": CompleteForm,
         "rate": RateForm}


def _purchase_context(request: HttpRequest, purchase: Purchase, bound: dict[str, Any] | None = None) -> dict:
    bound = bound or {}
    user = request.user
    answers = list(purchase.answers.select_related("agency"))
    wanted = []
    if purchase.status in (PurchaseStatus.POSTED, PurchaseStatus.ANSWERING) and user.has_perm("intermediary.answer"):
        own = selectors.agency_of(user)
        if own is not None and not any(a.agency_id == own.pk for a in answers):
            wanted.append("answer")
    available = {t.name for t in PURCHASE_WORKFLOW.available(purchase, user)}
    wanted += [name for name in ("select", "contract", "complete", "rate") if name in available]
    forms = {}
    for name in wanted:
        if name in bound:
            forms[name] = bound[name]
        elif name == "select":
            forms[name] = SelectForm(answers=answers)
        else:
            forms[name] = FORMS[name]()
    return {"purchase": purchase, "answers": answers, "forms": forms, "tones": PURCHASE_STATUS_TONES,
            "methods": SelectionMethod, "rating": getattr(purchase, "rating", None)
            if purchase.status == PurchaseStatus.RATED else None}


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def purchase_detail(request: HttpRequest, pk: int) -> HttpResponse:
    purchase = selectors.purchase_get(user=request.user, pk=pk)
    return render(request, "intermediary/purchase_detail.html", _purchase_context(request, purchase))


@require_POST
@permission_required_403(VIEW)
@handles_app_errors
def purchase_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in FORMS:
        raise Http404
    purchase = selectors.purchase_get(user=request.user, pk=pk)
    user = request.user
    if action == "select":
        form = SelectForm(request.POST, answers=list(purchase.answers.select_related("agency")))
    else:
        form = FORMS[action](request.POST)

    def call(data: dict[str, Any]) -> Any:
        if action == "answer":
            return services.answer_submit(actor=user, purchase=purchase, **data)
        if action == "select":
            return services.purchase_select(actor=user, purchase=purchase, **data)
        if action == "contract":
            return services.purchase_contract(actor=user, purchase=purchase, **data)
        if action == "complete":
            return services.purchase_complete(actor=user, purchase=purchase, **data)
        return services.purchase_rate(actor=user, purchase=purchase, **data)

    done = submit(form, call, passthrough=(403,))
    if done.ok:
        messages.success(request, _("已提交。"))
        return redirect("intermediary:purchase", pk=pk)
    purchase = selectors.purchase_get(user=request.user, pk=pk)
    return render(request, "intermediary/purchase_detail.html",
                  _purchase_context(request, purchase, {action: form}), status=done.status)


# --- clean-up -----------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(MANAGE)
def proposal_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ProposalStatus.PROPOSED)
    rows = [{**row, "buttons": PROPOSAL_WORKFLOW.available(row["proposal"], request.user)}
            for row in proposal_rows(request.user, request.GET)]
    return render(request, "intermediary/proposals.html", {"rows": rows, "status": status,
                                                           "statuses": ProposalStatus.choices,
                                                           "tones": PROPOSAL_STATUS_TONES})


@require_POST
@permission_required_403(MANAGE)
@handles_app_errors
def proposals_run(request: HttpRequest) -> HttpResponse:
    made = services.removal_review_run(actor=request.user)
    messages.success(request, _("检查完成,新增 %(n)d 条清理建议。") % {"n": len(made)})
    return redirect("intermediary:proposals")


@require_POST
@permission_required_403(MANAGE)
@handles_app_errors
def proposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    handlers = {"accept": services.proposal_accept, "reject": services.proposal_reject}
    if action not in handlers:
        raise Http404
    handlers[action](actor=request.user, proposal=pk, reason=request.POST.get("reason", ""))
    messages.success(request, _("已处理。"))
    return redirect("intermediary:proposals")


# --- figures ------------------------------------------------------------------------------------------------

def charts(data: dict[str, Any]) -> dict[str, str]:
    base = {"textStyle": {"fontFamily": "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif"},
            "animation": False, "tooltip": {"trigger": "axis", "confine": True}, "legend": {"top": 22, "left": 0},
            "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True}}
    years = data["deals_per_year"]
    deals_chart = {**base, "title": {"text": _("年度成交数与目标"), "textStyle": {"fontSize": 14}},
                   "xAxis": {"type": "category", "data": [str(r["year"]) for r in years]},
                   "yAxis": {"type": "value", "minInterval": 1},
                   "series": [{"type": "bar", "name": _("成交数"), "barMaxWidth": 40,
                               "data": [r["deals"] for r in years]},
                              {"type": "line", "name": _("目标"), "data": [r["goal"] for r in years]}]}
    states_chart = {**base, "title": {"text": _("机构状态"), "textStyle": {"fontSize": 14}},
                    "tooltip": {"trigger": "item", "confine": True},
                    "series": [{"type": "pie", "radius": ["35%", "65%"], "top": 40,
                                "data": [{"name": r["label"], "value": r["count"]} for r in data["agencies_by_state"]],
                                "label": {"formatter": "{b}:{c}"}}]}
    return {"deals": json.dumps(deals_chart, ensure_ascii=False),
            "states": json.dumps(states_chart, ensure_ascii=False)}


@require_GET
@permission_required_403(VIEW)
def figures(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    data = selectors.figures(user=request.user, year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100
                             else None)
    return render(request, "intermediary/figures.html", {
        "figures": data, "year": data["year"] or "", "charts": charts(data),
        "methods": dict(SelectionMethod.choices),
        "outside": selectors.government_projects_outside(user=request.user)})
