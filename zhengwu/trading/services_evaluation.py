"""Evaluation, candidates' publicity and award (评标、公示、定标), part 4 of the trading domain (DOMAIN.md §10).

Price formula (comprehensive scoring, 综合评估法), all parameters data on the ``Evaluation``:

* base price = mean of the valid bids' prices (dropping the highest and the lowest once when
  ``drop_extremes`` and at least ``drop_extremes_min`` valid bids) × (1 − ``k``), rounded to fen;
* price score = max(0, ``price_max`` − |price − base| / base × 100 × penalty), penalty
  ``penalty_above`` (default 1) per 1 % above the base, ``penalty_below`` (default 0.5) per 1 % below;
* total = average of the experts' technical scores + average of their business scores + price score,
  each rounded half up to 2 decimals; ranked by total, ties broken by the lower price, then the
  opening order. At most 3 candidates.

Lowest evaluated price (经评审的最低投标价法) ranks the valid bids by price.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.crypto import sm3_hex
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.core.inputs import acting_user as _user
from zhengwu.trading import checks
from zhengwu.trading.choices import (
    AwardMode,
    BidStatus,
    DepositForm,
    EvaluationMethod,
    EvaluationStatus,
    OpeningOutcome,
    PublicityStatus,
    RejectionCode,
    TenderStatus,
)
from zhengwu.trading.models import (
    Award,
    CandidateObjection,
    CandidatePublicity,
    EvaluatedBid,
    Evaluation,
    ExpertDraw,
    ExpertDrawMember,
    OpeningRecord,
    ScoreSheet,
    Section,
    Tender,
)
from zhengwu.trading.rules import add_days
from zhengwu.trading.selectors import rules_for
from zhengwu.trading.services_deposits import tender_section_contract_signed
from zhengwu.trading.services_experts import require_scorer
from zhengwu.trading.services_fees import award_fee_assess, fee_summary
from zhengwu.trading.workflow import PUBLICITY_WORKFLOW

MAX_CANDIDATES = 3
CENT = Decimal("0.01")
DEFAULT_PARAMS: dict[str, Any] = {
    "technical_max": "50", "business_max": "20", "price_max": "30",
    "k": "0", "drop_extremes": False, "drop_extremes_min": 5,
    "penalty_above": "1", "penalty_below": "0.5",
}


def _round(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _number(value: Any, *, field: str, low: Fraction | None = None, high: Fraction | None = None,
            high_open: bool = False) -> Fraction:
    try:
        number = Fraction(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field} 必须是数字。", field=field, code="invalid") from None
    if (low is not None and number < low) or (high is not None and (number >= high if high_open else number > high)):
        bound = f"{low} 到 {high}" + ("(不含)" if high_open else "")
        raise InvalidInput(f"{field} 必须在 {bound} 之间,实际为 {value}。", field=field, code="out_of_range",
                           details={"min": str(low), "max": str(high), "actual": str(value)})
    return number


def params_clean(method: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    """The evaluation parameters with their defaults, validated; errors name ``params.<key>``."""
    unknown = set(raw or {}) - set(DEFAULT_PARAMS)
    if unknown:
        key = sorted(unknown)[0]
        raise InvalidInput(f"未知的评分参数:{key}。", field=f"params.{key}", code="unknown_param")
    p = {**DEFAULT_PARAMS, **(raw or {})}
    maxima = {key: _number(p[key], field=f"params.{key}", low=Fraction(0), high=Fraction(100))
              for key in ("technical_max", "business_max", "price_max")}
    if method == EvaluationMethod.COMPREHENSIVE and sum(maxima.values()) != 100:
        raise InvalidInput(f"技术、商务、价格满分之和必须为 100,实际为 {sum(maxima.values())}。",
                           field="params.price_max", code="scores_not_100")
    _number(p["k"], field="params.k", low=Fraction(0), high=Fraction(1), high_open=True)
    _number(p["penalty_above"], field="params.penalty_above", low=Fraction(0), high=Fraction(100))
    _number(p["penalty_below"], field="params.penalty_below", low=Fraction(0), high=Fraction(100))
    if not isinstance(p["drop_extremes"], bool):
        raise InvalidInput("params.drop_extremes 必须是 true 或 false。", field="params.drop_extremes", code="invalid")
    if not isinstance(p["drop_extremes_min"], int) or p["drop_extremes_min"] < 3:
        raise InvalidInput("params.drop_extremes_min 必须是不小于 3 的整数。", field="params.drop_extremes_min",
                           code="out_of_range")
    return {k: (str(v) if isinstance(v, (Decimal, float)) else v) for k, v in p.items()}


# --- the formula (pure) --------------------------------------------------------------------------------

def base_price(prices: list[Decimal], params: dict[str, Any]) -> Decimal:
    """Mean of the valid prices (dropping the highest and lowest once if configured and enough) × (1 − k)."""
    values = sorted(Fraction(p) for p in prices)
    if params["drop_extremes"] and len(values) >= int(params["drop_extremes_min"]):
        values = values[1:-1]
    mean = sum(values, Fraction(0)) / len(values)
    return _round(mean * (1 - Fraction(Decimal(str(params["k"])))))


def price_score(price: Decimal, base: Decimal, params: dict[str, Any]) -> Decimal:
    """price_max − |price − base| / base × 100 × penalty (per 1 % above or below), never below 0."""
    p, b = Fraction(price), Fraction(base)
    penalty = Fraction(Decimal(str(params["penalty_above" if p > b else "penalty_below"])))
    score = Fraction(Decimal(str(params["price_max"]))) - abs(p - b) / b * 100 * penalty
    return _round(max(score, Fraction(0)))


# --- digests -------------------------------------------------------------------------------------------

def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sheet_digest(sheet: ScoreSheet) -> str:
    """SM3 over the canonical JSON of the sheet's content, the expert, the bid and the time."""
    return sm3_hex(_canonical({
        "evaluation": sheet.evaluation_id, "member": sheet.member_id, "expert": sheet.expert_id,
        "bid": sheet.evaluated_bid.bid_id, "evaluated_bid": sheet.evaluated_bid_id,
        "technical": str(sheet.technical), "business": str(sheet.business), "comment": sheet.comment,
        "submitted_at": _utc(sheet.submitted_at),
    }))


def sheet_verify(sheet: ScoreSheet) -> bool:
    """Whether the stored sheet still matches its digest (a changed score or time breaks it)."""
    fresh = ScoreSheet.objects.select_related("evaluated_bid").get(pk=sheet.pk)
    return hmac.compare_digest(sheet_digest(fresh), fresh.digest)


def report_digest(report: dict[str, Any]) -> str:
    return sm3_hex(_canonical(report))


def report_verify(evaluation: Evaluation) -> bool:
    fresh = Evaluation.objects.get(pk=evaluation.pk)
    return bool(fresh.report_digest) and hmac.compare_digest(report_digest(fresh.report), fresh.report_digest)


# --- starting: mandatory rejections ---------------------------------------------------------------------

def _control_price(tender: Tender, section: Section) -> Decimal | None:
    if section.control_price is not None:
        return section.control_price
    project = tender.project
    return project.control_price if project.sections.count() == 1 else None


def _rejections(row, *, deposit_required: Decimal, control_price: Decimal | None) -> list[tuple[str, str]]:
    """Every mandatory rejection (否决投标) that applies to one opening row, in a fixed order."""
    found: list[tuple[str, str]] = []
    if row.status == BidStatus.REVOKED:
        found.append((RejectionCode.BID_REVOKED, "投标文件未能解密(投标人口令未提供或错误),视为撤销投标。"))
    elif row.status != BidStatus.OPENED:
        found.append((RejectionCode.BID_NOT_DECRYPTED, "投标文件未能解密,无有效报价。"))
    deposit = getattr(row.bid.registration, "deposit", None)
    if deposit_required > 0:
        if deposit is None:
            found.append((RejectionCode.NO_DEPOSIT, "未提交投标保证金或电子保函。"))
        elif deposit.form == DepositForm.TRANSFER and not deposit.payer_matches_bidder:
            found.append((RejectionCode.NO_DEPOSIT, "投标保证金未从投标人基本账户转出,视为未提交。"))
        elif deposit.amount < deposit_required:
            found.append((RejectionCode.NO_DEPOSIT, f"投标保证金 {deposit.amount} 元少于要求的 {deposit_required} 元。"))
    if row.price is not None and control_price is not None and row.price > control_price:
        found.append((RejectionCode.CONTROL_PRICE,
                      f"投标报价 {row.price} 元高于最高投标限价 {control_price} 元(规则 control_price)。"))
    return found


def evaluation_create(*, actor: Any, tender: Tender, section: Section, method: str,
                      params: dict[str, Any] | None = None, now: dt.datetime | None = None) -> Evaluation:
    """Start the evaluation of one opened section: one EvaluatedBid per opening row, with the rejections."""
    require(actor, "trading.evaluate")
    now = now or timezone.now()
    if method not in EvaluationMethod.values:
        raise InvalidInput(f"未知的评标办法:{method}。", field="method", code="invalid_choice")
    clean = params_clean(method, params)
    with transaction.atomic():
        tender = Tender.objects.select_related("project").select_for_update().get(pk=tender.pk)
        if tender.status != TenderStatus.OPENED:
            raise Conflict("开标后才能评标。", code="invalid_state", details={"state": tender.status})
        offer = tender.tender_sections.filter(section=section).first()
        if offer is None:
            raise InvalidInput(f"本次招标不包含{section}。", field="section_id", code="section_not_in_tender")
        record = OpeningRecord.objects.filter(tender=tender, section=section).first()
        if record is None or record.outcome != OpeningOutcome.OPENED:
            raise Conflict(f"{section}未开标,不能评标。", field="section_id", code="not_opened")
        if Evaluation.objects.filter(tender_section=offer).exists():
            raise Conflict(f"{section}已开始评标。", field="section_id", code="duplicate")
        if not ExpertDraw.objects.filter(tender_section=offer).exists():
            raise Conflict(f"{section}尚未抽取评标委员会。", field="section_id", code="no_committee")
        control = _control_price(tender, section)
        evaluation = Evaluation.objects.create(tender_section=offer, method=method, params=clean,
                                               control_price=control, created_at=now, created_by=_user(actor))
        summary = []
        for row in record.rows.select_related("bid", "bid__registration", "bid__registration__deposit"):
            found = _rejections(row, deposit_required=offer.deposit_required, control_price=control)
            EvaluatedBid.objects.create(
                evaluation=evaluation, bid=row.bid, bidder_name=row.bidder_name, price=row.price, valid=not found,
                rejection_code=found[0][0] if found else "", rejection_reason=";".join(r for _, r in found))
            summary.append({"bid": row.bid_id, "bidder": row.bidder_credit_code, "price": row.price,
                            "rejections": [c for c, _ in found]})
        valid = [b.price for b in evaluation.bids.filter(valid=True)]
        if valid and method == EvaluationMethod.COMPREHENSIVE:
            evaluation.base_price = base_price(valid, clean)
            evaluation.save(update_fields=["base_price"])
        audit.record(actor=actor, action="evaluation.create", obj=evaluation,
                     payload={"tender": tender.number, "section": section.number, "method": method, "params": clean,
                              "control_price": control, "base_price": evaluation.base_price, "bids": summary})
    return evaluation


# --- score sheets --------------------------------------------------------------------------------------

def _serving_members(evaluation: Evaluation) -> list[ExpertDrawMember]:
    return list(ExpertDrawMember.objects.filter(draw__tender_section_id=evaluation.tender_section_id,
                                                replaced_at__isnull=True).select_related("expert")
                .order_by("position"))


def score_sheet_submit(*, actor: Any, evaluation: Evaluation, member: ExpertDrawMember, evaluated_bid: EvaluatedBid,
                       technical: Any, business: Any, comment: str = "",
                       now: dt.datetime | None = None) -> ScoreSheet:
    """Record (or, before the report, correct) one member's scores of one valid bid, signed with SM3.
    Staff record any member's sheet; an expert's own account only its own (``require_scorer``)."""
    require_scorer(actor, member)
    now = now or timezone.now()
    if evaluation.method != EvaluationMethod.COMPREHENSIVE:
        raise Conflict("经评审的最低投标价法不打分。", field="method", code="no_scores")
    p = evaluation.params
    tech = _number(technical, field="technical", low=Fraction(0), high=Fraction(Decimal(str(p["technical_max"]))))
    bus = _number(business, field="business", low=Fraction(0), high=Fraction(Decimal(str(p["business_max"]))))
    if member.draw.tender_section_id != evaluation.tender_section_id or member.replaced_at is not None:
        raise InvalidInput("该专家不是本标段评标委员会的在任成员。", field="member_id", code="not_a_member")
    if evaluated_bid.evaluation_id != evaluation.pk:
        raise InvalidInput("该投标不属于本次评标。", field="bid_id", code="not_in_evaluation")
    if not evaluated_bid.valid:
        raise InvalidInput(f"该投标已被否决({evaluated_bid.rejection_reason}),不打分。", field="bid_id",
                           code="bid_rejected")
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if locked.status != EvaluationStatus.SCORING:
            raise Conflict("评标报告已提交,评分不能再改。", code="invalid_state", details={"state": locked.status})
        sheet = ScoreSheet.objects.filter(member=member, evaluated_bid=evaluated_bid).first()
        before = {"technical": str(sheet.technical), "business": str(sheet.business)} if sheet else None
        sheet = sheet or ScoreSheet(evaluation=evaluation, member=member, evaluated_bid=evaluated_bid)
        sheet.expert_id = member.expert_id
        sheet.technical, sheet.business = _round(tech), _round(bus)
        sheet.comment, sheet.submitted_at = comment or "", now
        sheet.digest = sheet_digest(sheet)
        sheet.save()
        audit.record(actor=actor, action="scoresheet.submit", obj=sheet,
                     payload={"evaluation": evaluation.pk, "expert": member.expert_id, "bid": evaluated_bid.bid_id,
                              "technical": sheet.technical, "business": sheet.business, "digest": sheet.digest,
                              "before": before})
    return sheet


# --- the report ----------------------------------------------------------------------------------------

def _rank(evaluation: Evaluation, valid: list[EvaluatedBid]) -> list[EvaluatedBid]:
    if evaluation.method == EvaluationMethod.LOWEST_PRICE:
        return sorted(valid, key=lambda b: (b.price, b.pk))
    sheets: dict[int, list[ScoreSheet]] = {}
    for sheet in evaluation.sheets.all():
        sheets.setdefault(sheet.evaluated_bid_id, []).append(sheet)
    for b in valid:
        rows = sheets[b.pk]
        b.technical = _round(sum((Fraction(s.technical) for s in rows), Fraction(0)) / len(rows))
        b.business = _round(sum((Fraction(s.business) for s in rows), Fraction(0)) / len(rows))
        b.price_score = price_score(b.price, evaluation.base_price, evaluation.params)
        b.total = b.technical + b.business + b.price_score
    return sorted(valid, key=lambda b: (-b.total, b.price, b.pk))


def evaluation_report(*, actor: Any, evaluation: Evaluation, now: dt.datetime | None = None) -> Evaluation:
    """The committee's report: scores averaged, ranked, at most 3 candidates, signed with SM3; opens the publicity."""
    require(actor, "trading.evaluate")
    now = now or timezone.now()
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.status != EvaluationStatus.SCORING:
            raise Conflict("评标报告已提交。", code="invalid_state", details={"state": evaluation.status})
        bids = list(evaluation.bids.order_by("id"))
        valid = [b for b in bids if b.valid]
        if not valid:
            raise Conflict("没有有效投标,不能推荐中标候选人(应重新招标)。", code="no_valid_bids")
        members = _serving_members(evaluation)
        if evaluation.method == EvaluationMethod.COMPREHENSIVE:
            have = set(evaluation.sheets.values_list("member_id", "evaluated_bid_id"))
            missing = [{"member": m.pk, "expert": m.expert.name, "bid": b.bid_id}
                       for m in members for b in valid if (m.pk, b.pk) not in have]
            if missing:
                raise Conflict(f"尚有 {len(missing)} 份评分表未提交。", code="sheets_missing",
                               details={"missing": missing})
        ranked = _rank(evaluation, valid)
        tender = evaluation.tender_section.tender
        separated = tender.award_mode == AwardMode.SEPARATED
        limit = _rules_of(evaluation)["separated_candidates_max"] if separated else None
        recommended = ranked[:limit.as_int if limit is not None else MAX_CANDIDATES]
        for position, b in enumerate(ranked, start=1):
            # 评定分离: the same order picks the candidates, but none gets a rank (they are published unranked)
            b.rank = None if separated else position
            b.recommended = b in recommended
            b.save(update_fields=["technical", "business", "price_score", "total", "rank", "recommended"])
        evaluation.report = {
            "evaluation": evaluation.pk, "tender_section": evaluation.tender_section_id, "method": evaluation.method,
            "params": evaluation.params, "control_price": str(evaluation.control_price or ""),
            "base_price": str(evaluation.base_price or ""), "reported_at": _utc(now),
            "award_mode": tender.award_mode, "decision_method": tender.decision_method,
            "committee": [{"member": m.pk, "expert": m.expert_id} for m in members],
            "bids": [{"bid": b.bid_id, "bidder": b.bidder_name, "price": str(b.price or ""), "valid": b.valid,
                      "rejection_code": b.rejection_code, "rejection_reason": b.rejection_reason,
                      "technical": str(b.technical or ""), "business": str(b.business or ""),
                      "price_score": str(b.price_score or ""), "total": str(b.total or ""), "rank": b.rank,
                      "recommended": b.recommended}
                     for b in sorted(bids, key=lambda x: (x.rank is None, x.rank or 0, x.pk))],
            "sheets": [{"member": s.member_id, "bid": s.evaluated_bid.bid_id, "digest": s.digest}
                       for s in evaluation.sheets.select_related("evaluated_bid").order_by("member_id", "id")],
            "candidates": ([{"bid": b.bid_id, "bidder": b.bidder_name, "price": str(b.price)}
                            for b in sorted(recommended, key=lambda x: x.pk)] if separated else
                           [{"rank": b.rank, "bid": b.bid_id, "bidder": b.bidder_name, "price": str(b.price),
                             "total": str(b.total or "")} for b in recommended]),
        }
        if limit is not None:
            evaluation.report["rules"] = {limit.code: limit.snapshot()}
        evaluation.report_digest = report_digest(evaluation.report)
        evaluation.status, evaluation.reported_at = EvaluationStatus.REPORTED, now
        evaluation.save(update_fields=["report", "report_digest", "status", "reported_at"])
        audit.record(actor=actor, action="evaluation.report", obj=evaluation, from_state=EvaluationStatus.SCORING,
                     to_state=EvaluationStatus.REPORTED,
                     payload={"candidates": evaluation.report["candidates"], "digest": evaluation.report_digest})
        create_with_status(CandidatePublicity, actor=actor, initial=PublicityStatus.DRAFT,
                           audit_action="candidatepublicity.create", evaluation=evaluation)
    return evaluation


def candidates(evaluation: Evaluation) -> list[EvaluatedBid]:
    """The candidates of the report: ranked 1..3; or, in 评定分离, the recommended bids in opening order."""
    if evaluation.tender_section.tender.award_mode == AwardMode.SEPARATED:
        return list(evaluation.bids.filter(recommended=True).order_by("id"))
    return list(evaluation.bids.filter(rank__isnull=False, rank__lte=MAX_CANDIDATES).order_by("rank"))


# --- publicity and objections --------------------------------------------------------------------------

def publicity_transition(*, actor: Any, publicity: CandidatePublicity | int, action: str,
                         now: dt.datetime | None = None, expected_version: int | None = None) -> CandidatePublicity:
    return PUBLICITY_WORKFLOW.run(publicity, action, actor=actor, now=now, expected_version=expected_version)


def _rules_of(evaluation: Evaluation):
    project = evaluation.tender_section.tender.project
    return rules_for(project_type=project.project_type, procedure=project.procedure)


def candidate_objection_submit(*, actor: Any, publicity: CandidatePublicity, objector_name: str, content: str,
                               now: dt.datetime | None = None) -> CandidateObjection:
    """An objection to the evaluation result, raised during the publicity; due ``objection_answer_days`` after."""
    require(actor, "trading.record_objection")
    now = now or timezone.now()
    if publicity.status != PublicityStatus.PUBLISHED:
        raise Conflict("只能在公示期间对评标结果提出异议。", code="invalid_state", details={"state": publicity.status})
    if not (objector_name or "").strip():
        raise InvalidInput("请填写异议人。", field="objector_name", code="required")
    if not (content or "").strip():
        raise InvalidInput("请填写异议内容。", field="content", code="required")
    entry = _rules_of(publicity.evaluation)["objection_answer_days"]
    due = add_days(checks.local_date(now), entry.as_int, entry)
    with transaction.atomic():
        objection = CandidateObjection.objects.create(publicity=publicity, objector_name=objector_name.strip(),
                                                      content=content.strip(), submitted_at=now, answer_due_on=due,
                                                      submitted_by=_user(actor))
        audit.record(actor=actor, action="candidateobjection.submit", obj=objection,
                     payload={"publicity": publicity.pk, "answer_due_on": due.isoformat(),
                              "rules": {entry.code: entry.snapshot()}})
    return objection


def candidate_objection_answer(*, actor: Any, objection: CandidateObjection, answer: str,
                               now: dt.datetime | None = None) -> CandidateObjection:
    require(actor, "trading.answer_candidate_objection")
    now = now or timezone.now()
    if not (answer or "").strip():
        raise InvalidInput("请填写答复。", field="answer", code="required")
    late = checks.local_date(now) > objection.answer_due_on
    with transaction.atomic():
        changed = CandidateObjection.objects.filter(pk=objection.pk, answered_at__isnull=True).update(
            answer=answer.strip(), answered_at=now, answered_late=late)
        if changed != 1:
            raise Conflict("该异议已答复。", code="already_answered")
        objection.refresh_from_db()
        audit.record(actor=actor, action="candidateobjection.answer", obj=objection, reason=objection.answer,
                     payload={"answered_late": late, "answer_due_on": objection.answer_due_on.isoformat()})
    return objection


# --- award and contract --------------------------------------------------------------------------------

def award_preconditions(evaluation: Evaluation) -> None:
    """What any award needs (ranked or separated), checked on the locked evaluation: the publicity closed, no
    objection unanswered (实施条例 §54), no award yet."""
    publicity = getattr(evaluation, "publicity", None)
    if publicity is None or publicity.status != PublicityStatus.CLOSED:
        raise Conflict("中标候选人公示结束后才能定标。", code="publicity_not_closed")
    if publicity.objections.filter(answered_at__isnull=True).exists():
        raise Conflict("尚有未答复的异议,暂停定标(实施条例第54条)。", code="objection_pending")
    if Award.objects.filter(evaluation=evaluation).exists():
        raise Conflict("本标段已定标。", code="duplicate")


def award_issue(*, actor: Any, evaluation: Evaluation, chosen: EvaluatedBid, price: Decimal, reason: str,
                now: dt.datetime) -> tuple[Award, dict[str, Any]]:
    """Write the award and its notice (the contract due ``contract_within_days`` after) and assess its service
    fee. The caller holds the lock and writes the one audit event; this returns what the event records."""
    entry = _rules_of(evaluation)["contract_within_days"]
    due = add_days(checks.local_date(now), entry.as_int, entry)
    award = Award.objects.create(evaluation=evaluation, winner=chosen, winner_rank=chosen.rank, reason=reason,
                                 price=price, notice_issued_at=now, contract_due_on=due, decided_by=_user(actor))
    fee = award_fee_assess(award=award, project_type=evaluation.tender_section.tender.project.project_type)
    return award, {"notice_issued_at": now, "contract_due_on": due.isoformat(), "fee": fee_summary(fee),
                   "rules": {entry.code: entry.snapshot()}}


def lock_for_award(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().select_related(
        "tender_section", "tender_section__tender", "tender_section__tender__project").get(pk=evaluation.pk)


def award_decide(*, actor: Any, evaluation: Evaluation, evaluated_bid: EvaluatedBid | None = None, reason: str = "",
                 now: dt.datetime | None = None) -> Award:
    """Award a candidate and issue the notice. State-funded projects award the first candidate unless the
    first is out with a stated reason (实施条例 §55); the contract is due ``contract_within_days`` after.
    A tender whose documents fix 评定分离 is decided by ``services_award.award_decide_separated`` instead."""
    require(actor, "trading.award")
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        evaluation = lock_for_award(evaluation)
        if evaluation.tender_section.tender.award_mode == AwardMode.SEPARATED:
            raise Conflict("本招标采用评定分离,应由招标人按招标文件规定的定标方法定标。", code="award_mode_separated",
                           details={"decision_method": evaluation.tender_section.tender.decision_method})
        award_preconditions(evaluation)
        ranked = candidates(evaluation)
        chosen = evaluated_bid or ranked[0]
        if chosen.pk not in {b.pk for b in ranked}:
            raise InvalidInput("只能从中标候选人中确定中标人。", field="bid_id", code="not_a_candidate")
        chosen = next(b for b in ranked if b.pk == chosen.pk)
        project = evaluation.tender_section.tender.project
        if project.state_funded and chosen.rank != 1 and not reason:
            raise InvalidInput("国有资金占控股或主导地位的项目应确定排名第一的中标候选人为中标人;另选须说明排名在前者"
                               "放弃中标、不能履约或被查实违法等理由(实施条例第55条)。", field="reason",
                               code="rule.award_first", details={"rank": chosen.rank})
        award, issued = award_issue(actor=actor, evaluation=evaluation, chosen=chosen, price=chosen.price,
                                    reason=reason, now=now)
        audit.record(actor=actor, action="award.decide", obj=award, reason=reason,
                     payload={"mode": AwardMode.RANKED, "evaluation": evaluation.pk, "bid": chosen.bid_id,
                              "rank": chosen.rank, "price": chosen.price, "state_funded": project.state_funded,
                              **issued})
    return award


def award_contract_signed(*, actor: Any, award: Award, signed_on: dt.date) -> Award:
    """Record the contract: late or not it is recorded; the section's deposit refunds fall due (part 1)."""
    require(actor, "trading.record_contract")
    if signed_on < checks.local_date(award.notice_issued_at):
        raise InvalidInput("合同签订日期不能早于中标通知书发出日。", field="signed_on", code="bad_date")
    with transaction.atomic():
        changed = Award.objects.filter(pk=award.pk, contract_signed_on__isnull=True).update(contract_signed_on=signed_on)
        if changed != 1:
            raise Conflict("合同签订日期已登记。", field="signed_on", code="duplicate")
        award.refresh_from_db()
        offer = award.evaluation.tender_section
        tender_section_contract_signed(actor=actor, tender=offer.tender, section=offer.section, signed_on=signed_on)
        audit.record(actor=actor, action="award.contract_signed", obj=award,
                     payload={"signed_on": signed_on.isoformat(), "contract_due_on": award.contract_due_on.isoformat(),
                              "late": signed_on > award.contract_due_on})
    return award
