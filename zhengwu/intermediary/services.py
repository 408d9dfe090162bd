"""Every write of the intermediary supermarket (网上中介超市).

One service per operation; the web views and the API call the same function. Each runs in one transaction and
writes one audit event (the workflow's, when a status moves). Refusals are AppErrors naming the field.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.identifiers import validate_credit_code
from zhengwu.core.inputs import acting_user as _user
from zhengwu.core.inputs import choice as _choice
from zhengwu.core.inputs import date_value as _date
from zhengwu.core.inputs import clean_text as _text
from zhengwu.core.inputs import locked_row as _locked
from zhengwu.core.inputs import reference as _ref
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.intermediary.choices import (
    AgencyStatus,
    ProposalStatus,
    PurchaseStatus,
    RemovalReason,
    SelectionMethod,
)
from zhengwu.intermediary.models import (
    Agency,
    Answer,
    Purchase,
    Qualification,
    Rating,
    RemovalProposal,
    ServiceListItem,
    ServiceType,
)
from zhengwu.intermediary.permissions import ANSWER, MANAGE, PURCHASE
from zhengwu.intermediary.selectors import agency_of, proposals_visible_to, purchases_visible_to
from zhengwu.intermediary.workflow import AGENCY_WORKFLOW, PROPOSAL_WORKFLOW, PURCHASE_WORKFLOW
from zhengwu.org import services as org_services
from zhengwu.org.models import Department, Enterprise

MAX_MONEY = Decimal("99999999999.99")
NUMBER_PREFIX = "ZJ"
#: credit score of an agency nobody has rated yet; a rating of n stars counts 20·n
INITIAL_CREDIT = Decimal("80.0")
#: the clean-up proposes agencies whose credit is below this
CREDIT_THRESHOLD = Decimal("60")
INACTIVE_DAYS = 365


# --- helpers ------------------------------------------------------------------------------------------------

def money(value: Any, *, field: str, label: str) -> Decimal:
    if value is None or str(value).strip() == "":
        raise InvalidInput(f"{label}不能为空。", field=field, code="required")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{label}“{value}”不是数字。", field=field, code="bad_amount") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(f"{label}最多保留两位小数(分)。", field=field, code="bad_amount")
    if amount <= 0:
        raise InvalidInput(f"{label}必须大于零。", field=field, code="bad_amount")
    if amount > MAX_MONEY:
        raise InvalidInput(f"{label}过大。", field=field, code="bad_amount")
    return amount.quantize(Decimal("0.01"))



def _datetime(value: Any, *, field: str, label: str) -> dt.datetime:
    if value in (None, ""):
        raise InvalidInput(f"{label}不能为空。", field=field, code="required")
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(f"{label}“{value}”不是时间(YYYY-MM-DD HH:MM)。", field=field,
                               code="bad_datetime") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)



def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


# --- service types and the public list ----------------------------------------------------------------------

def service_type_create(*, actor: Any, code: str, name: str, sort: int = 0) -> ServiceType:
    require(actor, MANAGE)
    code = _text(code, field="code", label="编码", max_length=32)
    name = _text(name, field="name", label="服务类型", max_length=64)
    if ServiceType.objects.filter(code=code).exists() or ServiceType.objects.filter(name=name).exists():
        raise Conflict(f"服务类型“{name}”(编码 {code})已存在。", field="code", code="duplicate")
    with transaction.atomic():
        obj = ServiceType.objects.create(code=code, name=name, sort=sort)
        audit.record(actor=actor, action="intermediary_service_type.create", obj=obj, payload={"name": name})
    return obj


def service_list_item_create(*, actor: Any, service_type: Any, name: str, time_limit_days: Any, workflow_text: str,
                             conditions: str, fee_standard: str, department: Any = None,
                             legal_basis: str = "") -> ServiceListItem:
    """Add an item to the public intermediary service list (清单)."""
    require(actor, MANAGE)
    st = _ref(ServiceType, service_type, field="service_type", label="服务类型")
    dept = _ref(Department, department, field="department", label="部门") if department not in (None, "") else None
    try:
        days = int(str(time_limit_days).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"服务时限“{time_limit_days}”不是整数。", field="time_limit_days", code="bad_number") from None
    if not 1 <= days <= 365:
        raise InvalidInput("服务时限应在 1 至 365 个工作日之间。", field="time_limit_days", code="out_of_range")
    fields = {
        "name": _text(name, field="name", label="中介服务事项", max_length=200),
        "workflow_text": _text(workflow_text, field="workflow_text", label="办理流程"),
        "conditions": _text(conditions, field="conditions", label="申请条件"),
        "fee_standard": _text(fee_standard, field="fee_standard", label="收费标准", max_length=500),
        "legal_basis": _text(legal_basis, field="legal_basis", label="设定依据", max_length=500, required=False),
    }
    if ServiceListItem.objects.filter(service_type=st, name=fields["name"]).exists():
        raise Conflict(f"清单中已有“{fields['name']}”。", field="name", code="duplicate")
    with transaction.atomic():
        item = ServiceListItem.objects.create(service_type=st, department=dept, time_limit_days=days, **fields)
        audit.record(actor=actor, action="intermediary_list_item.create", obj=item,
                     payload={"name": item.name, "service_type": st.code})
    return item


# --- agencies -----------------------------------------------------------------------------------------------

def agency_register(*, actor: Any, credit_code: str, name: str, department: Any, service_types: Iterable[Any],
                    contact: str = "", registered_on: Any = None, now: dt.datetime | None = None) -> Agency:
    """Register an agency by its unified social credit code under a supervising department."""
    require(actor, MANAGE)
    code = validate_credit_code(credit_code, field="credit_code")
    name = _text(name, field="name", label="机构名称", max_length=128)
    dept = _ref(Department, department, field="department", label="监管部门")
    types = [_ref(ServiceType, t, field="service_types", label="服务类型") for t in (service_types or [])]
    if not types:
        raise InvalidInput("请至少选择一种服务类型。", field="service_types", code="required")
    day = _date(registered_on, field="registered_on", label="入驻日期") if registered_on else _today(now)
    if Agency.objects.filter(credit_code=code).exists():
        raise Conflict(f"统一社会信用代码 {code} 的机构已入驻。", field="credit_code", code="duplicate")
    with transaction.atomic():
        ent = org_services.enterprise_register(actor=actor, credit_code=code, name=name)
        agency = create_with_status(
            Agency, actor=actor, initial=AgencyStatus.ACTIVE, audit_action="agency.register",
            audit_payload={"credit_code": code, "department": dept.code, "service_types": [t.code for t in types]},
            enterprise=ent, credit_code=code, name=name, department=dept,
            contact=_text(contact, field="contact", label="联系人", max_length=32, required=False),
            registered_on=day)
        agency.service_types.set(types)
    return agency


def qualification_add(*, actor: Any, agency: Agency | int, name: str, number: str, valid_until: Any) -> Qualification:
    require(actor, MANAGE)
    fields = {"name": _text(name, field="name", label="资质名称", max_length=128),
              "number": _text(number, field="number", label="证书编号", max_length=64),
              "valid_until": _date(valid_until, field="valid_until", label="有效期至")}
    with transaction.atomic():
        current = _ref(Agency, agency, field="agency", label="机构")
        if current.qualifications.filter(number=fields["number"]).exists():
            raise Conflict(f"证书编号 {fields['number']} 已登记。", field="number", code="duplicate")
        qual = Qualification.objects.create(agency=current, **fields)
        audit.record(actor=actor, action="agency.qualification_add", obj=current,
                     payload={"qualification": qual.pk, "name": qual.name, "valid_until": str(qual.valid_until)})
    return qual


def agency_suspend(*, actor: Any, agency: Agency | int, reason: str, now: dt.datetime | None = None) -> Agency:
    return AGENCY_WORKFLOW.run(agency, "suspend", actor=actor, reason=reason, now=now,
                               payload={"_updates": {"status_reason": str(reason or "").strip()[:500]}})


def agency_reinstate(*, actor: Any, agency: Agency | int, reason: str = "", now: dt.datetime | None = None) -> Agency:
    return AGENCY_WORKFLOW.run(agency, "reinstate", actor=actor, reason=reason, now=now,
                               payload={"_updates": {"status_reason": ""}})


def agency_remove(*, actor: Any, agency: Agency | int, reason: str, now: dt.datetime | None = None,
                  payload: dict[str, Any] | None = None) -> Agency:
    """清理: the agency leaves the supermarket, with the reason recorded."""
    return AGENCY_WORKFLOW.run(agency, "remove", actor=actor, reason=reason, now=now,
                               payload={**(payload or {}),
                                        "_updates": {"status_reason": str(reason or "").strip()[:500]}})


def ineligibility(agency: Agency, *, service_type_id: int, today: dt.date) -> tuple[str, str] | None:
    """Why ``agency`` may not serve a purchase of this service type today: (code, message), or None."""
    if agency.status != AgencyStatus.ACTIVE:
        return ("agency_not_active", f"机构“{agency.name}”状态为“{agency.get_status_display()}”,不能应答或被选取。")
    if not agency.service_types.filter(pk=service_type_id).exists():
        return ("wrong_service_type", f"机构“{agency.name}”未登记该服务类型。")
    expired = agency.qualifications.filter(valid_until__lt=today).order_by("valid_until").first()
    if expired is not None:
        return ("qualification_expired",
                f"机构“{agency.name}”的资质“{expired.name}”(证书编号 {expired.number})已于 {expired.valid_until} "
                f"过期,不能应答或被选取。")
    return None


# --- purchases ----------------------------------------------------------------------------------------------

def purchase_post(*, actor: Any, project_name: str, service_type: Any, budget: Any, answer_deadline: Any,
                  selection_method: str, owner: Enterprise | int | None = None, government_invested: bool = False,
                  investment_project_code: str = "", description: str = "",
                  now: dt.datetime | None = None) -> Purchase:
    """A project owner posts a purchase of an intermediary service."""
    require(actor, PURCHASE)
    now = now or timezone.now()
    if owner in (None, ""):
        owner = getattr(actor, "enterprise_id", None) if not isinstance(actor, str) else None
    ent = _ref(Enterprise, owner, field="owner", label="项目业主")
    if not isinstance(actor, str) and actor.enterprise_id and actor.enterprise_id != ent.pk:
        raise InvalidInput("只能以本单位名义发布采购。", field="owner", code="not_own_enterprise")
    fields = {
        "project_name": _text(project_name, field="project_name", label="项目名称", max_length=200),
        "budget": money(budget, field="budget", label="预算"),
        "selection_method": _choice(selection_method, SelectionMethod, field="selection_method"),
        "investment_project_code": _text(investment_project_code, field="investment_project_code",
                                         label="投资项目代码", max_length=40, required=False),
        "description": str(description or "").strip(),
        "government_invested": bool(government_invested),
    }
    st = _ref(ServiceType, service_type, field="service_type", label="服务类型")
    deadline = _datetime(answer_deadline, field="answer_deadline", label="应答截止时间")
    if deadline <= now:
        raise InvalidInput("应答截止时间必须晚于发布时间。", field="answer_deadline", code="deadline_in_past")
    with transaction.atomic():
        purchase = create_with_status(
            Purchase, actor=actor, initial=PurchaseStatus.POSTED, audit_action="purchase.post",
            audit_payload={"budget": str(fields["budget"]), "service_type": st.code,
                           "selection_method": fields["selection_method"]},
            number=f"tmp-{secrets.token_hex(8)}", owner=ent, service_type=st, answer_deadline=deadline,
            posted_at=now, posted_by=_user(actor), **fields)
        purchase.number = f"{NUMBER_PREFIX}{timezone.localtime(now):%Y}{purchase.pk:06d}"
        Purchase.objects.filter(pk=purchase.pk).update(number=purchase.number)
    return purchase


def answer_submit(*, actor: Any, purchase: Purchase | int, price: Any, plan: str, agency: Agency | int | None = None,
                  now: dt.datetime | None = None) -> Answer:
    """An agency answers a purchase with its price and plan, before the deadline. An agency that is not active,
    does not offer the service type, or holds an expired qualification is refused (409, naming it)."""
    require(actor, ANSWER)
    now = now or timezone.now()
    if agency in (None, ""):
        agency = agency_of(actor)
        if agency is None:
            raise InvalidInput("当前账号未关联中介机构。", field="agency", code="no_agency")
    elif not isinstance(actor, str):
        own = agency_of(actor)
        if own is None or own.pk != getattr(agency, "pk", agency):
            raise InvalidInput("只能以本机构名义应答。", field="agency", code="not_own_agency")
    value = money(price, field="price", label="报价")
    plan = _text(plan, field="plan", label="服务方案", max_length=5000)
    with transaction.atomic():
        current = _locked(actor, Purchase, purchases_visible_to, purchase)
        ag = _ref(Agency, agency, field="agency", label="机构")
        if current.status not in (PurchaseStatus.POSTED, PurchaseStatus.ANSWERING):
            raise Conflict(f"采购当前状态为“{current.get_status_display()}”,不再接受应答。", code="not_answering")
        if now > current.answer_deadline:
            raise Conflict(f"应答已于 {timezone.localtime(current.answer_deadline):%Y-%m-%d %H:%M} 截止。",
                           code="deadline_passed")
        why = ineligibility(ag, service_type_id=current.service_type_id, today=_today(now))
        if why is not None:
            raise Conflict(why[1], code=why[0], field="qualification" if why[0] == "qualification_expired"
                           else "agency")
        if current.answers.filter(agency=ag).exists():
            raise Conflict(f"机构“{ag.name}”已应答过该采购。", field="agency", code="already_answered")
        try:
            with transaction.atomic():
                ans = Answer.objects.create(purchase=current, agency=ag, price=value, plan=plan, answered_at=now)
        except IntegrityError:
            raise Conflict(f"机构“{ag.name}”已应答过该采购。", field="agency", code="already_answered") from None
        payload = {"answer": ans.pk, "agency": ag.pk, "price": str(value)}
        if current.status == PurchaseStatus.POSTED:
            PURCHASE_WORKFLOW.run(current, "answer", actor=actor, now=now, payload=payload)
        else:
            audit.record(actor=actor, action="purchase.answer_add", obj=current, payload=payload)
    return ans


def answers_score(*, actor: Any, purchase: Purchase | int, scores: dict[int | str, Any]) -> list[Answer]:
    """Record the scores (0–100) of a scoring purchase's answers."""
    require(actor, PURCHASE)
    with transaction.atomic():
        current = _locked(actor, Purchase, purchases_visible_to, purchase)
        if current.selection_method != SelectionMethod.SCORING:
            raise Conflict("该采购的选取方式不是综合评分。", field="scores", code="not_scoring")
        if current.status not in (PurchaseStatus.POSTED, PurchaseStatus.ANSWERING):
            raise Conflict(f"采购当前状态为“{current.get_status_display()}”,不能评分。", code="not_answering")
        answers = {a.pk: a for a in current.answers.all()}
        cleaned: dict[int, Decimal] = {}
        for key, raw in (scores or {}).items():
            try:
                pk = int(key)
                value = Decimal(str(raw).strip())
            except (TypeError, ValueError, InvalidOperation):
                raise InvalidInput(f"评分“{raw}”不是数字。", field="scores", code="bad_score") from None
            if pk not in answers:
                raise InvalidInput(f"应答 {key} 不属于该采购。", field="scores", code="unknown_answer")
            if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
                raise InvalidInput("评分应在 0 至 100 之间。", field="scores", code="out_of_range")
            cleaned[pk] = value.quantize(Decimal("0.01"))
        if not cleaned:
            raise InvalidInput("请填写评分。", field="scores", code="required")
        for pk, value in cleaned.items():
            Answer.objects.filter(pk=pk).update(score=value)
            answers[pk].score = value
        audit.record(actor=actor, action="purchase.score", obj=current,
                     payload={"scores": {str(k): str(v) for k, v in cleaned.items()}})
    return [answers[pk] for pk in cleaned]


def _eligible_answers(purchase: Purchase, *, today: dt.date) -> list[Answer]:
    """The answers that may be selected, sorted by agency id; when there are none, a 409 saying why."""
    answers = list(purchase.answers.select_related("agency").order_by("agency_id"))
    if not answers:
        raise Conflict("没有机构应答,无法选取。", code="no_eligible_agency", details={"reason": "no_answers"})
    of_type = [a for a in answers if a.agency.service_types.filter(pk=purchase.service_type_id).exists()]
    if not of_type:
        raise Conflict("无符合条件的机构:应答机构均未登记该服务类型。", code="no_eligible_agency",
                       details={"reason": "no_service_type"})
    active = [a for a in of_type if a.agency.status == AgencyStatus.ACTIVE]
    if not active:
        raise Conflict("无符合条件的机构:应答机构均已暂停或被清理。", code="no_eligible_agency",
                       details={"reason": "all_suspended"})
    valid = [a for a in active if not a.agency.qualifications.filter(valid_until__lt=today).exists()]
    if not valid:
        raise Conflict("无符合条件的机构:应答机构的资质均已过期。", code="no_eligible_agency",
                       details={"reason": "all_qualifications_expired"})
    return valid


def draw(seed: str, agency_ids: list[int]) -> int:
    """The random draw: ``random.Random(seed)`` choosing among the agency ids sorted ascending. Anyone with the
    recorded seed and candidates gets the same agency."""
    return random.Random(int(seed)).choice(sorted(agency_ids))


def purchase_select(*, actor: Any, purchase: Purchase | int, answer: Answer | int | None = None,
                    seed: int | str | None = None, now: dt.datetime | None = None) -> Purchase:
    """Select the deal (成交) by the purchase's method and publish it.

    direct: the owner names the answer; random: a draw over the eligible agencies (sorted by id) with a seed
    recorded on the purchase and in the audit event; lowest price: the lowest eligible price (earliest answer
    on a tie); scoring: the highest score (every eligible answer must be scored; lower price, then earlier
    answer on a tie)."""
    require(actor, PURCHASE)
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(actor, Purchase, purchases_visible_to, purchase)
        if current.status not in (PurchaseStatus.POSTED, PurchaseStatus.ANSWERING):
            raise Conflict(f"采购当前状态为“{current.get_status_display()}”,不能选取。", code="invalid_transition")
        eligible = _eligible_answers(current, today=_today(now))
        method = current.selection_method
        payload: dict[str, Any] = {"method": method, "candidates": [a.agency_id for a in eligible]}
        seed_text = ""
        if method == SelectionMethod.DIRECT:
            if answer in (None, ""):
                raise InvalidInput("直接选取须指定成交的应答。", field="answer", code="required")
            pk = int(getattr(answer, "pk", answer))
            chosen = next((a for a in eligible if a.pk == pk), None)
            if chosen is None:
                raise InvalidInput("所选应答不存在或其机构不符合条件。", field="answer", code="not_eligible")
        elif method == SelectionMethod.RANDOM:
            seed_text = str(seed if seed not in (None, "") else secrets.randbits(32)).strip()
            if not seed_text.isdigit() or len(seed_text) > 20:
                raise InvalidInput("随机种子应为非负整数。", field="seed", code="bad_seed")
            agency_id = draw(seed_text, [a.agency_id for a in eligible])
            chosen = next(a for a in eligible if a.agency_id == agency_id)
            payload["seed"] = seed_text
        elif method == SelectionMethod.LOWEST_PRICE:
            chosen = min(eligible, key=lambda a: (a.price, a.answered_at, a.pk))
        else:
            unscored = [a for a in eligible if a.score is None]
            if unscored:
                names = "、".join(a.agency.name for a in unscored)
                raise Conflict(f"以下机构的应答尚未评分:{names}。", field="scores", code="not_scored",
                               details={"answers": [a.pk for a in unscored]})
            chosen = min(eligible, key=lambda a: (-a.score, a.price, a.pk))
            payload["scores"] = {str(a.pk): str(a.score) for a in eligible}
        payload.update({"answer": chosen.pk, "agency": chosen.agency_id, "price": str(chosen.price),
                        "_updates": {"selected_answer_id": chosen.pk, "deal_at": now, "draw_seed": seed_text}})
        return PURCHASE_WORKFLOW.run(current, "select", actor=actor, now=now, payload=payload)


def purchase_contract(*, actor: Any, purchase: Purchase | int, contract_date: Any,
                      now: dt.datetime | None = None) -> Purchase:
    day = _date(contract_date, field="contract_date", label="合同签订日期")
    with transaction.atomic():
        current = _locked(actor, Purchase, purchases_visible_to, purchase)
        if current.deal_at and day < timezone.localdate(current.deal_at):
            raise InvalidInput("合同签订日期不能早于成交日期。", field="contract_date", code="dates_out_of_order")
        return PURCHASE_WORKFLOW.run(current, "contract", actor=actor, now=now,
                                     payload={"contract_date": str(day), "_updates": {"contract_date": day}})


def purchase_complete(*, actor: Any, purchase: Purchase | int, completed_on: Any,
                      now: dt.datetime | None = None) -> Purchase:
    day = _date(completed_on, field="completed_on", label="服务完成日期")
    with transaction.atomic():
        current = _locked(actor, Purchase, purchases_visible_to, purchase)
        if current.contract_date and day < current.contract_date:
            raise InvalidInput("服务完成日期不能早于合同签订日期。", field="completed_on", code="dates_out_of_order")
        return PURCHASE_WORKFLOW.run(current, "complete", actor=actor, now=now,
                                     payload={"completed_on": str(day), "_updates": {"completed_on": day}})


def agency_credit(agency_id: int) -> tuple[Decimal, int]:
    """The credit score from the owners' ratings: 20 × the average stars (80 before any rating)."""
    agg = Rating.objects.filter(agency_id=agency_id).aggregate(avg=Avg("stars"), n=Count("id"))
    if not agg["n"]:
        return INITIAL_CREDIT, 0
    return (Decimal(str(agg["avg"])) * 20).quantize(Decimal("0.1")), agg["n"]


def purchase_rate(*, actor: Any, purchase: Purchase | int, stars: Any, comment: str = "",
                  now: dt.datetime | None = None) -> Rating:
    """The owner rates the service after completion (409 before); the rating updates the agency's credit."""
    require(actor, PURCHASE)
    now = now or timezone.now()
    try:
        value = int(str(stars).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"评价“{stars}”不是 1 至 5 的整数。", field="stars", code="bad_stars") from None
    if not 1 <= value <= 5:
        raise InvalidInput("评价应为 1 至 5 星。", field="stars", code="bad_stars")
    comment = _text(comment, field="comment", label="评价意见", max_length=500, required=False)
    with transaction.atomic():
        current = _locked(actor, Purchase, purchases_visible_to, purchase)
        if current.status != PurchaseStatus.COMPLETED:
            raise Conflict(f"服务完成后才能评价(当前状态“{current.get_status_display()}”)。",
                           code="rating_before_completion", field="stars")
        agency_id = Answer.objects.filter(pk=current.selected_answer_id).values_list("agency_id", flat=True).get()
        rating = Rating.objects.create(purchase=current, agency_id=agency_id, stars=value, comment=comment,
                                       rated_at=now, rated_by=_user(actor))
        score, count = agency_credit(agency_id)
        Agency.objects.filter(pk=agency_id).update(credit_score=score, ratings_count=count)
        PURCHASE_WORKFLOW.run(current, "rate", actor=actor, now=now,
                              payload={"stars": value, "agency": agency_id, "credit_score": str(score)})
    return rating


# --- clean-up -------------------------------------------------------------------------------------------------

def removal_candidates(*, today: dt.date, threshold: Decimal = CREDIT_THRESHOLD) -> list[tuple[Agency, list[str], str]]:
    """Agencies to propose for removal, with reasons: an expired qualification, credit below ``threshold``,
    no answer in the last 12 months (agencies registered at least 12 months ago)."""
    since = today - dt.timedelta(days=INACTIVE_DAYS)
    result = []
    agencies = Agency.objects.filter(status__in=[AgencyStatus.ACTIVE, AgencyStatus.SUSPENDED]).prefetch_related(
        "qualifications").order_by("id")
    recent = set(Answer.objects.filter(answered_at__date__gte=since).values_list("agency_id", flat=True))
    for agency in agencies:
        reasons, notes = [], []
        expired = [q for q in agency.qualifications.all() if q.valid_until < today]
        if expired:
            reasons.append(RemovalReason.QUALIFICATION_EXPIRED.value)
            notes.append("资质过期:" + "、".join(f"{q.name}({q.valid_until})" for q in expired))
        if agency.credit_score < threshold:
            reasons.append(RemovalReason.LOW_CREDIT.value)
            notes.append(f"信用分 {agency.credit_score} 低于 {threshold}")
        if agency.registered_on <= since and agency.pk not in recent:
            reasons.append(RemovalReason.INACTIVE.value)
            notes.append("12个月内无应答")
        if reasons:
            result.append((agency, reasons, ";".join(notes)[:500]))
    return result


def removal_review_run(*, actor: Any, today: dt.date | None = None,
                       threshold: Decimal = CREDIT_THRESHOLD) -> list[RemovalProposal]:
    """The periodic review: one proposal per candidate agency (none while one is still open)."""
    require(actor, MANAGE)
    today = today or timezone.localdate()
    made = []
    with transaction.atomic():
        open_ids = set(RemovalProposal.objects.filter(status=ProposalStatus.PROPOSED).values_list("agency_id",
                                                                                                   flat=True))
        for agency, reasons, detail in removal_candidates(today=today, threshold=threshold):
            if agency.pk in open_ids:
                continue
            made.append(create_with_status(
                RemovalProposal, actor=actor, initial=ProposalStatus.PROPOSED, audit_action="removal_proposal.create",
                audit_payload={"agency": agency.pk, "reasons": reasons}, agency=agency, reasons=reasons,
                detail=detail, review_date=today))
    return made


def proposal_accept(*, actor: Any, proposal: RemovalProposal | int, reason: str,
                    now: dt.datetime | None = None) -> RemovalProposal:
    """A person accepts a proposal: the agency is removed (清理) with the reason."""
    with transaction.atomic():
        current = _locked(actor, RemovalProposal, proposals_visible_to, proposal)
        done = PROPOSAL_WORKFLOW.run(current, "accept", actor=actor, reason=reason, now=now,
                                     payload={"agency": current.agency_id,
                                              "_updates": {"decided_by": _user(actor),
                                                           "decision_reason": str(reason or "").strip()[:500]}})
        agency_remove(actor=actor, agency=current.agency_id, reason=reason, now=now,
                      payload={"proposal": current.pk, "reasons": current.reasons})
    return done


def proposal_reject(*, actor: Any, proposal: RemovalProposal | int, reason: str,
                    now: dt.datetime | None = None) -> RemovalProposal:
    with transaction.atomic():
        current = _locked(actor, RemovalProposal, proposals_visible_to, proposal)
        return PROPOSAL_WORKFLOW.run(current, "reject", actor=actor, reason=reason, now=now,
                                     payload={"agency": current.agency_id,
                                              "_updates": {"decided_by": _user(actor),
                                                           "decision_reason": str(reason or "").strip()[:500]}})
