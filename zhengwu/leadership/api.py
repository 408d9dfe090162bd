"""The leadership API (a ninja Router mounted at /api/v1/leadership/): the headline figures of any period with
the same period a year earlier, and the plan targets with their progress. Each endpoint parses, calls one
selector or service, and renders; refusals are AppErrors in the platform's one error format."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.leadership import selectors, services
from zhengwu.leadership.permissions import VIEW
from zhengwu.leadership.schemas import FiguresOut, TargetIn, TargetOut, TargetPatchIn
from zhengwu.reports.formatting import change_text, value_text
from zhengwu.reports.registry import Area

router = Router(tags=["leadership"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
AREA_LABELS = dict(Area.choices)


def _figure(fv) -> dict:
    f = fv.figure
    return {"key": f.key, "area": f.area, "area_label": str(AREA_LABELS.get(f.area, f.area)), "label": f.label,
            "unit": f.unit, "definition": f.definition, "headline": f.headline, "better": f.better,
            "value": fv.value, "previous": fv.previous, "change": fv.change if f.compare else None,
            "difference": fv.difference if f.compare else None, "text": value_text(fv),
            "change_text": change_text(fv) if f.compare else "", "link": fv.link}


def _target(p: selectors.Progress) -> dict:
    t = p.target
    return {"id": t.pk, "year": t.year, "name": t.name, "figure": t.figure_key, "figure_label": p.label,
            "comparison": t.comparison, "target_value": t.target_value, "target_text": p.target_text, "note": t.note,
            "active": t.active, "order": t.order, "period_start": p.period.start if p.period else None,
            "period_end": p.period.end if p.period else None, "value": p.value, "value_text": p.value_text,
            "percent": p.percent, "met": p.met, "missing": p.missing, "link": p.link}


@router.get("/figures", response={200: FiguresOut, **ERRORS})
def figures(request: HttpRequest, start: str = "", end: str = "", preset: str = "", year: str = "",
            figure_keys: str = Query("", alias="keys", description="comma-separated figure keys; empty: all"),
            headline: bool | None = None):
    """Every registered figure (or ``keys``, or only the headline ones) for the period — ``start``/``end``, or a
    ``preset`` (ytd, jan_nov, month, last_year) anchored on ``year`` — with the same period a year earlier."""
    require(request.user, VIEW)
    chosen = selectors.period_resolve(preset=preset, start=start, end=end, year=year)
    wanted = [k.strip() for k in figure_keys.split(",") if k.strip()] or None
    computed = selectors.figure_values(chosen.period, keys=wanted)
    rows = [v for _, _, values in computed.figures.by_area() for v in values]
    if headline is not None:
        rows = [v for v in rows if v.figure.headline == headline]
    previous = chosen.period.previous_year()
    return {"start": chosen.period.start, "end": chosen.period.end, "previous_start": previous.start,
            "previous_end": previous.end, "computed_at": computed.computed_at, "figures": [_figure(v) for v in rows]}


@router.get("/targets", response={200: list[TargetOut], **ERRORS})
def targets(request: HttpRequest, year: int | None = None):
    """The plan targets (of ``year``, or all) with their progress for 1 January to today (31 December for a
    past year)."""
    require(request.user, VIEW)
    return [_target(p) for p in selectors.target_progress(selectors.target_list(user=request.user, year=year))]


def _one(request: HttpRequest, pk: int) -> dict:
    return _target(selectors.target_progress([selectors.target_get(user=request.user, pk=pk)])[0])


@router.post("/targets", response={201: TargetOut, **ERRORS})
def target_create(request: HttpRequest, data: TargetIn):
    target = services.target_create(actor=request.user, **data.dict())
    return Status(201, _one(request, target.pk))


@router.patch("/targets/{pk}", response={200: TargetOut, **ERRORS})
def target_update(request: HttpRequest, pk: int, data: TargetPatchIn):
    require(request.user, VIEW)
    target = selectors.target_get(user=request.user, pk=pk)
    services.target_update(actor=request.user, target=target, **data.dict(exclude_unset=True))
    return _one(request, pk)
