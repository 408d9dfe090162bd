"""The export endpoints (core/exports.py): one workbook URL for every registered list, the job pages."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengwu.core import exports
from zhengwu.core.web import handles_app_errors, redirect_to_login_page

JOBS_SHOWN = 30


def _signed_in(view):  # noqa: ANN001, ANN202
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
        if not request.user.is_authenticated:
            return redirect_to_login_page(request)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@never_cache
@require_GET
@_signed_in
@handles_app_errors
def export_xlsx(request: HttpRequest, name: str) -> HttpResponse:
    """``/exports/<name>.xlsx?<the list's query string>``: the workbook now, or a job page for a large list."""
    started = exports.export_start(actor=request.user, name=name, params=request.GET)
    if started.job is not None:
        return redirect("export_job", pk=started.job.pk)
    spec = exports.spec_for(name, request.user)
    response = HttpResponse(started.content, content_type=exports.XLSX)
    response["Content-Disposition"] = exports.content_disposition(exports.filename(spec))
    response["X-Export-Rows"] = str(started.rows)
    return response


@never_cache
@require_GET
@_signed_in
@handles_app_errors
def export_jobs(request: HttpRequest) -> HttpResponse:
    """我的导出: the user's own recent export jobs."""
    return render(request, "core/export_jobs.html", {"jobs": exports.export_jobs_for(request.user)[:JOBS_SHOWN]})


@never_cache
@require_GET
@_signed_in
@handles_app_errors
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One job: a progress bar polled with htmx until the file is ready, then the download link."""
    job = exports.export_job_get(user=request.user, job_id=pk)
    if request.headers.get("HX-Request") == "true":
        return render(request, "core/partials/_export_job.html", {"job": job})
    return render(request, "core/export_job.html", {"job": job})


@never_cache
@require_GET
@_signed_in
@handles_app_errors
def export_job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The job's file, for its owner only (anyone else gets a 404)."""
    job, path = exports.export_job_download(actor=request.user, job_id=pk)
    name = f"{job.title or job.name}-{job.created_at:%Y%m%d}.xlsx"
    response = FileResponse(path.open("rb"), content_type=exports.XLSX)
    response["Content-Disposition"] = exports.content_disposition(name)
    return response
