"""Writes of remote cross-region evaluation (远程异地评标): schedule a session with its venues, seat the
committee at the venues, start / close / cancel it (the workflow), and record what happens at each venue.
Every write is one audit event on the session, so the session's timeline is its whole trail.

Permission ``trading.evaluate`` (the staff who run evaluations). Times are server time: an event is
recorded when it happens, never back-dated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.core.inputs import acting_user as _user
from zhengwu.trading.choices import (
    RemoteSessionStatus,
    SessionEventKind,
    SessionMemberRole,
    TenderStatus,
    VenueKind,
)
from zhengwu.trading.models import (
    ExpertDrawMember,
    RemoteSession,
    RemoteSessionEvent,
    RemoteSessionMember,
    RemoteSessionVenue,
    Section,
    Tender,
)
from zhengwu.trading.selectors_sessions import EVENT_ACTION
from zhengwu.trading.services import aware
from zhengwu.trading.workflow import REMOTE_SESSION_WORKFLOW

#: the steps of the evaluation itself: once each, in this order, only while the session is in progress
STEPS = (SessionEventKind.SCORING_STARTED, SessionEventKind.SCORING_FINISHED, SessionEventKind.REPORT_SIGNED)
#: events that may be recorded before the start (experts arriving, the video link being tested)
BEFORE_START = (SessionEventKind.CHECK_IN, SessionEventKind.VIDEO_UP, SessionEventKind.VIDEO_DOWN,
                SessionEventKind.NOTE)


def _label(actor: Any) -> str:
    if actor is None:
        return audit.SYSTEM_ACTOR
    return (actor if isinstance(actor, str) else getattr(actor, "username", "") or str(actor))[:64]


def _text(value: Any, *, field: str, label: str, max_length: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise InvalidInput(f"请填写{label}。", field=field, code="required")
    if len(text) > max_length:
        raise InvalidInput(f"{label}不能超过 {max_length} 个字。", field=field, code="too_long")
    return text


def _venues_clean(venues: Any, our_role: str) -> list[dict[str, Any]]:
    """One main venue, at least one sub-venue, exactly one of ours, ours of the kind our role says, names unique."""
    if not isinstance(venues, list) or len(venues) < 2:
        raise InvalidInput("远程异地评标至少有一个主场和一个副场。", field="venues", code="too_few_venues")
    clean = []
    for i, v in enumerate(venues):
        v = v if isinstance(v, dict) else {}
        kind = v.get("kind")
        if kind not in VenueKind.values:
            raise InvalidInput(f"场地类型应为 main 或 sub,实际为 {kind}。", field=f"venues[{i}].kind", code="bad_choice")
        clean.append({"name": _text(v.get("name"), field=f"venues[{i}].name", label="场地名称", max_length=128),
                      "city": _text(v.get("city"), field=f"venues[{i}].city", label="所在城市", max_length=64),
                      "kind": kind, "ours": bool(v.get("ours"))})
    if [v["kind"] for v in clean].count(VenueKind.MAIN) != 1:
        raise InvalidInput("应有且只有一个主场。", field="venues", code="one_main_venue")
    ours = [v for v in clean if v["ours"]]
    if len(ours) != 1:
        raise InvalidInput("应标明且只标明一个本中心场地。", field="venues", code="one_venue_ours")
    if ours[0]["kind"] != our_role:
        raise InvalidInput(f"本中心为{VenueKind(our_role).label},本中心场地也应为{VenueKind(our_role).label}。",
                           field="venues", code="our_venue_kind")
    names = [v["name"] for v in clean]
    if len(set(names)) != len(names):
        raise InvalidInput("场地名称重复。", field="venues", code="duplicate_venue")
    return clean


def remote_session_create(*, actor: Any, our_role: str, scheduled_start: dt.datetime, venues: Any,
                          tender: Tender | None = None, section: Section | None = None, project_name: str = "",
                          project_number: str = "", host_center: str = "", note: str = "",
                          now: dt.datetime | None = None) -> RemoteSession:
    """Schedule a session. As the main venue the project is ours (``tender`` + ``section``, the section's
    committee drawn); as a sub-venue it is another center's (``project_name``, ``project_number``,
    ``host_center``)."""
    require(actor, "trading.evaluate")
    now = now or timezone.now()
    if our_role not in VenueKind.values:
        raise InvalidInput(f"本中心角色应为 main 或 sub,实际为 {our_role}。", field="our_role", code="bad_choice")
    clean = _venues_clean(venues, our_role)
    scheduled_start = aware(scheduled_start)
    offer = None
    if our_role == VenueKind.MAIN:
        if tender is None or section is None:
            raise InvalidInput("本中心为主场时须指明本中心的招标及标段。", field="section_id", code="required")
        offer = tender.tender_sections.select_related("section").filter(section=section).first()
        if offer is None:
            raise InvalidInput(f"本次招标不包含{section}。", field="section_id", code="section_not_in_tender")
        if tender.status in (TenderStatus.DRAFT, TenderStatus.FAILED):
            raise Conflict("招标尚未发布或已流标,不能安排评标。", code="invalid_state", details={"state": tender.status})
        if not ExpertDrawMember.objects.filter(draw__tender_section=offer).exists():
            raise Conflict(f"{section}尚未抽取评标委员会。", field="section_id", code="no_committee")
        project_name = project_name or tender.project.name
        project_number = project_number or tender.number
        host_center = host_center or next(v["name"] for v in clean if v["ours"])
    elif tender is not None or section is not None:
        raise InvalidInput("本中心为副场时项目属于主场所在的交易中心,不关联本中心的招标。", field="section_id",
                           code="not_for_sub_venue")
    project_name = _text(project_name, field="project_name", label="项目名称", max_length=200)
    host_center = _text(host_center, field="host_center", label="主场交易中心", max_length=128)
    with transaction.atomic():
        if offer is not None and RemoteSession.objects.filter(tender_section=offer).exclude(
                status=RemoteSessionStatus.CANCELLED).exists():
            raise Conflict(f"{offer.section}已安排远程异地评标。", field="section_id", code="duplicate")
        session = create_with_status(
            RemoteSession, actor=actor, initial=RemoteSessionStatus.SCHEDULED, audit_action="remotesession.create",
            audit_payload={"our_role": our_role, "tender_section": offer.pk if offer else None,
                           "project_name": project_name, "project_number": project_number,
                           "host_center": host_center, "scheduled_start": scheduled_start, "venues": clean},
            our_role=our_role, tender_section=offer, project_name=project_name,
            project_number=str(project_number or "").strip(), host_center=host_center,
            scheduled_start=scheduled_start, note=str(note or "").strip(), created_by=_user(actor))
        RemoteSessionVenue.objects.bulk_create([RemoteSessionVenue(session=session, position=i, **v)
                                                for i, v in enumerate(clean, start=1)])
    return session


def remote_session_member_assign(*, actor: Any, session: RemoteSession, venue: RemoteSessionVenue,
                                 draw_member: ExpertDrawMember | None = None, name: str = "",
                                 role: str = SessionMemberRole.EXPERT,
                                 now: dt.datetime | None = None) -> RemoteSessionMember:
    """Seat a committee member at a venue (before the start). Main sessions seat our drawn experts (every serving
    member before the start); a sub session seats other regions' experts by name; a representative of the
    tendering party is always a name."""
    require(actor, "trading.evaluate")
    now = now or timezone.now()
    if venue.session_id != session.pk:
        raise InvalidInput("该场地不属于本次远程异地评标。", field="venue_id", code="not_in_session")
    if role not in SessionMemberRole.values:
        raise InvalidInput(f"未知的身份:{role}。", field="role", code="bad_choice")
    if draw_member is not None:
        if session.our_role != VenueKind.MAIN:
            raise InvalidInput("本中心为副场时,专家来自主场抽取,按姓名登记。", field="member_id", code="not_for_sub_venue")
        if draw_member.draw.tender_section_id != session.tender_section_id or draw_member.replaced_at is not None:
            raise InvalidInput("该专家不是本标段评标委员会的在任成员。", field="member_id", code="not_a_member")
        if role != SessionMemberRole.EXPERT:
            raise InvalidInput("抽取的专家身份为评标专家。", field="role", code="bad_choice")
        name = draw_member.expert.name
    elif session.our_role == VenueKind.MAIN and role == SessionMemberRole.EXPERT:
        raise InvalidInput("本中心为主场时,评标专家须是本标段抽取的专家。", field="member_id", code="required")
    name = _text(name, field="name", label="姓名", max_length=64)
    with transaction.atomic():
        locked = RemoteSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != RemoteSessionStatus.SCHEDULED:
            raise Conflict("评标开始后不能再调整场地人员。", code="invalid_state", details={"state": locked.status})
        if draw_member is not None and locked.members.filter(draw_member=draw_member).exists():
            raise Conflict(f"{name}已安排在本次评标的场地。", field="member_id", code="duplicate")
        member = RemoteSessionMember.objects.create(session=locked, venue=venue, draw_member=draw_member, name=name,
                                                    role=role, assigned_at=now)
        audit.record(actor=actor, action="remotesession.seat", obj=locked,
                     payload={"member": member.pk, "name": name, "role": role, "venue": venue.name,
                              "city": venue.city, "draw_member": draw_member.pk if draw_member else None})
    return member


def remote_session_transition(*, actor: Any, session: RemoteSession | int, action: str, reason: str = "",
                              now: dt.datetime | None = None, expected_version: int | None = None) -> RemoteSession:
    """start (scheduled → in progress), close (in progress → closed, after the report is signed), cancel."""
    return REMOTE_SESSION_WORKFLOW.run(session, action, actor=actor, reason=reason, now=now,
                                       expected_version=expected_version)


def remote_session_event(*, actor: Any, session: RemoteSession, kind: str, venue: RemoteSessionVenue | None = None,
                         member: RemoteSessionMember | None = None, note: str = "",
                         now: dt.datetime | None = None) -> RemoteSessionEvent:
    """Record one thing that happened at a venue: a check-in (of a seated member, at the member's venue), the video
    link of a venue up or down, the bids opened, scoring started / finished, the report signed, or a note."""
    require(actor, "trading.evaluate")
    now = now or timezone.now()
    if kind not in SessionEventKind.values:
        raise InvalidInput(f"未知的事项:{kind}。", field="kind", code="bad_choice")
    note = str(note or "").strip()
    if venue is not None and venue.session_id != session.pk:
        raise InvalidInput("该场地不属于本次远程异地评标。", field="venue_id", code="not_in_session")
    if kind == SessionEventKind.CHECK_IN:
        if member is None or member.session_id != session.pk:
            raise InvalidInput("签到须指明本次评标安排的人员。", field="member_id", code="required")
        if venue is not None and venue.pk != member.venue_id:
            raise InvalidInput(f"{member.name}安排在{member.venue.name},应在该场地签到。", field="venue_id",
                               code="wrong_venue")
        venue = member.venue
    elif member is not None:
        raise InvalidInput("只有签到需要指明人员。", field="member_id", code="not_for_kind")
    if kind == SessionEventKind.NOTE and not note:
        raise InvalidInput("请填写记录内容。", field="note", code="required")
    if kind in (SessionEventKind.VIDEO_UP, SessionEventKind.VIDEO_DOWN) and venue is None:
        raise InvalidInput("请指明视频连线的场地。", field="venue_id", code="required")
    with transaction.atomic():
        locked = RemoteSession.objects.select_for_update().get(pk=session.pk)
        allowed = (RemoteSessionStatus.SCHEDULED, RemoteSessionStatus.IN_PROGRESS) if kind in BEFORE_START \
            else (RemoteSessionStatus.IN_PROGRESS,)
        if locked.status not in allowed:
            raise Conflict(f"当前状态“{locked.get_status_display()}”不能记录“{SessionEventKind(kind).label}”。",
                           code="invalid_state", details={"state": locked.status, "kind": kind})
        recorded = set(locked.events.values_list("kind", flat=True))
        if kind == SessionEventKind.CHECK_IN and locked.events.filter(kind=kind, member=member).exists():
            raise Conflict(f"{member.name}已签到。", field="member_id", code="duplicate")
        if kind == SessionEventKind.BIDS_OPENED and kind in recorded:
            raise Conflict("已记录调阅投标文件。", field="kind", code="duplicate")
        if kind in STEPS:
            step = STEPS.index(kind)
            if kind in recorded:
                raise Conflict(f"已记录“{SessionEventKind(kind).label}”。", field="kind", code="duplicate")
            if step > 0 and STEPS[step - 1] not in recorded:
                raise Conflict(f"应先记录“{SessionEventKind(STEPS[step - 1]).label}”。", field="kind",
                               code="out_of_order", details={"needs": STEPS[step - 1]})
        event = RemoteSessionEvent.objects.create(session=locked, kind=kind, venue=venue, member=member,
                                                  occurred_at=now, note=note, actor=_user(actor),
                                                  actor_label=_label(actor))
        audit.record(actor=actor, action=EVENT_ACTION, obj=locked, reason=note,
                     payload={"event": event.pk, "kind": kind, "venue": venue.name if venue else None,
                              "member": member.pk if member else None, "name": member.name if member else None,
                              "occurred_at": now})
    return event
