"""Input and output schemas of the reports API (no ``from __future__ import annotations``: ninja reads the
annotations at import)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Optional, Union

from ninja import Schema


class FigureOut(Schema):
    key: str
    area: str
    area_label: str
    label: str
    unit: str
    decimals: int
    headline: bool
    better: str
    #: counts are integers; money (元) and rates (%) are decimals, written as strings to keep every digit
    value: Union[int, Decimal, None] = None
    previous: Union[int, Decimal, None] = None
    #: year-on-year change in percent (None without a base)
    change: Optional[Decimal] = None
    #: as the report writes them: "56.2万件", "同比下降20.47%"
    text: str
    exact: str
    change_text: str
    definition: str
    link: str
    period: str
    previous_period: str


class FiguresOut(Schema):
    start: date
    end: date
    previous_start: date
    previous_end: date
    figures: list[FigureOut]


class ReportIn(Schema):
    start: str
    end: str


class ReportOut(Schema):
    id: int
    start: date
    end: date
    status: str
    status_label: str
    progress: int
    message: str
    title: str
    requested_by: Optional[str] = None
    created_at: datetime
    finished_at: Optional[datetime] = None
    headline: dict[str, str]
    #: download URLs (API) once done
    docx_url: Optional[str] = None
    html_url: Optional[str] = None


class TemplateIn(Schema):
    area: str
    text: str
    order: int = 100
    heading: str = ""
    active: bool = True


class TemplatePatch(Schema):
    area: Optional[str] = None
    text: Optional[str] = None
    order: Optional[int] = None
    heading: Optional[str] = None
    active: Optional[bool] = None


class TemplateOut(Schema):
    id: int
    area: str
    area_label: str
    order: int
    heading: str
    text: str
    active: bool
    figure_keys: list[str]
    updated_at: datetime
