"""The trading staff's workspace (web, under /trading/): projects and sections, tenders, their changes,
registrations and deposits, refunds, custodians and the opening.

The draw, the evaluation, the publicity and the award are in ``views_committee``; the bidder portal in
``views_portal``; the expert's scoring screen in ``views_expert``.

Every view states the permission it needs and reads through the scoped selectors (a row outside the
user's scope is a 404); every write is one call to a trading service, the same the API makes, and a
refusal is shown next to the field it names. Supervisors and the center administrator read the same
pages (``trading.view_workspace``) without the forms: a write view needs the action's own permission.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.errors import AppError, NotFound
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.org import selectors as org_selectors
from zhengwu.trading import selectors, services, services_bids, services_deposits
from zhengwu.trading.choices import (
    BID_STATUS_TONES,
    OBJECTION_STATUS_TONES,
    OPEN_FOR_BIDS,
    REFUND_STATE_TONES,
    TENDER_STATUS_TONES,
    SealingMode,
    TenderStatus,
)
from zhengwu.trading.forms import (
    ChangeForm,
    CustodianForm,
    DepositRecordForm,
    OpeningForm,
    ProjectForm,
    ReasonForm,
    RefundForm,
    SectionForm,
    TenderForm,
    attach_app_error,
    tender_form_data,
)
from zhengwu.trading.models import Project, Tender
from zhengwu.trading.workflow import TENDER_WORKFLOW

PAGE_SIZE = 50
#: a tender whose opening has not been held: the opening button may show once its time has come
BEFORE_OPENING = (TenderStatus.PUBLISHED, TenderStatus.AMENDED, TenderStatus.CLOSED)
WORKSPACE = "trading.view_workspace"


def _version(request: HttpRequest) -> int | None:
    text = (request.POST.get("version") or "").strip()
    return int(text) if text.isdigit() else None


# --- projects ----------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def projects(request: HttpRequest) -> HttpResponse:
    """交易项目: every project the user may see, newest first; ``q`` matches the number or the name."""
    q = (request.GET.get("q") or "").strip()[:64]
    page = Paginator(project_rows(request.user, request.GET), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trading/projects.html", {"page_obj": page, "q": q})


def project_rows(user: Any, params: Any) -> Any:
    """The projects list's rows for ``params`` (the screen and its Excel export read the same)."""
    q = (params.get("q") or "").strip()[:64]
    qs = (selectors.project_list(user=user).annotate(tender_count=Count("tenders"))
          .order_by("-created_at", "-id"))
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(name__icontains=q))
    return qs


def _project_form(request: HttpRequest, data: Any = None) -> ProjectForm:
    return ProjectForm(data, departments=org_selectors.departments_visible_to(request.user))


@require_http_methods(["GET", "POST"])
@permission_required_403("trading.manage_projects")
@handles_app_errors
def project_new(request: HttpRequest) -> HttpResponse:
    """登记项目 with its first section."""
    status = 200
    if request.method == "POST":
        form = _project_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                project = services.project_register(
                    actor=request.user, name=data["name"], project_type=data["project_type"],
                    procedure=data["procedure"], funding_source=data["funding_source"], estimate=data["estimate"],
                    control_price=data["control_price"] or None, tendering_party_name=data["tendering_party_name"],
                    tendering_party_credit_code=data["tendering_party_credit_code"],
                    description=data["description"], sections=form.sections(),
                    supervising_department=data["supervising_department"])
            except AppError as exc:
                attach_app_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("项目 %(number)s 已登记。") % {"number": project.number})
                return redirect("trading:project", pk=project.pk)
        else:
            status = 422
    else:
        form = _project_form(request)
    return render(request, "trading/project_new.html", {"form": form}, status=status)


def _project_context(request: HttpRequest, project: Project, *, section_form: SectionForm | None = None) -> dict:
    tenders = list(selectors.tender_list(user=request.user).filter(project=project)
                   .prefetch_related("tender_sections__section").order_by("run_number"))
    can_add = request.user.has_perm("trading.manage_projects")
    return {
        "project": project,
        "sections": list(project.sections.order_by("number")),
        "tenders": tenders,
        "section_form": section_form or (SectionForm() if can_add else None),
        "free_sections": selectors.sections_free_for_tender(project=project).exists(),
        "TENDER_STATUS_TONES": TENDER_STATUS_TONES,
    }


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    return render(request, "trading/project_detail.html", _project_context(request, project))


@require_POST
@permission_required_403("trading.manage_projects")
@handles_app_errors
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = SectionForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            section = services.section_add(actor=request.user, project=project, name=data["name"],
                                           contract_kind=data["contract_kind"], estimate=data["estimate"],
                                           control_price=data["control_price"] or None)
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已添加%(section)s。") % {"section": section})
            return redirect("trading:project", pk=project.pk)
    return render(request, "trading/project_detail.html", _project_context(request, project, section_form=form),
                  status=status)


# --- tenders -------------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@permission_required_403("trading.manage_tenders")
@handles_app_errors
def tender_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft tender for the project's free sections; published from its page."""
    project = selectors.project_get(user=request.user, pk=pk)
    sections = list(selectors.sections_free_for_tender(project=project))
    status = 200
    if request.method == "POST":
        form = TenderForm(request.POST, sections=sections)
        if form.is_valid():
            try:
                tender = services.tender_create(actor=request.user, project=project, **form.schedule(),
                                                deposits=form.deposits(),
                                                sealing_mode=form.cleaned_data["sealing_mode"])
            except AppError as exc:
                attach_app_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("招标 %(number)s 已创建(草稿),核对后发布。") % {"number": tender.number})
                return redirect("trading:tender", pk=tender.pk)
        else:
            status = 422
    else:
        form = TenderForm(initial={"title": _("%(name)s招标公告") % {"name": project.name}}, sections=sections)
    return render(request, "trading/tender_new.html", {"project": project, "form": form}, status=status)


def _tender_context(request: HttpRequest, tender: Tender, **forms: Any) -> dict[str, Any]:
    """Everything the tender's page shows; ``forms`` replaces a default form by a bound one with its errors."""
    user = request.user
    now = timezone.now()
    offers = list(tender.tender_sections.select_related("section").order_by("section__number"))
    draws = {d.tender_section_id: d for d in selectors.expert_draws_visible_to(user).filter(tender_section__tender=tender)}
    evaluations = {e.tender_section_id: e for e in
                   selectors.evaluations_visible_to(user).filter(tender_section__tender=tender)}
    records = {r.section_id: r for r in selectors.opening_record_list(user=user, tender_id=tender.pk)}
    registered = dict(selectors.registrations_visible_to(user).filter(tender_section__tender=tender)
                      .values_list("tender_section_id").annotate(n=Count("pk")).order_by())
    rows = [{"offer": o, "section": o.section, "registered": registered.get(o.pk, 0), "draw": draws.get(o.pk),
             "evaluation": evaluations.get(o.pk), "record": records.get(o.section_id)} for o in offers]
    is_draft = tender.status == TenderStatus.DRAFT
    can_edit = is_draft and user.has_perm("trading.manage_tenders")
    open_for_bids = tender.status in OPEN_FOR_BIDS
    can_change = open_for_bids and (user.has_perm("trading.clarify_tender") or user.has_perm("trading.amend_tender"))
    custodian_mode = tender.sealing_mode == SealingMode.CUSTODIANS
    custodians = list(tender.custodians.select_related("user").order_by("position")) if custodian_mode else []
    enrolled = any(c.user_id == user.pk for c in custodians)
    can_enroll = (custodian_mode and not enrolled and user.has_perm("trading.hold_opening_key")
                  and tender.status in (TenderStatus.DRAFT, *OPEN_FOR_BIDS))
    before_opening = tender.status in BEFORE_OPENING
    can_open = before_opening and now >= tender.opening_at and user.has_perm("trading.open_tender")
    given = (len(services_bids.opening_passphrases_given(tender=tender))
             if before_opening and not custodian_mode else None)
    actions = [t for t in TENDER_WORKFLOW.available(tender, user) if t.name in ("publish", "fail")]
    context = {
        "tender": tender, "project": tender.project, "rows": rows, "now": now,
        "publish": next((t for t in actions if t.name == "publish"), None),
        "fail": next((t for t in actions if t.name == "fail"), None),
        "edit_form": (TenderForm(tender_form_data(tender), sections=selectors.sections_free_for_tender(
            project=tender.project, tender=tender), editing=True) if can_edit else None),
        "change_form": ChangeForm() if can_change else None,
        "fail_form": ReasonForm(),
        "changes": list(selectors.tender_changes(tender)),
        "objections": list(selectors.objections_visible_to(user).filter(tender=tender).order_by("submitted_at")),
        "custodian_mode": custodian_mode, "custodians": custodians, "enrolled": enrolled,
        "custodian_form": CustodianForm() if can_enroll else None,
        "before_opening": before_opening, "can_open": can_open, "passphrases_given": given,
        "opening_form": OpeningForm(custodians=custodians) if can_open else None,
        "watch_bids": before_opening,
        "TENDER_STATUS_TONES": TENDER_STATUS_TONES, "OBJECTION_STATUS_TONES": OBJECTION_STATUS_TONES,
    }
    context.update({k: v for k, v in forms.items() if v is not None})
    return context


def _tender(request: HttpRequest, pk: int) -> Tender:
    return selectors.tender_get(user=request.user, pk=pk)


def _render_tender(request: HttpRequest, tender: Tender, *, status: int = 200, **forms: Any) -> HttpResponse:
    return render(request, "trading/tender_detail.html", _tender_context(request, tender, **forms), status=status)


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_tender(request, _tender(request, pk))


@require_POST
@permission_required_403("trading.manage_tenders")
@handles_app_errors
def tender_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft (its schedule and sections); a published tender changes only by a clarification or amendment."""
    tender = _tender(request, pk)
    form = TenderForm(request.POST, editing=True,
                      sections=selectors.sections_free_for_tender(project=tender.project, tender=tender))
    status = 422
    if form.is_valid():
        try:
            services.tender_update(actor=request.user, tender=tender, deposits=form.deposits(), **form.schedule())
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect("trading:tender", pk=tender.pk)
    return _render_tender(request, tender, status=status, edit_form=form)


@require_POST
@permission_required_403("trading.publish_tender")
@handles_app_errors
def tender_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """发布. A refused rule about a date or a deposit is shown next to that field of the draft's form."""
    tender = _tender(request, pk)
    try:
        services.tender_publish(actor=request.user, tender=tender.pk, expected_version=_version(request))
    except AppError as exc:
        form = TenderForm(tender_form_data(tender), editing=True,
                          sections=selectors.sections_free_for_tender(project=tender.project, tender=tender))
        form.is_valid()
        attach_app_error(form, exc)
        return _render_tender(request, tender, status=exc.status, edit_form=form)
    messages.success(request, _("招标公告已发布。"))
    return redirect("trading:tender", pk=tender.pk)


@require_POST
@permission_required_403("trading.clarify_tender")
@handles_app_errors
def tender_change(request: HttpRequest, pk: int) -> HttpResponse:
    """澄清 (tender_clarify) or 修改 (tender_amend, the tender's ``amend`` transition)."""
    tender = _tender(request, pk)
    form = ChangeForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "amendment":
                services.tender_amend(actor=request.user, tender=tender.pk, title=data["title"],
                                      content=data["content"], affects_bids=True,
                                      new_bid_deadline=data["new_bid_deadline"])
            else:
                services.tender_clarify(actor=request.user, tender=tender, title=data["title"],
                                        content=data["content"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已发出“%(title)s”。") % {"title": data["title"]})
            return redirect("trading:tender", pk=tender.pk)
    return _render_tender(request, tender, status=status, change_form=form)


@require_POST
@permission_required_403("trading.fail_tender")
@handles_app_errors
def tender_fail(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    form = ReasonForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.tender_transition(actor=request.user, tender=tender.pk, action="fail",
                                       reason=form.cleaned_data["reason"], expected_version=_version(request))
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已流标。"))
            return redirect("trading:tender", pk=tender.pk)
    return _render_tender(request, tender, status=status, fail_form=form)


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def tender_bid_count(request: HttpRequest, pk: int) -> HttpResponse:
    """The number of sealed bids per section, without a name (htmx, refreshed while bids may come in)."""
    tender = _tender(request, pk)
    counts = selectors.sealed_bid_counts(user=request.user, tender_id=tender.pk)
    offers = tender.tender_sections.select_related("section").order_by("section__number")
    return render(request, "trading/partials/_bid_count.html", {
        "tender": tender, "rows": [(o.section, counts.get(o.section_id, 0)) for o in offers],
        "total": sum(counts.values()), "watch": tender.status in BEFORE_OPENING})


@require_POST
@permission_required_403("trading.hold_opening_key")
@handles_app_errors
def custodian_enroll(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    form = CustodianForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            key = services_bids.custodian_enroll(actor=request.user, tender=tender,
                                                 passphrase=form.cleaned_data["passphrase"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("您已登记为第 %(n)d 位开标密钥托管人。") % {"n": key.position})
            return redirect("trading:tender", pk=tender.pk)
    return _render_tender(request, tender, status=status, custodian_form=form)


# --- the opening -----------------------------------------------------------------------------------------------

@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def tender_opening(request: HttpRequest, pk: int) -> HttpResponse:
    """开标记录: the published record of each section (bidders, prices, decryption results, digests)."""
    tender = _tender(request, pk)
    records = list(selectors.opening_record_list(user=request.user, tender_id=tender.pk))
    return render(request, "trading/opening.html", {"tender": tender, "records": records,
                                                    "BID_STATUS_TONES": BID_STATUS_TONES,
                                                    "back_url": reverse("trading:tender", args=[tender.pk])})


@require_POST
@permission_required_403("trading.open_tender")
@handles_app_errors
def tender_open(request: HttpRequest, pk: int) -> HttpResponse:
    """开标 (at or after the opening time): with the passphrases the bidders gave in the portal, or the
    custodians' typed here; a refusal (too early, too few shares) is shown on the tender's page."""
    tender = _tender(request, pk)
    custodians = list(tender.custodians.select_related("user").order_by("position"))
    form = OpeningForm(request.POST, custodians=custodians)
    form.is_valid()
    try:
        services_bids.tender_open_with_given_passphrases(actor=request.user, tender=tender,
                                                         custodian_passphrases=form.custodian_passphrases())
    except AppError as exc:
        attach_app_error(form, exc)
        return _render_tender(request, tender, status=exc.status, opening_form=form)
    messages.success(request, _("开标完成,开标记录已公布。"))
    return redirect("trading:opening", pk=tender.pk)


# --- registrations and deposits ------------------------------------------------------------------------------

@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    """报名与保证金 of one tender (staff only: names and numbers of bidders are confidential before the opening)."""
    tender = _tender(request, pk)
    rows = list(selectors.registration_list(user=request.user, tender_id=tender.pk)
                .order_by("tender_section__section__number", "registered_at", "id"))
    today = timezone.localdate()
    return render(request, "trading/registrations.html", {
        "tender": tender, "rows": [(r, getattr(r, "deposit", None)) for r in rows], "today": today,
        "REFUND_STATE_TONES": REFUND_STATE_TONES})


@require_http_methods(["GET", "POST"])
@permission_required_403("trading.record_deposit")
@handles_app_errors
def deposit_record(request: HttpRequest, pk: int) -> HttpResponse:
    """登记保证金 of one registration: a transfer from the basic account, or an electronic guarantee."""
    registration = selectors.registration_get(user=request.user, pk=pk)
    tender = registration.tender_section.tender
    status = 200
    if request.method == "POST":
        form = DepositRecordForm(request.POST)
        if form.is_valid():
            try:
                services_deposits.deposit_record(actor=request.user, registration=registration, **form.cleaned_data)
            except AppError as exc:
                attach_app_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("已登记%(bidder)s的保证金。") % {"bidder": registration.enterprise.name})
                return redirect("trading:registrations", pk=tender.pk)
        else:
            status = 422
    else:
        form = DepositRecordForm(initial={"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                                          "amount": registration.tender_section.deposit_required,
                                          "payer_account_name": registration.enterprise.name})
    return render(request, "trading/deposit_record.html", {"registration": registration, "tender": tender,
                                                           "form": form}, status=status)


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def deposits_overdue(request: HttpRequest) -> HttpResponse:
    """逾期未退保证金: transfers whose refund due date has passed, oldest due date first."""
    today = timezone.localdate()
    rows = list(deposit_overdue_rows(request.user, request.GET))
    return render(request, "trading/deposits_overdue.html", {"rows": rows, "today": today})


def deposit_overdue_rows(user: Any, params: Any) -> Any:
    """The overdue deposits the screen lists (its first 500), for the screen and its Excel export."""
    return selectors.deposits_overdue(user=user, today=timezone.localdate())[:500]


@require_http_methods(["GET", "POST"])
@permission_required_403("trading.refund_deposit")
@handles_app_errors
def deposit_refund(request: HttpRequest, pk: int) -> HttpResponse:
    deposit = selectors.deposit_get(user=request.user, pk=pk)
    status = 200
    if request.method == "POST":
        form = RefundForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services_deposits.deposit_refund(actor=request.user, deposit=deposit, refunded_on=data["refunded_on"],
                                                 interest=data["interest"] or 0, reference=data["reference"])
            except AppError as exc:
                attach_app_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("已登记退还。"))
                return redirect("trading:deposits_overdue")
        else:
            status = 422
    else:
        form = RefundForm(initial={"refunded_on": timezone.localdate()})
    return render(request, "trading/deposit_refund.html", {"deposit": deposit, "form": form,
                                                           "REFUND_STATE_TONES": REFUND_STATE_TONES},
                  status=status)


def section_of(tender: Tender, section_pk: int):
    """The offered section of a tender, or 404."""
    offer = tender.tender_sections.select_related("section").filter(section_id=section_pk).first()
    if offer is None:
        raise NotFound(_("本次招标不包含该标段。"))
    return offer
