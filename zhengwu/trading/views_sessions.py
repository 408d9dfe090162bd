"""Remote cross-region evaluation (远程异地评标) on the web, under /trading/sessions/.

The list (filters: year, our role, status; and, from a project's or a tender's page, that project or tender),
a new session (as main venue one of our sections whose committee is drawn; as sub-venue another center's
project by name, number and host), the session's page (the venues with the members seated at them, seating,
start / close / cancel, and the events recorded at each venue, one at a time by htmx), and the timeline: every
action in order with its venue, actor, time and audit event (``selectors_sessions.remote_session_timeline``).

Staff run sessions (``trading.evaluate``); supervisors and the center administrator read them and their
timeline (``trading.view_workspace``). Each write calls one ``services_sessions`` function, the same the API calls.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.errors import AppError, NotFound
from zhengwu.core.web import handles_app_errors, is_htmx, permission_required_403
from zhengwu.trading import selectors, services_sessions
from zhengwu.trading.choices import REMOTE_SESSION_STATUS_TONES, RemoteSessionStatus, SessionMemberRole, VenueKind
from zhengwu.trading.forms import ReasonForm, attach_app_error
from zhengwu.trading.forms_sessions import EventForm, SeatForm, SessionFilterForm, SessionForm
from zhengwu.trading.models import ExpertDrawMember, RemoteSession, TenderSection
from zhengwu.trading.selectors_sessions import remote_session_get, remote_session_list, remote_session_timeline
from zhengwu.trading.views import WORKSPACE
from zhengwu.trading.workflow import REMOTE_SESSION_WORKFLOW

PAGE_SIZE = 50
RUN = "trading.evaluate"
#: the audit actions a timeline shows besides the events, in words
AUDIT_LABELS = {
    "remotesession.create": gettext_lazy("安排远程异地评标"),
    "remotesession.seat": gettext_lazy("安排人员到场地"),
    "remotesession.start": gettext_lazy("开始远程异地评标"),
    "remotesession.close": gettext_lazy("结束远程异地评标"),
    "remotesession.cancel": gettext_lazy("取消远程异地评标"),
}


# --- the list ------------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def sessions(request: HttpRequest) -> HttpResponse:
    """远程异地评标: every session, newest first, filtered by year, our role and status (and a project or tender)."""
    form = SessionFilterForm(request.GET or None)
    qs, scope = _session_rows(request.user, request.GET, form)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "trading/sessions.html", {
        "form": form, "page_obj": page, "scope": scope, "query": query.urlencode(),
        "REMOTE_SESSION_STATUS_TONES": REMOTE_SESSION_STATUS_TONES})


def _session_rows(user: Any, params: Any, form: SessionFilterForm) -> tuple[Any, dict[str, int]]:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = remote_session_list(user=user, year=data.get("year"), our_role=data.get("our_role") or "",
                             status=data.get("status") or "").select_related("tender_section__tender",
                                                                              "tender_section__section")
    scope = {}
    for key, lookup in (("project", "tender_section__tender__project_id"), ("tender", "tender_section__tender_id")):
        value = str(params.get(key) or "")
        if value.isdigit():
            qs = qs.filter(**{lookup: int(value)})
            scope[key] = int(value)
    return qs.order_by("-scheduled_start", "-id"), scope


def session_rows(user: Any, params: Any) -> Any:
    """The sessions list's rows for ``params`` (the screen and its Excel export read the same)."""
    return _session_rows(user, params, SessionFilterForm(params or None))[0].prefetch_related("venues")


# --- a new session -----------------------------------------------------------------------------------------------

def _offers(request: HttpRequest):
    """Our sections with a drawn committee and no live session: the sections a main venue may be for."""
    drawn = selectors.expert_draws_visible_to(request.user).values("tender_section_id")
    live = RemoteSession.objects.exclude(status=RemoteSessionStatus.CANCELLED).filter(
        tender_section__isnull=False).values("tender_section_id")
    return (TenderSection.objects.filter(pk__in=drawn).exclude(pk__in=live)
            .filter(tender__in=selectors.tender_list(user=request.user))
            .select_related("tender__project", "section").order_by("-tender__opening_at", "section__number"))


@require_http_methods(["GET", "POST"])
@permission_required_403(RUN)
@handles_app_errors
def session_new(request: HttpRequest) -> HttpResponse:
    """安排远程异地评标: our role, the section (main) or the other center's project (sub), the time, the venues."""
    offers = _offers(request)
    status = 200
    if request.method == "POST":
        form = SessionForm(request.POST, offers=offers)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            offer = data.get("offer")
            venues = form.venues()
            try:
                session = services_sessions.remote_session_create(
                    actor=request.user, our_role=data["our_role"], scheduled_start=data["scheduled_start"],
                    venues=venues, tender=offer.tender if offer else None, section=offer.section if offer else None,
                    project_name=data["project_name"], project_number=data["project_number"],
                    host_center=data["host_center"], note=data["note"])
            except AppError as exc:
                attach_app_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("远程异地评标已安排,请安排各场地人员。"))
                return redirect("trading:session", pk=session.pk)
    else:
        initial: dict[str, Any] = {}
        chosen = str(request.GET.get("offer") or "")
        if chosen.isdigit() and offers.filter(pk=int(chosen)).exists():
            initial = {"offer": int(chosen), "our_role": VenueKind.MAIN}
        elif request.GET.get("our_role") == VenueKind.SUB:
            initial = {"our_role": VenueKind.SUB, "venue0_kind": VenueKind.SUB, "venue1_kind": VenueKind.MAIN,
                       "ours": "0"}
        form = SessionForm(initial=initial, offers=offers)
    return render(request, "trading/session_new.html", {"form": form}, status=status)


# --- one session ----------------------------------------------------------------------------------------------

def _session(request: HttpRequest, pk: int) -> RemoteSession:
    return remote_session_get(user=request.user, pk=pk)


def _serving(session: RemoteSession) -> list[ExpertDrawMember]:
    if session.tender_section_id is None:
        return []
    return list(ExpertDrawMember.objects.filter(draw__tender_section_id=session.tender_section_id,
                                                replaced_at__isnull=True)
                .select_related("expert", "specialty").order_by("position"))


def _seat_form(session: RemoteSession, data: Any = None) -> SeatForm:
    seated = session.members.filter(draw_member__isnull=False).values("draw_member_id")
    members = (ExpertDrawMember.objects.filter(draw__tender_section_id=session.tender_section_id,
                                               replaced_at__isnull=True).exclude(pk__in=seated)
               .select_related("expert", "specialty").order_by("position")
               if session.our_role == VenueKind.MAIN else ExpertDrawMember.objects.none())
    return SeatForm(data, venues=session.venues.order_by("position"), members=members)


def _event_form(session: RemoteSession, data: Any = None) -> EventForm:
    return EventForm(data, venues=session.venues.order_by("position"),
                     members=session.members.select_related("venue").order_by("venue__position", "id"))


def _events_context(request: HttpRequest, session: RemoteSession, *, form: EventForm | None = None,
                    saved: int | None = None) -> dict[str, Any]:
    live = session.status in (RemoteSessionStatus.SCHEDULED, RemoteSessionStatus.IN_PROGRESS)
    can_record = live and request.user.has_perm(RUN)
    return {"session": session, "saved": saved,
            "events": list(session.events.select_related("venue", "member").order_by("occurred_at", "id")),
            "event_form": (form or _event_form(session)) if can_record else None}


def _context(request: HttpRequest, session: RemoteSession, *, error: str = "", **forms: Any) -> dict[str, Any]:
    user = request.user
    scheduled = session.status == RemoteSessionStatus.SCHEDULED
    venues = sorted(session.venues.all(), key=lambda v: v.position)
    members = list(session.members.select_related("venue", "draw_member__expert").order_by("venue__position", "id"))
    serving = _serving(session)
    seated_ids = {m.draw_member_id for m in members if m.draw_member_id}
    actions = REMOTE_SESSION_WORKFLOW.available(session, user)
    context = {
        "session": session, "offer": session.tender_section, "error": error,
        "venues": [{"venue": v, "members": [m for m in members if m.venue_id == v.pk]} for v in venues],
        "not_seated": [m for m in serving if m.pk not in seated_ids],
        "actions": [t for t in actions if t.name != "cancel"],
        "cancel": next((t for t in actions if t.name == "cancel"), None),
        "cancel_form": ReasonForm(),
        "seat_form": _seat_form(session) if scheduled and user.has_perm(RUN) else None,
        "REMOTE_SESSION_STATUS_TONES": REMOTE_SESSION_STATUS_TONES,
        **_events_context(request, session),
    }
    context.update({k: v for k, v in forms.items() if v is not None})
    return context


def _render(request: HttpRequest, session: RemoteSession, *, status: int = 200, error: str = "",
            **forms: Any) -> HttpResponse:
    return render(request, "trading/session_detail.html", _context(request, session, error=error, **forms),
                  status=status)


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _session(request, pk))


@require_POST
@permission_required_403(RUN)
@handles_app_errors
def session_seat(request: HttpRequest, pk: int) -> HttpResponse:
    """Seat a drawn expert (main venue) or a named person at one of the session's venues."""
    session = _session(request, pk)
    form = _seat_form(session, request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            seat = services_sessions.remote_session_member_assign(
                actor=request.user, session=session, venue=data["venue"], draw_member=data.get("member"),
                name=data["name"], role=data["role"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已安排%(name)s到%(venue)s。") % {"name": seat.name, "venue": seat.venue.name})
            return redirect("trading:session", pk=session.pk)
    return _render(request, session, status=status, seat_form=form)


@require_POST
@permission_required_403(RUN)
@handles_app_errors
def session_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """开始 / 结束 / 取消 (the session's workflow); a refused guard is shown above the page."""
    session = _session(request, pk)
    if action not in REMOTE_SESSION_WORKFLOW.transitions:
        raise NotFound(_("没有这个操作。"))
    version = (request.POST.get("version") or "").strip()
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services_sessions.remote_session_transition(actor=request.user, session=session.pk, action=action,
                                                    reason=form.cleaned_data.get("reason") or "",
                                                    expected_version=int(version) if version.isdigit() else None)
    except AppError as exc:
        if exc.field == "reason":
            attach_app_error(form, exc)
            return _render(request, session, status=exc.status, cancel_form=form)
        return _render(request, session, status=exc.status, error=exc.message)
    messages.success(request, _("已完成“%(action)s”。") % {"action": REMOTE_SESSION_WORKFLOW.transitions[action].label})
    return redirect("trading:session", pk=session.pk)


@require_POST
@permission_required_403(RUN)
@handles_app_errors
def session_event(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one event; htmx puts the list back with the new row (or the form with its error)."""
    session = _session(request, pk)
    form = _event_form(session, request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            event = services_sessions.remote_session_event(actor=request.user, session=session, kind=data["kind"],
                                                           venue=data.get("venue"), member=data.get("member"),
                                                           note=data["note"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            if not is_htmx(request):
                messages.success(request, _("已记录“%(kind)s”。") % {"kind": event.get_kind_display()})
                return redirect("trading:session", pk=session.pk)
            session.refresh_from_db()
            return render(request, "trading/partials/_session_events.html",
                          _events_context(request, session, saved=event.pk))
    if is_htmx(request):
        return render(request, "trading/partials/_session_events.html", _events_context(request, session, form=form),
                      status=status)
    return _render(request, session, status=status, event_form=form)


# --- the timeline -----------------------------------------------------------------------------------------------

def _describe(entry: dict[str, Any]) -> str:
    """A few words of an audit entry's content (the venues of the creation, the number seated at the start)."""
    payload = entry.get("payload") or {}
    if entry["kind"] == "remotesession.create":
        return "、".join(f"{v['city']} {v['name']}({VenueKind(v['kind']).label})" for v in payload.get("venues", []))
    if entry["kind"] == "remotesession.seat":
        return str(dict(SessionMemberRole.choices).get(payload.get("role"), payload.get("role") or ""))
    if entry["kind"] == "remotesession.start" and "seated" in payload:
        return _("到场 %(n)d 人") % {"n": payload["seated"]}
    return ""


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def session_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """全程留痕: every action of the session in order (events and audited actions), each with its audit id."""
    session = _session(request, pk)
    entries = []
    for entry in remote_session_timeline(session):
        label = entry["label"] if entry["source"] == "event" else str(AUDIT_LABELS.get(entry["kind"], entry["kind"]))
        entries.append({**entry, "title": label, "detail": _describe(entry) if entry["source"] == "audit" else ""})
    return render(request, "trading/session_timeline.html", {
        "session": session, "entries": entries, "REMOTE_SESSION_STATUS_TONES": REMOTE_SESSION_STATUS_TONES})
