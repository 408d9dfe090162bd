"""Information retrieval on the web (under /retrieval/): the requester portal, the department inbox, the
subject's page, the public consent and verification pages, the catalog, the requesters and the figures.
Every write is one call to the service the API also calls; a refusal is shown next to the field it names."""

from __future__ import annotations

import datetime as dt
import json
from functools import wraps
from typing import Any, Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.errors import AppError
from zhengwu.core.forms import submit
from zhengwu.core.web import handles_app_errors, permission_required_403, redirect_to_login_page, render_forbidden
from zhengwu.retrieval import selectors, services, services_answers
from zhengwu.retrieval.choices import (
    CONSENT_STATUS_TONES,
    ITEM_STATUS_TONES,
    REQUEST_STATUS_TONES,
    REQUESTER_STATUS_TONES,
    VERIFY_TONES,
    ConsentStatus,
    ItemStatus,
    RequestStatus,
    VerifyResult,
)
from zhengwu.retrieval.forms import (
    AnswerForm,
    ConsentForm,
    InboxFilterForm,
    InfoTypeForm,
    ReasonForm,
    RequesterForm,
    RequestFilterForm,
    RequestForm,
    VerifyForm,
)
from zhengwu.retrieval.permissions import ANSWER, CONSENT, MANAGE, REQUEST, VIEW
from zhengwu.retrieval.workflow import REQUESTER_WORKFLOW

PAGE_SIZE = 50


def reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in user holding one of the retrieval permissions (each page's rows are then scoped)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login_page(request)
        if not any(request.user.has_perm(p) for p in (VIEW, REQUEST, ANSWER, CONSENT)):
            return render_forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper


def _filters(form: Any) -> dict[str, Any]:
    if form.is_bound and form.is_valid():
        return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    return {}


def _page(request: HttpRequest, qs: Any) -> tuple[Any, str]:
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# --- the lists' rows: the screens and their Excel exports read the same ---------------------------------------

def request_rows(user: Any, params: Any, *, form: Any = None) -> Any:
    """The requests list for ``params``: a requester (without the view permission) sees only its own."""
    form = form if form is not None else RequestFilterForm(params or None)
    mine = user.has_perm(REQUEST) and not user.has_perm(VIEW)
    return selectors.request_list(user=user, mine=mine, **_filters(form))


def inbox_rows(user: Any, params: Any, *, form: Any = None) -> Any:
    """The department's items for ``params`` (default: the open ones)."""
    form = form if form is not None else InboxFilterForm(params or None)
    status = params.get("status", "open") if form.is_bound and form.is_valid() else "open"
    return selectors.inbox(user=user, status=status)


def mine_rows(user: Any, params: Any) -> list[Any]:
    """The requests about the signed-in subject (the latest 200)."""
    return list(selectors.requests_about(user).order_by("-submitted_at", "-id")[:200])


def catalog_rows(user: Any, params: Any) -> list[Any]:
    """The catalog's information types, inactive ones included."""
    return list(selectors.info_types(active_only=False))


def requester_rows(user: Any, params: Any) -> Any:
    """The requesters the user may manage."""
    return selectors.requesters_visible_to(user)


# --- the requester portal -----------------------------------------------------------------------------------

@require_GET
@reader_required
def request_list(request: HttpRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET or None)
    page, query = _page(request, request_rows(request.user, request.GET, form=form))
    return render(request, "retrieval/request_list.html", {
        "form": form, "page_obj": page, "query": query, "tones": REQUEST_STATUS_TONES,
        "requester": selectors.requester_of(request.user), "can_ask": request.user.has_perm(REQUEST)})


@require_http_methods(["GET", "POST"])
@permission_required_403(REQUEST)
@handles_app_errors
def request_new(request: HttpRequest) -> HttpResponse:
    requester = selectors.requester_of(request.user)
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        done = submit(form, lambda data: services.request_create(
            actor=request.user, scenario=data["scenario"], info_types=data["info_types"], purpose=data["purpose"],
            subject_kind=data["subject_kind"], subject_name=data["subject_name"],
            subject_id_number=data["subject_id_number"], subject_credit_code=data["subject_credit_code"],
            subject_phone=data["subject_phone"], consent_days=data["consent_days"]))
        if done.ok:
            messages.success(request, _("申请已提交,授权短信已发送给信息主体。信息主体同意前,任何部门都不会收到申请。"))
            return redirect("retrieval:request", pk=done.value.pk)
        status = done.status
    return render(request, "retrieval/request_new.html", {"form": form, "requester": requester}, status=status)


def _item_rows(req: Any, user: Any, now: dt.datetime) -> list[dict[str, Any]]:
    can_read = selectors.can_read_answers(user, req)
    withdrawn = req.status == RequestStatus.WITHDRAWN
    rows = []
    for item in selectors.items_of(req):
        expired = bool(item.expires_at and now > item.expires_at)
        rows.append({"item": item, "deadline": selectors.deadline_state(item, now=now),
                     "readable": can_read and item.status == ItemStatus.ANSWERED and not expired and not withdrawn,
                     "expired": item.status == ItemStatus.ANSWERED and expired,
                     "outage": item.is_external and item.status == ItemStatus.ASSIGNED and bool(item.last_error)})
    return rows


@require_GET
@reader_required
@handles_app_errors
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get(user=request.user, pk=pk)
    now = timezone.now()
    return render(request, "retrieval/request_detail.html", {
        "req": req, "consent": getattr(req, "consent", None), "rows": _item_rows(req, request.user, now),
        "tones": REQUEST_STATUS_TONES, "item_tones": ITEM_STATUS_TONES, "consent_tones": CONSENT_STATUS_TONES,
        "can_read": selectors.can_read_answers(request.user, req)})


@require_GET
@reader_required
@handles_app_errors
def answer_read(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    req = selectors.request_get(user=request.user, pk=pk)
    if not req.items.filter(pk=item).exists():
        raise Http404
    answer = services_answers.answer_read(actor=request.user, item=item)
    return render(request, "retrieval/answer.html", {"req": req, "answer": answer})


# --- the department inbox -----------------------------------------------------------------------------------

@require_GET
@permission_required_403(ANSWER)
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    page, query = _page(request, inbox_rows(request.user, request.GET, form=form))
    now = timezone.now()
    rows = [{"item": i, "deadline": selectors.deadline_state(i, now=now)} for i in page]
    return render(request, "retrieval/inbox.html", {"form": form, "page_obj": page, "rows": rows, "query": query,
                                                    "tones": ITEM_STATUS_TONES})


def _item_context(request: HttpRequest, pk: int, form: Any = None) -> dict[str, Any]:
    viewed = services_answers.item_view(actor=request.user, item=pk)
    item = viewed["item"]
    return {**viewed, "req": item.request, "consent": item.request.consent, "tones": ITEM_STATUS_TONES,
            "deadline": selectors.deadline_state(item), "form": form or AnswerForm(),
            "can_answer": item.status == ItemStatus.ASSIGNED and not item.is_external}


@require_GET
@permission_required_403(ANSWER)
@handles_app_errors
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "retrieval/item_detail.html", _item_context(request, pk))


@require_POST
@permission_required_403(ANSWER)
@handles_app_errors
def item_answer(request: HttpRequest, pk: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    done = submit(form, lambda data: services_answers.item_answer(
        actor=request.user, item=pk, found=data["found"], summary=data["summary"], details=data["details"]),
        passthrough=(403, 404))
    if done.ok:
        messages.success(request, _("已答复,答复编号 %(n)s。") % {"n": done.value.answer_number})
        return redirect("retrieval:inbox")
    return render(request, "retrieval/item_detail.html", _item_context(request, pk, form), status=done.status)


# --- the subject --------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(CONSENT)
def mine(request: HttpRequest) -> HttpResponse:
    rows = mine_rows(request.user, request.GET)
    return render(request, "retrieval/mine.html", {"rows": rows, "tones": REQUEST_STATUS_TONES,
                                                   "consent_tones": CONSENT_STATUS_TONES})


def _mine_context(request: HttpRequest, pk: int, form: Any = None) -> dict[str, Any]:
    req = selectors.requests_about(request.user).filter(pk=pk).first()
    if req is None:
        raise Http404
    return {"req": req, "consent": req.consent, "log": selectors.access_log(req), "form": form or ReasonForm(),
            "items": selectors.items_of(req), "tones": REQUEST_STATUS_TONES, "item_tones": ITEM_STATUS_TONES,
            "consent_tones": CONSENT_STATUS_TONES,
            "can_decide": req.consent.status == ConsentStatus.PENDING,
            "can_withdraw": req.status in (RequestStatus.IN_PROGRESS, RequestStatus.DELIVERED)}


@require_GET
@permission_required_403(CONSENT)
@handles_app_errors
def mine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "retrieval/mine_detail.html", _mine_context(request, pk))


@require_POST
@permission_required_403(CONSENT)
@handles_app_errors
def mine_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action in ("grant", "refuse"):
        services.consent_decide_as_subject(actor=request.user, request=pk, decision=action)
        messages.success(request, _("已同意授权。") if action == "grant" else _("已拒绝授权。"))
        return redirect("retrieval:mine_detail", pk=pk)
    if action != "withdraw":
        raise Http404
    form = ReasonForm(request.POST)
    done = submit(form, lambda data: services.consent_withdraw(actor=request.user, request=pk,
                                                              reason=data["reason"]))
    if done.ok:
        messages.success(request, _("已撤回授权,申请单位不能再查阅答复。"))
        return redirect("retrieval:mine_detail", pk=pk)
    return render(request, "retrieval/mine_detail.html", _mine_context(request, pk, form), status=done.status)


# --- the public consent page --------------------------------------------------------------------------------

def _consent_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    return render(request, "retrieval/consent_error.html", {"message": exc.message, "code": exc.code},
                  status=exc.status)


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, token: str) -> HttpResponse:
    """The subject's consent page, reached through the one-time link of the SMS (no login)."""
    try:
        current = services.consent_by_code(code=token)
    except AppError as exc:
        return _consent_error(request, exc)
    form = ConsentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        decision = "grant" if "grant" in request.POST else "refuse" if "refuse" in request.POST else ""
        done = submit(form, lambda data: services.consent_decide_by_code(code=token, identity=data["identity"],
                                                                         decision=decision),
                      passthrough=(403, 404, 409, 410))
        if done.ok:
            return render(request, "retrieval/consent_done.html", {"req": done.value,
                                                                   "granted": decision == "grant"})
        status = done.status
    return render(request, "retrieval/consent.html", {
        "consent": current, "req": current.request, "form": form, "hint": services.identity_hint(current),
        "types": list(selectors.info_types(active_only=False).filter(code__in=current.scope))}, status=status)


def consent_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        return consent(request, token)
    except AppError as exc:
        return _consent_error(request, exc)


# --- the public verification --------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks an answer by its number and digest (no content is shown)."""
    data = request.POST if request.method == "POST" else (request.GET if request.GET.get("number") else None)
    form = VerifyForm(data)
    result = None
    status = 200
    if data is not None:
        done = submit(form, lambda d: services_answers.answer_verify(actor=request.user, number=d["number"],
                                                                     digest=d["digest"]))
        if done.ok:
            result = done.value
        status = done.status
    return render(request, "retrieval/verify.html", {
        "form": form, "result": result, "result_label": VerifyResult(result).label if result else "",
        "tones": VERIFY_TONES}, status=status)


# --- the catalog and the requesters -------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@reader_required
@handles_app_errors
def catalog(request: HttpRequest) -> HttpResponse:
    can_manage = request.user.has_perm(MANAGE)
    form = InfoTypeForm(request.POST or None) if can_manage else None
    status = 200
    if request.method == "POST":
        if not can_manage:
            return render_forbidden(request)
        done = submit(form, lambda data: services.info_type_create(actor=request.user, **data))
        if done.ok:
            messages.success(request, _("已加入目录:%(n)s。") % {"n": done.value.name})
            return redirect("retrieval:catalog")
        status = done.status
    return render(request, "retrieval/catalog.html", {
        "types": catalog_rows(request.user, request.GET), "scenarios": list(selectors.scenarios()),
        "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required_403(MANAGE)
@handles_app_errors
def requesters(request: HttpRequest) -> HttpResponse:
    form = RequesterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        done = submit(form, lambda data: services.requester_register(actor=request.user, **data))
        if done.ok:
            messages.success(request, _("已登记申请单位:%(n)s。") % {"n": done.value.name})
            return redirect("retrieval:requesters")
        status = done.status
    rows = [{"requester": r, "buttons": REQUESTER_WORKFLOW.available(r, request.user)}
            for r in requester_rows(request.user, request.GET)]
    return render(request, "retrieval/requesters.html", {"rows": rows, "form": form,
                                                         "tones": REQUESTER_STATUS_TONES}, status=status)


@require_POST
@permission_required_403(MANAGE)
@handles_app_errors
def requester_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    handlers = {"suspend": services.requester_suspend, "reinstate": services.requester_reinstate}
    if action not in handlers:
        raise Http404
    handlers[action](actor=request.user, requester=pk, reason=request.POST.get("reason", ""))
    messages.success(request, _("已处理。"))
    return redirect("retrieval:requesters")


# --- figures ------------------------------------------------------------------------------------------------

def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def charts(data: dict[str, Any]) -> dict[str, str]:
    base = {"textStyle": {"fontFamily": "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif"},
            "animation": False, "tooltip": {"trigger": "axis", "confine": True}, "legend": {"top": 22, "left": 0},
            "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True}}
    scen = data["by_scenario"]
    depts = data["by_department"]
    scenario_chart = {**base, "title": {"text": _("按场景:申请、拒绝与撤回"), "textStyle": {"fontSize": 14}},
                      "xAxis": {"type": "category", "data": [r["name"] for r in scen]},
                      "yAxis": {"type": "value", "minInterval": 1},
                      "series": [{"type": "bar", "name": _("申请"), "data": [r["requests"] for r in scen]},
                                 {"type": "bar", "name": _("拒绝授权"), "data": [r["refused"] for r in scen]},
                                 {"type": "bar", "name": _("撤回授权"), "data": [r["withdrawn"] for r in scen]}]}
    dept_chart = {**base, "title": {"text": _("按部门:答复与按时答复"), "textStyle": {"fontSize": 14}},
                  "xAxis": {"type": "category", "data": [r["name"] for r in depts],
                            "axisLabel": {"interval": 0, "rotate": 20}},
                  "yAxis": {"type": "value", "minInterval": 1},
                  "series": [{"type": "bar", "name": _("答复"), "data": [r["answered"] for r in depts]},
                             {"type": "bar", "name": _("按时答复"), "data": [r["on_time"] for r in depts]}]}
    return {"scenarios": json.dumps(scenario_chart, ensure_ascii=False),
            "departments": json.dumps(dept_chart, ensure_ascii=False)}


@require_GET
@permission_required_403(VIEW)
def figures(request: HttpRequest) -> HttpResponse:
    start, end = _date(request.GET.get("start", "")), _date(request.GET.get("end", ""))
    data = selectors.figures(user=request.user, start=start, end=end)
    return render(request, "retrieval/figures.html", {"figures": data, "charts": charts(data),
                                                      "start": start or "", "end": end or ""})
