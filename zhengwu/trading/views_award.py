"""评定分离 (separated award) on the web: the tendering party's decision and its record (under /trading/).

On the evaluation page of a tender whose documents fix 评定分离, after the candidates' publicity has closed,
staff who hold ``trading.award`` record the tendering party's decision by the documents' method
(``services_award.award_decide_separated``, the same service the API calls): the decision group, then the
method's inputs (votes per member per round, the lottery button, the minutes and the chosen candidate, the
final offers) and the reasons. A tie in a vote comes back with a further round among the tied candidates
only. Afterwards the page is the decision's record: the inputs, the outcome, the seed, the SM3 digest and
whether it still verifies (``decision_verify``), and a replay (``decision_replay``) that recomputes the winner
from the stored inputs. Supervisors and the center administrator read the same page without the form.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import AppError, InvalidInput, NotFound
from zhengwu.core.web import handles_app_errors, is_htmx, permission_required_403
from zhengwu.trading import selectors, services_award, services_evaluation
from zhengwu.trading.choices import AwardMode, DecisionMethod, PublicityStatus
from zhengwu.trading.forms import attach_app_error
from zhengwu.trading.forms_award import VOTING, DecisionForm
from zhengwu.trading.models import AwardDecision, CandidatePublicity, Evaluation
from zhengwu.trading.selectors_award import award_decision_get
from zhengwu.trading.views import WORKSPACE


def _separated(request: HttpRequest, pk: int) -> Evaluation:
    """The evaluation (404 outside the scope), and only of a tender whose documents fix 评定分离."""
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)
    if evaluation.tender_section.tender.award_mode != AwardMode.SEPARATED:
        raise NotFound(_("本招标按排序定标(评定合一),没有评定分离的定标程序。"))
    return evaluation


def _decision_of(request: HttpRequest, evaluation: Evaluation) -> AwardDecision | None:
    try:
        return award_decision_get(user=request.user, evaluation_id=evaluation.pk)
    except NotFound:
        return None


def _names(decision: AwardDecision) -> dict[int, str]:
    return {int(c["bid"]): c["bidder"] for c in decision.candidates}


def _tally_rows(tally: dict[str, Any], names: dict[int, str]) -> list[dict[str, Any]]:
    leaders = set(tally.get("leaders") or [])
    return [{"bidder": names.get(int(b), b), "count": n, "leader": int(b) in leaders}
            for b, n in tally.get("counts", {}).items()]


def _record(decision: AwardDecision) -> dict[str, Any]:
    """What the record shows, with bidders' names in place of bid ids."""
    names = _names(decision)
    outcome = decision.outcome
    tallies = outcome.get("tallies") or []
    rounds = []
    for r, ballots in enumerate(decision.inputs.get("votes") or []):
        rounds.append({"number": r + 1,
                       "ballots": [(member, names.get(int(bid), bid)) for member, bid in ballots.items()],
                       "tally": _tally_rows(tallies[r], names) if r < len(tallies) else []})
    pool = [{"index": i, "bidder": names.get(int(b), b), "drawn": i == outcome.get("index")}
            for i, b in enumerate(outcome.get("pool") or [])]
    offers = [{"bidder": names.get(int(b), b), "bid_price": next((c["price"] for c in decision.candidates
                                                                  if int(c["bid"]) == int(b)), ""),
               "offer": offer, "kept": int(b) in (outcome.get("kept_bid_price") or [])}
              for b, offer in (outcome.get("offers") or {}).items()]
    chosen = decision.inputs.get("bid_id")
    return {"decision": decision, "rounds": rounds, "pool": pool, "offers": offers,
            "finalists": [names.get(int(b), b) for b in outcome.get("finalists") or []],
            "chosen": names.get(int(chosen)) if chosen is not None else None,
            "verified": services_award.decision_verify(decision)}


def _replay(decision: AwardDecision) -> dict[str, Any]:
    """The replay: the winner recomputed from the stored inputs and seed (``decision_replay``), and for a lottery
    the draw itself, ``random.Random(seed).randrange(n)`` over the stored pool."""
    replayed = services_award.decision_replay(decision)
    draw = None
    pool = decision.outcome.get("pool")
    if decision.seed and pool:
        index = services_award.draw_lot(int(decision.seed), pool)
        draw = {"seed": decision.seed, "n": len(pool), "index": index, "bidder": _names(decision).get(pool[index])}
    return {"replayed": replayed, "winner": decision.winner.bidder_name, "draw": draw}


def _tie_tallies(tallies: list[dict[str, Any]], evaluation: Evaluation) -> list[dict[str, Any]]:
    names = {c.bid_id: c.bidder_name for c in services_evaluation.candidates(evaluation)}
    return [{"number": t["round"], "rows": _tally_rows(t, names)} for t in tallies]


def _context(request: HttpRequest, evaluation: Evaluation, *, form: DecisionForm | None = None,
             tallies: list[dict[str, Any]] | None = None, replay: bool = False, error: str = "") -> dict[str, Any]:
    user = request.user
    offer = evaluation.tender_section
    tender = offer.tender
    decision = _decision_of(request, evaluation)
    publicity = CandidatePublicity.objects.filter(evaluation=evaluation).first()
    closed = publicity is not None and publicity.status == PublicityStatus.CLOSED
    candidates = services_evaluation.candidates(evaluation) if evaluation.report_digest else []
    can_decide = (decision is None and closed and user.has_perm("trading.award")
                  and not hasattr(evaluation, "award"))
    if form is None and can_decide:
        form = DecisionForm(method=tender.decision_method, candidates=candidates,
                            rows=int(request.GET["rows"]) if str(request.GET.get("rows", "")).isdigit() else None)
    return {
        "evaluation": evaluation, "tender": tender, "section": offer.section, "offer": offer,
        "method": tender.decision_method, "method_label": tender.get_decision_method_display(),
        "candidates": candidates, "publicity": publicity, "closed": closed, "form": form if can_decide else None,
        "voting": tender.decision_method in VOTING, "tallies": tallies or [],
        "record": _record(decision) if decision is not None else None,
        "replay": _replay(decision) if decision is not None and replay else None,
        "DecisionMethod": DecisionMethod,
        # a refusal about no field when there is no form to show it on (too early, decided meanwhile)
        "error": error if not can_decide else "",
    }


def _render(request: HttpRequest, evaluation: Evaluation, *, status: int = 200, **kwargs: Any) -> HttpResponse:
    return render(request, "trading/decision.html", _context(request, evaluation, **kwargs), status=status)


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """定标(评定分离): the decision form after the publicity, then the decision's record."""
    return _render(request, _separated(request, pk), replay=request.GET.get("replay") == "1")


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def decision_replay(request: HttpRequest, pk: int) -> HttpResponse:
    """复算: the winner recomputed from the stored inputs and seed (htmx puts it in the record)."""
    evaluation = _separated(request, pk)
    found = award_decision_get(user=request.user, evaluation_id=evaluation.pk)
    if not is_htmx(request):
        return redirect(f"{reverse('trading:award_decision', args=[evaluation.pk])}?replay=1")
    return render(request, "trading/partials/_decision_replay.html", {"replay": _replay(found)})


@require_POST
@permission_required_403("trading.award")
@handles_app_errors
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the tendering party's decision by the documents' method and award the chosen candidate."""
    evaluation = _separated(request, pk)
    method = evaluation.tender_section.tender.decision_method
    candidates = services_evaluation.candidates(evaluation)
    form = DecisionForm(request.POST, method=method, candidates=candidates)
    status, tallies, error = 422, None, ""
    if form.is_valid():
        try:
            services_award.award_decide_separated(
                actor=request.user, evaluation=evaluation, group=form.group(), reasons=form.cleaned_data["reasons"],
                votes=form.votes(), offers=form.offers(), minutes=form.minutes(), bid_id=form.bid_id())
        except InvalidInput as exc:
            rounds = None
            if exc.code == "vote_tie":
                # the tied candidates vote again: the same rows, a further round among the tied only
                rounds = [*form.round_candidates, [int(b) for b in exc.details["tied"]]]
                tallies = _tie_tallies(exc.details.get("tallies") or [], evaluation)
            elif exc.code == "extra_round":
                # an earlier round has become decisive: the rounds after it are dropped from the form
                decisive = int(re.sub(r"\D", "", exc.field or "") or len(form.round_candidates))
                rounds = form.round_candidates[:decisive]
                exc.field = "votes"
            if rounds is not None:
                form = DecisionForm(request.POST, method=method, candidates=candidates, rounds=rounds)
                form.is_valid()
                form.group()
            attach_app_error(form, exc)
            status = exc.status
        except AppError as exc:
            attach_app_error(form, exc)
            status, error = exc.status, exc.message
        else:
            messages.success(request, _("已按%(method)s定标,中标通知书已发出。")
                             % {"method": DecisionMethod(method).label})
            return redirect("trading:award_decision", pk=evaluation.pk)
    return _render(request, evaluation, status=status, form=form, tallies=tallies, error=error)
