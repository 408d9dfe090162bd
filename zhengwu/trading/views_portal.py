"""The bidder portal (web, under /trading/portal/): an enterprise user sees the published tenders, registers its
own enterprise for a section, reads and downloads what the tender publishes, uploads a sealed bid (and gets
the receipt: bid id, SM3 digest, server time), withdraws or replaces it before the deadline, gives its
opening passphrase at the opening (a remote opening), and reads the published opening record.

It sees only its own registrations, deposits and bids (the scoped selectors: another bidder's row is a
404), never who else registered or how many bid (招标投标法 §22). Deposits are recorded by the center's
staff when the money or the guarantee arrives (``trading.record_deposit``); the portal shows them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import AppError, NotFound
from zhengwu.core.middleware import client_ip, received_at
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.trading import selectors, services, services_bids
from zhengwu.trading.choices import (
    BID_STATUS_TONES,
    OPEN_FOR_BIDS,
    REFUND_STATE_TONES,
    TENDER_STATUS_TONES,
    BidStatus,
    SealingMode,
    TenderStatus,
)
from zhengwu.trading.forms import BidForm, PassphraseForm, RegisterForm, WithdrawForm, attach_app_error
from zhengwu.trading.models import Bid, BidderRegistration, Tender
from zhengwu.trading.views import BEFORE_OPENING

PORTAL = "trading.submit_bid"


def _tender(request: HttpRequest, pk: int) -> Tender:
    """A tender the bidder may see; a draft is not the portal's (its announcement is not out)."""
    tender = selectors.tender_get(user=request.user, pk=pk)
    if tender.status == TenderStatus.DRAFT:
        raise NotFound(_("招标公告尚未发布。"))
    return tender


@require_GET
@permission_required_403(PORTAL)
@handles_app_errors
def home(request: HttpRequest) -> HttpResponse:
    """投标人门户: tenders open for bids, and the enterprise's own registrations with their bids."""
    user = request.user
    tenders = list(selectors.tender_list(user=user).filter(status__in=OPEN_FOR_BIDS).order_by("bid_deadline", "id"))
    registrations = list(selectors.registration_list(user=user).order_by("-registered_at", "-id")[:200])
    current = {b.registration_id: b for b in selectors.bids_visible_to(user)
               .filter(registration__in=[r.pk for r in registrations]).order_by("sequence")}
    return render(request, "trading/portal/home.html", {
        "tenders": tenders, "rows": [(r, getattr(r, "deposit", None), current.get(r.pk)) for r in registrations],
        "TENDER_STATUS_TONES": TENDER_STATUS_TONES, "BID_STATUS_TONES": BID_STATUS_TONES,
        "REFUND_STATE_TONES": REFUND_STATE_TONES})


def _portal_context(request: HttpRequest, tender: Tender, *, bound: tuple[str, int, Any] | None = None
                    ) -> dict[str, Any]:
    """The tender as the bidder sees it; ``bound`` = (form kind, registration or bid id, bound form with errors)."""
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now)
    offers = list(tender.tender_sections.select_related("section").order_by("section__number"))
    mine = list(selectors.registration_list(user=user, tender_id=tender.pk)
                .order_by("tender_section__section__number"))
    bids = list(selectors.bids_visible_to(user).filter(registration__in=[r.pk for r in mine]).order_by("sequence"))
    accepting = tender.status in OPEN_FOR_BIDS and now < tender.bid_deadline
    needs_passphrase = tender.sealing_mode == SealingMode.BIDDER
    at_opening = tender.status in BEFORE_OPENING and now >= tender.opening_at and needs_passphrase
    given = services_bids.opening_passphrases_given(tender=tender) if at_opening else set()

    def form_for(kind: str, pk: int, default: Any) -> Any:
        if bound is not None and bound[0] == kind and bound[1] == pk:
            return bound[2]
        return default

    rows = []
    for registration in mine:
        history = [b for b in bids if b.registration_id == registration.pk]
        sealed = next((b for b in history if b.status == BidStatus.SEALED), None)
        rows.append({
            "registration": registration, "deposit": getattr(registration, "deposit", None), "history": history,
            "sealed": sealed,
            "upload_form": (form_for("upload", registration.pk, BidForm(
                needs_passphrase=needs_passphrase, auto_id=f"upload{registration.pk}_%s"))
                if accepting and sealed is None else None),
            "replace_form": (form_for("replace", sealed.pk, BidForm(
                needs_passphrase=needs_passphrase, auto_id=f"replace{sealed.pk}_%s"))
                if accepting and sealed is not None else None),
            "withdraw_form": form_for("withdraw", sealed.pk, WithdrawForm()) if accepting and sealed else None,
            "passphrase_given": bool(sealed and sealed.pk in given),
            "passphrase_form": (form_for("passphrase", sealed.pk, PassphraseForm())
                                if at_opening and sealed is not None and sealed.pk not in given else None),
        })
    registered = {r.tender_section.section_id for r in mine}
    free = [o.section for o in offers if o.section_id not in registered]
    on_sale = tender.status in OPEN_FOR_BIDS and tender.on_sale_from <= today <= tender.on_sale_to
    register_form = None
    if on_sale and free:
        register_form = form_for("register", tender.pk, None) or RegisterForm(
            sections=tender.sections.filter(pk__in=[s.pk for s in free]).order_by("number"))
    return {
        "tender": tender, "project": tender.project, "offers": offers, "rows": rows, "now": now,
        "changes": list(selectors.tender_changes(tender)), "register_form": register_form, "on_sale": on_sale,
        "accepting": accepting, "at_opening": at_opening, "needs_passphrase": needs_passphrase,
        "has_record": selectors.opening_record_list(user=user, tender_id=tender.pk).exists(),
        "TENDER_STATUS_TONES": TENDER_STATUS_TONES, "BID_STATUS_TONES": BID_STATUS_TONES,
        "REFUND_STATE_TONES": REFUND_STATE_TONES,
    }


def _render(request: HttpRequest, tender: Tender, *, status: int = 200,
            bound: tuple[str, int, Any] | None = None) -> HttpResponse:
    return render(request, "trading/portal/tender.html", _portal_context(request, tender, bound=bound), status=status)


@require_GET
@permission_required_403(PORTAL)
@handles_app_errors
def tender(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _tender(request, pk))


@require_GET
@permission_required_403(PORTAL)
@handles_app_errors
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    """What the tender publishes, as a text file: the announcement, the schedule, the sections and deposits,
    and every clarification and amendment in order (the platform keeps no document files)."""
    tender = _tender(request, pk)
    text = render_to_string("trading/portal/documents.txt", {
        "tender": tender, "offers": tender.tender_sections.select_related("section").order_by("section__number"),
        "changes": selectors.tender_changes(tender)}, request=request)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{tender.number}-招标公告.txt")
    return response


@require_POST
@permission_required_403("trading.register_bidder")
@handles_app_errors
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """报名: the user's own enterprise, for one section, while the documents are on sale."""
    tender = _tender(request, pk)
    form = RegisterForm(request.POST, sections=tender.sections.all())
    status = 422
    if form.is_valid():
        try:
            services.bidder_register(actor=request.user, tender=tender, section=form.cleaned_data["section"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已报名%(section)s。") % {"section": form.cleaned_data["section"]})
            return redirect("trading:portal_tender", pk=tender.pk)
    return _render(request, tender, status=status, bound=("register", tender.pk, form))


def _registration(request: HttpRequest, pk: int) -> BidderRegistration:
    return selectors.registration_get(user=request.user, pk=pk)


def _bid(request: HttpRequest, pk: int) -> Bid:
    return selectors.bid_get(user=request.user, pk=pk)


@require_POST
@permission_required_403(PORTAL)
@handles_app_errors
def bid_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """递交投标文件: sealed at once (SM4-GCM); the receipt follows."""
    registration = _registration(request, pk)
    tender = registration.tender_section.tender
    form = BidForm(request.POST, request.FILES, needs_passphrase=tender.sealing_mode == SealingMode.BIDDER,
                   auto_id=f"upload{registration.pk}_%s")
    status = 422
    if form.is_valid():
        try:
            bid, _receipt = services_bids.bid_upload(actor=request.user, tender=tender,
                                                     section=registration.tender_section.section, **form.content(),
                                                     upload_ip=client_ip(request), now=received_at(request))
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("投标文件已密封递交。请妥善保存回执和开标口令。"))
            return redirect("trading:portal_receipt", pk=bid.pk)
    return _render(request, _tender(request, tender.pk), status=status, bound=("upload", registration.pk, form))


@require_POST
@permission_required_403(PORTAL)
@handles_app_errors
def bid_replace(request: HttpRequest, pk: int) -> HttpResponse:
    """替换: a new sealed version; the old one is withdrawn in the same transaction."""
    bid = _bid(request, pk)
    tender = bid.registration.tender_section.tender
    form = BidForm(request.POST, request.FILES, needs_passphrase=tender.sealing_mode == SealingMode.BIDDER,
                   auto_id=f"replace{bid.pk}_%s")
    status = 422
    if form.is_valid():
        try:
            new, _receipt = services_bids.bid_replace(actor=request.user, bid=bid, **form.content(),
                                                      upload_ip=client_ip(request), now=received_at(request))
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("投标文件已替换为新版本。"))
            return redirect("trading:portal_receipt", pk=new.pk)
    return _render(request, _tender(request, tender.pk), status=status, bound=("replace", bid.pk, form))


@require_POST
@permission_required_403(PORTAL)
@handles_app_errors
def bid_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _bid(request, pk)
    tender = bid.registration.tender_section.tender
    form = WithdrawForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services_bids.bid_withdraw(actor=request.user, bid=bid.pk, reason=form.cleaned_data["reason"],
                                       now=received_at(request))
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("投标文件已撤回。截止前可重新递交。"))
            return redirect("trading:portal_tender", pk=tender.pk)
    return _render(request, _tender(request, tender.pk), status=status, bound=("withdraw", bid.pk, form))


@require_POST
@permission_required_403(PORTAL)
@handles_app_errors
def passphrase_give(request: HttpRequest, pk: int) -> HttpResponse:
    """输入开标口令 at the opening: checked at once; the opening decrypts the bid with it."""
    bid = _bid(request, pk)
    tender = bid.registration.tender_section.tender
    form = PassphraseForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services_bids.bid_passphrase_give(actor=request.user, bid=bid, passphrase=form.cleaned_data["passphrase"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("开标口令已核验,开标时将用于解密贵单位的投标文件。"))
            return redirect("trading:portal_tender", pk=tender.pk)
    return _render(request, _tender(request, tender.pk), status=status, bound=("passphrase", bid.pk, form))


@never_cache
@require_GET
@permission_required_403(PORTAL)
@handles_app_errors
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """回执: the bid's id, the SM3 digest of its ciphertext and the server's time of receipt."""
    bid = _bid(request, pk)
    return render(request, "trading/portal/receipt.html", {
        "bid": bid, "receipt": services_bids.bid_receipt(bid), "tender": bid.registration.tender_section.tender,
        "section": bid.registration.tender_section.section, "BID_STATUS_TONES": BID_STATUS_TONES})


@require_GET
@permission_required_403(PORTAL)
@handles_app_errors
def opening(request: HttpRequest, pk: int) -> HttpResponse:
    """The published opening record of a tender the enterprise registered for."""
    tender = _tender(request, pk)
    records = list(selectors.opening_record_list(user=request.user, tender_id=tender.pk))
    if not records and not selectors.registration_list(user=request.user, tender_id=tender.pk).exists():
        raise NotFound(_("贵单位未参加本次招标。"))
    return render(request, "trading/opening.html", {"tender": tender, "records": records, "portal": True,
                                                    "BID_STATUS_TONES": BID_STATUS_TONES})
