"""The fair competition review screens: the tenders to review, a tender's documents with each finding's clause
highlighted, keeping a finding with a reason, re-running the review, and the rule list.

Every write calls the service; the page's buttons follow the user's permissions (``perms``), never roles.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhengwu.core.errors import AppError
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.fairreview import scanner, selectors, services
from zhengwu.fairreview.choices import FINDING_STATE_TONES, SEVERITY_TONES, FindingState, Source
from zhengwu.fairreview.forms import AcceptForm, DocumentsForm, RuleForm, attach_app_error
from zhengwu.fairreview.models import Rule
from zhengwu.trading import selectors as trading_selectors
from zhengwu.trading.choices import TenderStatus

VIEW = "fairreview.view"


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def index(request: HttpRequest) -> HttpResponse:
    """The tenders with documents text or a review: drafts first, with their open findings."""
    page = Paginator(tender_rows(request.user, request.GET), 30).get_page(request.GET.get("page"))
    return render(request, "fairreview/index.html", {"page": page, "DRAFT": TenderStatus.DRAFT})


def tender_rows(user: Any, params: Any) -> Any:
    """The index's tenders (the screen and its Excel export read the same)."""
    return (trading_selectors.tenders_visible_to(user).select_related("project")
            .filter(~Q(documents_text="") | Q(fair_reviews__isnull=False)).distinct()
            .annotate(open_findings=Count("fair_findings", distinct=True,
                                          filter=Q(fair_findings__accepted_at__isnull=True,
                                                   fair_findings__resolved_at__isnull=True)),
                      reviews=Count("fair_reviews", distinct=True))
            .order_by("-documents_issued_at", "-id"))


def _pieces(text: str, hits: list[tuple[str, Any]], stored: dict[str, Any]) -> list[dict[str, Any]]:
    """The text cut at the clauses of its findings, each piece with the rule messages and the finding's state."""
    marks = []
    for fp, hit in hits:
        row = stored.get(fp)
        state = row.state if row is not None else FindingState.OPEN
        marks.append(_Mark(hit.clause_start, hit.clause_end, hit, state, row))
    out = []
    for piece, covering in scanner.segments(text, marks):
        if not covering:
            out.append({"text": piece})
            continue
        accepted = all(m.state == FindingState.ACCEPTED for m in covering)
        out.append({"text": piece, "accepted": accepted,
                    "title": ";".join(f"{m.hit.rule_code} {m.hit.rule.message}" for m in covering),
                    "anchor": f"finding-{covering[0].row.pk}" if covering[0].row is not None else ""})
    return out


class _Mark:
    def __init__(self, clause_start: int, clause_end: int, hit: Any, state: str, row: Any) -> None:
        self.clause_start, self.clause_end, self.hit, self.state, self.row = clause_start, clause_end, hit, state, row


def _review_context(request: HttpRequest, tender: Any, **forms: Any) -> dict[str, Any]:
    user = request.user
    texts = selectors.texts_of(tender)
    findings = list(selectors.findings_of(tender))
    stored = {f.fingerprint: f for f in findings}
    latest = selectors.latest_review(tender)
    digest = selectors.digest_of(texts)
    is_draft = tender.status == TenderStatus.DRAFT
    # a tender already out whose text lives only in its reviews (the demo's) shows the text as last reviewed
    snapshot = (not is_draft and not texts[Source.DOCUMENTS].strip() and latest is not None
                and bool(latest.documents_text.strip()))
    if snapshot:
        texts = {Source.DOCUMENTS: latest.documents_text, Source.ANNOUNCEMENT: latest.announcement}
        digest = latest.digest
    estimate, kinds = selectors.tender_scope(tender)
    hits = selectors.scan_texts(texts, rules=selectors.active_rules(), estimate=estimate, contract_kinds=kinds)
    current_fps = {fp for _, fp, _ in hits}
    documents = [
        {"source": source, "label": Source(source).label,
         "pieces": _pieces(texts[source], [(fp, h) for s, fp, h in hits if s == source], stored)}
        for source in selectors.SOURCES if texts[source].strip()]
    can_edit = is_draft and user.has_perm("trading.manage_tenders") and user.has_perm("fairreview.run_review")
    open_now = [h for _, fp, h in hits if fp not in {f.fingerprint for f in findings if f.accepted_at}]
    return {
        "tender": tender, "project": tender.project, "latest": latest, "digest": digest,
        "reviewed_current": latest is not None and latest.digest == digest, "snapshot": snapshot,
        "documents": documents, "findings": findings, "current_fps": current_fps, "open_now": open_now,
        "reviews": list(selectors.reviews_of(tender)[:10]), "is_draft": is_draft,
        "can_run": user.has_perm("fairreview.run_review"),
        "can_accept": user.has_perm("fairreview.accept_finding"),
        "accept_form": forms.get("accept_form") or AcceptForm(),
        "accept_for": forms.get("accept_for"),
        "documents_form": forms.get("documents_form") or (
            DocumentsForm(initial={"documents_text": tender.documents_text}) if can_edit else None),
        "FINDING_STATE_TONES": FINDING_STATE_TONES, "SEVERITY_TONES": SEVERITY_TONES,
    }


def _render_review(request: HttpRequest, tender: Any, *, status: int = 200, **forms: Any) -> HttpResponse:
    return render(request, "fairreview/tender.html", _review_context(request, tender, **forms), status=status)


@require_GET
@permission_required_403(VIEW)
@handles_app_errors
def tender_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_review(request, selectors.tender_get(user=request.user, pk=pk))


@require_POST
@permission_required_403("fairreview.run_review")
@handles_app_errors
def review_run(request: HttpRequest, pk: int) -> HttpResponse:
    """重新审查."""
    tender = selectors.tender_get(user=request.user, pk=pk)
    review = services.fair_review_run(actor=request.user, tender=tender)
    if review.open:
        messages.warning(request, _("审查完成:发现 %(n)d 项待处理问题,处理前不能发布。") % {"n": review.open})
    else:
        messages.success(request, _("审查完成:未发现待处理问题。"))
    return redirect("fairreview:tender", pk=tender.pk)


@require_POST
@permission_required_403("trading.manage_tenders")
@handles_app_errors
def documents_save(request: HttpRequest, pk: int) -> HttpResponse:
    """保存并重新审查: the draft's documents text, reviewed at once."""
    tender = selectors.tender_get(user=request.user, pk=pk)
    form = DocumentsForm(request.POST)
    if form.is_valid():
        try:
            review = services.documents_revise(actor=request.user, tender=tender,
                                               documents_text=form.cleaned_data["documents_text"])
        except AppError as exc:
            attach_app_error(form, exc)
            return _render_review(request, tender, status=exc.status, documents_form=form)
        messages.success(request, _("招标文件已保存并重新审查:待处理问题 %(n)d 项。") % {"n": review.open})
        return redirect("fairreview:tender", pk=tender.pk)
    return _render_review(request, tender, status=422, documents_form=form)


@require_POST
@permission_required_403("fairreview.accept_finding")
@handles_app_errors
def finding_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """说明理由保留 a finding."""
    finding = selectors.finding_get(user=request.user, pk=pk)
    tender = selectors.tender_get(user=request.user, pk=finding.tender_id)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            services.finding_accept(actor=request.user, finding=finding, reason=form.cleaned_data["reason"])
        except AppError as exc:
            attach_app_error(form, exc)
            return _render_review(request, tender, status=exc.status, accept_form=form, accept_for=finding.pk)
        messages.success(request, _("已说明理由保留:%(rule)s。") % {"rule": finding.rule.code})
        return redirect(f"{tender_url(tender)}#finding-{finding.pk}")
    return _render_review(request, tender, status=422, accept_form=form, accept_for=finding.pk)


def tender_url(tender: Any) -> str:
    from django.urls import reverse

    return reverse("fairreview:tender", args=[tender.pk])


# --- rules ---------------------------------------------------------------------------------------------------

@require_GET
@permission_required_403("fairreview.manage_rules")
@handles_app_errors
def rules(request: HttpRequest) -> HttpResponse:
    rows = rule_rows(request.user, request.GET)
    return render(request, "fairreview/rules.html", {"rules": rows, "SEVERITY_TONES": SEVERITY_TONES})


def rule_rows(user: Any, params: Any) -> Any:
    """The rules with their findings' count (the screen and its Excel export read the same)."""
    return selectors.rules_visible_to(user).annotate(n_findings=Count("findings")).order_by("category", "code")


@require_http_methods(["GET", "POST"])
@permission_required_403("fairreview.manage_rules")
@handles_app_errors
def rule_new(request: HttpRequest) -> HttpResponse:
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_create(actor=request.user, **form.values())
        except AppError as exc:
            attach_app_error(form, exc)
            return render(request, "fairreview/rule_form.html", {"form": form, "rule": None}, status=exc.status)
        messages.success(request, _("规则 %(code)s 已添加。") % {"code": rule.code})
        return redirect("fairreview:rules")
    status = 422 if request.method == "POST" else 200
    return render(request, "fairreview/rule_form.html", {"form": form, "rule": None}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required_403("fairreview.manage_rules")
@handles_app_errors
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule: Rule = selectors.rule_get(user=request.user, pk=pk)
    initial = {f: getattr(rule, f) for f in RuleForm.FIELDS}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(actor=request.user, rule=rule, **form.values())
        except AppError as exc:
            attach_app_error(form, exc)
            return render(request, "fairreview/rule_form.html", {"form": form, "rule": rule}, status=exc.status)
        messages.success(request, _("规则 %(code)s 已保存。") % {"code": rule.code})
        return redirect("fairreview:rules")
    status = 422 if request.method == "POST" else 200
    return render(request, "fairreview/rule_form.html", {"form": form, "rule": rule}, status=status)
