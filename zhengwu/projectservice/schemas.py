"""Input and output schemas of the project services API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from zhengwu.projectservice.choices import FactorKind


class AssignIn(Schema):
    agent_id: int
    started_on: date
    note: str = ""


class ReleaseIn(Schema):
    ended_on: date


class ActionIn(Schema):
    item_id: int | None = Field(None, description="a service item of the catalog, or give item_text")
    item_text: str = ""
    handled_on: date
    what_done: str
    trips_saved: int = Field(..., description="trips the enterprise was saved (0–20)")


class IssueIn(Schema):
    description: str
    owner_id: int
    follow_up_days: int = Field(..., description="working days from the visit (1–60)")
    project_id: int | None = None


class VisitIn(Schema):
    visited_on: date
    team_lead: str
    summary: str = ""
    department_ids: list[int] = []
    enterprise_ids: list[int] = []
    project_ids: list[int] = []
    issues: list[IssueIn] = []


class FollowUpIn(Schema):
    followed_up_on: date
    note: str


class FactorIn(Schema):
    kind: str = Field(..., description=" / ".join(FactorKind.values))
    capacity: Decimal
    capacity_unit: str = ""
    provider: str
    requested_on: date


class PromiseIn(Schema):
    promised_on: date


class ConnectIn(Schema):
    connected_on: date


class ProblemIn(Schema):
    note: str


class AgentOut(Schema):
    id: int
    agent_id: int
    agent: str
    started_on: date
    ended_on: date | None
    note: str


class ActionOut(Schema):
    id: int
    project_id: int
    project: str
    agent_id: int
    agent: str
    item_id: int | None
    item: str
    handled_on: date
    what_done: str
    trips_saved: int


class ActionPageOut(Schema):
    count: int
    items: list[ActionOut]


class IssueOut(Schema):
    id: int
    visit_id: int
    project_id: int | None
    description: str
    owner_id: int
    owner: str
    follow_up_days: int
    due_on: date
    followed_up_on: date | None
    follow_up_note: str
    open: bool
    overdue: bool


class IssuePageOut(Schema):
    count: int
    items: list[IssueOut]


class UnitOut(Schema):
    kind: str
    id: int
    name: str


class VisitOut(Schema):
    id: int
    visited_on: date
    team_lead: str
    summary: str
    units: list[UnitOut]
    project_ids: list[int]
    issues: list[IssueOut]


class VisitPageOut(Schema):
    count: int
    items: list[VisitOut]


class FactorOut(Schema):
    id: int
    project_id: int
    kind: str
    kind_label: str
    capacity: Decimal
    capacity_unit: str
    provider: str
    requested_on: date
    promised_on: date | None
    connected_on: date | None
    status: str
    status_label: str
    problem_note: str
    overdue: bool
    actions: list[str] = []


class FactorPageOut(Schema):
    count: int
    items: list[FactorOut]


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    investor: str
    township: str
    risk_class: str
    agent: AgentOut | None


class ProjectPageOut(Schema):
    count: int
    items: list[ProjectOut]


class SupportOut(Schema):
    project: ProjectOut
    assignments: list[AgentOut]
    actions: list[ActionOut]
    items_handled: int
    trips_saved: int
    visits: list[VisitOut]
    issues: list[IssueOut]
    factor_needs: list[FactorOut]


class FiguresOut(Schema):
    start: date | None
    end: date | None
    agents: dict
    visits: dict
    factors: dict


class OverdueOut(Schema):
    issues: list[IssueOut]
    connections: list[FactorOut]
