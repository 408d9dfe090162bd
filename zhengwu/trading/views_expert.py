"""The expert's scoring screen (web, under /trading/expert/).

An expert signs in with its own account (role 评标专家, linked by ``Expert.user``) and sees only the
evaluations of the committees it serves on (a member not replaced): another committee's evaluation is a
404. It scores the valid bids, technical and business within the evaluation's maxima, one signed sheet
per bid (``services_evaluation.score_sheet_submit``: SM3 over the sheet, shown back as the receipt), and
may correct a sheet until the committee's report.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import AppError, NotFound
from zhengwu.core.web import handles_app_errors, is_htmx, permission_required_403
from zhengwu.trading import selectors, services_evaluation
from zhengwu.trading.choices import EvaluationMethod, EvaluationStatus
from zhengwu.trading.forms import ScoreForm, attach_app_error
from zhengwu.trading.models import EvaluatedBid, Evaluation, ExpertDrawMember, ScoreSheet

SCORER = "trading.score_bids"


@require_GET
@permission_required_403(SCORER)
@handles_app_errors
def home(request: HttpRequest) -> HttpResponse:
    """我的评标: the evaluations of the committees the expert serves on, with how many sheets it has signed."""
    evaluations = list(selectors.evaluations_for_expert(request.user).select_related(
        "tender_section__tender__project", "tender_section__section")
        .annotate(valid_count=Count("bids", filter=Q(bids__valid=True), distinct=True),
                  my_sheets=Count("sheets", filter=Q(sheets__member__expert__user=request.user), distinct=True))
        .order_by("-created_at", "-id"))
    return render(request, "trading/expert/home.html", {"evaluations": evaluations})


def _row(evaluation: Evaluation, bid: EvaluatedBid, sheet: ScoreSheet | None, *, can_score: bool,
         form: ScoreForm | None = None, saved: bool = False) -> dict[str, Any]:
    if form is None and can_score:
        initial = ({"technical": sheet.technical, "business": sheet.business, "comment": sheet.comment}
                   if sheet is not None else None)
        form = ScoreForm(initial=initial, prefix=f"bid{bid.pk}")
    return {"bid": bid, "sheet": sheet, "form": form, "saved": saved}


def _scoring(evaluation: Evaluation) -> bool:
    return evaluation.status == EvaluationStatus.SCORING and evaluation.method == EvaluationMethod.COMPREHENSIVE


@require_GET
@permission_required_403(SCORER)
@handles_app_errors
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    """评分: every valid bid with the expert's own sheet (scores, time, SM3 digest) and, until the report, its form."""
    found = selectors.expert_evaluation_get(user=request.user, pk=pk)
    seat = selectors.expert_seat(user=request.user, evaluation=found)
    return render(request, "trading/expert/evaluation.html", _context(found, seat))


def _context(found: Evaluation, seat: ExpertDrawMember, *, bound: tuple[int, ScoreForm] | None = None,
             saved: int | None = None) -> dict[str, Any]:
    can_score = _scoring(found)
    sheets = {s.evaluated_bid_id: s for s in ScoreSheet.objects.filter(evaluation=found, member=seat)}
    rows = []
    for bid in found.bids.filter(valid=True).order_by("id"):
        form = bound[1] if bound is not None and bound[0] == bid.pk else None
        rows.append(_row(found, bid, sheets.get(bid.pk), can_score=can_score, form=form, saved=saved == bid.pk))
    return {"evaluation": found, "seat": seat, "rows": rows, "can_score": can_score,
            "tender": found.tender_section.tender, "section": found.tender_section.section,
            "rejected": list(found.bids.filter(valid=False).order_by("id")),
            "done": len(sheets), "needed": len(rows)}


@require_POST
@permission_required_403(SCORER)
@handles_app_errors
def score(request: HttpRequest, pk: int, bid_pk: int) -> HttpResponse:
    """Submit (or correct) the expert's sheet for one bid; an htmx request gets the row back with the digest."""
    found = selectors.expert_evaluation_get(user=request.user, pk=pk)
    seat = selectors.expert_seat(user=request.user, evaluation=found)
    bid = found.bids.filter(pk=bid_pk).first()
    if bid is None:
        raise NotFound(_("本次评标没有该投标。"))
    form = ScoreForm(request.POST, prefix=f"bid{bid.pk}")
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_evaluation.score_sheet_submit(actor=request.user, evaluation=found, member=seat,
                                                   evaluated_bid=bid, technical=data["technical"],
                                                   business=data["business"], comment=data["comment"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            if not is_htmx(request):
                messages.success(request, _("已提交对%(bidder)s的评分。") % {"bidder": bid.bidder_name})
                return redirect("trading:expert_evaluation", pk=found.pk)
            sheet = ScoreSheet.objects.get(member=seat, evaluated_bid=bid)
            response = render(request, "trading/expert/partials/_score_row.html",
                              {"row": _row(found, bid, sheet, can_score=_scoring(found), saved=True),
                               "evaluation": found, "can_score": _scoring(found)})
            response["HX-Trigger"] = "sheetSaved"  # the page's "n / m" refreshes itself
            return response
    if is_htmx(request):
        sheet = ScoreSheet.objects.filter(member=seat, evaluated_bid=bid).first()
        return render(request, "trading/expert/partials/_score_row.html",
                      {"row": _row(found, bid, sheet, can_score=_scoring(found), form=form), "evaluation": found,
                       "can_score": _scoring(found)}, status=status)
    return render(request, "trading/expert/evaluation.html", _context(found, seat, bound=(bid.pk, form)),
                  status=status)
