"""The clerk's workspace (web, htmx): inbox, list, receive, detail with the transitions, the
department leader's view, and the public progress page.

Every view states the permission it needs and reads through the scoped
selectors; every write is a call to ``cases.services`` (the same calls the API
makes). The buttons on a case come from ``CASE_WORKFLOW.available``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from zhengwu.cases import deadlines, selectors, services
from zhengwu.cases.choices import (
    CASE_STATUS_TONES,
    OPEN_STATUSES,
    CaseStatus,
    Channel,
    DeadlineState,
    Outcome,
)
from zhengwu.cases.forms import CaseFilterForm, CaseReceiveForm, TransitionForm, attach_app_error
from zhengwu.cases.models import Case
from zhengwu.cases.workflow import CASE_WORKFLOW
from zhengwu.core import audit
from zhengwu.core.errors import AppError, Conflict, Forbidden, NotFound
from zhengwu.core.paging import EstimatedCountPaginator
from zhengwu.core.ui import DEADLINE_TONES, Tone
from zhengwu.core.web import handles_app_errors, is_htmx, permission_required_403
from zhengwu.core.workflow import Transition
from zhengwu.org import selectors as org_selectors
from zhengwu.org.models import RegionLevel

PAGE_SIZE = 50
ITEM_OPTIONS = 200
RECEIPT_SESSION_KEY = "cases.receipt"

INBOX_FILTERS = ("q", "status", "channel", "deadline", "received_from", "received_to")
LIST_FILTERS = ("q", "status", "channel", "department_id", "township_id", "deadline", "received_from",
                "received_to", "completed_from", "completed_to", "acceptance_overdue", "outcome")


# --- rows ------------------------------------------------------------------------------------

@dataclass
class CaseRow:
    """A case with what a list shows about its deadline (derived by cases.deadlines)."""

    case: Case
    state: str
    days_left: int | None
    due: datetime | None

    @property
    def days_label(self) -> str:
        """剩 3 个工作日 / 今日到期 / 超期 2 个工作日 (blank when the clock stands still)."""
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return _("超期 %(days)d 个工作日") % {"days": -self.days_left}
        if self.state == DeadlineState.OVERDUE:
            return _("今日已超期")
        if self.days_left == 0:
            return _("今日到期")
        return _("剩 %(days)d 个工作日") % {"days": self.days_left}


def _due(case: Case) -> datetime | None:
    if case.status == CaseStatus.RECEIVED:
        return case.acceptance_deadline
    if case.status in (CaseStatus.ACCEPTED, CaseStatus.PROCESSING, CaseStatus.SUSPENDED):
        return case.completion_deadline
    return None


def _rows(cases: Any, *, now: datetime) -> list[CaseRow]:
    today = timezone.localdate(now)
    return [CaseRow(case=c, state=deadlines.deadline_state(c, now=now),
                    days_left=deadlines.working_days_left(c, today=today) if c.is_open else None,
                    due=_due(c)) for c in cases]


def _filter_choices(request: HttpRequest, names: tuple[str, ...]) -> dict[str, list[tuple[Any, Any]]]:
    return filter_choices_for(request.user, names)


def filter_choices_for(user: Any, names: tuple[str, ...]) -> dict[str, list[tuple[Any, Any]]]:
    choices: dict[str, list[tuple[Any, Any]]] = {}
    if "department_id" in names:
        choices["department_id"] = list(org_selectors.departments_visible_to(user)
                                        .values_list("pk", "name"))
    if "township_id" in names:
        choices["township_id"] = list(org_selectors.regions_visible_to(user)
                                      .filter(pk__in=org_selectors.townships().values("pk"))
                                      .values_list("pk", "name"))
    return choices


def _page(request: HttpRequest, qs: QuerySet[Case]) -> Any:
    return EstimatedCountPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _render_list(request: HttpRequest, *, template: str, form: CaseFilterForm, qs: QuerySet[Case] | None,
                 now: datetime, extra: dict[str, Any] | None = None) -> HttpResponse:
    page = _page(request, qs) if qs is not None else None
    context = {
        "form": form,
        "page_obj": page,
        "rows": _rows(page.object_list, now=now) if page is not None else [],
        "query": _query_without_page(request),
        "list_url": request.path,
        "CASE_STATUS_TONES": CASE_STATUS_TONES,
        **(extra or {}),
    }
    status = 200 if form.is_valid() else 422
    if is_htmx(request):
        return render(request, "cases/partials/_case_list.html", context, status=status)
    return render(request, template, context, status=status)


def _filtered(form: CaseFilterForm, qs: QuerySet[Case]) -> QuerySet[Case] | None:
    """The queryset narrowed by the form's ``CaseFilter``, or None when the input is bad."""
    if not form.is_valid():
        return None
    try:
        return form.filters.apply(qs)
    except AppError as exc:  # a rule across fields, e.g. a period that ends before it starts
        form.add_error(exc.field, exc.message)
        return None


# --- inbox and list --------------------------------------------------------------------------

def inbox_filtered(user: Any, params: Any, *, now: datetime) -> tuple[CaseFilterForm, QuerySet[Case], Any]:
    """The inbox's form, its unfiltered base and its filtered rows (None on bad input): the screen and its
    Excel export (cases/exports.py) read the same rows."""
    form = CaseFilterForm(params, fields=INBOX_FILTERS, primary=("q", "deadline"),
                          choices={"status": [(s.value, s.label) for s in OPEN_STATUSES]})
    base = selectors.inbox_for(user=user, now=now)
    return form, base, _filtered(form, base)


def case_list_filtered(user: Any, params: Any) -> tuple[CaseFilterForm, QuerySet[Case] | None]:
    """The list's form and its filtered rows (None on bad input), for the screen and the export."""
    form = CaseFilterForm(params, fields=LIST_FILTERS, primary=("q", "department_id", "deadline"),
                          choices=filter_choices_for(user, LIST_FILTERS))
    return form, _filtered(form, selectors.case_list(user=user))


@require_GET
@permission_required_403("cases.view")
@handles_app_errors
def inbox(request: HttpRequest) -> HttpResponse:
    """待办: the open cases the user may see, most urgent first."""
    now = timezone.now()
    form, base, qs = inbox_filtered(request.user, request.GET, now=now)
    summary = base.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(urgency=0)),
                             warning=Count("pk", filter=Q(urgency=1)))
    return _render_list(request, template="cases/inbox.html", form=form, qs=qs, now=now,
                        extra={"summary": summary, "show_department": False, "export_name": "cases.inbox",
                               "empty_message": _("暂无待办办件。")})


@require_GET
@permission_required_403("cases.view")
@handles_app_errors
def case_list(request: HttpRequest) -> HttpResponse:
    """办件查询: every case the user may see, newest first, with the shared filter."""
    now = timezone.now()
    form, qs = case_list_filtered(request.user, request.GET)
    return _render_list(request, template="cases/list.html", form=form, qs=qs, now=now,
                        extra={"show_department": True, "export_name": "cases.list"})


# --- receiving ---------------------------------------------------------------------------------

def _items_for(request: HttpRequest, q: str = "") -> QuerySet:
    """Active items, the user's own department first; ``q`` matches the code or the name."""
    items = selectors.items_visible_to(request.user).filter(is_active=True)
    if q:
        items = items.filter(Q(code__icontains=q) | Q(name__icontains=q))
    own = getattr(request.user, "department_id", None)
    return items.annotate(mine=SqlCase(When(department_id=own, then=Value(0)), default=Value(1),
                                       output_field=IntegerField())).order_by("mine", "code")


def _receive_form(request: HttpRequest, data: Any = None) -> CaseReceiveForm:
    regions = org_selectors.regions_visible_to(request.user)
    townships = regions.filter(pk__in=org_selectors.townships().values("pk"))
    # The villages offered are those of the chosen township (htmx refills them when it changes);
    # with no township chosen, any village may be posted: the service derives the township from it.
    # A user who sees no township (a village agent) is offered the village(s) of its scope at once.
    township_id = str(data.get("township") or "") if data is not None else ""
    villages = regions.filter(level=RegionLevel.VILLAGE)
    if township_id.isdigit():
        villages = villages.filter(parent_id=int(township_id))
    elif data is None and townships.exists():
        villages = villages.none()
    return CaseReceiveForm(data, items=_items_for(request), townships=townships, villages=villages)


@require_http_methods(["GET", "POST"])
@permission_required_403("cases.receive")
@handles_app_errors
def receive(request: HttpRequest) -> HttpResponse:
    """收件: register a case; on success the receipt with the number and the one-time code."""
    status = 200
    if request.method == "POST":
        form = _receive_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case, code = services.case_receive(
                    actor=request.user, item=data["item"], channel=data["channel"],
                    applicant_kind=data["applicant_kind"], applicant_name=data["applicant_name"],
                    id_number=data["id_number"], phone=data["phone"], credit_code=data["credit_code"],
                    level=data["level"], township=data["township"], village=data["village"])
            except AppError as exc:
                attach_app_error(form, exc)
                status = exc.status
            else:
                # Post/redirect/get: a reload cannot receive the case twice. The code waits in the
                # session for the one page that shows it, which removes it.
                request.session[RECEIPT_SESSION_KEY] = {"pk": case.pk, "number": case.number, "code": code}
                url = reverse("cases:receipt", args=[case.pk])
                if is_htmx(request):
                    response = HttpResponse(status=200)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
        else:
            status = 422
    else:
        form = _receive_form(request)
    visible_items = form.fields["item"].queryset
    context = {"form": form, "item_options": _item_choices(visible_items[:ITEM_OPTIONS], form),
               "item_search_url": reverse("cases:item_options")}
    template = "cases/partials/_receive_form.html" if is_htmx(request) else "cases/receive.html"
    return render(request, template, context, status=status)


def _item_choices(items: Any, form: CaseReceiveForm | None = None) -> list[tuple[int, str, bool]]:
    selected = ""
    if form is not None and form.is_bound:
        selected = str(form.data.get("item") or "")
    choices = [(i.pk, f"{i.code} {i.name}", str(i.pk) == selected) for i in items]
    if selected and not any(c[2] for c in choices) and selected.isdigit():
        chosen = form.fields["item"].queryset.filter(pk=int(selected)).first()
        if chosen is not None:
            choices.insert(0, (chosen.pk, f"{chosen.code} {chosen.name}", True))
    return choices


@require_GET
@permission_required_403("cases.receive")
def item_options(request: HttpRequest) -> HttpResponse:
    """The item select's options matching ``q`` (htmx, as the clerk types)."""
    q = (request.GET.get("q") or "").strip()[:64]
    items = list(_items_for(request, q)[:ITEM_OPTIONS])
    choices = _item_choices(items)
    if q and len(choices) == 1:  # one match: chosen already
        choices = [(choices[0][0], choices[0][1], True)]
    return render(request, "cases/partials/_item_options.html", {"item_options": choices, "q": q})


@require_GET
@permission_required_403("cases.receive")
def village_options(request: HttpRequest) -> HttpResponse:
    """The villages of the chosen township (htmx)."""
    township = (request.GET.get("township") or "").strip()
    villages = org_selectors.regions_visible_to(request.user).filter(level=RegionLevel.VILLAGE)
    villages = villages.filter(parent_id=int(township)) if township.isdigit() else villages.none()
    return render(request, "cases/partials/_village_options.html", {"villages": villages})


@never_cache
@require_GET
@permission_required_403("cases.receive")
@handles_app_errors
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """回执: printed for the applicant. The tracking code shows once, right after receiving."""
    stash = request.session.get(RECEIPT_SESSION_KEY) or {}
    code = ""
    if stash.get("pk") == pk:
        code = stash.get("code", "")
        del request.session[RECEIPT_SESSION_KEY]
    try:
        case = selectors.case_get(user=request.user, pk=pk)
        visible = True
    except NotFound:
        # Received for another department (综合窗口): the clerk sees the receipt, not the case.
        case = selectors.case_find_by_number(number=stash.get("number", "")) if code else None
        if case is None or case.pk != pk:
            raise
        visible = False
    return render(request, "cases/receipt.html", {
        "case": case, "code": code, "visible": visible,
        "track_url": request.build_absolute_uri(reverse("cases:track")),
        "CASE_STATUS_TONES": CASE_STATUS_TONES,
    })


# --- detail, timeline, transitions -------------------------------------------------------------

ACTION_LABELS: dict[str, Any] = {"case.receive": gettext_lazy("收件")} | {
    f"case.{t.name}": t.label for t in CASE_WORKFLOW.transitions.values()}


@dataclass
class TimelineEntry:
    at: datetime
    label: Any
    actor: str
    from_state: str
    to_state: str
    to_label: str
    reason: str
    details: list[str] = field(default_factory=list)

    @property
    def tone(self) -> str:
        return CASE_STATUS_TONES.get(self.to_state, "grey")


def _status_label(value: str) -> str:
    try:
        return str(CaseStatus(value).label)
    except ValueError:
        return value


def _event_details(payload: dict[str, Any]) -> list[str]:
    details = []
    if payload.get("channel"):
        try:
            details.append(_("收件渠道：%(channel)s") % {"channel": Channel(payload["channel"]).label})
        except ValueError:
            pass
    if payload.get("items"):
        details.append(_("补正材料：%(items)s") % {"items": "、".join(str(i) for i in payload["items"])})
    if payload.get("deemed"):
        details.append(_("超过受理期限，视为自收件之日受理"))
    elif payload.get("acceptance_overdue"):
        details.append(_("超期受理"))
    if payload.get("suspended_working_days"):
        details.append(_("中止 %(days)s 个工作日") % {"days": payload["suspended_working_days"]})
    if payload.get("outcome"):
        try:
            details.append(str(Outcome(payload["outcome"]).label))
        except ValueError:
            pass
    return details


def _timeline(request: HttpRequest, case: Case) -> list[TimelineEntry]:
    events = list(audit.events_for(case))
    actor_ids = {e.actor_id for e in events if e.actor_id}
    names = dict(org_selectors.users_visible_to(request.user).filter(pk__in=actor_ids)
                 .values_list("pk", "display_name")) if actor_ids else {}
    actor_labels = {"system": _("系统")}
    return [TimelineEntry(
        at=e.created_at, label=ACTION_LABELS.get(e.action, e.action),
        actor=names.get(e.actor_id) or actor_labels.get(e.actor_label, e.actor_label),
        from_state=_status_label(e.from_state) if e.from_state else "",
        to_state=e.to_state, to_label=_status_label(e.to_state) if e.to_state else "", reason=e.reason,
        details=_event_details(e.payload or {}),
    ) for e in events]


def _detail_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    row = _rows([case], now=now)[0]
    return {
        "case": case,
        "row": row,
        "actions": CASE_WORKFLOW.available(case, request.user),
        "suspensions": list(case.suspensions.all()),
        "timeline": _timeline(request, case),
        "CASE_STATUS_TONES": CASE_STATUS_TONES,
        **extra,
    }


@require_GET
@permission_required_403("cases.view")
@handles_app_errors
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    return render(request, "cases/detail.html", _detail_context(request, case))


def _transition(action: str) -> Transition:
    """The transition behind a button, as the workflow table declares it (system ones have no button)."""
    transition = CASE_WORKFLOW.transitions.get(action)
    if transition is None or transition.system:
        raise NotFound(_("没有这个操作。"))
    return transition


def _render_action_form(request: HttpRequest, case: Case, form: TransitionForm, *, status: int = 200,
                        stale: bool = False) -> HttpResponse:
    context = {"case": case, "form": form, "transition": form.transition, "stale": stale}
    template = "cases/partials/_action_form.html" if is_htmx(request) else "cases/act.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required_403("cases.view")
@handles_app_errors
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One transition: GET the form (htmx fragment or page), POST to run it through the service."""
    case = selectors.case_get(user=request.user, pk=pk)
    transition = _transition(action)
    if request.method == "GET":
        if transition not in CASE_WORKFLOW.available(case, request.user):
            if not request.user.has_perm(transition.permission):
                raise Forbidden(_("您没有“%(action)s”的权限。") % {"action": transition.label},
                                code="permission_denied")
            raise Conflict(_("当前状态“%(state)s”不能执行“%(action)s”。") % {
                "state": case.get_status_display(), "action": transition.label}, code="invalid_transition")
        form = TransitionForm(initial={"version": case.version}, transition=transition)
        return _render_action_form(request, case, form)

    form = TransitionForm(request.POST, transition=transition)
    if not form.is_valid():
        return _render_action_form(request, case, form, status=422)
    case.version = form.cleaned_data["version"]  # the version the clerk saw: a newer one is a 409
    try:
        services.case_transition(actor=request.user, case=case, action=transition.name,
                                 reason=form.cleaned_data["reason"], payload=form.payload())
    except AppError as exc:
        attach_app_error(form, exc)
        return _render_action_form(request, case, form, status=exc.status,
                                   stale=exc.code == "concurrent_change")
    done = _("已完成“%(action)s”。") % {"action": transition.label}
    if not is_htmx(request):
        messages.success(request, done)
        return redirect("cases:detail", pk=pk)
    case = selectors.case_get(user=request.user, pk=pk)
    response = render(request, "cases/partials/_detail.html", _detail_context(request, case, flash=done))
    response["HX-Retarget"] = "#case-detail"
    response["HX-Reswap"] = "outerHTML"
    response["HX-Trigger"] = "caseChanged"
    return response


# --- the dashboard panel -------------------------------------------------------------------------

def inbox_panel(request: HttpRequest) -> dict[str, Any] | None:
    """工作台 panel: the user's open cases, how many near or past their deadline (one query)."""
    counts = selectors.inbox_for(user=request.user).aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(urgency=0)), warning=Count("pk", filter=Q(urgency=1)))
    return counts


# --- the department leader -------------------------------------------------------------------

URGENCY_GROUPS = [
    (0, DeadlineState.OVERDUE, gettext_lazy("已超期")),
    (1, DeadlineState.WARNING, gettext_lazy("临近期限")),
    (2, DeadlineState.NORMAL, gettext_lazy("正常")),
    (3, "paused", gettext_lazy("暂停计时(补正、中止)")),
]
LEADER_LIST_LIMIT = 50


def _month_start(now: datetime) -> date:
    return timezone.localdate(now).replace(day=1)


@require_GET
@permission_required_403("cases.view_department")
@handles_app_errors
def department(request: HttpRequest) -> HttpResponse:
    """部门办件: the department's open cases by deadline state, the overdue list and the month's figures."""
    now = timezone.now()
    names = ("department_id",)
    form = CaseFilterForm(request.GET, fields=names, choices=_filter_choices(request, names))
    open_cases = _filtered(form, selectors.inbox_for(user=request.user, now=now))
    month_start = _month_start(now)
    context: dict[str, Any] = {"form": form, "month_start": month_start, "groups": [], "figures": None,
                               "CASE_STATUS_TONES": CASE_STATUS_TONES,
                               "show_department_filter": len(form.choices.get("department_id", [])) > 1}
    if open_cases is None:
        return render(request, "cases/department.html", context, status=422)
    counts = open_cases.aggregate(total=Count("pk"), **{
        f"u{level}": Count("pk", filter=Q(urgency=level)) for level, _state, _label in URGENCY_GROUPS})
    month = form.filters.model_copy(update={"status": [CaseStatus.COMPLETED], "completed_from": month_start})
    completed = selectors.case_list(user=request.user, filters=month).aggregate(
        done=Count("pk"), overdue=Count("pk", filter=Q(outcome=Outcome.OVERDUE)))
    rate = (completed["overdue"] / completed["done"] * 100) if completed["done"] else None
    context["figures"] = {"open": counts["total"], "warning": counts["u1"], "overdue": counts["u0"]}
    context["figure_cards"] = [
        {"key": "open", "label": _("在办"), "value": counts["total"], "tone": ""},
        {"key": "warning", "label": _("临近期限"), "value": counts["u1"],
         "tone": Tone.YELLOW if counts["u1"] else ""},
        {"key": "overdue", "label": _("已超期"), "value": counts["u0"], "tone": Tone.RED if counts["u0"] else ""},
        {"key": "completed", "label": _("本月办结"), "value": completed["done"], "tone": ""},
        {"key": "overdue_rate", "label": _("本月超期办结率"), "tone": "",
         "value": "—" if rate is None else f"{rate:.2f}%",
         "note": _("超期 %(overdue)d / 办结 %(done)d") % {"overdue": completed["overdue"],
                                                          "done": completed["done"]}},
    ]
    total = counts["total"] or 1
    context["groups"] = [{"state": state, "label": label, "count": counts[f"u{level}"],
                          "tone": DEADLINE_TONES.get(state, Tone.GREY),
                          "share": round(counts[f"u{level}"] * 100 / total, 2)}
                         for level, state, label in URGENCY_GROUPS]
    context["overdue_rows"] = _rows(open_cases.filter(urgency=0)[:LEADER_LIST_LIMIT], now=now)
    context["warning_rows"] = _rows(open_cases.filter(urgency=1)[:LEADER_LIST_LIMIT], now=now)
    context["list_limit"] = LEADER_LIST_LIMIT
    return render(request, "cases/department.html", context)


# --- the public progress page -------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """办件进度查询 for the applicant: case number and verification code; nothing personal is shown."""
    context: dict[str, Any] = {"number": "", "errors": {}, "result": None,
                               "CASE_STATUS_TONES": CASE_STATUS_TONES}
    status = 200
    if request.method == "POST":
        number = (request.POST.get("number") or "").strip()[:40]
        code = (request.POST.get("code") or "").strip()[:16]
        context["number"] = number
        if not number:
            context["errors"]["number"] = _("请输入办件编号。")
        if not code:
            context["errors"]["code"] = _("请输入查询码。")
        if context["errors"]:
            status = 422
        else:
            try:
                case = services.case_track(number=number, code=code)
            except NotFound:
                context["errors"]["form"] = _("编号或查询码不正确，请核对回执上的办件编号和查询码。")
                status = 404
            else:
                context["result"] = {
                    "number": case.number, "item_name": case.item.name, "department": case.department.name,
                    "status": case.status, "status_label": case.get_status_display(),
                    "received_at": case.received_at, "accepted_on": case.accepted_on,
                    "acceptance_deadline": case.acceptance_deadline if not case.accepted_on else None,
                    "completion_deadline": case.completion_deadline, "completed_at": case.completed_at,
                }
    return render(request, "cases/track.html", context, status=status)

