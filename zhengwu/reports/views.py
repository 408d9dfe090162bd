"""The work report on the web (under /reports/): choose a period (or a preset), generate the report as a
background job, watch its progress (htmx polls the row), download the Word document or open the HTML version;
the sentence templates' screen. Every write is one call to the service the API also calls."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.forms import submit
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.reports import selectors, services
from zhengwu.reports.choices import OPENING, REPORT_STATUS_TONES, SECTION_CHOICES, FileFormat, ReportStatus
from zhengwu.reports.forms import PeriodForm, TemplateForm
from zhengwu.reports.permissions import MANAGE, VIEW
from zhengwu.reports.sentences import PERIOD_WORDS

PAGE_SIZE = 20


def presets(today: dt.date) -> list[dict[str, Any]]:
    """The period presets: this year January–November (the seed's report), this year to date, last year."""
    y = today.year
    return [
        {"label": _("本年1-11月"), "start": dt.date(y, 1, 1), "end": dt.date(y, 11, 30)},
        {"label": _("本年至今"), "start": dt.date(y, 1, 1), "end": today},
        {"label": _("上年"), "start": dt.date(y - 1, 1, 1), "end": dt.date(y - 1, 12, 31)},
    ]


def _home_context(request: HttpRequest, form: PeriodForm | None = None) -> dict[str, Any]:
    today = timezone.localdate()
    if form is None:
        initial = {"start": request.GET.get("start") or dt.date(today.year, 1, 1),
                   "end": request.GET.get("end") or today}
        form = PeriodForm(initial=initial)
    page = Paginator(selectors.report_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return {"form": form, "presets": presets(today), "page_obj": page, "query": "", "tones": REPORT_STATUS_TONES}


@require_GET
@permission_required_403(VIEW)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/home.html", _home_context(request))


@require_POST
@permission_required_403(VIEW)
@handles_app_errors
def generate(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.POST)
    done = submit(form, lambda data: services.report_request(actor=request.user, start=data["start"],
                                                             end=data["end"]))
    if done.ok:
        messages.success(request, _("已提交生成,完成后可在下方下载。"))
        return redirect("reports:home")
    return render(request, "reports/home.html", _home_context(request, form), status=done.status)


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One row of the list of reports (htmx polls it while the job runs)."""
    report = selectors.report_get(user=request.user, pk=pk)
    return render(request, "reports/partials/_report_row.html", {"r": report, "tones": REPORT_STATUS_TONES})


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    path, name, content_type = services.report_download(actor=request.user, report=pk, fmt=fmt)
    return FileResponse(path.open("rb"), as_attachment=fmt == FileFormat.DOCX, filename=name,
                        content_type=content_type)


# --- templates -------------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(VIEW)
def templates(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.template_list(user=request.user))
    areas = dict(SECTION_CHOICES)
    return render(request, "reports/templates.html", {
        "rows": rows, "areas": areas, "opening": OPENING, "can_manage": request.user.has_perm(MANAGE),
        "statuses": ReportStatus})


def _form_context(form: TemplateForm, template: Any = None) -> dict[str, Any]:
    from zhengwu.reports import registry

    return {"form": form, "template": template, "words": PERIOD_WORDS,
            "figures": [(f.key, f.label, f.unit) for f in registry.figures()]}


@require_http_methods(["GET", "POST"])
@permission_required_403(MANAGE)
@handles_app_errors
def template_new(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None)
    if request.method == "POST":
        done = submit(form, lambda data: services.template_create(actor=request.user, **data))
        if done.ok:
            messages.success(request, _("已新增句子模板。"))
            return redirect("reports:templates")
        return render(request, "reports/template_form.html", _form_context(form), status=done.status)
    return render(request, "reports/template_form.html", _form_context(form))


@require_http_methods(["GET", "POST"])
@permission_required_403(MANAGE)
@handles_app_errors
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get(user=request.user, pk=pk)
    if request.method == "POST":
        form = TemplateForm(request.POST)
        done = submit(form, lambda data: services.template_update(actor=request.user, template=template, **data))
        if done.ok:
            messages.success(request, _("已保存。"))
            return redirect("reports:templates")
        return render(request, "reports/template_form.html", _form_context(form, template), status=done.status)
    form = TemplateForm(initial={f: getattr(template, f) for f in services.TEMPLATE_FIELDS})
    return render(request, "reports/template_form.html", _form_context(form, template))
