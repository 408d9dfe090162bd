"""The evaluation web, continued: weekly publications (晾晒), suggestions (建议) and schemes (评价方案).

Writes are calls to ``evaluation.services`` (the calls the API makes); the
buttons come from ``PUBLICATION_WORKFLOW.available`` and
``SUGGESTION_WORKFLOW.available``; a service's refusal lands on the field it
names, with its status (422 bad input, 409 a week already published).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.errors import AppError, InvalidInput, NotFound
from zhengwu.core.web import handles_app_errors, is_htmx, permission_required_403
from zhengwu.evaluation import charts, exports, selectors, services, tables
from zhengwu.evaluation.choices import Grouping, PublicationStatus, SuggestionStatus
from zhengwu.evaluation.forms import (
    DecisionForm,
    PrepareForm,
    SchemeForm,
    SuggestionForm,
    attach_app_error,
    rule_rows,
    rules_initial,
)
from zhengwu.evaluation.models import Scheme, SchemeVersion
from zhengwu.evaluation.workflow import PUBLICATION_WORKFLOW, SUGGESTION_WORKFLOW

PAGE_SIZE = 30
PUBLICATION_TONES = {PublicationStatus.DRAFT: "yellow", PublicationStatus.PUBLISHED: "green"}
SUGGESTION_TONES = {SuggestionStatus.SUBMITTED: "yellow", SuggestionStatus.ADOPTED: "green",
                    SuggestionStatus.DECLINED: "grey"}


def _hx_redirect(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _year(request: HttpRequest) -> int:
    return _year_of(request.GET)


def _year_of(params: Any) -> int:
    raw = (params.get("year") or "").strip()
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise InvalidInput(_("请输入有效的年份。"), field="year", code="bad_year")
    return int(raw)


# --- publications ------------------------------------------------------------------------------------

def _schemes_with_versions() -> Any:
    return Scheme.objects.filter(versions__isnull=False).distinct().order_by("pk")


def _last_monday() -> Any:
    return services.week_of(timezone.localdate()) - timedelta(days=7)


def _publications_context(request: HttpRequest, *, year: int, grouping: str,
                          form: PrepareForm | None = None) -> dict[str, Any]:
    listed = list(selectors.publication_list(user=request.user, year=year))
    trend = selectors.publication_trend(p for p in listed if p.grouping == grouping)
    trend_table = tables.publication_trend_table(trend, group=grouping)
    chart = charts.lines(title=_("历次晾晒总分"), labels=[f"{w:%m-%d}" for w in trend.weeks],
                         series={name: totals for _gid, name, totals, _ranks in trend.rows}, unit=_("分"))
    if form is None and request.user.has_perm("evaluation.publish"):
        schemes = _schemes_with_versions()
        first = next(iter(schemes), None)
        form = PrepareForm(schemes=schemes, initial={"week_start": _last_monday(),
                                                     "scheme": first.pk if first else None})
    return {
        "year": year, "grouping": grouping, "groupings": Grouping.choices,
        "publications_table": tables.publications_table(
            listed, link=lambda p: reverse("evaluation:publication", args=[p.pk])),
        "drafts": [p for p in listed if p.status == PublicationStatus.DRAFT],
        "count": sum(1 for p in listed if p.status == PublicationStatus.PUBLISHED and p.grouping == grouping),
        "trend_table": trend_table, "chart": charts.to_json(chart) if trend.weeks else "",
        "form": form, "export_url": f"{reverse('evaluation:publications_export')}?{request.GET.urlencode()}",
    }


@require_GET
@permission_required_403("evaluation.view")
@handles_app_errors
def publications(request: HttpRequest) -> HttpResponse:
    """晾晒: the year's weekly publications, the drafts waiting, the trend over publications."""
    grouping = request.GET.get("grouping") or Grouping.DEPARTMENT
    if grouping not in Grouping.values:
        raise InvalidInput(_("没有这个选项。"), field="grouping", code="bad_choice")
    return render(request, "evaluation/publications.html",
                  _publications_context(request, year=_year(request), grouping=grouping))


@require_GET
@permission_required_403("evaluation.view")
@handles_app_errors
def publications_export(request: HttpRequest) -> HttpResponse:
    grouping = request.GET.get("grouping") or Grouping.DEPARTMENT
    if grouping not in Grouping.values:
        raise InvalidInput(_("没有这个选项。"), field="grouping", code="bad_choice")
    context = _publications_context(request, year=_year(request), grouping=grouping)
    return exports.xlsx_response([context["publications_table"], context["trend_table"]],
                                 filename=f"晾晒-{context['year']}.xlsx", heading=str(context["year"]))


@require_POST
@permission_required_403("evaluation.publish")
@handles_app_errors
def publication_prepare(request: HttpRequest) -> HttpResponse:
    """Prepare a week's draft (the Monday job does this too); the person then publishes it."""
    form = PrepareForm(request.POST, schemes=_schemes_with_versions())
    status = 422
    if form.is_valid():
        try:
            draft = services.publication_prepare(actor=request.user, scheme=form.cleaned_data["scheme"],
                                                 week_start=form.cleaned_data["week_start"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            return _hx_redirect(request, reverse("evaluation:publication", args=[draft.pk]))
    if is_htmx(request):
        return render(request, "evaluation/partials/_prepare_form.html", {"form": form}, status=status)
    context = _publications_context(request, year=timezone.localdate().year, grouping=Grouping.DEPARTMENT,
                                    form=form)
    return render(request, "evaluation/publications.html", context, status=status)


def _publication_tables(publication: Any) -> list[tables.Table]:
    rows = selectors.snapshot_rows(publication)
    indicators = selectors.snapshot_indicators(publication)
    weights = {r.indicator.code: r.weight for r in publication.scheme_version.rules.select_related("indicator")}
    return [
        tables.ranking_rows_table(rows=rows, indicators=indicators, group=publication.grouping, weights=weights,
                                  key="snapshot", title=_("得分与排名")),
        tables.values_table(rows=rows, indicators=indicators, group=publication.grouping, key="snapshot_values",
                            title=_("指标值")),
    ]


@require_GET
@permission_required_403("evaluation.view")
@handles_app_errors
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One week: the frozen (or, for a draft, the prepared) figures, the digest, the publish button."""
    publication = selectors.publication_get(user=request.user, pk=pk)
    return render(request, "evaluation/publication.html", {
        "publication": publication, "tables": _publication_tables(publication),
        "actions": PUBLICATION_WORKFLOW.available(publication, request.user), "tones": PUBLICATION_TONES,
        "export_url": reverse("evaluation:publication_export", args=[pk]),
    })


@require_GET
@permission_required_403("evaluation.view")
@handles_app_errors
def publication_export(request: HttpRequest, pk: int) -> HttpResponse:
    publication = selectors.publication_get(user=request.user, pk=pk)
    heading = f"{publication.period_start:%Y-%m-%d} 至 {publication.period_end:%Y-%m-%d}"
    return exports.xlsx_response(_publication_tables(publication), heading=heading,
                                 filename=f"晾晒-{publication.week_start:%Y%m%d}.xlsx")


@require_POST
@permission_required_403("evaluation.view")
@handles_app_errors
def publication_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """晾晒发布: freeze the week's figures with their digest; a published week never changes."""
    publication = selectors.publication_get(user=request.user, pk=pk)
    transition = PUBLICATION_WORKFLOW.transitions.get(action)
    if transition is None or transition.system:
        raise NotFound(_("没有这个操作。"))
    version = (request.POST.get("version") or "").strip()
    if version.isdigit():
        publication.version = int(version)  # the version the user saw: a newer one is a 409
    if action == "publish":
        services.publication_publish(actor=request.user, publication=publication)
    else:  # pragma: no cover - the table has one transition today
        PUBLICATION_WORKFLOW.run(publication, action, actor=request.user)
    messages.success(request, _("已完成“%(action)s”。") % {"action": transition.label})
    return _hx_redirect(request, reverse("evaluation:publication", args=[pk]))


# --- suggestions ----------------------------------------------------------------------------------------------

def _suggestion_form(request: HttpRequest, data: Any = None) -> SuggestionForm | None:
    if not request.user.has_perm("evaluation.suggest"):
        return None
    from zhengwu.org.selectors import departments_visible_to

    own = request.user.department if request.user.department_id else None
    return SuggestionForm(data, departments=departments_visible_to(request.user), own_department=own)


def _suggestion_rows(request: HttpRequest, suggestions: list[Any], *, failed: int | None = None,
                     form: DecisionForm | None = None) -> list[dict[str, Any]]:
    rows = []
    for s in suggestions:
        bound = form if s.pk == failed else DecisionForm(initial={"version": s.version})
        rows.append({"suggestion": s, "actions": SUGGESTION_WORKFLOW.available(s, request.user), "form": bound})
    return rows


def suggestion_rows(user: Any, params: Any) -> Any:
    """The suggestions list for ``params`` (year, status, department): the screen and its Excel export read the
    same; a bad choice is a 422 naming the field."""
    status = params.get("status") or ""
    if status and status not in SuggestionStatus.values:
        raise InvalidInput(_("没有这个选项。"), field="status", code="bad_choice")
    department = (params.get("department_id") or "").strip()
    if department and not department.isdigit():
        raise InvalidInput(_("请选择列表中的部门。"), field="department_id", code="bad_choice")
    return selectors.suggestion_list(user=user, status=status or None,
                                     department_id=int(department) if department else None, year=_year_of(params))


def _suggestions_context(request: HttpRequest, *, form: SuggestionForm | None = None) -> dict[str, Any]:
    year = _year(request)
    status = request.GET.get("status") or ""
    department = (request.GET.get("department_id") or "").strip()
    listed = suggestion_rows(request.user, request.GET)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    counts, total = selectors.suggestion_counts(suggestions=selectors.suggestion_list(user=request.user, year=year))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "year": year, "status": status, "department_id": department, "statuses": SuggestionStatus.choices,
        "page_obj": page, "rows": _suggestion_rows(request, list(page.object_list)), "query": query.urlencode(),
        "counts_table": tables.suggestion_counts_table(counts, total), "total": total,
        "departments": [(c.department_id, c.department) for c in counts],
        "form": form if form is not None else _suggestion_form(request), "tones": SUGGESTION_TONES,
        "export_url": f"{reverse('evaluation:suggestions_export')}?{request.GET.urlencode()}",
    }


@require_GET
@permission_required_403("evaluation.view")
@handles_app_errors
def suggestions(request: HttpRequest) -> HttpResponse:
    """评价建议: the departments' suggestions on the scheme, the answers, the counts by department."""
    return render(request, "evaluation/suggestions.html", _suggestions_context(request))


@require_GET
@permission_required_403("evaluation.view")
@handles_app_errors
def suggestions_export(request: HttpRequest) -> HttpResponse:
    context = _suggestions_context(request)
    return exports.xlsx_response([context["counts_table"]], filename=f"评价建议-{context['year']}.xlsx",
                                 heading=str(context["year"]))


@require_POST
@permission_required_403("evaluation.suggest")
@handles_app_errors
def suggestion_new(request: HttpRequest) -> HttpResponse:
    form = _suggestion_form(request, request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.suggestion_submit(actor=request.user, department=form.department_value(), title=data["title"],
                                       content=data["content"], indicator=data.get("indicator"))
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("建议已提交,中心答复后会显示在列表中。"))
            return _hx_redirect(request, reverse("evaluation:suggestions"))
    if is_htmx(request):
        return render(request, "evaluation/partials/_suggestion_form.html", {"form": form}, status=status)
    return render(request, "evaluation/suggestions.html", _suggestions_context(request, form=form), status=status)


@require_POST
@permission_required_403("evaluation.view")
@handles_app_errors
def suggestion_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """采纳 / 不予采纳, with the reason (required): the service's refusal lands on the reason."""
    suggestion = selectors.suggestion_get(user=request.user, pk=pk)
    transition = SUGGESTION_WORKFLOW.transitions.get(action)
    if transition is None:
        raise NotFound(_("没有这个操作。"))
    form = DecisionForm(request.POST)
    status = 422
    if form.is_valid():
        suggestion.version = form.cleaned_data["version"]
        try:
            services.suggestion_decide(actor=request.user, suggestion=suggestion, adopt=action == "adopt",
                                       reason=form.cleaned_data["reason"])
        except AppError as exc:
            if exc.field != "reason":
                raise
            form.add_error("reason", exc.message)
            status = exc.status
        else:
            messages.success(request, _("已完成“%(action)s”。") % {"action": transition.label})
            return _hx_redirect(request, reverse("evaluation:suggestions"))
    row = _suggestion_rows(request, [suggestion], failed=suggestion.pk, form=form)[0]
    return render(request, "evaluation/partials/_suggestion_row.html",
                  {"row": row, "tones": SUGGESTION_TONES, "failed_action": action}, status=status)


# --- schemes ----------------------------------------------------------------------------------------------------

@require_GET
@permission_required_403("evaluation.view")
@handles_app_errors
def schemes(request: HttpRequest) -> HttpResponse:
    """评价方案: the schemes with their current rules, and the indicators' definitions."""
    listed = []
    for scheme in Scheme.objects.order_by("pk"):
        current = scheme.current
        listed.append({"scheme": scheme, "current": current,
                       "rules": rule_rows(current.rules.select_related("indicator")) if current else []})
    return render(request, "evaluation/schemes.html", {"schemes": listed, "indicators": selectors.indicators_active()})


@require_GET
@permission_required_403("evaluation.view")
@handles_app_errors
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = Scheme.objects.filter(pk=pk).first()
    if scheme is None:
        raise NotFound(_("评价方案不存在。"))
    versions = [{"version": v, "rules": rule_rows(v.rules.all())}
                for v in SchemeVersion.objects.filter(scheme=scheme).order_by("-number")
                .prefetch_related("rules__indicator")]
    return render(request, "evaluation/scheme.html", {"scheme": scheme, "versions": versions})


def _render_scheme_form(request: HttpRequest, form: SchemeForm, *, scheme: Scheme | None, status: int = 200
                        ) -> HttpResponse:
    context = {"form": form, "scheme": scheme}
    template = "evaluation/partials/_scheme_form.html" if is_htmx(request) else "evaluation/scheme_form.html"
    return render(request, template, context, status=status)


def _save_scheme(request: HttpRequest, form: SchemeForm, scheme: Scheme | None) -> HttpResponse:
    if not form.is_valid():
        return _render_scheme_form(request, form, scheme=scheme, status=422)
    data = form.cleaned_data
    try:
        if scheme is None:
            version = services.scheme_create(actor=request.user, name=data["name"], grouping=data["grouping"],
                                             rules=form.rules(), note=data["note"])
        else:
            version = services.scheme_revise(actor=request.user, scheme=scheme, rules=form.rules(),
                                             note=data["note"] or _("修订"))
    except AppError as exc:
        form.attach(exc)
        return _render_scheme_form(request, form, scheme=scheme, status=exc.status)
    messages.success(request, _("已保存“%(scheme)s”第 %(n)s 版。") % {"scheme": version.scheme.name,
                                                                  "n": version.number})
    return _hx_redirect(request, reverse("evaluation:scheme", args=[version.scheme_id]))


@require_http_methods(["GET", "POST"])
@permission_required_403("evaluation.manage_schemes")
@handles_app_errors
def scheme_new(request: HttpRequest) -> HttpResponse:
    indicators = selectors.indicators_active()
    if request.method == "POST":
        return _save_scheme(request, SchemeForm(request.POST, indicators=indicators), None)
    return _render_scheme_form(request, SchemeForm(indicators=indicators), scheme=None)


@require_http_methods(["GET", "POST"])
@permission_required_403("evaluation.manage_schemes")
@handles_app_errors
def scheme_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Revising writes a new version; the publications made keep the version that scored them."""
    scheme = Scheme.objects.filter(pk=pk).first()
    if scheme is None:
        raise NotFound(_("评价方案不存在。"))
    indicators = selectors.indicators_active()
    current = scheme.current
    initial = rules_initial(current) if current is not None else None
    if request.method == "POST":
        return _save_scheme(request, SchemeForm(request.POST, indicators=indicators, scheme=scheme,
                                                initial_rules=initial), scheme)
    return _render_scheme_form(request, SchemeForm(indicators=indicators, scheme=scheme, initial_rules=initial),
                               scheme=scheme)
