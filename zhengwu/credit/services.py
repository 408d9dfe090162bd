"""Writes of the credit domain (DOMAIN.md §11; issue 6 items 1 and 8). One audit event per write.

* ``rating_submit``: the tendering party (an enterprise user of the tendering enterprise, ``credit.rate``) or
  trading staff on its behalf (``credit.rate_any``) rates one expert who served on a section whose evaluation
  is reported (``EvaluationStatus.REPORTED``): four marks of 1–5, once per expert and section. A mean below
  ``low_rating_below`` proposes a penalty (``proposed``: nothing is deducted until someone confirms it).
* ``penalty_record``: staff or a supervisor (``credit.manage_penalties``) takes points off an expert:
  the score goes down through ``trading.services_experts.expert_credit_adjust``; when the score falls below
  ``suspend_below`` or the expert's effective points of that calendar year reach ``suspend_points_year``
  an active expert is suspended through ``expert_transition(action="suspend")`` by the actor ``"credit"``
  (the rule acting, with the penalty named in the reason). ``penalty_confirm`` / ``penalty_reject`` decide a
  proposal; ``penalty_revoke`` gives the points back (no automatic reinstatement).
* ``behaviour_record_create`` / ``behaviour_record_revoke``: the market-entity behaviour records
  (``credit.manage_records``).

The thresholds: ``selectors.credit_rules()`` (defaults in code, ``settings.ZHENGWU_EXPERT_CREDIT`` overrides).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.core.inputs import acting_user as _user, clean_text as _text
from zhengwu.credit import selectors
from zhengwu.credit.choices import BanScope, PenaltyBasis, PenaltyStatus, RecordKind, RecordStatus
from zhengwu.credit.models import MARKS, BehaviourRecord, ExpertPenalty, ExpertRating
from zhengwu.credit.workflow import PENALTY_WORKFLOW, RECORD_WORKFLOW
from zhengwu.org.models import Department, Enterprise, Person
from zhengwu.trading import services_experts
from zhengwu.trading.choices import EvaluationStatus, ExpertStatus
from zhengwu.trading.models import Evaluation, Expert, ExpertDrawMember, TenderSection

#: the actor label of what the credit rules do by themselves (a suspension at the threshold)
RULE_ACTOR = "credit"
MARK_LABELS = {"punctuality": "守时", "diligence": "尽职", "fairness": "公正", "professional": "专业水平"}


def _local(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


# --- ratings (一标一评) ------------------------------------------------------------------------------------

def _mark(value: Any, field: str) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        number = None
    if number is None or str(number) != str(value).strip() or not 1 <= number <= 5:
        raise InvalidInput(f"“{MARK_LABELS[field]}”应为 1 到 5 的整数。", field=field, code="out_of_range")
    return number


def _acting_party(actor: Any, section: TenderSection) -> tuple[Enterprise | None, bool]:
    """(the tendering enterprise rated for, whether staff record it on its behalf)."""
    project = section.tender.project
    party = project.tendering_enterprise or Enterprise.objects.filter(
        credit_code=project.tendering_party_credit_code).first()
    if isinstance(actor, str) or actor.has_perm("credit.rate_any"):
        return party, True
    require(actor, "credit.rate")
    if actor.enterprise_id is None or party is None or actor.enterprise_id != party.pk:
        raise Forbidden("只有本项目的招标人可以评价评标专家。", code="not_tendering_party")
    return party, False


def rating_submit(*, actor: Any, tender_section: TenderSection | int, expert: Expert | int,
                  punctuality: Any, diligence: Any, fairness: Any, professional: Any, comment: str = "",
                  now: dt.datetime | None = None) -> ExpertRating:
    """Rate one expert who served on ``tender_section`` (once, after the evaluation is reported)."""
    now = now or timezone.now()
    section_pk = getattr(tender_section, "pk", tender_section)
    if isinstance(actor, str):
        section = TenderSection.objects.select_related("tender__project", "section").filter(pk=section_pk).first()
        if section is None:
            raise NotFound("标段不存在。")
    else:
        if not (actor.has_perm("credit.rate") or actor.has_perm("credit.rate_any")):
            raise Forbidden("您没有评价评标专家的权限。", code="permission_denied")
        section = selectors.section_for_rating(user=actor, pk=section_pk)
    party, on_behalf = _acting_party(actor, section)
    marks = {name: _mark(value, name) for name, value in
             (("punctuality", punctuality), ("diligence", diligence), ("fairness", fairness),
              ("professional", professional))}
    comment = _text(comment, field="comment", label="评价意见", max_length=2000, required=False)
    evaluation = Evaluation.objects.filter(tender_section=section).first()
    if evaluation is None or evaluation.status != EvaluationStatus.REPORTED:
        raise Conflict("评标结束(提交评标报告)后方可评价评标专家。", code="evaluation_not_finished",
                       details={"state": evaluation.status if evaluation else None})
    expert_pk = getattr(expert, "pk", expert)
    member = next((m for m in selectors.served_members(section) if m.expert_id == expert_pk), None)
    if member is None:
        raise InvalidInput("该专家未在本标段评标委员会任职(或已被替换),不能评价。", field="expert_id",
                           code="not_served")
    average = (Decimal(sum(marks.values())) / len(MARKS)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    with transaction.atomic():
        if ExpertRating.objects.filter(tender_section=section, expert_id=expert_pk).exists():
            raise Conflict(f"已评价过专家{member.expert.name}(每个标段每位专家评价一次)。", field="expert_id",
                           code="duplicate")
        try:
            with transaction.atomic():
                rating = ExpertRating.objects.create(
                    tender_section=section, expert_id=expert_pk, member=member, average=average, comment=comment,
                    tendering_enterprise=party, rated_by=_user(actor), on_behalf=on_behalf, rated_at=now, **marks)
        except IntegrityError:
            raise Conflict(f"已评价过专家{member.expert.name}。", field="expert_id", code="duplicate") from None
        audit.record(actor=actor, action="expert_rating.submit", obj=rating,
                     payload={"tender_section": section.pk, "expert": expert_pk, **marks, "average": str(average),
                              "on_behalf": on_behalf, "tendering_enterprise": party.pk if party else None})
        rules = selectors.credit_rules()
        if average < Decimal(str(rules["low_rating_below"])):
            _propose(actor=actor, rating=rating, points=int(rules["low_rating_points"]), now=now)
    return rating


def _propose(*, actor: Any, rating: ExpertRating, points: int, now: dt.datetime) -> ExpertPenalty:
    low = "、".join(f"{MARK_LABELS[m]} {getattr(rating, m)} 分" for m in MARKS)
    return create_with_status(
        ExpertPenalty, actor=actor, initial=PenaltyStatus.PROPOSED, audit_action="expert_penalty.propose",
        audit_payload={"expert": rating.expert_id, "rating": rating.pk, "points": points,
                       "average": str(rating.average)},
        expert_id=rating.expert_id, tender_section_id=rating.tender_section_id, rating=rating,
        basis=PenaltyBasis.LOW_RATING, points=points,
        reason=f"招标人评价平均 {rating.average} 分({low}),低于 {selectors.credit_rules()['low_rating_below']} 分,"
               f"自动提出扣分建议,待确认。",
        occurred_on=_local(rating.rated_at), recorded_by=_user(actor), recorded_at=now)


# --- penalties (考核扣分) ----------------------------------------------------------------------------------

def _points(value: Any) -> int:
    limit = int(selectors.credit_rules()["max_points"])
    try:
        points = int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        points = None
    if points is None or str(points) != str(value).strip() or not 1 <= points <= limit:
        raise InvalidInput(f"扣分应为 1 到 {limit} 的整数。", field="points", code="out_of_range")
    return points


def penalty_record(*, actor: Any, expert: Expert | int, points: Any, basis: str, reason: str,
                   tender_section: TenderSection | None = None, occurred_on: dt.date | None = None,
                   now: dt.datetime | None = None) -> ExpertPenalty:
    """Take points off an expert now (and suspend at the threshold)."""
    require(actor, "credit.manage_penalties")
    now = now or timezone.now()
    expert_pk = getattr(expert, "pk", expert)
    if not Expert.objects.filter(pk=expert_pk).exists():
        raise InvalidInput("专家不存在。", field="expert_id", code="unknown_expert")
    points = _points(points)
    if basis not in PenaltyBasis.values or basis == PenaltyBasis.LOW_RATING:
        raise InvalidInput(f"未知的扣分事由:{basis}。", field="basis", code="bad_choice")
    reason = _text(reason, field="reason", label="情况说明", max_length=2000)
    occurred_on = occurred_on or _local(now)
    if occurred_on > _local(now):
        raise InvalidInput("发生日期不能晚于今天。", field="occurred_on", code="in_future")
    if tender_section is not None and not ExpertDrawMember.objects.filter(
            draw__tender_section=tender_section, expert_id=expert_pk).exists():
        raise InvalidInput("该专家未被抽取为该标段的评标委员会成员。", field="tender_section_id", code="not_drawn")
    with transaction.atomic():
        penalty = create_with_status(
            ExpertPenalty, actor=actor, initial=PenaltyStatus.EFFECTIVE, audit_action="expert_penalty.record",
            audit_payload={"expert": expert_pk, "points": points, "basis": basis,
                           "tender_section": tender_section.pk if tender_section else None,
                           "occurred_on": occurred_on.isoformat()},
            expert_id=expert_pk, tender_section=tender_section, basis=basis, points=points, reason=reason,
            occurred_on=occurred_on, recorded_by=_user(actor), recorded_at=now)
        apply_penalty(penalty, actor=actor, now=now)
    return penalty


def apply_penalty(penalty: ExpertPenalty, *, actor: Any, now: dt.datetime) -> ExpertPenalty:
    """Entering ``effective``: take the points off the score; suspend an active expert at the threshold."""
    rules = selectors.credit_rules()
    label = PenaltyBasis(penalty.basis).label
    before, after = services_experts.expert_credit_adjust(
        actor=actor, expert=penalty.expert_id, delta=-penalty.points, now=now,
        reason=f"考核扣分 {penalty.points} 分:{label}。{penalty.reason}"[:2000], payload={"penalty": penalty.pk})
    year_points = selectors.points_in_year(penalty.expert_id, penalty.occurred_on.year)
    why = []
    if after < rules["suspend_below"]:
        why.append(f"信用分 {after} 分,低于 {rules['suspend_below']} 分")
    if year_points >= rules["suspend_points_year"]:
        why.append(f"{penalty.occurred_on.year} 年累计扣分 {year_points} 分,达到 {rules['suspend_points_year']} 分")
    expert = Expert.objects.get(pk=penalty.expert_id)
    suspended = bool(why) and expert.status == ExpertStatus.ACTIVE
    if suspended:
        services_experts.expert_transition(
            actor=RULE_ACTOR, expert=expert, action="suspend", now=now,
            reason=f"考核扣分(记录 {penalty.pk}):{';'.join(why)},暂停评标资格。")
    fields = {"effective_at": now, "deducted": before - after, "score_before": before, "score_after": after,
              "suspended": suspended}
    ExpertPenalty.objects.filter(pk=penalty.pk).update(**fields)
    for name, value in fields.items():
        setattr(penalty, name, value)
    return penalty


def restore_penalty(penalty: ExpertPenalty, *, actor: Any, reason: str, now: dt.datetime) -> None:
    """Entering ``revoked``: give back the points that came off."""
    if penalty.deducted:
        services_experts.expert_credit_adjust(actor=actor, expert=penalty.expert_id, delta=penalty.deducted, now=now,
                                              reason=f"撤销考核扣分(记录 {penalty.pk}):{reason}"[:2000],
                                              payload={"penalty": penalty.pk, "revoked": True})


def penalty_confirm(*, actor: Any, penalty: ExpertPenalty | int, reason: str = "",
                    now: dt.datetime | None = None) -> ExpertPenalty:
    return PENALTY_WORKFLOW.run(penalty, "confirm", actor=actor, reason=reason, now=now)


def penalty_reject(*, actor: Any, penalty: ExpertPenalty | int, reason: str,
                   now: dt.datetime | None = None) -> ExpertPenalty:
    return PENALTY_WORKFLOW.run(penalty, "reject", actor=actor, reason=reason, now=now)


def penalty_revoke(*, actor: Any, penalty: ExpertPenalty | int, reason: str,
                   now: dt.datetime | None = None) -> ExpertPenalty:
    return PENALTY_WORKFLOW.run(penalty, "revoke", actor=actor, reason=reason, now=now)


def penalty_transition(*, actor: Any, penalty: ExpertPenalty | int, action: str, reason: str = "",
                       now: dt.datetime | None = None) -> ExpertPenalty:
    return PENALTY_WORKFLOW.run(penalty, action, actor=actor, reason=reason, now=now)


# --- behaviour records (市场主体行为记录) -------------------------------------------------------------------

def behaviour_record_create(*, actor: Any, kind: str, title: str, reason: str, effective_from: dt.date | None,
                            enterprise: Enterprise | None = None, person: Person | None = None, scope: str = "",
                            legal_basis: str = "", department: Department | None = None, department_name: str = "",
                            document_number: str = "", effective_until: dt.date | None = None,
                            now: dt.datetime | None = None) -> BehaviourRecord:
    require(actor, "credit.manage_records")
    now = now or timezone.now()
    if (enterprise is None) == (person is None):
        raise InvalidInput("请指定一个企业或一个自然人作为记录对象。", field="subject", code="one_subject")
    if kind not in RecordKind.values:
        raise InvalidInput(f"未知的记录类别:{kind}。", field="kind", code="bad_choice")
    scope = scope or ""
    if kind == RecordKind.BAN:
        if scope not in BanScope.values:
            raise InvalidInput("“禁止参与”须选择禁止范围(投标、评标、招标代理或全部)。", field="scope", code="required")
    elif scope:
        raise InvalidInput("只有“禁止参与”类记录有禁止范围。", field="scope", code="not_a_ban")
    if person is not None and scope in (BanScope.BIDDING, BanScope.AGENCY):
        raise InvalidInput("对自然人的禁止范围只能是评标或全部。", field="scope", code="scope_for_enterprise")
    title = _text(title, field="title", label="标题", max_length=200)
    reason = _text(reason, field="reason", label="事实与理由", max_length=4000)
    legal_basis = _text(legal_basis, field="legal_basis", label="法律依据", max_length=2000, required=False)
    department_name = department.name if department is not None else _text(
        department_name, field="department_name", label="作出部门", max_length=128)
    document_number = _text(document_number, field="document_number", label="文号", max_length=64, required=False)
    if effective_from is None:
        raise InvalidInput("请填写生效日期。", field="effective_from", code="required")
    if effective_until is not None and effective_until < effective_from:
        raise InvalidInput("截止日期不能早于生效日期。", field="effective_until", code="before_start")
    return create_with_status(
        BehaviourRecord, actor=actor, initial=RecordStatus.EFFECTIVE, audit_action="behaviour_record.create",
        audit_payload={"kind": kind, "scope": scope, "title": title,
                       "enterprise": enterprise.credit_code if enterprise else None,
                       "person": person.pk if person else None, "department": department_name,
                       "document_number": document_number, "effective_from": effective_from.isoformat(),
                       "effective_until": effective_until.isoformat() if effective_until else None},
        enterprise=enterprise, person=person, kind=kind, scope=scope, title=title, reason=reason,
        legal_basis=legal_basis, department=department, department_name=department_name,
        document_number=document_number, effective_from=effective_from, effective_until=effective_until,
        recorded_by=_user(actor), recorded_at=now)


def behaviour_record_revoke(*, actor: Any, record: BehaviourRecord | int, reason: str,
                            now: dt.datetime | None = None) -> BehaviourRecord:
    return RECORD_WORKFLOW.run(record, "revoke", actor=actor, reason=reason, now=now)
