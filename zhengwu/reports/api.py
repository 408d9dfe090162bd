"""The reports API (a ninja Router mounted at /api/v1/reports/): the figures of a period, the report generation
jobs with their status and downloads, and the sentence templates. Each endpoint parses, calls one service or
selector, and renders; refusals are AppErrors in the platform's one error format."""

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Query, Router, Status

from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.reports import selectors, services
from zhengwu.reports.choices import FileFormat, ReportStatus
from zhengwu.reports.models import GeneratedReport, SentenceTemplate
from zhengwu.reports.permissions import VIEW
from zhengwu.reports.registry import Period
from zhengwu.reports.schemas import (
    FiguresOut,
    ReportIn,
    ReportOut,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
)
from zhengwu.reports.sentences import figure_keys

router = Router(tags=["reports"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PREFIX = "/api/v1/reports"


def report_out(r: GeneratedReport) -> dict[str, Any]:
    done = r.status == ReportStatus.DONE
    user = r.requested_by
    return {"id": r.pk, "start": r.start, "end": r.end, "status": r.status, "status_label": r.get_status_display(),
            "progress": r.progress, "message": r.message, "title": r.title,
            "requested_by": (user.display_name or user.username) if user else None,
            "created_at": r.created_at, "finished_at": r.finished_at, "headline": r.headline or {},
            "docx_url": f"{PREFIX}/jobs/{r.pk}/download/docx" if done else None,
            "html_url": f"{PREFIX}/jobs/{r.pk}/download/html" if done else None}


def template_out(t: SentenceTemplate) -> dict[str, Any]:
    return {"id": t.pk, "area": t.area, "area_label": str(t.get_area_display()), "order": t.order,
            "heading": t.heading, "text": t.text, "active": t.active, "figure_keys": sorted(figure_keys(t.text)),
            "updated_at": t.updated_at}


@router.get("/figures", response={200: FiguresOut, **ERRORS})
def figures(request: HttpRequest, start: str = Query(...), end: str = Query(...),
            wanted_keys: str = Query("", alias="keys")):
    """Every figure (or the comma-separated ``keys``) for the period, with the same period a year earlier."""
    # (the parameter is not called ``keys``: ninja merges the query model into a dict with ``dict.update``,
    # which would call a field named ``keys``)
    period = Period.parse(start, end)
    wanted = [k.strip() for k in wanted_keys.split(",") if k.strip()] or None
    values = selectors.figures_compute(user=request.user, period=period, keys=wanted)
    before = period.previous_year()
    return {"start": period.start, "end": period.end, "previous_start": before.start, "previous_end": before.end,
            "figures": selectors.figure_rows(values)}


@router.get("/jobs", response={200: list[ReportOut], **ERRORS})
def job_list(request: HttpRequest, status: str = "", limit: int = Query(50, ge=1, le=200),
             offset: int = Query(0, ge=0)):
    require(request.user, VIEW)
    return [report_out(r) for r in selectors.report_list(user=request.user, status=status)[offset:offset + limit]]


@router.post("/jobs", response={201: ReportOut, **ERRORS})
def job_create(request: HttpRequest, data: ReportIn):
    """Queue a generation; poll ``GET /jobs/{id}`` until ``status`` is ``done`` (or ``failed``)."""
    report = services.report_request(actor=request.user, start=data.start, end=data.end)
    return Status(201, report_out(selectors.report_get(user=request.user, pk=report.pk)))


@router.get("/jobs/{pk}", response={200: ReportOut, **ERRORS})
def job_get(request: HttpRequest, pk: int):
    require(request.user, VIEW)
    return report_out(selectors.report_get(user=request.user, pk=pk))


@router.get("/jobs/{pk}/download/{fmt}", response={200: None, **ERRORS})
def job_download(request: HttpRequest, pk: int, fmt: FileFormat):
    path, name, content_type = services.report_download(actor=request.user, report=pk, fmt=fmt)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@router.get("/templates", response={200: list[TemplateOut], **ERRORS})
def template_list(request: HttpRequest, area: str = "", active: bool | None = None):
    require(request.user, VIEW)
    return [template_out(t) for t in selectors.template_list(user=request.user, area=area, active=active)]


@router.post("/templates", response={201: TemplateOut, **ERRORS})
def template_create(request: HttpRequest, data: TemplateIn):
    return Status(201, template_out(services.template_create(actor=request.user, **data.dict())))


@router.patch("/templates/{pk}", response={200: TemplateOut, **ERRORS})
def template_update(request: HttpRequest, pk: int, data: TemplatePatch):
    template = selectors.template_get(user=request.user, pk=pk)
    return template_out(services.template_update(actor=request.user, template=template,
                                                 **data.dict(exclude_unset=True)))
