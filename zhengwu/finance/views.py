"""The financial services supermarket on the web (under /finance/): the catalog, the application form, the list
and a detail with the actions the workflow offers this user, the figures with a chart and the Excel export.

Every view states the permission it needs and reads through the scoped selectors (another enterprise's
application is a 404); every write is one call to the service the API also calls, and a refusal is shown next
to the field it names (status 422/409).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.errors import AppError
from zhengwu.core.forms import attach_app_error
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.finance import figures as finance_figures
from zhengwu.finance import selectors, services
from zhengwu.finance.choices import APPLICATION_STATUS_TONES, ProductKind
from zhengwu.finance.forms import (
    ACTION_FORMS,
    ApplicationForm,
    FilterForm,
    InstitutionForm,
    PeriodForm,
    ProductForm,
)
from zhengwu.finance.models import Application
from zhengwu.finance.workflow import buttons

PAGE_SIZE = 50


def _refused(form: Any, exc: AppError) -> int:
    if exc.status in (403, 404):
        raise exc
    attach_app_error(form, exc)
    return exc.status


@require_GET
@permission_required_403("finance.view_catalog")
def catalog(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in ProductKind.values else ""
    products = selectors.product_list(user=request.user, kind=kind)
    return render(request, "finance/catalog.html", {
        "products": products, "institutions": selectors.institutions_visible_to(request.user), "kind": kind,
        "kinds": ProductKind.choices})


@require_http_methods(["GET", "POST"])
@permission_required_403("finance.manage_catalog")
@handles_app_errors
def institution_new(request: HttpRequest) -> HttpResponse:
    form, status = InstitutionForm(request.POST or None), 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.institution_create(actor=request.user, **form.cleaned_data)
            except AppError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("机构已登记。"))
                return redirect("finance:catalog")
    return render(request, "finance/form.html", {"form": form, "title": _("登记金融机构")}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required_403("finance.manage_catalog")
@handles_app_errors
def product_new(request: HttpRequest) -> HttpResponse:
    institutions = selectors.institutions_visible_to(request.user).filter(active=True)
    form, status = ProductForm(request.POST or None, institutions=institutions), 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.product_create(actor=request.user, institution=data.pop("institution"), **data)
            except AppError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("产品已上架。"))
                return redirect("finance:catalog")
    return render(request, "finance/form.html", {"form": form, "title": _("上架金融产品")}, status=status)


def application_rows(user: Any, params: Any, *, form: Any = None) -> Any:
    """The applications list's rows for ``params`` (the screen and its Excel export read the same)."""
    form = form if form is not None else FilterForm(params or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    return selectors.application_list(user=user, **filters)


@require_GET
@permission_required_403("finance.view")
def application_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    qs = application_rows(request.user, request.GET, form=form)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "finance/list.html", {"form": form, "page_obj": page, "query": query.urlencode(),
                                                 "status_tones": APPLICATION_STATUS_TONES})


def _application_form(request: HttpRequest, data: Any = None) -> ApplicationForm:
    from zhengwu.trading.selectors import registrations_visible_to

    user = request.user
    for_any = user.has_perm("finance.apply_for_any")
    registrations = []
    if user.enterprise_id:
        registrations = (registrations_visible_to(user).filter(enterprise_id=user.enterprise_id, deposit__isnull=True)
                         .select_related("enterprise", "tender_section__tender", "tender_section__section")
                         .order_by("-registered_at")[:200])
    initial = {"product": request.GET.get("product")} if data is None else None
    form = ApplicationForm(data, initial=initial, products=selectors.product_list(user=user),
                           registrations=registrations, for_any=for_any)
    if for_any:
        # the center's staff type the registration's number (编号) for a guarantee
        from django import forms

        form.fields["registration"] = forms.IntegerField(label=_("担保的投标报名编号(电子投标保函必填)"),
                                                         required=False)
        form.style()
    return form


@require_http_methods(["GET", "POST"])
@permission_required_403("finance.apply")
@handles_app_errors
def application_new(request: HttpRequest) -> HttpResponse:
    form, status = _application_form(request, request.POST if request.method == "POST" else None), 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                application = services.application_submit(
                    actor=request.user, product=data.pop("product"), registration=data.pop("registration"), **data)
            except AppError as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("申请 %(number)s 已提交。") % {"number": application.number})
                return redirect("finance:application", pk=application.pk)
    return render(request, "finance/form.html", {"form": form, "title": _("申请金融服务")}, status=status)


def _detail(request: HttpRequest, application: Application, bound: dict[str, Any] | None = None,
            status: int = 200) -> HttpResponse:
    bound = bound or {}
    actions = [{"transition": t, "form": bound.get(t.name) or ACTION_FORMS[t.name](prefix=t.name)}
               for t in buttons(application, request.user)]
    return render(request, "finance/detail.html", {"a": application, "actions": actions,
                                                   "status_tones": APPLICATION_STATUS_TONES}, status=status)


@require_GET
@permission_required_403("finance.view")
@handles_app_errors
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.application_get(user=request.user, pk=pk))


def _act(request: HttpRequest, application: Application, name: str, data: dict[str, Any]) -> None:
    actor = request.user
    if name == "accept":
        services.application_accept(actor=actor, application=application, reason=data.get("reason", ""))
    elif name == "decline":
        services.application_decline(actor=actor, application=application, reason=data.get("reason", ""))
    elif name == "approve":
        services.application_approve(actor=actor, application=application, **data)
    elif name == "issue":
        services.guarantee_issue(actor=actor, application=application, guarantee_number=data["guarantee_number"],
                                 valid_from=data["guarantee_valid_from"], valid_until=data["guarantee_valid_until"],
                                 deposit=data["deposit"], issued_on=data["issued_on"])
    else:
        services.loan_disburse(actor=actor, application=application, disbursed_on=data["disbursed_on"])


@require_POST
@permission_required_403("finance.process")
@handles_app_errors
def application_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in ACTION_FORMS:
        raise Http404
    application = selectors.application_get(user=request.user, pk=pk)
    form = ACTION_FORMS[name](request.POST, prefix=name)
    status = 422
    if form.is_valid():
        try:
            _act(request, application, name, form.cleaned_data)
        except AppError as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, _("已办理。"))
            return redirect("finance:application", pk=pk)
    application = selectors.application_get(user=request.user, pk=pk)
    return _detail(request, application, {name: form}, status=status)


def _figures(request: HttpRequest) -> tuple[PeriodForm, dict[str, Any] | None, int]:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None, 422
    try:
        return form, selectors.figures_for(user=request.user, **form.cleaned_data), 200
    except AppError as exc:
        return form, None, _refused(form, exc)


@require_GET
@permission_required_403("finance.view_figures")
@handles_app_errors
def figures(request: HttpRequest) -> HttpResponse:
    form, data, status = _figures(request)
    if data is not None:  # show the period the figures cover (the default one when none was asked)
        form = PeriodForm({"date_from": data["date_from"], "date_to": data["date_to"]})
    context: dict[str, Any] = {"form": form, "data": data}
    if data is not None:
        context.update(tables=finance_figures.page_tables(finance_figures.figure_tables(data)),
                       chart=finance_figures.chart(data))
    return render(request, "finance/figures.html", context, status=status)


@require_GET
@permission_required_403("finance.view_figures")
@handles_app_errors
def figures_export(request: HttpRequest) -> HttpResponse:
    form, data, status = _figures(request)
    if data is None:
        return render(request, "finance/figures.html", {"form": form, "data": None}, status=status)
    heading = f"{data['date_from']:%Y-%m-%d} — {data['date_to']:%Y-%m-%d}"
    body = finance_figures.workbook(finance_figures.figure_tables(data), heading=heading)
    response = HttpResponse(body, content_type=finance_figures.XLSX)
    filename = _("金融服务统计-%(from)s-%(to)s.xlsx") % {"from": f"{data['date_from']:%Y%m%d}",
                                                       "to": f"{data['date_to']:%Y%m%d}"}
    response["Content-Disposition"] = f"attachment; filename=\"finance.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response
