"""The reviews web (htmx): the public rating page, the reviews with their figures, the bad-review
desk, and a bad review's handling with its timeline and the steps this user may take.

Every view states the permission it needs and reads through the scoped
selectors; every write is a call to ``reviews.services`` (the calls the API
makes). The buttons come from ``BAD_REVIEW_WORKFLOW.available``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.errors import AppError, InvalidInput
from zhengwu.core.paging import EstimatedCountPaginator
from zhengwu.core.web import handles_app_errors, is_htmx, permission_required_403
from zhengwu.core.workflow import Transition
from zhengwu.org import selectors as org_selectors
from zhengwu.reviews import deadlines, selectors, services
from zhengwu.reviews.choices import (
    HANDLING_STATUS_TONES,
    REVIEW_LEVEL_TONES,
    HandlingStatus,
    ReviewChannel,
    ReviewLevel,
)
from zhengwu.reviews.forms import RatingForm, TransitionForm, attach_app_error, parse_filter
from zhengwu.reviews.models import BadReviewHandling
from zhengwu.reviews.schemas import BadReviewFilter, ReviewFilter, StatsFilter
from zhengwu.reviews.workflow import BAD_REVIEW_WORKFLOW, REASON_LABELS

PAGE_SIZE = 50
TONES = {"REVIEW_LEVEL_TONES": REVIEW_LEVEL_TONES, "HANDLING_STATUS_TONES": HANDLING_STATUS_TONES,
         "ReviewLevel": ReviewLevel, "HandlingStatus": HandlingStatus}


def _page(request: HttpRequest, qs: Any) -> Any:
    return EstimatedCountPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _departments(request: HttpRequest) -> list[tuple[int, str]]:
    return list(org_selectors.departments_visible_to(request.user).values_list("pk", "name"))


# --- the public rating page ----------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest) -> HttpResponse:
    """评价: the applicant rates a completed case with its number and tracking code, without signing in."""
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = services.review_submit_public(number=data["number"], code=data["code"],
                                                       channel=data["channel"], level=data["level"],
                                                       comment=data["comment"])
            except AppError as exc:
                attach_app_error(form, exc)
                status = exc.status
            else:
                return render(request, "reviews/rate_done.html", {"review": review, **TONES})
        else:
            status = 422
    else:
        form = RatingForm(initial={"number": request.GET.get("number", "").strip()[:40]})
    return render(request, "reviews/rate.html", {"form": form, "visit_days": deadlines.visit_days()}, status=status)


# --- the reviews and their figures ---------------------------------------------------------------

@require_GET
@permission_required_403("reviews.view")
@handles_app_errors
def review_list(request: HttpRequest) -> HttpResponse:
    """好差评: the reviews in the user's scope, filtered, with the figures of the scope and period."""
    filters, errors = parse_filter(ReviewFilter, request.GET)
    visible = selectors.reviews_visible_to(request.user)
    context: dict[str, Any] = {
        "filters": filters, "errors": errors, "departments": _departments(request),
        "channels": ReviewChannel.choices, "levels": ReviewLevel.choices,
        "page_obj": _page(request, selectors.review_list(user=request.user, filters=filters)),
        "query": _query_without_page(request), **TONES,
    }
    if request.user.has_perm("reviews.view_stats"):
        scope = StatsFilter(date_from=filters.date_from, date_to=filters.date_to,
                            department_id=filters.department_id, township_id=filters.township_id)
        date_from, date_to = selectors.stats_period(filters.date_from, filters.date_to)
        context["stats"] = selectors.review_stats(reviews=scope.apply(visible), date_from=date_from,
                                                  date_to=date_to)
        context["stats_period"] = {"date_from": date_from, "date_to": date_to,
                                   "default": filters.date_from is None and filters.date_to is None}
        year = (date_to or timezone.localdate()).year
        context["year_on_year"] = selectors.bad_review_change(year, reviews=scope.apply(visible))
    return render(request, "reviews/list.html", context)


# --- the bad-review desk ---------------------------------------------------------------------------

@dataclass
class HandlingRow:
    handling: BadReviewHandling
    state: str
    due: datetime | None


def _rows(handlings: Any, *, now: datetime) -> list[HandlingRow]:
    return [HandlingRow(h, deadlines.deadline_state(h, now=now), deadlines.due(h)) for h in handlings]


@require_GET
@permission_required_403("reviews.view_bad")
@handles_app_errors
def bad_list(request: HttpRequest) -> HttpResponse:
    """差评处置: open bad reviews first, by the deadline of the step they wait for."""
    filters, errors = parse_filter(BadReviewFilter, request.GET)
    page = _page(request, selectors.bad_review_list(user=request.user, filters=filters))
    return render(request, "reviews/bad_list.html", {
        "filters": filters, "errors": errors, "departments": _departments(request),
        "statuses": HandlingStatus.choices, "page_obj": page, "rows": _rows(page.object_list, now=timezone.now()),
        "query": _query_without_page(request), **TONES,
    })


# --- one bad review: detail, timeline, steps --------------------------------------------------------

ACTION_LABELS: dict[str, Any] = {
    "review.submit": gettext_lazy("提交评价"),
    "review.exclude": gettext_lazy("不计入统计"),
    "badreviewhandling.register": gettext_lazy("登记差评"),
    "reminder.send": gettext_lazy("超期提醒"),
} | {f"badreviewhandling.{t.name}": t.label for t in BAD_REVIEW_WORKFLOW.transitions.values()}


@dataclass
class TimelineEntry:
    at: datetime
    label: Any
    actor: str
    to_state: str
    reason: str

    @property
    def tone(self) -> str:
        return HANDLING_STATUS_TONES.get(self.to_state, "grey")


@dataclass
class ActionForm:
    """One step this user may take now, with its own text field."""

    transition: Transition
    prompt: Any
    value: str = ""
    errors: list[str] = field(default_factory=list)


def _timeline(request: HttpRequest, handling: BadReviewHandling) -> list[TimelineEntry]:
    events = selectors.bad_review_timeline(handling)
    ids = {e.actor_id for e in events if e.actor_id}
    names = dict(org_selectors.users_visible_to(request.user).filter(pk__in=ids)
                 .values_list("pk", "display_name")) if ids else {}
    labels = {"system": _("系统"), services.APPLICANT_ACTOR: _("评价人")}
    return [TimelineEntry(at=e.created_at, label=ACTION_LABELS.get(e.action, e.action),
                          actor=names.get(e.actor_id) or labels.get(e.actor_label, e.actor_label),
                          to_state=e.to_state, reason=e.reason) for e in events]


def _detail_context(request: HttpRequest, handling: BadReviewHandling, *, failed: str = "", value: str = "",
                    errors: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    actions = [ActionForm(t, REASON_LABELS.get(t.name, _("说明")),
                          value=value if t.name == failed else "",
                          errors=(errors or []) if t.name == failed else [])
               for t in BAD_REVIEW_WORKFLOW.available(handling, request.user)]
    return {"handling": handling, "review": handling.review, "state": deadlines.deadline_state(handling),
            "actions": actions, "timeline": _timeline(request, handling), **TONES, **extra}


def _render_detail(request: HttpRequest, handling: BadReviewHandling, *, status: int = 200,
                   **extra: Any) -> HttpResponse:
    context = _detail_context(request, handling, **extra)
    if is_htmx(request):
        response = render(request, "reviews/partials/_bad_detail.html", context, status=status)
        response["HX-Retarget"] = "#bad-review-detail"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "reviews/bad_detail.html", context, status=status)


@require_GET
@permission_required_403("reviews.view_bad")
@handles_app_errors
def bad_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.bad_review_get(user=request.user, pk=pk))


@require_POST
@permission_required_403("reviews.view_bad")
@handles_app_errors
def bad_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the posted step through the service; a missing text shows next to its field."""
    handling = selectors.bad_review_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if "reason" not in form.errors:
            raise InvalidInput(_("请求不完整,请刷新页面后重试。"), code="bad_request")
        return _render_detail(request, handling, status=422, failed=request.POST.get("action", ""),
                              value=request.POST.get("reason", ""), errors=list(form.errors["reason"]))
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    handling.version = form.cleaned_data["version"]  # the version the user saw: a newer one is a 409
    try:
        services.bad_review_transition(actor=request.user, handling=handling, action=action, reason=reason)
    except AppError as exc:
        if exc.field != "reason":
            raise
        handling = selectors.bad_review_get(user=request.user, pk=pk)
        return _render_detail(request, handling, status=exc.status, failed=action, value=reason,
                              errors=[exc.message])
    done = _("已完成“%(action)s”。") % {"action": BAD_REVIEW_WORKFLOW.transitions[action].label}
    if not is_htmx(request):
        messages.success(request, done)
        return redirect("reviews:bad_detail", pk=pk)
    return _render_detail(request, selectors.bad_review_get(user=request.user, pk=pk), flash=done)
