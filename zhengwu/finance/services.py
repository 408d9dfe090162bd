"""Every write of the financial services supermarket: the catalog, an application and the institution's acts.

One service per operation; the web form and the API call the same function. Each runs in one transaction and
writes one audit event (the workflow's for a transition). An issued bid guarantee is linked to the trading
deposit it stands for (:func:`guarantee_issue`): either the deposit the bidder already recorded with that
guarantee (same registration, same number, same issuer, same amount: anything else is refused) or, when the
registration has no deposit yet, one recorded through ``trading.services_deposits.deposit_record`` (the
guarantee platform submitting it to the trading center, audited there as ``finance:<user>``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.identifiers import validate_credit_code, validate_mobile
from zhengwu.core.inputs import acting_user as _user
from zhengwu.core.inputs import choice as _choice
from zhengwu.core.inputs import date_value as _date
from zhengwu.core.inputs import clean_text as _text
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.finance.choices import ApplicationStatus, InstitutionKind, ProductKind
from zhengwu.finance.models import Application, Institution, Product
from zhengwu.finance.workflow import APPLICATION_WORKFLOW
from zhengwu.org import services as org_services
from zhengwu.org.models import Enterprise

MAX_MONEY = Decimal("99999999999.99")
#: the highest rate (%) a product of each kind may state: a loan's annual rate, a guarantee's or a policy's fee
RATE_MAX = {ProductKind.LOAN: Decimal("24"), ProductKind.BID_GUARANTEE: Decimal("5"),
            ProductKind.INSURANCE: Decimal("10")}
#: the longest term (months) of each kind
TERM_MAX = {ProductKind.LOAN: 360, ProductKind.BID_GUARANTEE: 36, ProductKind.INSURANCE: 120}
#: which institutions may offer which products
OFFERED_BY = {ProductKind.LOAN: (InstitutionKind.BANK,),
              ProductKind.BID_GUARANTEE: (InstitutionKind.BANK, InstitutionKind.GUARANTOR, InstitutionKind.INSURER),
              ProductKind.INSURANCE: (InstitutionKind.INSURER,)}
NUMBER_PREFIX = "JR"


# --- input helpers --------------------------------------------------------------------------------------------

def money(value: Any, *, field: str, label: str = "金额") -> Decimal:
    """Yuan with at most two decimals, positive, or InvalidInput naming the field."""
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


def _rate(value: Any, *, kind: str, field: str = "rate") -> Decimal:
    if value is None or str(value).strip() == "":
        raise InvalidInput("利率或费率不能为空。", field=field, code="required")
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"利率或费率“{value}”不是数字。", field=field, code="bad_rate") from None
    if not rate.is_finite() or rate != rate.quantize(Decimal("0.001")):
        raise InvalidInput("利率或费率最多保留三位小数。", field=field, code="bad_rate")
    ceiling = RATE_MAX[kind]
    if rate <= 0 or rate > ceiling:
        raise InvalidInput(f"{ProductKind(kind).label}的利率或费率应大于 0 且不超过 {ceiling}%。", field=field,
                           code="rate_out_of_range", details={"max": str(ceiling)})
    return rate


def _term(value: Any, *, kind: str, field: str = "term_months") -> int:
    try:
        term = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"期限“{value}”不是整数月数。", field=field, code="bad_term") from None
    ceiling = TERM_MAX[kind]
    if not 1 <= term <= ceiling:
        raise InvalidInput(f"{ProductKind(kind).label}的期限应为 1 到 {ceiling} 个月。", field=field,
                           code="term_out_of_range", details={"max": ceiling})
    return term




def _phone(value: Any) -> str:
    text = _text(value, field="contact_phone", label="联系电话", max_length=20).replace(" ", "")
    if text.startswith("1"):
        return validate_mobile(text, field="contact_phone")
    digits = text.replace("-", "")
    if not (digits.startswith("0") and digits.isdigit() and 10 <= len(digits) <= 12):
        raise InvalidInput("联系电话应为手机号或带区号的固定电话(如 0579-82345678)。", field="contact_phone",
                           code="bad_phone")
    return text


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now) if now is not None else timezone.localdate()


# --- the catalog ----------------------------------------------------------------------------------------------

def institution_create(*, actor: Any, name: str, credit_code: str, kind: str, contact_name: str,
                       contact_phone: str, address: str = "", active: bool = True) -> Institution:
    require(actor, "finance.manage_catalog")
    fields = {
        "name": _text(name, field="name", label="机构名称", max_length=128),
        "credit_code": validate_credit_code(credit_code, field="credit_code"),
        "kind": _choice(kind, InstitutionKind, field="kind"),
        "contact_name": _text(contact_name, field="contact_name", label="联系人", max_length=32),
        "contact_phone": _phone(contact_phone),
        "address": _text(address, field="address", label="地址", max_length=200, required=False),
        "active": bool(active),
    }
    with transaction.atomic():
        if Institution.objects.filter(name=fields["name"]).exists():
            raise Conflict("已有同名机构。", field="name", code="duplicate")
        if Institution.objects.filter(credit_code=fields["credit_code"]).exists():
            raise Conflict("该统一社会信用代码已登记。", field="credit_code", code="duplicate")
        institution = Institution.objects.create(**fields)
        audit.record(actor=actor, action="institution.create", obj=institution,
                     payload={"name": institution.name, "kind": institution.kind})
    return institution


def product_create(*, actor: Any, institution: Institution | int, kind: str, name: str, amount_min: Any,
                   amount_max: Any, rate: Any, term_months: Any, conditions: str = "",
                   active: bool = True) -> Product:
    """A product on the shelf: its amount range, rate (a loan's annual rate, a guarantee's or policy's fee rate),
    term and conditions, validated against its kind; the institution must be one that offers this kind."""
    require(actor, "finance.manage_catalog")
    if not isinstance(institution, Institution):
        institution = Institution.objects.filter(pk=institution).first()
        if institution is None:
            raise InvalidInput("请选择金融机构。", field="institution_id", code="required")
    kind = _choice(kind, ProductKind, field="kind")
    if institution.kind not in OFFERED_BY[kind]:
        raise InvalidInput(f"{institution.get_kind_display()}不能提供{ProductKind(kind).label}产品。", field="kind",
                           code="kind_not_offered")
    low = money(amount_min, field="amount_min", label="最低金额")
    high = money(amount_max, field="amount_max", label="最高金额")
    if high < low:
        raise InvalidInput("最高金额不能低于最低金额。", field="amount_max", code="bad_range")
    fields = {
        "institution": institution, "kind": kind,
        "name": _text(name, field="name", label="产品名称", max_length=128),
        "amount_min": low, "amount_max": high, "rate": _rate(rate, kind=kind),
        "term_months": _term(term_months, kind=kind),
        "conditions": _text(conditions, field="conditions", label="申请条件", max_length=2000, required=False),
        "active": bool(active),
    }
    with transaction.atomic():
        if Product.objects.filter(institution=institution, name=fields["name"]).exists():
            raise Conflict("该机构已有同名产品。", field="name", code="duplicate")
        product = Product.objects.create(**fields)
        audit.record(actor=actor, action="product.create", obj=product, payload={
            "institution": institution.name, "kind": kind, "amount_min": str(low), "amount_max": str(high),
            "rate": str(fields["rate"]), "term_months": fields["term_months"]})
    return product


# --- applications ---------------------------------------------------------------------------------------------

def _enterprise_for(actor: Any, *, credit_code: str, enterprise_name: str) -> Enterprise:
    """An enterprise user applies for its own enterprise; the center's staff name the enterprise they act for."""
    own = getattr(actor, "enterprise", None) if not isinstance(actor, str) else None
    if own is not None:
        if credit_code and validate_credit_code(credit_code, field="credit_code") != own.credit_code:
            raise InvalidInput("企业用户只能为本企业申请。", field="credit_code", code="not_your_enterprise")
        return own
    if not isinstance(actor, str) and not actor.has_perm("finance.apply_for_any"):
        raise Forbidden("您只能为本企业申请。", code="permission_denied")
    code = validate_credit_code(credit_code, field="credit_code")
    existing = Enterprise.objects.filter(credit_code=code).first()
    if existing is not None:
        return existing
    return org_services.enterprise_register(actor=actor, credit_code=code,
                                            name=_text(enterprise_name, field="enterprise_name", label="企业名称",
                                                       max_length=128))


def _registration(actor: Any, value: Any) -> Any:
    from zhengwu.trading.models import BidderRegistration
    from zhengwu.trading.selectors import registrations_visible_to

    if value in (None, ""):
        raise InvalidInput("电子投标保函须选择所担保的投标报名(招标标段)。", field="registration_id", code="required")
    pk = value.pk if isinstance(value, BidderRegistration) else value
    source = BidderRegistration.objects.all() if isinstance(actor, str) else registrations_visible_to(actor)
    registration = source.select_related("enterprise", "tender_section__tender", "tender_section__section").filter(
        pk=pk).first()
    if registration is None:
        raise InvalidInput("投标报名不存在或不在您的数据范围内。", field="registration_id", code="not_found")
    return registration


def application_submit(*, actor: Any, product: Product | int, amount_requested: Any, purpose: str,
                       credit_code: str = "", enterprise_name: str = "", registration: Any = None,
                       now: dt.datetime | None = None, number: str | None = None) -> Application:
    """An enterprise applies for a product on the shelf (or the center's staff on its behalf): the amount within
    the product's range; a bid guarantee names the bidder registration (tender section) it guarantees, which
    must be the enterprise's own and not already covered by another live application. ``number`` is for the
    demo and imports (deterministic numbers); by default a random one is drawn."""
    require(actor, "finance.apply")
    if not isinstance(product, Product):
        product = Product.objects.select_related("institution").filter(pk=product).first()
        if product is None:
            raise InvalidInput("请选择金融产品。", field="product_id", code="required")
    if not (product.active and product.institution.active):
        raise InvalidInput("该产品已下架。", field="product_id", code="inactive")
    amount = money(amount_requested, field="amount_requested", label="申请金额")
    if not product.amount_min <= amount <= product.amount_max:
        raise InvalidInput(f"申请金额应在 {product.amount_min} 至 {product.amount_max} 元之间。",
                           field="amount_requested", code="amount_out_of_range",
                           details={"min": str(product.amount_min), "max": str(product.amount_max)})
    purpose = _text(purpose, field="purpose", label="用途", max_length=200)
    enterprise = _enterprise_for(actor, credit_code=credit_code, enterprise_name=enterprise_name)
    reg = None
    if product.kind == ProductKind.BID_GUARANTEE:
        reg = _registration(actor, registration)
        if reg.enterprise_id != enterprise.pk:
            raise InvalidInput("所选投标报名不是申请企业的报名。", field="registration_id",
                               code="registration_not_of_enterprise")
    elif registration not in (None, ""):
        raise InvalidInput("只有电子投标保函才关联投标报名。", field="registration_id", code="not_a_guarantee")
    now = now or timezone.now()
    with transaction.atomic():
        if reg is not None and Application.objects.filter(registration=reg).exclude(
                status=ApplicationStatus.DECLINED).exists():
            raise Conflict("该投标报名已有保函申请。", field="registration_id", code="duplicate")
        application = create_with_status(
            Application, actor=actor, initial=ApplicationStatus.SUBMITTED, audit_action="application.submit",
            audit_payload={"product": product.name, "institution": product.institution.name, "kind": product.kind,
                           "amount_requested": str(amount), "credit_code": enterprise.credit_code,
                           "registration": reg.pk if reg else None},
            number=number or f"{NUMBER_PREFIX}{timezone.localtime(now):%Y%m%d}{secrets.token_hex(3).upper()}",
            enterprise=enterprise, product=product, institution=product.institution, kind=product.kind,
            amount_requested=amount, purpose=purpose, registration=reg, submitted_at=now,
            submitted_by=_user(actor))
    return application


def application_accept(*, actor: Any, application: Application | int, reason: str = "",
                       now: dt.datetime | None = None) -> Application:
    return APPLICATION_WORKFLOW.run(application, "accept", actor=actor, reason=reason, now=now)


def application_approve(*, actor: Any, application: Application, amount_approved: Any, rate: Any = None,
                        term_months: Any = None, approved_on: Any = None, reason: str = "",
                        now: dt.datetime | None = None) -> Application:
    """The institution approves: an amount within the product's range and not above the request; the rate and
    term default to the product's and are validated like the product's."""
    product = application.product
    amount = money(amount_approved, field="amount_approved", label="批准金额")
    if amount > application.amount_requested:
        raise InvalidInput("批准金额不能高于申请金额。", field="amount_approved", code="above_request")
    if amount < product.amount_min:
        raise InvalidInput(f"批准金额不能低于产品最低金额 {product.amount_min} 元。", field="amount_approved",
                           code="amount_out_of_range")
    kind = application.kind
    rate_value = _rate(product.rate if rate in (None, "") else rate, kind=kind)
    term = _term(product.term_months if term_months in (None, "") else term_months, kind=kind)
    day = _today(now) if approved_on in (None, "") else _date(approved_on, field="approved_on", label="批准日期")
    if day < timezone.localdate(application.submitted_at):
        raise InvalidInput("批准日期不能早于申请日期。", field="approved_on", code="bad_date")
    updates = {"amount_approved": amount, "rate_approved": rate_value, "term_months_approved": term,
               "approved_on": day}
    return APPLICATION_WORKFLOW.run(application, "approve", actor=actor, reason=reason, now=now, payload={
        "_updates": updates, "amount_approved": str(amount), "rate": str(rate_value), "term_months": term,
        "approved_on": day.isoformat()})


def application_decline(*, actor: Any, application: Application | int, reason: str,
                        now: dt.datetime | None = None) -> Application:
    return APPLICATION_WORKFLOW.run(application, "decline", actor=actor, reason=reason, now=now)


def check_guarantee_link(application: Application, deposit: Any, *, guarantee_number: str,
                         check_unlinked: bool = True) -> None:
    """The trading deposit an issued guarantee stands for must be that guarantee: the same registration, the
    guarantee form, the same number and issuer, the approved amount, and not linked to another application.
    The demo's bulk path runs the same check (``check_unlinked=False``: it checks that once for all its rows)."""
    from zhengwu.trading.choices import DepositForm

    if deposit.registration_id != application.registration_id:
        raise InvalidInput("该保证金不属于本申请担保的投标报名。", field="deposit_id", code="registration_mismatch")
    if deposit.form != DepositForm.GUARANTEE:
        raise InvalidInput("该投标报名的保证金是转账缴纳的,不是电子保函。", field="deposit_id", code="not_a_guarantee")
    if deposit.guarantee_number != guarantee_number:
        raise InvalidInput(f"保函编号与交易中心登记的不一致(登记为 {deposit.guarantee_number})。",
                           field="guarantee_number", code="number_mismatch")
    if deposit.guarantee_issuer != application.institution.name:
        raise InvalidInput(f"交易中心登记的保函开立机构是“{deposit.guarantee_issuer}”,不是本申请的机构。",
                           field="deposit_id", code="issuer_mismatch")
    if application.amount_approved is None or deposit.amount != application.amount_approved:
        raise InvalidInput(f"保函金额应等于批准金额;交易中心登记的保证金为 {deposit.amount} 元。",
                           field="deposit_id", code="amount_mismatch")
    if check_unlinked and Application.objects.filter(deposit_id=deposit.pk).exclude(
            pk=application.pk).exists():
        raise Conflict("该保证金已关联到另一份申请。", field="deposit_id", code="already_linked")


def guarantee_issue(*, actor: Any, application: Application, guarantee_number: str, valid_from: Any = None,
                    valid_until: Any = None, deposit: Any = None, issued_on: Any = None,
                    now: dt.datetime | None = None) -> Application:
    """Issue an approved bid guarantee and link it to its trading deposit.

    * ``deposit`` given, or the registration already has a deposit: it must be this very guarantee
      (:func:`check_guarantee_link`); the validity defaults to the deposit's and must match it.
    * no deposit yet: the guarantee is recorded as the registration's deposit through the trading service
      (validity covering the bid validity, before the bid deadline, within the deposit cap; its refusals are
      this call's refusals, and nothing is written)."""
    from zhengwu.trading import services_deposits
    from zhengwu.trading.choices import DepositForm
    from zhengwu.trading.models import Deposit

    require(actor, "finance.process")
    number = _text(guarantee_number, field="guarantee_number", label="保函编号", max_length=64)
    day = _today(now) if issued_on in (None, "") else _date(issued_on, field="issued_on", label="出函日期")
    if application.kind != ProductKind.BID_GUARANTEE:
        raise Conflict(f"“{application.get_kind_display()}”类申请不能出具保函。", code="invalid_transition")
    if application.status != ApplicationStatus.APPROVED:
        raise Conflict(f"当前状态“{application.get_status_display()}”不能出具保函。", code="invalid_transition",
                       details={"state": application.status, "action": "issue"})
    with transaction.atomic():
        if deposit not in (None, ""):
            linked = Deposit.objects.filter(pk=deposit.pk if isinstance(deposit, Deposit) else deposit).first()
            if linked is None:
                raise InvalidInput("投标保证金不存在。", field="deposit_id", code="not_found")
        else:
            linked = Deposit.objects.filter(registration_id=application.registration_id).first()
        if linked is not None:
            check_guarantee_link(application, linked, guarantee_number=number)
            start = linked.guarantee_valid_from if valid_from in (None, "") else _date(
                valid_from, field="guarantee_valid_from", label="保函生效日")
            end = linked.guarantee_valid_until if valid_until in (None, "") else _date(
                valid_until, field="guarantee_valid_until", label="保函失效日")
            if (start, end) != (linked.guarantee_valid_from, linked.guarantee_valid_until):
                raise InvalidInput("保函有效期与交易中心登记的不一致。", field="guarantee_valid_until",
                                   code="validity_mismatch")
        else:
            start = _date(valid_from, field="guarantee_valid_from", label="保函生效日")
            end = _date(valid_until, field="guarantee_valid_until", label="保函失效日")
            if end < start:
                raise InvalidInput("保函失效日不能早于生效日。", field="guarantee_valid_until", code="bad_range")
            who = getattr(actor, "username", None) or str(actor)
            linked = services_deposits.deposit_record(
                actor=f"finance:{who}"[:64], registration=application.registration, form=DepositForm.GUARANTEE,
                amount=application.amount_approved, received_at=now, guarantee_issuer=application.institution.name,
                guarantee_number=number, guarantee_valid_from=start, guarantee_valid_until=end)
        updates = {"guarantee_number": number, "guarantee_valid_from": start, "guarantee_valid_until": end,
                   "issued_on": day, "deposit": linked}
        return APPLICATION_WORKFLOW.run(application, "issue", actor=actor, now=now, payload={
            "_updates": updates, "guarantee_number": number, "deposit": linked.pk, "amount": str(linked.amount),
            "valid_from": start.isoformat(), "valid_until": end.isoformat()})


def loan_disburse(*, actor: Any, application: Application, disbursed_on: Any = None,
                  now: dt.datetime | None = None) -> Application:
    day = _today(now) if disbursed_on in (None, "") else _date(disbursed_on, field="disbursed_on", label="放款日期")
    if application.approved_on and day < application.approved_on:
        raise InvalidInput("放款日期不能早于批准日期。", field="disbursed_on", code="bad_date")
    return APPLICATION_WORKFLOW.run(application, "disburse", actor=actor, now=now, payload={
        "_updates": {"disbursed_on": day}, "disbursed_on": day.isoformat()})
