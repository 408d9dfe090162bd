"""Input, output and filter schemas of the evaluation domain.

``PeriodFilter`` is the one definition of "which period, grouped how" that the
API and the web pages both parse; ``selectors.period_of`` turns it into a
:class:`~zhengwu.evaluation.selectors.Period` (and refuses a period that ends
before it starts, at the field ``end``).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

Group = Literal["department", "township"]
Preset = Literal["week", "month", "year", "jan_nov"]


class PeriodFilter(Schema):
    """A statistics period: explicit ``start``/``end`` dates, or a preset that ends on ``end`` (default today).

    Presets: ``week`` (this week so far), ``month``, ``year`` (to date), ``jan_nov`` (1 January to
    30 November, the seed's reporting period). Explicit dates win over the preset.
    """

    start: date | None = Field(None, description="first day (inclusive)")
    end: date | None = Field(None, description="last day (inclusive); the preset's anchor, default today")
    group: Group = Field("department", description="department / township")
    preset: Preset | None = Field(None, description="week / month / year / jan_nov (default month)")


# --- indicators and values ---------------------------------------------------------------

class IndicatorOut(Schema):
    code: str
    number: int
    name: str
    direction: str
    unit: str
    description: str


class ValueOut(Schema):
    numerator: Decimal
    denominator: Decimal
    percent: Decimal | None = Field(None, description="the rate in percent, 2 places; null when not applicable")


class PeriodOut(Schema):
    start: date
    end: date
    group: str


class GroupValuesOut(Schema):
    group_id: int | None = Field(None, description="null: the whole district")
    name: str
    values: dict[str, ValueOut]


class ValuesOut(Schema):
    period: PeriodOut
    indicators: list[IndicatorOut]
    district: GroupValuesOut
    rows: list[GroupValuesOut]


class RankingRowOut(Schema):
    group_id: int
    name: str
    rank: int
    total: Decimal
    scores: dict[str, Decimal | None]
    values: dict[str, ValueOut]


class RankingOut(Schema):
    period: PeriodOut
    scheme_id: int
    scheme: str
    scheme_version: int
    scheme_digest: str
    rows: list[RankingRowOut]


# --- schemes ------------------------------------------------------------------------------

class RuleIn(Schema):
    indicator: str = Field(..., description="indicator code, e.g. online_rate")
    weight: Decimal
    method: str = Field(..., description="rank / threshold / target")
    step: Decimal | None = None
    floor: Decimal | None = None
    target: Decimal | None = None


class SchemeIn(Schema):
    name: str
    grouping: Group = "department"
    note: str = ""
    rules: list[RuleIn]


class SchemeRevisionIn(Schema):
    note: str = ""
    rules: list[RuleIn]


class RuleOut(Schema):
    indicator: str
    indicator_name: str
    weight: Decimal
    method: str
    step: Decimal | None
    floor: Decimal | None
    target: Decimal | None


class SchemeVersionOut(Schema):
    scheme_id: int
    scheme: str
    grouping: str
    number: int
    note: str
    digest: str
    created_at: datetime
    rules: list[RuleOut]


# --- publications ------------------------------------------------------------------------------

class PublicationIn(Schema):
    scheme_id: int
    week_start: date = Field(..., description="the Monday of the week")


class PublicationRowOut(Schema):
    group_id: int
    name: str
    rank: int
    total: Decimal
    scores: dict[str, Decimal | None] = {}
    values: dict[str, ValueOut] = {}


class PublicationOut(Schema):
    id: int
    status: str
    status_label: str
    week_start: date
    period_start: date
    period_end: date
    grouping: str
    scheme: str
    scheme_version: int
    digest: str
    prepared_at: datetime
    published_at: datetime | None
    actions: list[str] = []


class PublicationDetailOut(PublicationOut):
    rows: list[PublicationRowOut]


class PublicRowOut(Schema):
    """What the public sees: names, totals and ranks, nothing else."""

    name: str
    rank: int
    total: Decimal


class PublicPublicationOut(Schema):
    week_start: date
    period_start: date
    period_end: date
    grouping: str
    scheme_version: int
    digest: str
    published_at: datetime | None
    rows: list[PublicRowOut]


# --- suggestions ----------------------------------------------------------------------------------

class SuggestionIn(Schema):
    department_id: int | None = Field(None, description="default: the user's own department")
    indicator: str | None = Field(None, description="indicator code the suggestion is about")
    title: str
    content: str


class SuggestionDecisionIn(Schema):
    adopt: bool
    reason: str = ""
    version: int | None = Field(None, description="the version the client saw; a newer one gives 409")


class SuggestionOut(Schema):
    id: int
    status: str
    status_label: str
    version: int
    department_id: int
    department: str
    indicator: str | None
    title: str
    content: str
    submitted_at: datetime
    decision_reason: str
    decided_at: datetime | None
    actions: list[str] = []


class SuggestionCountOut(Schema):
    department_id: int | None = Field(None, description="null: all departments together")
    department: str
    total: int
    submitted: int
    adopted: int
    declined: int


# --- the desk ------------------------------------------------------------------------------------

class DrilldownFilter(PeriodFilter):
    indicator: str = Field(..., description="indicator code")
    group_id: int | None = Field(None, description="department or township id; none: the whole district")
    part: Literal["numerator", "denominator"] = "numerator"


class DrillCaseOut(Schema):
    id: int
    number: str
    item_name: str
    department_id: int
    status: str
    status_label: str
    received_at: datetime
    completed_at: datetime | None


class ReminderOut(Schema):
    case_id: int
    sent: bool = Field(..., description="false: already reminded today, nothing sent")
    stage: str
    reminders_this_year: int
