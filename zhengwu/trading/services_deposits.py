"""Every write about bid deposits: recording one, its refund due date, its refund, and the clean-up
of old deposits that were never refunded (the seed's center refunded 64.2 万元 left since 2013).

A deposit has no status column (see ``models.Deposit``): a refund is a fact written once, guarded by
``refunded_on IS NULL`` in the UPDATE, so two clerks cannot refund the same deposit twice.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any, Iterable

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.trading import checks
from zhengwu.trading.choices import DepositForm, TenderStatus
from zhengwu.trading.models import BidderRegistration, Deposit, DepositRefundBatch, Section, Tender, TenderSection
from zhengwu.trading.rules import add_days
from zhengwu.trading.selectors import deposits_visible_to, rules_for, unrefunded_old
from zhengwu.core.inputs import acting_user as _user
from zhengwu.core.inputs import clean_text as _text
from zhengwu.trading.services import aware, money

_ACCOUNT_DROP = re.compile(r"[\s\-]")
#: a deposit may be recorded while bids may come in, and after the close for money that arrived in time
RECORDABLE = (TenderStatus.PUBLISHED, TenderStatus.AMENDED, TenderStatus.CLOSED)


def _normalize_name(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def _account_number(value: str) -> str:
    number = _ACCOUNT_DROP.sub("", unicodedata.normalize("NFKC", value or ""))
    if not number:
        raise InvalidInput("请填写付款账号。", field="payer_account_number", code="required")
    if not number.isdigit() or not 6 <= len(number) <= 32:
        raise InvalidInput("付款账号应为 6 到 32 位数字。", field="payer_account_number", code="bad_account")
    return number


def deposit_record(*, actor: Any, registration: BidderRegistration, form: str, amount: Any,
                   received_at: dt.datetime | None = None, payer_account_name: str = "", payer_account_number: str = "",
                   payer_bank: str = "", guarantee_issuer: str = "", guarantee_number: str = "",
                   guarantee_valid_from: dt.date | None = None,
                   guarantee_valid_until: dt.date | None = None) -> Deposit:
    """Record the deposit of a registration: a transfer (with the paying account, kept as evidence) or an
    electronic guarantee whose validity covers the bid validity period. At most deposit_max_ratio of the
    section's estimate, received before the bid deadline."""
    require(actor, "trading.record_deposit")
    received_at = aware(received_at) or timezone.now()
    offer = registration.tender_section
    tender, section = offer.tender, offer.section
    if form not in DepositForm.values:
        raise InvalidInput(f"未知的保证金形式:{form}。", field="form", code="bad_choice")
    amount = money(amount, field="amount")
    if tender.status not in RECORDABLE:
        raise Conflict(f"当前状态“{tender.get_status_display()}”不能登记保证金。", code="invalid_state",
                       details={"state": tender.status})
    if received_at > tender.bid_deadline:
        raise InvalidInput("保证金须在投标截止时间前到账或提交。", field="received_at", code="after_deadline")
    rules = rules_for(project_type=tender.project.project_type, procedure=tender.project.procedure)
    checks.check_deposit_cap(rules["deposit_max_ratio"], amount=amount, estimate=section.estimate, field="amount")
    fields: dict[str, Any] = {"form": form, "amount": amount, "received_at": received_at}
    if form == DepositForm.TRANSFER:
        fields.update(
            payer_account_name=_text(payer_account_name, field="payer_account_name", label="付款户名", max_length=128),
            payer_account_number=_account_number(payer_account_number),
            payer_bank=_text(payer_bank, field="payer_bank", label="开户银行", max_length=128),
        )
        fields["payer_matches_bidder"] = (_normalize_name(fields["payer_account_name"])
                                          == _normalize_name(registration.enterprise.name))
    else:
        fields.update(
            guarantee_issuer=_text(guarantee_issuer, field="guarantee_issuer", label="保函开立机构", max_length=128),
            guarantee_number=_text(guarantee_number, field="guarantee_number", label="保函编号", max_length=64),
        )
        if guarantee_valid_from is None or guarantee_valid_until is None:
            raise InvalidInput("请填写保函的生效日和失效日。", field="guarantee_valid_until", code="required")
        deadline_day = checks.local_date(tender.bid_deadline)
        if guarantee_valid_from > deadline_day:
            raise InvalidInput("保函须在投标截止之日前生效。", field="guarantee_valid_from", code="guarantee_validity")
        if guarantee_valid_until < tender.bid_validity_until:
            raise InvalidInput(
                f"保函有效期须覆盖投标有效期(至 {tender.bid_validity_until:%Y-%m-%d}),"
                f"现只到 {guarantee_valid_until:%Y-%m-%d}。",
                field="guarantee_valid_until", code="guarantee_validity",
                details={"bid_validity_until": tender.bid_validity_until.isoformat()})
        fields.update(guarantee_valid_from=guarantee_valid_from, guarantee_valid_until=guarantee_valid_until)
        if Deposit.objects.filter(form=DepositForm.GUARANTEE, guarantee_issuer=fields["guarantee_issuer"],
                                  guarantee_number=fields["guarantee_number"]).exists():
            raise Conflict("该保函已被登记过。", field="guarantee_number", code="duplicate")
    with transaction.atomic():
        if Deposit.objects.filter(registration=registration).exists():
            raise Conflict("该报名已登记保证金。", code="duplicate")
        deposit = Deposit.objects.create(registration=registration, recorded_by=_user(actor), **fields)
        audit.record(actor=actor, action="deposit.record", obj=deposit, payload={
            "tender": tender.number, "section": section.number, "credit_code": registration.enterprise.credit_code,
            "form": form, "amount": str(amount), "payer_account_number": deposit.payer_account_number,
            "payer_bank": deposit.payer_bank, "payer_matches_bidder": deposit.payer_matches_bidder,
            "guarantee": [deposit.guarantee_issuer, deposit.guarantee_number] if form == DepositForm.GUARANTEE else None,
            "rules": {"deposit_max_ratio": rules["deposit_max_ratio"].snapshot()},
        })
    return deposit


def tender_section_contract_signed(*, actor: Any, tender: Tender, section: Section,
                                   signed_on: dt.date) -> TenderSection:
    """Record the contract of a section as signed: every transfer deposit of the section falls due
    deposit_refund_days after (实施条例 §57, the winner's and the others' alike)."""
    require(actor, "trading.record_contract")
    if tender.status != TenderStatus.OPENED:
        raise Conflict("开标后才能登记合同签订。", code="invalid_state", details={"state": tender.status})
    offer = tender.tender_sections.filter(section=section).first()
    if offer is None:
        raise InvalidInput(f"本次招标不包含{section}。", field="section_id", code="section_not_in_tender")
    if offer.contract_signed_on is not None:
        raise Conflict(f"{section}的合同签订日期已登记。", field="signed_on", code="duplicate")
    if signed_on < checks.local_date(tender.bid_deadline):
        raise InvalidInput("合同签订日期不能早于投标截止日。", field="signed_on", code="bad_date")
    entry = rules_for(project_type=tender.project.project_type, procedure=tender.project.procedure)[
        "deposit_refund_days"]
    due = add_days(signed_on, entry.as_int, entry)
    with transaction.atomic():
        TenderSection.objects.filter(pk=offer.pk).update(contract_signed_on=signed_on)
        offer.contract_signed_on = signed_on
        count = Deposit.objects.filter(registration__tender_section=offer, form=DepositForm.TRANSFER,
                                       refunded_on__isnull=True).update(refund_due_on=due)
        audit.record(actor=actor, action="tender_section.contract_signed", obj=offer,
                     payload={"tender": tender.number, "section": section.number, "signed_on": signed_on.isoformat(),
                              "refund_due_on": due.isoformat(), "deposits": count,
                              "rules": {"deposit_refund_days": entry.snapshot()}})
    return offer


def deposit_refund(*, actor: Any, deposit: Deposit, refunded_on: dt.date, interest: Any = 0,
                   reference: str = "", today: dt.date | None = None) -> Deposit:
    """Record the refund of a transfer deposit: the whole principal, with the interest the bank paid."""
    require(actor, "trading.refund_deposit")
    if deposit.form != DepositForm.TRANSFER:
        raise Conflict("电子保函无需退还。", field="form", code="not_a_transfer")
    if deposit.refunded_on is not None:
        raise Conflict("该保证金已退还。", code="already_refunded")
    interest = money(interest, field="interest", allow_zero=True)
    if refunded_on < checks.local_date(deposit.received_at):
        raise InvalidInput("退还日期不能早于到账日期。", field="refunded_on", code="bad_date")
    if refunded_on > (today or timezone.localdate()):
        raise InvalidInput("退还日期不能晚于今天。", field="refunded_on", code="bad_date")
    with transaction.atomic():
        changed = Deposit.objects.filter(pk=deposit.pk, refunded_on__isnull=True).update(
            refunded_on=refunded_on, refund_amount=deposit.amount, refund_interest=interest,
            refund_reference=str(reference or "").strip()[:64])
        if changed != 1:
            raise Conflict("该保证金已退还。", code="already_refunded")
        deposit.refresh_from_db()
        audit.record(actor=actor, action="deposit.refund", obj=deposit, payload={
            "amount": str(deposit.amount), "interest": str(interest), "refunded_on": refunded_on.isoformat(),
            "refund_due_on": deposit.refund_due_on.isoformat() if deposit.refund_due_on else None,
            "late": deposit.refunded_late})
    return deposit


def deposits_refund_old(*, actor: Any, deposit_ids: Iterable[int], years: int, refunded_on: dt.date,
                        reference: str, reason: str, today: dt.date | None = None) -> DepositRefundBatch:
    """Refund, as one batch with one audit event, old deposits never refunded (tender closed more than
    ``years`` years ago). Every id must be on that list, or nothing is written."""
    require(actor, "trading.cleanup_deposits")
    if not isinstance(years, int) or years < 1:
        raise InvalidInput("年限至少为 1 年。", field="years", code="bad_years")
    ids = sorted({int(i) for i in deposit_ids})
    if not ids:
        raise InvalidInput("请选择要清退的保证金。", field="deposit_ids", code="required")
    reference = _text(reference, field="reference", label="核查或凭证编号", max_length=64)
    reason = _text(reason, field="reason", label="说明")
    today = today or timezone.localdate()
    if refunded_on > today:
        raise InvalidInput("退还日期不能晚于今天。", field="refunded_on", code="bad_date")
    base = Deposit.objects.all() if isinstance(actor, str) else deposits_visible_to(actor)
    with transaction.atomic():
        eligible = unrefunded_old(base.filter(pk__in=ids), years=years, today=today)
        found = set(eligible.values_list("pk", flat=True))
        missing = [i for i in ids if i not in found]
        if missing:
            raise InvalidInput(f"以下保证金不是 {years} 年前截标且未退还的转账保证金:{missing}。", field="deposit_ids",
                               code="not_eligible", details={"ids": missing})
        total = (Deposit.objects.filter(pk__in=ids).aggregate(total=Sum("amount"))["total"]
                 or Decimal(0)).quantize(Decimal("0.01"))
        batch = DepositRefundBatch.objects.create(refunded_on=refunded_on, reference=reference, reason=reason,
                                                  older_than_years=years, deposit_count=len(ids), total=total,
                                                  created_by=_user(actor))
        changed = Deposit.objects.filter(pk__in=ids, refunded_on__isnull=True).update(
            refunded_on=refunded_on, refund_amount=F("amount"), refund_interest=Decimal(0),
            refund_reference=reference, refund_batch=batch)
        if changed != len(ids):
            raise Conflict("有保证金已被他人退还,请刷新后重试。", code="concurrent_change")
        audit.record(actor=actor, action="deposit.refund_old", obj=batch, payload={
            "count": len(ids), "total": str(total), "ids": ids, "years": years, "reference": reference,
            "refunded_on": refunded_on.isoformat()})
    return batch
