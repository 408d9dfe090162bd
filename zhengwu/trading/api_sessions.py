"""Remote cross-region evaluation: ``/api/v1/trading/remote-sessions…``.

Parse, call one service or selector, render. Trading staff run sessions (``trading.evaluate``); supervisors and
the center read them and their timeline; an enterprise user sees none (404).
"""

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhengwu.core.errors import InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.trading import selectors, services_sessions
from zhengwu.trading.models import ExpertDrawMember, RemoteSession, RemoteSessionEvent, Section
from zhengwu.trading.schemas_sessions import (
    RemoteSessionIn,
    RemoteSessionOut,
    SeatIn,
    SeatOut,
    SessionEventIn,
    SessionEventOut,
    SessionTransitionIn,
    TimelineEntryOut,
    VenueOut,
)
from zhengwu.trading.selectors_sessions import remote_session_get, remote_session_list, remote_session_timeline
from zhengwu.trading.workflow import REMOTE_SESSION_WORKFLOW

router = Router(tags=["trading"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def session_out(s: RemoteSession, user=None) -> RemoteSessionOut:
    offer = s.tender_section
    venues = sorted(s.venues.all(), key=lambda v: v.position)
    return RemoteSessionOut(
        id=s.pk, status=s.status, status_label=s.get_status_display(), version=s.version, our_role=s.our_role,
        tender_id=offer.tender_id if offer else None, section_id=offer.section_id if offer else None,
        project_name=s.project_name, project_number=s.project_number, host_center=s.host_center,
        scheduled_start=s.scheduled_start, started_at=s.started_at, closed_at=s.closed_at, note=s.note,
        venues=[VenueOut(id=v.pk, position=v.position, name=v.name, city=v.city, kind=v.kind, ours=v.ours)
                for v in venues],
        members=[SeatOut(id=m.pk, venue_id=m.venue_id, venue_name=m.venue.name, draw_member_id=m.draw_member_id,
                         name=m.name, role=m.role) for m in s.members.all()],
        actions=[t.name for t in REMOTE_SESSION_WORKFLOW.available(s, user)] if user is not None else [])


def event_out(e: RemoteSessionEvent) -> SessionEventOut:
    return SessionEventOut(id=e.pk, kind=e.kind, venue_id=e.venue_id, member_id=e.member_id,
                           occurred_at=e.occurred_at, note=e.note, actor_label=e.actor_label)


def _venue(session: RemoteSession, venue_id: int | None):
    if venue_id is None:
        return None
    venue = session.venues.filter(pk=venue_id).first()
    if venue is None:
        raise InvalidInput(f"本次远程异地评标没有场地 {venue_id}。", field="venue_id", code="not_in_session")
    return venue


@router.get("/remote-sessions", response={200: list[RemoteSessionOut], **ERRORS})
def remote_session_list_view(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100), our_role: str = "",
                             status: str = ""):
    require(request.user, "trading.view")
    return [session_out(s, request.user) for s in remote_session_list(user=request.user, year=year,
                                                                       our_role=our_role, status=status)]


@router.post("/remote-sessions", response={201: RemoteSessionOut, **ERRORS})
def remote_session_create(request: HttpRequest, data: RemoteSessionIn):
    tender = selectors.tender_get(user=request.user, pk=data.tender_id) if data.tender_id is not None else None
    section = None
    if data.section_id is not None:
        section = Section.objects.filter(pk=data.section_id, project_id=tender.project_id if tender else None).first()
        if section is None:
            raise InvalidInput(f"本次招标不包含标段 {data.section_id}。", field="section_id",
                               code="section_not_in_tender")
    session = services_sessions.remote_session_create(
        actor=request.user, our_role=data.our_role, scheduled_start=data.scheduled_start,
        venues=[v.dict() for v in data.venues], tender=tender, section=section, project_name=data.project_name,
        project_number=data.project_number, host_center=data.host_center, note=data.note)
    return Status(201, session_out(remote_session_get(user=request.user, pk=session.pk), request.user))


@router.get("/remote-sessions/{session_id}", response={200: RemoteSessionOut, **ERRORS})
def remote_session_detail(request: HttpRequest, session_id: int):
    return session_out(remote_session_get(user=request.user, pk=session_id), request.user)


@router.post("/remote-sessions/{session_id}/members", response={201: SeatOut, **ERRORS})
def remote_session_seat(request: HttpRequest, session_id: int, data: SeatIn):
    session = remote_session_get(user=request.user, pk=session_id)
    member = None
    if data.member_id is not None:
        member = ExpertDrawMember.objects.select_related("draw", "expert").filter(pk=data.member_id).first()
        if member is None:
            raise InvalidInput(f"评标委员会成员不存在:{data.member_id}。", field="member_id", code="not_a_member")
    seat = services_sessions.remote_session_member_assign(
        actor=request.user, session=session, venue=_venue(session, data.venue_id), draw_member=member,
        name=data.name, role=data.role)
    return Status(201, SeatOut(id=seat.pk, venue_id=seat.venue_id, venue_name=seat.venue.name,
                               draw_member_id=seat.draw_member_id, name=seat.name, role=seat.role))


@router.post("/remote-sessions/{session_id}/transitions", response={200: RemoteSessionOut, **ERRORS})
def remote_session_transition(request: HttpRequest, session_id: int, data: SessionTransitionIn):
    services_sessions.remote_session_transition(actor=request.user, session=session_id, action=data.action,
                                                reason=data.reason, expected_version=data.version)
    return session_out(remote_session_get(user=request.user, pk=session_id), request.user)


@router.post("/remote-sessions/{session_id}/events", response={201: SessionEventOut, **ERRORS})
def remote_session_event(request: HttpRequest, session_id: int, data: SessionEventIn):
    session = remote_session_get(user=request.user, pk=session_id)
    member = None
    if data.member_id is not None:
        member = session.members.select_related("venue").filter(pk=data.member_id).first()
        if member is None:
            raise InvalidInput(f"本次评标没有安排人员 {data.member_id}。", field="member_id", code="not_in_session")
    event = services_sessions.remote_session_event(actor=request.user, session=session, kind=data.kind,
                                                   venue=_venue(session, data.venue_id), member=member,
                                                   note=data.note)
    return Status(201, event_out(event))


@router.get("/remote-sessions/{session_id}/timeline", response={200: list[TimelineEntryOut], **ERRORS})
def remote_session_timeline_view(request: HttpRequest, session_id: int):
    return remote_session_timeline(remote_session_get(user=request.user, pk=session_id))
