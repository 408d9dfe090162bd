"""Every write of small projects: register, record the contract, a change order, a payment, an acceptance.

One service per operation; the web form and the API call the same function. Each runs in one transaction
and writes one audit event (the workflow's, when the record moves the project's status). The registry keeps
what happened: a payment above the contract or a final payment before acceptance is recorded, and the
alerts (``alerts.py``) raise it to the supervisors. What cannot be a small project is refused: an estimate
or a contract at or above the must-tender limit goes to the trading center.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.core.inputs import acting_user as _user, clean_text as _text
from zhengwu.core.inputs import choice as _choice
from zhengwu.core.inputs import date_value as _date
from zhengwu.org import services as org_services
from zhengwu.org.models import Enterprise, Region, RegionLevel
from zhengwu.org.selectors import regions_visible_to
from zhengwu.smallprojects.choices import (
    AcceptanceResult,
    Category,
    ContractingWay,
    Funding,
    PaymentKind,
    ProjectStatus,
)
from zhengwu.smallprojects.models import Acceptance, ChangeOrder, Payment, SmallProject
from zhengwu.smallprojects.selectors import small_projects_visible_to
from zhengwu.smallprojects.workflow import PROJECT_WORKFLOW, RECORD

MAX_MONEY = Decimal("99999999999.99")
LIMIT_RULE = "mandatory_limit_works"
NUMBER_PREFIX = "XE"


# --- helpers ------------------------------------------------------------------------------------------------

def money(value: Any, *, field: str, label: str = "金额", required: bool = True, signed: bool = False) -> Decimal | None:
    """Yuan with at most two decimals: positive (or, ``signed``, non-zero), or InvalidInput naming the field."""
    if value is None or str(value).strip() == "":
        if required:
            raise InvalidInput(f"{label}不能为空。", field=field, code="required")
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{label}“{value}”不是数字。", field=field, code="bad_amount") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(f"{label}最多保留两位小数(分)。", field=field, code="bad_amount")
    if signed and amount == 0:
        raise InvalidInput(f"{label}不能为零。", field=field, code="bad_amount")
    if not signed and amount <= 0:
        raise InvalidInput(f"{label}必须大于零。", field=field, code="bad_amount")
    if abs(amount) > MAX_MONEY:
        raise InvalidInput(f"{label}过大。", field=field, code="bad_amount")
    return amount.quantize(Decimal("0.01"))




def _not_after(later: dt.date | None, earlier: dt.date | None, *, field: str, message: str) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise InvalidInput(message, field=field, code="dates_out_of_order",
                           details={"date": str(later), "not_before": str(earlier)})


def _not_future(day: dt.date | None, *, field: str, label: str, today: dt.date) -> None:
    if day is not None and day > today:
        raise InvalidInput(f"{label}({day})不能晚于今天。", field=field, code="date_in_future")


def mandatory_limit() -> Decimal:
    """The must-tender limit for works (trading rule ``mandatory_limit_works``, read from the rule table)."""
    from zhengwu.trading.choices import ProjectType
    from zhengwu.trading.selectors import rules_for

    value = rules_for(project_type=ProjectType.CONSTRUCTION, procedure="")[LIMIT_RULE].value
    return Decimal(value.numerator) / Decimal(value.denominator)


def _below_limit(amount: Decimal, *, field: str, label: str) -> None:
    limit = mandatory_limit()
    if amount >= limit:
        raise InvalidInput(
            f"{label} {amount} 元达到必须招标限额 {limit:.0f} 元(规则 {LIMIT_RULE}),不属于限额以下工程,"
            f"须进入公共资源交易中心招标。", field=field, code="above_limit",
            details={"rule": LIMIT_RULE, "limit": str(limit), "amount": str(amount)})


def _owner_region(actor: Any, region: Region | int | None) -> Region:
    if region is None or region == "":
        raise InvalidInput("请选择建设单位所在的乡镇(街道)或村(社区)。", field="owner_region", code="required")
    pk = getattr(region, "pk", region)
    obj = Region.objects.select_related("parent").filter(pk=pk).first()
    if obj is None or obj.level not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        raise InvalidInput("建设单位所在区划应为乡镇(街道)或村(社区)。", field="owner_region", code="bad_region")
    if not isinstance(actor, str) and not regions_visible_to(actor).filter(pk=obj.pk).exists():
        raise InvalidInput(f"“{obj.name}”不在您的数据范围内。", field="owner_region", code="region_out_of_scope")
    return obj


def _project(actor: Any, project: SmallProject | int) -> SmallProject:
    """The project through the actor's scope (outside it: 404), locked for the operation."""
    pk = getattr(project, "pk", project)
    source = SmallProject.objects.all() if isinstance(actor, str) else small_projects_visible_to(actor)
    obj = source.select_for_update().filter(pk=pk).first()
    if obj is None:
        from zhengwu.core.errors import NotFound

        raise NotFound("对象不存在或不在您的数据范围内。")
    return obj


def _contracted(project: SmallProject, what: str) -> None:
    if project.status == ProjectStatus.REGISTERED or project.contract_date is None:
        raise Conflict(f"项目尚未登记合同,不能登记{what}。", code="not_contracted")


# --- registry ---------------------------------------------------------------------------------------------

def small_project_register(*, actor: Any, name: str, owner_region: Region | int | None, owner_name: str,
                           category: str, estimate: Any, funding: str, location: str = "", scope_keyword: str = "",
                           approval_date: Any = None, approval_number: str = "", contracting_way: str = "",
                           planned_completion: Any = None, description: str = "",
                           now: dt.datetime | None = None) -> SmallProject:
    """Register a project of a township or village below the must-tender limit."""
    require(actor, RECORD)
    now = now or timezone.now()
    today = timezone.localdate(now)
    fields = {
        "name": _text(name, field="name", label="项目名称", max_length=200),
        "owner_name": _text(owner_name, field="owner_name", label="建设单位", max_length=100),
        "category": _choice(category, Category, field="category"),
        "estimate": money(estimate, field="estimate", label="估算投资"),
        "funding": _choice(funding, Funding, field="funding"),
        "location": _text(location, field="location", label="建设地点", max_length=200, required=False),
        "scope_keyword": _text(scope_keyword, field="scope_keyword", label="道路或范围关键词", max_length=64,
                               required=False),
        "approval_date": _date(approval_date, field="approval_date", label="立项批复日期", required=False),
        "approval_number": _text(approval_number, field="approval_number", label="批复文号", max_length=64,
                                 required=False),
        "contracting_way": _choice(contracting_way, ContractingWay, field="contracting_way", required=False),
        "planned_completion": _date(planned_completion, field="planned_completion", label="计划完工日期",
                                    required=False),
        "description": str(description or "").strip(),
    }
    _not_future(fields["approval_date"], field="approval_date", label="立项批复日期", today=today)
    _not_after(fields["planned_completion"], fields["approval_date"], field="planned_completion",
               message="计划完工日期不能早于立项批复日期。")
    region = _owner_region(actor, owner_region)
    _below_limit(fields["estimate"], field="estimate", label="估算投资")
    township = region if region.level == RegionLevel.TOWNSHIP else region.parent
    village = region if region.level == RegionLevel.VILLAGE else None
    with transaction.atomic():
        project = create_with_status(
            SmallProject, actor=actor, initial=ProjectStatus.REGISTERED, audit_action="smallproject.register",
            audit_payload={"estimate": str(fields["estimate"]), "owner_region": region.code,
                           "category": fields["category"]},
            number=f"tmp-{secrets.token_hex(8)}", owner_region=region, township=township, village=village,
            registered_by=_user(actor), **fields)
        project.number = f"{NUMBER_PREFIX}{timezone.localtime(now):%Y}{project.pk:06d}"
        SmallProject.objects.filter(pk=project.pk).update(number=project.number)
    return project


def _contractor(*, actor: Any, contractor: Enterprise | int | None, credit_code: str, name: str) -> Enterprise:
    if contractor not in (None, ""):
        ent = Enterprise.objects.filter(pk=getattr(contractor, "pk", contractor)).first()
        if ent is None:
            raise InvalidInput(f"企业不存在:{contractor}。", field="contractor", code="unknown_reference")
        return ent
    if not str(credit_code or "").strip():
        raise InvalidInput("请选择承包单位,或填写其统一社会信用代码和名称。", field="contractor_credit_code",
                           code="required")
    try:
        return org_services.enterprise_register(actor=actor, credit_code=credit_code, name=str(name or ""))
    except InvalidInput as exc:
        exc.field = {"credit_code": "contractor_credit_code", "name": "contractor_name"}.get(exc.field or "",
                                                                                          exc.field)
        raise


def contract_record(*, actor: Any, project: SmallProject | int, contract_amount: Any, contract_date: Any,
                    contractor: Enterprise | int | None = None, contractor_credit_code: str = "",
                    contractor_name: str = "", contracting_way: str = "", planned_completion: Any = None,
                    now: dt.datetime | None = None) -> SmallProject:
    """Record the contract (contractor, amount, date, way of contracting): registered → contracted."""
    require(actor, RECORD)
    now = now or timezone.now()
    amount = money(contract_amount, field="contract_amount", label="合同金额")
    signed_on = _date(contract_date, field="contract_date", label="合同签订日期")
    planned = _date(planned_completion, field="planned_completion", label="计划完工日期", required=False)
    _not_future(signed_on, field="contract_date", label="合同签订日期", today=timezone.localdate(now))
    with transaction.atomic():
        current = _project(actor, project)
        way = _choice(contracting_way or current.contracting_way, ContractingWay, field="contracting_way")
        _not_after(signed_on, current.approval_date, field="contract_date",
                   message=f"合同签订日期不能早于立项批复日期({current.approval_date})。")
        planned = planned or current.planned_completion
        _not_after(planned, signed_on, field="planned_completion", message="计划完工日期不能早于合同签订日期。")
        _below_limit(amount, field="contract_amount", label="合同金额")
        ent = _contractor(actor=actor, contractor=contractor, credit_code=contractor_credit_code,
                          name=contractor_name)
        updates = {"contract_amount": amount, "contract_date": signed_on, "contractor_id": ent.pk,
                   "contracting_way": way, "planned_completion": planned}
        return PROJECT_WORKFLOW.run(current, "contract", actor=actor, now=now,
                                    payload={"_updates": updates, "contractor": ent.name,
                                             "contract_amount": str(amount), "contract_date": str(signed_on),
                                             "contracting_way": way})


def project_start(*, actor: Any, project: SmallProject | int, now: dt.datetime | None = None) -> SmallProject:
    """开工: contracted → in progress."""
    return PROJECT_WORKFLOW.run(project, "start", actor=actor, now=now)


def change_order_record(*, actor: Any, project: SmallProject | int, amount: Any, reason: str, approved_on: Any,
                        approver: str, now: dt.datetime | None = None) -> ChangeOrder:
    """A change order (+ or −) approved on a date by someone, after the contract."""
    require(actor, RECORD)
    now = now or timezone.now()
    value = money(amount, field="amount", label="变更金额", signed=True)
    fields = {"reason": _text(reason, field="reason", label="变更原因", max_length=500),
              "approver": _text(approver, field="approver", label="批准人(单位)", max_length=100),
              "approved_on": _date(approved_on, field="approved_on", label="批准日期")}
    _not_future(fields["approved_on"], field="approved_on", label="批准日期", today=timezone.localdate(now))
    with transaction.atomic():
        current = _project(actor, project)
        _contracted(current, "变更")
        if current.status == ProjectStatus.SETTLED:
            raise Conflict("项目已结算,不能再登记变更。", code="settled")
        _not_after(fields["approved_on"], current.contract_date, field="approved_on",
                   message=f"变更批准日期不能早于合同签订日期({current.contract_date})。")
        change = ChangeOrder.objects.create(project=current, amount=value, recorded_by=_user(actor), **fields)
        audit.record(actor=actor, action="smallproject.change", obj=current,
                     payload={"change": change.pk, "amount": str(value), "approved_on": str(fields["approved_on"])})
    return change


def payment_record(*, actor: Any, project: SmallProject | int, amount: Any, paid_on: Any, kind: str,
                   note: str = "", now: dt.datetime | None = None) -> Payment:
    """A payment to the contractor. The first payment starts the work; the final payment (one per project, none
    after it) settles an accepted project. A payment the contract does not cover is recorded, and alerted."""
    require(actor, RECORD)
    now = now or timezone.now()
    value = money(amount, field="amount", label="支付金额")
    kind = _choice(kind, PaymentKind, field="kind")
    day = _date(paid_on, field="paid_on", label="支付日期")
    _not_future(day, field="paid_on", label="支付日期", today=timezone.localdate(now))
    note = _text(note, field="note", label="备注", max_length=200, required=False)
    with transaction.atomic():
        current = _project(actor, project)
        _contracted(current, "支付")
        _not_after(day, current.contract_date, field="paid_on",
                   message=f"支付日期不能早于合同签订日期({current.contract_date})。")
        if current.payments.filter(kind=PaymentKind.FINAL).exists():
            raise Conflict("该项目已支付结算款(尾款),不能再登记支付。", code="final_already_paid")
        payment = Payment.objects.create(project=current, amount=value, paid_on=day, kind=kind, note=note,
                                         recorded_by=_user(actor))
        payload = {"payment": payment.pk, "amount": str(value), "paid_on": str(day), "kind": kind}
        moved = False
        if current.status == ProjectStatus.CONTRACTED:
            current = PROJECT_WORKFLOW.run(current, "start", actor=actor, now=now, payload=payload)
            moved = True
        if kind == PaymentKind.FINAL and current.status == ProjectStatus.ACCEPTED:
            PROJECT_WORKFLOW.run(current, "settle", actor=actor, now=now, payload=payload)
            moved = True
        if not moved:
            audit.record(actor=actor, action="smallproject.payment", obj=current, payload=payload)
    return payment


def acceptance_record(*, actor: Any, project: SmallProject | int, accepted_on: Any, result: str, participants: str,
                      note: str = "", now: dt.datetime | None = None) -> Acceptance:
    """The completion acceptance: a pass moves the project to accepted (and dates its completion); a failure
    is recorded and the project waits for another acceptance."""
    require(actor, RECORD)
    now = now or timezone.now()
    day = _date(accepted_on, field="accepted_on", label="验收日期")
    _not_future(day, field="accepted_on", label="验收日期", today=timezone.localdate(now))
    result = _choice(result, AcceptanceResult, field="result")
    participants = _text(participants, field="participants", label="参加人员(单位)", max_length=500)
    note = _text(note, field="note", label="备注", max_length=500, required=False)
    with transaction.atomic():
        current = _project(actor, project)
        _contracted(current, "验收")
        if current.status in (ProjectStatus.ACCEPTED, ProjectStatus.SETTLED):
            raise Conflict("项目已验收合格,不能重复验收。", code="already_accepted")
        _not_after(day, current.contract_date, field="accepted_on",
                   message=f"验收日期不能早于合同签订日期({current.contract_date})。")
        acceptance = Acceptance.objects.create(project=current, accepted_on=day, result=result,
                                               participants=participants, note=note, recorded_by=_user(actor))
        payload = {"acceptance": acceptance.pk, "accepted_on": str(day), "result": result}
        if result == AcceptanceResult.PASS:
            PROJECT_WORKFLOW.run(current, "accept", actor=actor, now=now,
                                 payload={**payload, "_updates": {"actual_completion": current.actual_completion or day}})
        else:
            audit.record(actor=actor, action="smallproject.acceptance", obj=current, payload=payload)
    return acceptance


def paid_total(project: SmallProject) -> Decimal:
    return project.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
