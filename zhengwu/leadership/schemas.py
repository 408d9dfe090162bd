"""The leadership API's schemas: the headline figures of a period and the plan targets with their progress."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class FigureOut(Schema):
    key: str
    area: str
    area_label: str
    label: str
    unit: str
    definition: str
    headline: bool
    better: str = Field(description="up / down / neutral: which way is good")
    value: int | Decimal | None = Field(description="money in 元, rates in percent, counts as integers")
    previous: int | Decimal | None = Field(description="the same period one year earlier")
    change: Decimal | None = Field(description="year-on-year change in percent")
    difference: int | Decimal | None = Field(description="value minus previous (percentage points for a rate)")
    text: str = Field(description="the value written the Chinese way (万件, 亿元, %)")
    change_text: str
    link: str = Field(description="the list behind the figure, for the period")


class FiguresOut(Schema):
    start: date
    end: date
    previous_start: date
    previous_end: date
    computed_at: datetime
    figures: list[FigureOut]


class TargetOut(Schema):
    id: int
    year: int
    name: str
    figure: str
    figure_label: str
    comparison: str
    target_value: Decimal
    target_text: str
    note: str
    active: bool
    order: int
    period_start: date | None
    period_end: date | None
    value: int | Decimal | None
    value_text: str
    percent: Decimal = Field(description="progress towards the target, 0–100")
    met: bool
    missing: str = Field(description="why there is no value: 未开始 / 指标未登记 / 暂无数据, or empty")
    link: str


class TargetIn(Schema):
    year: int
    name: str
    figure: str = Field(description="a registered figure key, e.g. intermediary.deals")
    comparison: str = Field("ge", description="ge (≥) or le (≤)")
    target_value: Decimal
    note: str = ""
    active: bool = True
    order: int = 100


class TargetPatchIn(Schema):
    year: int | None = None
    name: str | None = None
    figure: str | None = None
    comparison: str | None = None
    target_value: Decimal | None = None
    note: str | None = None
    active: bool | None = None
    order: int | None = None
