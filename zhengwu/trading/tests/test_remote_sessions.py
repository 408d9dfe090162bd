"""Remote cross-region evaluation (远程异地评标, DOMAIN.md §10, part 5): sessions where we host the main venue
(our section, our drawn experts seated at the venues) or a sub-venue (another center's project), the
transition table, the events at each venue with their order, and the timeline that merges them with the
audit trail (全程公开、留痕、可溯)."""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import pytest
from django.utils import timezone

from zhengwu.core.errors import Conflict, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading import services_sessions
from zhengwu.trading.choices import RemoteSessionStatus, SessionEventKind, SessionMemberRole, VenueKind
from zhengwu.trading.models import ExpertDrawMember, RemoteSession, RemoteSessionEvent
from zhengwu.trading.selectors_sessions import remote_session_counts, remote_session_get, remote_session_timeline
from zhengwu.trading.testing import at, credit, day, draw, make_expert, make_project, make_tender, publish

pytestmark = pytest.mark.django_db

OURS_MAIN = [{"name": "区公共资源交易中心评标室", "city": "本区", "kind": "main", "ours": True},
             {"name": "温州市公共资源交易中心远程评标室", "city": "温州", "kind": "sub", "ours": False}]
OURS_SUB = [{"name": "绍兴市公共资源交易中心评标室", "city": "绍兴", "kind": "main", "ours": False},
            {"name": "区公共资源交易中心远程评标室", "city": "本区", "kind": "sub", "ours": True}]
START = "2024-03-21 09:00"


@contextmanager
def clock(text: str):
    with mock.patch("django.utils.timezone.now", return_value=at(text)):
        yield


def committee():
    """A published tender whose section has a committee of 4 drawn experts (+ 1 representative)."""
    project = make_project()
    section = project.sections.get()
    tender = publish(make_tender(project=project))
    for n in range(4):
        make_expert(name=f"专家{n + 1}")
    draw(tender, seed=7)
    return tender, section


def serving(tender) -> list[ExpertDrawMember]:
    return list(ExpertDrawMember.objects.filter(draw__tender_section__tender=tender, replaced_at__isnull=True)
                .order_by("position"))


def main_session(tender=None, section=None) -> RemoteSession:
    if tender is None:
        tender, section = committee()
    return services_sessions.remote_session_create(actor="test", our_role=VenueKind.MAIN, scheduled_start=at(START),
                                                   venues=OURS_MAIN, tender=tender, section=section)


def sub_session(**extra) -> RemoteSession:
    fields = {"project_name": "绍兴市某道路改造工程", "project_number": "SX-2024-018",
              "host_center": "绍兴市公共资源交易中心", **extra}
    return services_sessions.remote_session_create(actor="test", our_role=VenueKind.SUB, scheduled_start=at(START),
                                                   venues=OURS_SUB, **fields)


def venue(session, kind):
    return session.venues.get(kind=kind)


def seat_all(session):
    """Two experts at the main venue, two at the sub-venue, the representative at the main venue."""
    tender = session.tender_section.tender
    for i, member in enumerate(serving(tender)):
        services_sessions.remote_session_member_assign(actor="test", session=session,
                                                       venue=venue(session, "main" if i < 2 else "sub"),
                                                       draw_member=member)
    services_sessions.remote_session_member_assign(actor="test", session=session, venue=venue(session, "main"),
                                                   name="招标人代表甲", role=SessionMemberRole.REPRESENTATIVE)


def event(session, kind, **kwargs):
    return services_sessions.remote_session_event(actor="test", session=session, kind=kind, **kwargs)


def move(session, action, reason=""):
    return services_sessions.remote_session_transition(actor="test", session=session.pk, action=action,
                                                       reason=reason)


def steps(session):
    for kind in (SessionEventKind.SCORING_STARTED, SessionEventKind.SCORING_FINISHED, SessionEventKind.REPORT_SIGNED):
        event(session, kind, venue=venue(session, "main"))


# --- creating a session -----------------------------------------------------------------------------------

def test_as_main_venue_the_session_is_our_section_and_as_sub_venue_another_centers_project():
    main = main_session()
    assert (main.our_role, main.status, main.project_name, main.host_center) == (
        "main", "scheduled", "城区道路改造工程", "区公共资源交易中心评标室")
    assert [(v.kind, v.ours, v.city) for v in main.venues.order_by("position")] == [
        ("main", True, "本区"), ("sub", False, "温州")]
    sub = sub_session()
    assert (sub.tender_section, sub.project_number, sub.host_center) == (None, "SX-2024-018", "绍兴市公共资源交易中心")
    created = AuditEvent.objects.filter(action="remotesession.create").order_by("id")
    assert [e.payload["our_role"] for e in created] == ["main", "sub"]
    assert created[1].payload["venues"] == [{**v} for v in OURS_SUB]


def test_a_main_session_needs_our_section_with_a_committee_and_a_sub_session_none():
    tender, section = committee()
    with pytest.raises(InvalidInput) as no_section:
        services_sessions.remote_session_create(actor="test", our_role="main", scheduled_start=at(START),
                                                venues=OURS_MAIN)
    assert (no_section.value.field, no_section.value.code) == ("section_id", "required")
    with pytest.raises(InvalidInput) as ours:
        sub_session(tender=tender, section=section)
    assert ours.value.code == "not_for_sub_venue"
    bare = make_project(name="无专家的项目")
    bare_tender = publish(make_tender(project=bare))
    with pytest.raises(Conflict) as no_committee:
        main_session(bare_tender, bare.sections.get())
    assert no_committee.value.code == "no_committee"
    with pytest.raises(InvalidInput) as no_name:
        sub_session(project_name="")
    assert no_name.value.field == "project_name"


@pytest.mark.parametrize(("venues", "role", "code"), [
    (OURS_MAIN[:1], "main", "too_few_venues"),
    ([{**OURS_MAIN[0]}, {**OURS_MAIN[1], "kind": "main"}], "main", "one_main_venue"),
    ([{**OURS_MAIN[0], "ours": False}, OURS_MAIN[1]], "main", "one_venue_ours"),
    ([OURS_MAIN[0], {**OURS_MAIN[1], "ours": True}], "main", "one_venue_ours"),
    (OURS_MAIN, "sub", "our_venue_kind"),
    ([OURS_SUB[0], {**OURS_SUB[1], "name": OURS_SUB[0]["name"]}], "sub", "duplicate_venue"),
    ([OURS_SUB[0], {**OURS_SUB[1], "kind": "hall"}], "sub", "bad_choice"),
])
def test_venues_are_one_main_at_least_one_sub_and_exactly_one_of_ours_of_our_kind(venues, role, code):
    with pytest.raises(InvalidInput) as refused:
        services_sessions.remote_session_create(actor="test", our_role=role, scheduled_start=at(START), venues=venues,
                                                project_name="项目", host_center="某中心")
    assert refused.value.code == code
    assert not RemoteSession.objects.exists()


def test_a_section_has_one_live_session_and_a_cancelled_one_makes_room():
    tender, section = committee()
    first = main_session(tender, section)
    with pytest.raises(Conflict) as twice:
        main_session(tender, section)
    assert twice.value.code == "duplicate"
    move(first, "cancel", reason="主场设备故障,改期")
    assert main_session(tender, section).status == RemoteSessionStatus.SCHEDULED


# --- seating the committee --------------------------------------------------------------------------------

def test_a_main_session_seats_our_drawn_experts_and_representatives_by_name():
    session = main_session()
    seat_all(session)
    seats = list(session.members.order_by("id"))
    assert [s.name for s in seats] == [m.expert.name for m in serving(session.tender_section.tender)] + ["招标人代表甲"]
    assert [s.venue.kind for s in seats] == ["main", "main", "sub", "sub", "main"]
    assert seats[-1].draw_member is None and seats[-1].role == "representative"
    assert AuditEvent.objects.filter(action="remotesession.seat", object_id=str(session.pk)).count() == 5
    with pytest.raises(InvalidInput) as by_name:
        services_sessions.remote_session_member_assign(actor="test", session=session, venue=venue(session, "sub"),
                                                       name="外地专家")
    assert (by_name.value.field, by_name.value.code) == ("member_id", "required")
    with pytest.raises(Conflict) as twice:
        services_sessions.remote_session_member_assign(actor="test", session=session, venue=venue(session, "sub"),
                                                       draw_member=serving(session.tender_section.tender)[0])
    assert twice.value.code == "duplicate"


def test_a_sub_session_seats_other_regions_experts_by_name_only():
    tender, _ = committee()
    session = sub_session()
    seat = services_sessions.remote_session_member_assign(actor="test", session=session, venue=venue(session, "sub"),
                                                          name="绍兴专家甲")
    assert (seat.name, seat.draw_member, seat.venue.ours) == ("绍兴专家甲", None, True)
    with pytest.raises(InvalidInput) as ours:
        services_sessions.remote_session_member_assign(actor="test", session=session, venue=venue(session, "sub"),
                                                       draw_member=serving(tender)[0])
    assert ours.value.code == "not_for_sub_venue"
    other = main_session()
    with pytest.raises(InvalidInput) as foreign:
        services_sessions.remote_session_member_assign(actor="test", session=session, venue=venue(other, "sub"),
                                                       name="某人")
    assert foreign.value.code == "not_in_session"


def test_only_a_serving_member_of_the_sections_committee_is_seated():
    session = main_session()
    member = serving(session.tender_section.tender)[0]
    ExpertDrawMember.objects.filter(pk=member.pk).update(replaced_at=at("2024-03-20 15:00"))
    member.refresh_from_db()
    with pytest.raises(InvalidInput) as replaced:
        services_sessions.remote_session_member_assign(actor="test", session=session, venue=venue(session, "main"),
                                                       draw_member=member)
    assert replaced.value.code == "not_a_member"


def test_the_start_waits_until_every_serving_expert_is_seated():
    session = main_session()
    with pytest.raises(Conflict) as nobody:
        move(session, "start")
    assert nobody.value.code == "nobody_seated"
    first, *others = serving(session.tender_section.tender)
    services_sessions.remote_session_member_assign(actor="test", session=session, venue=venue(session, "main"),
                                                   draw_member=first)
    with pytest.raises(Conflict) as missing:
        move(session, "start")
    assert (missing.value.code, missing.value.details["missing"]) == ("members_not_seated",
                                                                      [m.expert.name for m in others])
    assert RemoteSession.objects.get(pk=session.pk).status == RemoteSessionStatus.SCHEDULED


# --- the transition table -------------------------------------------------------------------------------

def session_in(state: str) -> RemoteSession:
    session = main_session()
    seat_all(session)
    if state == RemoteSessionStatus.CANCELLED:
        move(session, "cancel", reason="改期")
    if state in (RemoteSessionStatus.IN_PROGRESS, RemoteSessionStatus.CLOSED):
        move(session, "start")
        steps(session)
    if state == RemoteSessionStatus.CLOSED:
        move(session, "close")
    session.refresh_from_db()
    assert session.status == state
    return session


ALLOWED = {("scheduled", "start"): "in_progress", ("scheduled", "cancel"): "cancelled",
           ("in_progress", "close"): "closed"}


@pytest.mark.parametrize("state", ["scheduled", "in_progress", "closed", "cancelled"])
@pytest.mark.parametrize("action", ["start", "close", "cancel"])
def test_every_state_and_transition(state, action):
    session = session_in(state)
    before = AuditEvent.objects.count()
    if (state, action) in ALLOWED:
        moved = move(session, action, reason="专家无法到场")
        assert moved.status == ALLOWED[(state, action)]
        assert AuditEvent.objects.count() == before + 1
        assert AuditEvent.objects.order_by("-id").first().action == f"remotesession.{action}"
    else:
        with pytest.raises(Conflict) as refused:
            move(session, action, reason="专家无法到场")
        assert refused.value.code == "invalid_transition"
        assert AuditEvent.objects.count() == before
        assert RemoteSession.objects.get(pk=session.pk).status == state


def test_cancel_needs_a_reason():
    session = main_session()
    with pytest.raises(InvalidInput) as refused:
        move(session, "cancel")
    assert refused.value.field == "reason"


# --- events at the venues ---------------------------------------------------------------------------------

def test_experts_check_in_at_their_own_venue_once_and_before_the_start():
    session = main_session()
    seat_all(session)
    seat = session.members.filter(venue__kind="sub").first()
    checked = event(session, SessionEventKind.CHECK_IN, member=seat)
    assert (checked.venue.kind, checked.member, checked.occurred_at is not None) == ("sub", seat, True)
    with pytest.raises(Conflict) as twice:
        event(session, SessionEventKind.CHECK_IN, member=seat)
    assert twice.value.code == "duplicate"
    other = session.members.filter(venue__kind="sub").exclude(pk=seat.pk).first()
    with pytest.raises(InvalidInput) as wrong:
        event(session, SessionEventKind.CHECK_IN, member=other, venue=venue(session, "main"))
    assert wrong.value.code == "wrong_venue"
    with pytest.raises(InvalidInput) as nobody:
        event(session, SessionEventKind.CHECK_IN)
    assert nobody.value.field == "member_id"


def test_the_evaluation_steps_come_once_each_in_order_while_in_progress():
    session = main_session()
    seat_all(session)
    with pytest.raises(Conflict) as early:
        event(session, SessionEventKind.SCORING_STARTED, venue=venue(session, "main"))
    assert early.value.code == "invalid_state"
    move(session, "start")
    with pytest.raises(Conflict) as skipped:
        event(session, SessionEventKind.SCORING_FINISHED)
    assert (skipped.value.code, skipped.value.details["needs"]) == ("out_of_order", "scoring_started")
    event(session, SessionEventKind.BIDS_OPENED, venue=venue(session, "main"))
    event(session, SessionEventKind.SCORING_STARTED)
    with pytest.raises(Conflict) as again:
        event(session, SessionEventKind.SCORING_STARTED)
    assert again.value.code == "duplicate"
    with pytest.raises(Conflict) as unsigned:
        move(session, "close")
    assert unsigned.value.code == "report_not_signed"
    event(session, SessionEventKind.SCORING_FINISHED)
    event(session, SessionEventKind.REPORT_SIGNED, venue=venue(session, "main"))
    closed = move(session, "close")
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(Conflict) as after:
        event(session, SessionEventKind.NOTE, note="补记")
    assert after.value.code == "invalid_state"


def test_a_video_link_names_its_venue_and_a_note_its_text():
    session = sub_session()
    with pytest.raises(InvalidInput) as no_venue:
        event(session, SessionEventKind.VIDEO_UP)
    assert no_venue.value.field == "venue_id"
    with pytest.raises(InvalidInput) as no_text:
        event(session, SessionEventKind.NOTE)
    assert no_text.value.field == "note"
    down = event(session, SessionEventKind.VIDEO_DOWN, venue=venue(session, "sub"), note="网络中断约3分钟")
    assert (down.venue.ours, down.note) == (True, "网络中断约3分钟")
    assert AuditEvent.objects.get(action="remotesession.event").payload["event"] == down.pk


# --- the timeline ---------------------------------------------------------------------------------------

def test_the_timeline_merges_the_events_with_the_audit_trail_in_order():
    tender, section = committee()
    with clock("2024-03-21 08:30"):
        session = main_session(tender, section)
    with clock("2024-03-21 08:40"):
        seat_all(session)
    with clock("2024-03-21 08:50"):
        event(session, SessionEventKind.CHECK_IN, member=session.members.filter(venue__kind="sub").first())
    with clock("2024-03-21 08:55"):
        event(session, SessionEventKind.VIDEO_UP, venue=venue(session, "sub"))
    with clock("2024-03-21 09:00"):
        move(session, "start")
    with clock("2024-03-21 09:05"):
        event(session, SessionEventKind.SCORING_STARTED, venue=venue(session, "main"))
    with clock("2024-03-21 10:40"):
        event(session, SessionEventKind.VIDEO_DOWN, venue=venue(session, "sub"), note="网络抖动")
    with clock("2024-03-21 11:30"):
        event(session, SessionEventKind.SCORING_FINISHED, venue=venue(session, "main"))
    with clock("2024-03-21 11:45"):
        event(session, SessionEventKind.REPORT_SIGNED, venue=venue(session, "main"))
    with clock("2024-03-21 11:50"):
        move(session, "close")
    timeline = remote_session_timeline(session)
    assert [(e["source"], e["kind"]) for e in timeline] == [
        ("audit", "remotesession.create"), *[("audit", "remotesession.seat")] * 5,
        ("event", "check_in"), ("event", "video_up"), ("audit", "remotesession.start"),
        ("event", "scoring_started"), ("event", "video_down"), ("event", "scoring_finished"),
        ("event", "report_signed"), ("audit", "remotesession.close")]
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)
    assert all(e["audit_id"] is not None for e in timeline)  # every entry is on the audit chain
    down = next(e for e in timeline if e["kind"] == "video_down")
    assert (down["venue"], down["note"], down["label"]) == ("温州市公共资源交易中心远程评标室", "网络抖动", "视频连线中断")
    assert timeline[1]["venue"] == "区公共资源交易中心评标室"
    assert RemoteSessionEvent.objects.filter(session=session).count() == 6


def test_sessions_held_are_counted_per_year_by_our_role():
    main = session_in(RemoteSessionStatus.CLOSED)
    sub = sub_session()
    services_sessions.remote_session_member_assign(actor="test", session=sub, venue=venue(sub, "sub"), name="专家甲")
    move(sub, "start")
    steps(sub)
    move(sub, "close")
    sub_session(project_name="未举行的项目")  # scheduled only
    year = timezone.localtime(main.started_at).year
    counts = remote_session_counts(date_from=day(f"{year}-01-01"), date_to=day(f"{year + 1}-01-01"))
    assert counts == {"main": 1, "sub": 1}


def test_an_enterprise_user_sees_no_session():
    session = sub_session()
    enterprise = make_enterprise(credit_code=credit(803))
    with pytest.raises(NotFound):
        remote_session_get(user=make_user(role=Role.ENTERPRISE_USER, enterprise=enterprise), pk=session.pk)
    assert remote_session_get(user=make_user(role=Role.SUPERVISOR), pk=session.pk) == session
