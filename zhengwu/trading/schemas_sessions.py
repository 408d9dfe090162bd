"""Input and output schemas of remote cross-region evaluation sessions (trading part 5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class VenueIn(Schema):
    name: str
    city: str
    kind: str = Field(..., description="main or sub")
    ours: bool = False


class RemoteSessionIn(Schema):
    our_role: str = Field(..., description="main (we host the main venue; our project) or sub (another center's)")
    scheduled_start: datetime
    venues: list[VenueIn]
    tender_id: int | None = Field(None, description="main only: our tender")
    section_id: int | None = Field(None, description="main only: the section evaluated")
    project_name: str = Field("", description="sub: the other center's project (main: defaults to ours)")
    project_number: str = ""
    host_center: str = Field("", description="the trading center of the main venue")
    note: str = ""


class SeatIn(Schema):
    venue_id: int
    member_id: int | None = Field(None, description="main: the ExpertDrawMember id of our drawn expert")
    name: str = Field("", description="sub: the expert's name; or a representative's name")
    role: str = Field("expert", description="expert or representative")


class SessionTransitionIn(Schema):
    action: str = Field(..., description="start, close or cancel")
    reason: str = ""
    version: int | None = None


class SessionEventIn(Schema):
    kind: str = Field(..., description="check_in, video_up, video_down, bids_opened, scoring_started, "
                      "scoring_finished, report_signed, note")
    venue_id: int | None = None
    member_id: int | None = Field(None, description="check_in: the seated member (RemoteSessionMember id)")
    note: str = ""


class VenueOut(Schema):
    id: int
    position: int
    name: str
    city: str
    kind: str
    ours: bool


class SeatOut(Schema):
    id: int
    venue_id: int
    venue_name: str
    draw_member_id: int | None
    name: str
    role: str


class RemoteSessionOut(Schema):
    id: int
    status: str
    status_label: str
    version: int
    our_role: str
    tender_id: int | None
    section_id: int | None
    project_name: str
    project_number: str
    host_center: str
    scheduled_start: datetime
    started_at: datetime | None
    closed_at: datetime | None
    note: str
    venues: list[VenueOut]
    members: list[SeatOut]
    actions: list[str] = []


class SessionEventOut(Schema):
    id: int
    kind: str
    venue_id: int | None
    member_id: int | None
    occurred_at: datetime
    note: str
    actor_label: str


class TimelineEntryOut(Schema):
    at: datetime
    source: str = Field(..., description="event (a session event) or audit (another audited action)")
    kind: str
    label: str
    venue: str | None
    member: str | None
    actor: str
    note: str
    event_id: int | None
    audit_id: int | None
    payload: dict[str, Any]
