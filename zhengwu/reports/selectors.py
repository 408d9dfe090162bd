"""Every read of the work report, scoped to the user.

Reports and templates are the center's, not a department's: whoever holds ``reports.view`` (center
administrators, leaders, supervisors) sees every generated report and every template; nobody else sees any
(a row outside the scope is a 404). The figures are district-wide: a leader's scope is the whole district.
"""

from __future__ import annotations

from typing import Any, Iterable

from django.db.models import QuerySet
from django.urls import NoReverseMatch

from zhengwu.core.permissions import get_visible, require
from zhengwu.reports import formatting, registry
from zhengwu.reports.choices import OPENING
from zhengwu.reports.models import GeneratedReport, SentenceTemplate
from zhengwu.reports.permissions import VIEW
from zhengwu.reports.registry import FigureSet, FigureValue, Period


def _reader(user: Any) -> bool:
    if isinstance(user, str):  # code acting for the system (a job, a command)
        return True
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and user.has_perm(VIEW))


def reports_visible_to(user: Any) -> QuerySet[GeneratedReport]:
    if not _reader(user):
        return GeneratedReport.objects.none()
    return GeneratedReport.objects.all()


def report_get(*, user: Any, pk: int) -> GeneratedReport:
    return get_visible(reports_visible_to(user).select_related("requested_by"), pk=pk)


def report_list(*, user: Any, status: str = "") -> QuerySet[GeneratedReport]:
    qs = reports_visible_to(user).select_related("requested_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def templates_visible_to(user: Any) -> QuerySet[SentenceTemplate]:
    if not _reader(user):
        return SentenceTemplate.objects.none()
    return SentenceTemplate.objects.all()


def template_get(*, user: Any, pk: int) -> SentenceTemplate:
    return get_visible(templates_visible_to(user), pk=pk)


def template_list(*, user: Any, area: str = "", active: bool | None = None) -> QuerySet[SentenceTemplate]:
    qs = templates_visible_to(user).select_related("updated_by")
    if area:
        qs = qs.filter(area=area)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("order", "id")


def templates_for_report() -> tuple[list[SentenceTemplate], list[SentenceTemplate]]:
    """(opening templates, section templates), active ones in order: what the generator writes."""
    rows = list(SentenceTemplate.objects.filter(active=True).order_by("order", "id"))
    return [t for t in rows if t.area == OPENING], [t for t in rows if t.area != OPENING]


def figures_compute(*, user: Any, period: Period, keys: Iterable[str] | None = None) -> FigureSet:
    """The figures for ``period`` (all, or ``keys``) with the same period a year earlier; needs ``reports.view``."""
    require(user, VIEW)
    return registry.values(period, keys=list(keys) if keys is not None else None)


def figure_row(fv: FigureValue) -> dict[str, Any]:
    """One figure as the API and the report's table show it."""
    fig = fv.figure
    return {
        "key": fig.key, "area": fig.area, "area_label": str(dict(registry.Area.choices).get(fig.area, fig.area)),
        "label": fig.label, "unit": fig.unit, "decimals": fig.decimals, "headline": fig.headline,
        "better": fig.better, "value": fv.value, "previous": fv.previous, "change": fv.change,
        "difference": fv.difference,
        "text": formatting.value_text(fv),
        "exact": formatting.exact(fv.value, unit=fig.unit, decimals=fig.decimals) if fv.value is not None else "—",
        "previous_exact": (formatting.exact(fv.previous, unit=fig.unit, decimals=fig.decimals)
                           if fv.previous is not None else "—"),
        "change_text": formatting.change_text(fv),
        "definition": fig.definition, "link": _link(fv),
        "period": fv.period.label, "previous_period": fv.period.previous_year().label,
    }


def _link(fv: FigureValue) -> str:
    try:
        return fv.link
    except NoReverseMatch:  # one area's broken link must not take the report down
        return ""


def figure_rows(figures: FigureSet) -> list[dict[str, Any]]:
    """Every figure of the set in the report's order (area, then the figure's order)."""
    return [figure_row(fv) for _key, _label, rows in figures.by_area() for fv in rows]
