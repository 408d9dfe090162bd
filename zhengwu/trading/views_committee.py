"""The trading staff's workspace, from the committee to the contract (web, under /trading/): the expert
draw of a section with its exclusions and replacements, the start of the evaluation, the score sheets'
progress, the report, the candidates' publicity and its objections, the award and the contract.

As in ``views``: one permission per view, scoped selectors (404 outside the scope), one service call
per write, a refusal shown next to its field or above its form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import AppError, NotFound
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.trading import selectors, services_evaluation, services_experts
from zhengwu.trading.choices import (
    TENDER_STATUS_TONES,
    AwardMode,
    EvaluationStatus,
    ExclusionReason,
    PublicityStatus,
)
from zhengwu.trading.forms import (
    AnswerForm,
    AwardForm,
    CandidateObjectionForm,
    ContractForm,
    DrawForm,
    EvaluationStartForm,
    ReplaceForm,
    attach_app_error,
)
from zhengwu.trading.models import CandidatePublicity, Evaluation, ExpertDraw, ExpertDrawMember, TenderSection
from zhengwu.trading.views import WORKSPACE, section_of
from zhengwu.trading.workflow import PUBLICITY_WORKFLOW

EXCLUSION_LABELS = dict(ExclusionReason.choices)


# --- the committee: draw, replacements, the start of the evaluation ---------------------------------------------

def _exclusion_summary(summary: dict[str, dict[str, int]], names: dict[str, str]) -> list[dict[str, Any]]:
    """A round's ``exclusions`` (specialty code → reason → count) with labels, for the page."""
    return [{"specialty": names.get(code, code),
             "reasons": [(EXCLUSION_LABELS.get(reason, reason), count) for reason, count in sorted(reasons.items())],
             "total": sum(reasons.values())}
            for code, reasons in sorted(summary.items())]


def _committee_context(request: HttpRequest, offer: TenderSection, **forms: Any) -> dict[str, Any]:
    user = request.user
    tender = offer.tender
    draw: ExpertDraw | None = (selectors.expert_draws_visible_to(user).filter(tender_section=offer)
                               .prefetch_related("rounds", "members__expert__user", "members__specialty").first())
    evaluation = selectors.evaluations_visible_to(user).filter(tender_section=offer).first()
    names = {s.code: s.name for s in selectors.specialty_list()}
    members, rounds = [], []
    if draw is not None:
        members = sorted(draw.members.all(), key=lambda m: m.position)
        rounds = [{"round": r, "summary": _exclusion_summary(r.exclusions, names)}
                  for r in sorted(draw.rounds.all(), key=lambda r: r.number)]
    serving = [m for m in members if m.replaced_at is None]
    can_draw = user.has_perm("trading.draw_experts")
    record = selectors.opening_record_list(user=user, tender_id=tender.pk).filter(section=offer.section).first()
    context = {
        "tender": tender, "offer": offer, "section": offer.section, "draw": draw, "members": members,
        "serving": serving, "rounds": rounds, "evaluation": evaluation, "record": record,
        "draw_form": DrawForm(specialties=selectors.specialty_list()) if draw is None and can_draw else None,
        "replace_form": ReplaceForm() if draw is not None and can_draw and evaluation is None else None,
        "start_form": (EvaluationStartForm() if draw is not None and evaluation is None
                       and user.has_perm("trading.evaluate") else None),
        "TENDER_STATUS_TONES": TENDER_STATUS_TONES,
    }
    context.update({k: v for k, v in forms.items() if v is not None})
    return context


def _offer(request: HttpRequest, pk: int, section_pk: int) -> TenderSection:
    return section_of(selectors.tender_get(user=request.user, pk=pk), section_pk)


def _render_committee(request: HttpRequest, offer: TenderSection, *, status: int = 200, **forms: Any) -> HttpResponse:
    return render(request, "trading/committee.html", _committee_context(request, offer, **forms), status=status)


@require_GET
@permission_required_403("trading.view_experts")
@handles_app_errors
def committee(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """评标委员会 of one section: the draw form, or the experts drawn with every round's exclusions."""
    return _render_committee(request, _offer(request, pk, section_pk))


@require_POST
@permission_required_403("trading.draw_experts")
@handles_app_errors
def draw_create(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    offer = _offer(request, pk, section_pk)
    form = DrawForm(request.POST, specialties=selectors.specialty_list())
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_experts.expert_draw_create(actor=request.user, tender=offer.tender, section=offer.section,
                                                committee_size=data["committee_size"],
                                                representatives=data["representatives"],
                                                requirements=form.requirements())
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("评标专家已抽取。"))
            return redirect("trading:committee", pk=offer.tender_id, section_pk=offer.section_id)
    return _render_committee(request, offer, status=status, draw_form=form)


@require_POST
@permission_required_403("trading.draw_experts")
@handles_app_errors
def draw_replace(request: HttpRequest, pk: int) -> HttpResponse:
    """补抽: replace one member who declines or must withdraw."""
    member = selectors.expert_draw_member_get(user=request.user, pk=pk)
    offer = TenderSection.objects.select_related("tender__project", "section").get(pk=member.draw.tender_section_id)
    form = ReplaceForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            new = services_experts.expert_draw_replace(actor=request.user, member=member,
                                                       cause=form.cleaned_data["cause"],
                                                       reason=form.cleaned_data["reason"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已补抽专家%(name)s。") % {"name": new.expert.name})
            return redirect("trading:committee", pk=offer.tender_id, section_pk=offer.section_id)
    return _render_committee(request, offer, status=status, replace_form=form)


@require_POST
@permission_required_403("trading.evaluate")
@handles_app_errors
def evaluation_start(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    offer = _offer(request, pk, section_pk)
    form = EvaluationStartForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            evaluation = services_evaluation.evaluation_create(actor=request.user, tender=offer.tender,
                                                               section=offer.section,
                                                               method=form.cleaned_data["method"],
                                                               params=form.params())
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("评标已开始,评标委员会成员可以评分。"))
            return redirect("trading:evaluation", pk=evaluation.pk)
    return _render_committee(request, offer, status=status, start_form=form)


# --- the evaluation, the publicity, the award --------------------------------------------------------------------

def _evaluation_context(request: HttpRequest, evaluation: Evaluation, *, error: str = "",
                        **forms: Any) -> dict[str, Any]:
    user = request.user
    offer = evaluation.tender_section
    bids = sorted(evaluation.bids.all(), key=lambda b: (b.rank is None, b.rank or 0, b.pk))
    valid = [b for b in bids if b.valid]
    members = list(ExpertDrawMember.objects.filter(draw__tender_section=offer, replaced_at__isnull=True)
                   .select_related("expert", "specialty").order_by("position"))
    sheets = {(s.member_id, s.evaluated_bid_id): s for s in evaluation.sheets.all()}
    progress = [{"member": m, "cells": [sheets.get((m.pk, b.pk)) for b in valid]} for m in members]
    publicity: CandidatePublicity | None = CandidatePublicity.objects.filter(evaluation=evaluation).first()
    award = getattr(evaluation, "award", None)
    scoring = evaluation.status == EvaluationStatus.SCORING
    candidates = services_evaluation.candidates(evaluation) if not scoring else []
    # 评定分离: the committee recommends unranked candidates; the tendering party decides by the method the
    # documents fix (services_award, through the API's award-decision), not by this page's award form
    separated = offer.tender.award_mode == AwardMode.SEPARATED
    published = publicity is not None and publicity.status == PublicityStatus.PUBLISHED
    closed = publicity is not None and publicity.status == PublicityStatus.CLOSED
    objections = list(publicity.objections.order_by("submitted_at")) if publicity is not None else []
    context = {
        "evaluation": evaluation, "offer": offer, "tender": offer.tender, "section": offer.section,
        "bids": bids, "valid": valid, "progress": progress, "sheet_count": len(sheets),
        "sheets_needed": len(members) * len(valid), "publicity": publicity, "award": award,
        "candidates": candidates, "objections": objections, "error": error, "separated": separated,
        "publicity_actions": PUBLICITY_WORKFLOW.available(publicity, user) if publicity is not None else [],
        "can_report": scoring and user.has_perm("trading.evaluate"),
        "report_verified": services_evaluation.report_verify(evaluation) if not scoring else None,
        "objection_form": CandidateObjectionForm() if published and user.has_perm("trading.record_objection")
        else None,
        "answer_form": AnswerForm() if user.has_perm("trading.answer_candidate_objection") else None,
        "award_form": (AwardForm(candidates=evaluation.bids.filter(pk__in=[c.pk for c in candidates]).order_by("rank"))
                       if closed and award is None and not separated and user.has_perm("trading.award") else None),
        "contract_form": (ContractForm() if award is not None and award.contract_signed_on is None
                          and user.has_perm("trading.record_contract") else None),
    }
    context.update({k: v for k, v in forms.items() if v is not None})
    return context


def _evaluation(request: HttpRequest, pk: int) -> Evaluation:
    return selectors.evaluation_get(user=request.user, pk=pk)


def _render_evaluation(request: HttpRequest, evaluation: Evaluation, *, status: int = 200, error: str = "",
                       **forms: Any) -> HttpResponse:
    return render(request, "trading/evaluation.html", _evaluation_context(request, evaluation, error=error, **forms),
                  status=status)


def _back(evaluation: Evaluation, message: str, request: HttpRequest) -> HttpResponse:
    messages.success(request, message)
    return redirect("trading:evaluation", pk=evaluation.pk)


@require_GET
@permission_required_403(WORKSPACE)
@handles_app_errors
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """评标: the bids (valid or rejected, and why), the sheets' progress, the report, publicity and award."""
    return _render_evaluation(request, _evaluation(request, pk))


@require_POST
@permission_required_403("trading.evaluate")
@handles_app_errors
def evaluation_report(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    try:
        services_evaluation.evaluation_report(actor=request.user, evaluation=evaluation)
    except AppError as exc:
        return _render_evaluation(request, evaluation, status=exc.status, error=exc.message)
    return _back(evaluation, _("评标报告已提交,中标候选人待公示。"), request)


@require_POST
@permission_required_403("trading.publish_candidates")
@handles_app_errors
def publicity_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """公示 / 结束公示 (the publicity's workflow); a refused day rule is shown above the page's actions."""
    evaluation = _evaluation(request, pk)
    publicity = CandidatePublicity.objects.filter(evaluation=evaluation).first()
    if publicity is None or action not in PUBLICITY_WORKFLOW.transitions:
        raise NotFound(_("没有这个操作。"))
    version = (request.POST.get("version") or "").strip()
    try:
        services_evaluation.publicity_transition(actor=request.user, publicity=publicity.pk, action=action,
                                                 expected_version=int(version) if version.isdigit() else None)
    except AppError as exc:
        return _render_evaluation(request, evaluation, status=exc.status, error=exc.message)
    return _back(evaluation, _("已完成“%(action)s”。") % {"action": PUBLICITY_WORKFLOW.transitions[action].label},
                 request)


@require_POST
@permission_required_403("trading.record_objection")
@handles_app_errors
def candidate_objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    publicity = CandidatePublicity.objects.filter(evaluation=evaluation).first()
    form = CandidateObjectionForm(request.POST)
    status = 422
    if publicity is not None and form.is_valid():
        try:
            services_evaluation.candidate_objection_submit(actor=request.user, publicity=publicity,
                                                           **form.cleaned_data)
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            return _back(evaluation, _("异议已登记。"), request)
    elif publicity is None:
        form.is_valid()
        form.add_error(None, _("评标报告提交后才有中标候选人公示。"))
        status = 409
    return _render_evaluation(request, evaluation, status=status, objection_form=form)


@require_POST
@permission_required_403("trading.answer_candidate_objection")
@handles_app_errors
def candidate_objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.candidate_objection_get(user=request.user, pk=pk)
    evaluation = _evaluation(request, objection.publicity.evaluation_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services_evaluation.candidate_objection_answer(actor=request.user, objection=objection,
                                                           answer=form.cleaned_data["answer"])
        except AppError as exc:
            return _render_evaluation(request, evaluation, status=exc.status, error=exc.message)
        return _back(evaluation, _("异议已答复。"), request)
    return _render_evaluation(request, evaluation, status=422, error=_("请填写答复。"))


@require_POST
@permission_required_403("trading.award")
@handles_app_errors
def award_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """定标: one of the candidates (the first by default) and the notice."""
    evaluation = _evaluation(request, pk)
    candidates = services_evaluation.candidates(evaluation)
    form = AwardForm(request.POST, candidates=evaluation.bids.filter(pk__in=[c.pk for c in candidates])
                     .order_by("rank"))
    status = 422
    if form.is_valid():
        try:
            services_evaluation.award_decide(actor=request.user, evaluation=evaluation,
                                             evaluated_bid=form.cleaned_data["bid"],
                                             reason=form.cleaned_data["reason"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            return _back(evaluation, _("已定标,中标通知书已发出。"), request)
    return _render_evaluation(request, evaluation, status=status, award_form=form)


@require_POST
@permission_required_403("trading.record_contract")
@handles_app_errors
def contract_signed(request: HttpRequest, pk: int) -> HttpResponse:
    award = selectors.award_get(user=request.user, pk=pk)
    evaluation = _evaluation(request, award.evaluation_id)
    form = ContractForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services_evaluation.award_contract_signed(actor=request.user, award=award,
                                                      signed_on=form.cleaned_data["signed_on"])
        except AppError as exc:
            attach_app_error(form, exc)
            status = exc.status
        else:
            return _back(evaluation, _("合同签订已登记,本标段的投标保证金进入退还期。"), request)
    return _render_evaluation(request, evaluation, status=status, contract_form=form)
