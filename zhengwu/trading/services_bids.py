"""Sealed bids and the opening (DOMAIN.md §10, §14): custodians, upload, withdraw, replace, unwrap, open.

Time is the server's: the API never passes ``now``; tests do.

* ``bid_upload`` seals a bid before the deadline (``rule.bid_after_deadline`` at or after it) for a
  section the bidder registered for, and returns the receipt (bid id, SM3 digest of the ciphertext,
  server time).
* ``bid_withdraw`` / ``bid_replace`` before the deadline only (the bid workflow's guard).
* ``bid_unwrap_key`` refuses before the tender's opening time, whoever asks
  (``rule.sealed_until_opening``); afterwards the bidder's passphrase, or k custodians'
  passphrases, give the data key. Every attempt is audited, refused or not.
* ``tender_open`` runs the opening: fewer than ``min_bids`` sealed bids in every section → the
  tender fails; otherwise each bid is decrypted and recorded as opened, revoked (the bidder's key
  failed) or failed_other (any other cause), and one published record per section lists them.
* Evidence for the collusion rules (实施条例 §40, DOMAIN.md §11): at receipt the bid client's file metadata
  (``machine_code``, ``file_creator_id``, ``pricing_key``: optional, printable, at most 64 characters) and
  the upload IP are stored in clear (they reveal nothing of the offer); the people the bid names (project
  manager, authorized agent) and its text travel sealed with it and are written at the opening, with a
  MinHash signature of the text (``text_signature``) so that similarity needs no plaintext later.
* ``bid_passphrase_give`` (a remote opening, 不见面开标): at or after the opening time a bidder gives its
  opening passphrase in the portal; ``tender_open_with_given_passphrases`` opens with the ones given.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core import audit, crypto
from zhengwu.core.crypto import DecryptionError
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhengwu.core.fields import index_for
from zhengwu.core.identifiers import validate_id_card
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.core.inputs import acting_user as _user
from zhengwu.trading import sealing
from zhengwu.trading.choices import OPEN_FOR_BIDS, BidStatus, OpeningOutcome, SealingMode, TenderStatus
from zhengwu.trading.models import (
    Bid,
    BidderRegistration,
    BidKeyShare,
    CustodianKey,
    OpeningRecord,
    OpeningRow,
    Section,
    Tender,
)
from zhengwu.trading.selectors import bids_visible_to, rules_for, sealed_bids
from zhengwu.trading.services import money
from zhengwu.trading.workflow import BID_WORKFLOW, TENDER_WORKFLOW, bid_after_deadline

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bid_bytes() -> int:
    return int(getattr(settings, "ZHENGWU_BID_MAX_BYTES", DEFAULT_MAX_BYTES))


def _passphrase(value: Any, *, field: str) -> str:
    text = value if isinstance(value, str) else ""
    if len(text) < sealing.MIN_PASSPHRASE:
        raise InvalidInput(f"开标口令至少 {sealing.MIN_PASSPHRASE} 个字符。", field=field, code="passphrase_too_short")
    return text


def _custodian_rules(tender: Tender) -> tuple[int, int]:
    rules = rules_for(project_type=tender.project.project_type, procedure=tender.project.procedure)
    k, n = rules["custodian_k"].as_int, rules["custodian_n"].as_int
    if k > n:
        raise Conflict(f"密钥托管规则不一致:k={k} 大于 n={n}。", code="rule.custodian_k",
                       details={"rule": "custodian_k", "value": str(k), "custodian_n": str(n)})
    return k, n


def sealed_until_opening(tender: Tender) -> Conflict:
    return Conflict(f"开标时间({tender.opening_at:%Y-%m-%d %H:%M})前,任何人都不能解密投标文件。",
                    code="rule.sealed_until_opening",
                    details={"rule": "sealed_until_opening", "opening_at": tender.opening_at.isoformat()})


def bid_context(bid: Bid) -> bytes:
    r = bid.registration
    return sealing.bid_context(tender_id=r.tender_section.tender_id, section_id=r.tender_section.section_id,
                               credit_code=r.enterprise.credit_code, bid_uid=str(bid.uid))


def _custodian_context(tender: Tender, user_id: int) -> bytes:
    return f"tender:{tender.pk}|custodian:{user_id}".encode()


# --- custodians ------------------------------------------------------------------------------------

def custodian_enroll(*, actor: Any, tender: Tender, passphrase: str, now: dt.datetime | None = None) -> CustodianKey:
    """The acting staff member becomes an opening custodian of ``tender`` with a passphrase only they know."""
    require(actor, "trading.hold_opening_key")
    if _user(actor) is None:
        raise Forbidden("托管人必须是具体的工作人员。", code="custodian_must_be_a_person")
    passphrase = _passphrase(passphrase, field="passphrase")
    now = now or timezone.now()
    if tender.sealing_mode != SealingMode.CUSTODIANS:
        raise Conflict("本次招标的投标文件由投标人口令保管,无需托管人。", field="sealing_mode", code="not_custodian_mode")
    if (tender.status not in (TenderStatus.DRAFT, *OPEN_FOR_BIDS)
            or Bid.objects.filter(registration__tender_section__tender=tender).exists()):
        raise Conflict("已有投标文件递交后不能再变更托管人。", code="custodians_locked")
    _, n = _custodian_rules(tender)
    with transaction.atomic():
        taken = CustodianKey.objects.filter(tender=tender).count()
        if taken >= n:
            raise Conflict(f"托管人已满 {n} 人(规则 custodian_n = {n})。", code="rule.custodian_n",
                           details={"rule": "custodian_n", "value": str(n)})
        public, salt, sealed, kdf = sealing.custodian_keypair(passphrase=passphrase,
                                                              context=_custodian_context(tender, actor.pk))
        try:
            with transaction.atomic():
                key = CustodianKey.objects.create(tender=tender, user=actor, position=taken + 1, public_key=public,
                                                  private_key_sealed=sealed, salt=salt, kdf=kdf, enrolled_at=now)
        except IntegrityError:
            raise Conflict("您已是本次招标的托管人。", code="duplicate") from None
        audit.record(actor=actor, action="custodian.enroll", obj=key,
                     payload={"tender": tender.number, "position": key.position, "of": n})
    return key


# --- upload, withdraw, replace ---------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    bid_id: int
    bid_uid: str
    digest: str
    received_at: dt.datetime
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {"bid_id": self.bid_id, "bid_uid": self.bid_uid, "digest": self.digest,
                "received_at": self.received_at.isoformat(), "size": self.size}


def bid_receipt(bid: Bid) -> Receipt:
    return Receipt(bid_id=bid.pk, bid_uid=str(bid.uid), digest=bid.digest, received_at=bid.received_at,
                   size=bid.size)


def _registration(actor: Any, tender: Tender, section: Section) -> BidderRegistration:
    """The acting bidder's registration for the section, or a refusal naming ``section_id``."""
    require(actor, "trading.submit_bid")
    enterprise_id = getattr(actor, "enterprise_id", None)
    if enterprise_id is None:
        raise Forbidden("只有投标企业的用户可以递交投标文件。", code="permission_denied")
    registration = (BidderRegistration.objects
                    .select_related("enterprise", "tender_section__tender__project", "tender_section__section")
                    .filter(tender_section__tender=tender, tender_section__section=section,
                            enterprise_id=enterprise_id).first())
    if registration is None:
        raise InvalidInput(f"贵单位未报名{section},不能递交该标段的投标文件。", field="section_id",
                           code="not_registered")
    return registration


EVIDENCE_FIELDS = ("machine_code", "file_creator_id", "pricing_key")
EVIDENCE_MAX = 64
#: the part of a bid's text the signature is computed over (MinHash costs time in proportion to it)
SIGNATURE_MAX_CHARS = 100_000


def _printable(value: Any, *, field: str, max_length: int, label: str) -> str:
    """An optional short text from the bid client: printable, at most ``max_length`` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{label}应为文本。", field=field, code="invalid")
    text = value.strip()
    if len(text) > max_length:
        raise InvalidInput(f"{label}不能超过 {max_length} 个字符。", field=field, code="too_long",
                           details={"max_length": max_length})
    if not text.isprintable():
        raise InvalidInput(f"{label}含有不可打印的字符。", field=field, code="not_printable")
    return text


def upload_evidence(*, machine_code: Any = "", file_creator_id: Any = "", pricing_key: Any = "",
                    upload_ip: Any = None) -> dict[str, Any]:
    """The validated upload facts stored with a bid (the bid client's file metadata and the upload IP)."""
    labels = {"machine_code": "制作机器码", "file_creator_id": "文件创建者标识", "pricing_key": "计价软件加密锁号"}
    given = {"machine_code": machine_code, "file_creator_id": file_creator_id, "pricing_key": pricing_key}
    facts: dict[str, Any] = {name: _printable(given[name], field=name, max_length=EVIDENCE_MAX, label=labels[name])
                             for name in EVIDENCE_FIELDS}
    ip = None
    if upload_ip:
        try:
            ip = str(ipaddress.ip_address(str(upload_ip).strip()))
        except ValueError:
            raise InvalidInput("上传IP地址格式不正确。", field="upload_ip", code="invalid") from None
    facts["upload_ip"] = ip
    return facts


def _people(*, project_manager_name: Any = "", project_manager_certificate: Any = "", agent_name: Any = "",
            agent_id_number: Any = "", document_text: Any = "") -> dict[str, str]:
    """The optional facts sealed with the bid (written at the opening): validated now, at upload."""
    people = {
        "project_manager_name": _printable(project_manager_name, field="project_manager_name", max_length=32,
                                           label="项目负责人姓名"),
        "project_manager_certificate": _printable(project_manager_certificate, field="project_manager_certificate",
                                                  max_length=40, label="项目负责人注册证书号"),
        "agent_name": _printable(agent_name, field="agent_name", max_length=32, label="委托代理人姓名"),
        "agent_id_number": (validate_id_card(agent_id_number, field="agent_id_number") if agent_id_number else ""),
    }
    if document_text is not None and not isinstance(document_text, str):
        raise InvalidInput("投标文件正文应为文本。", field="document_text", code="invalid")
    people["document_text"] = document_text or ""
    return people


def _content(*, file: bytes, price: Any, duration_days: Any, quality: str, file_name: str,
             **people: Any) -> sealing.BidContent:
    if not isinstance(file, (bytes, bytearray)) or not file:
        raise InvalidInput("请上传投标文件。", field="file", code="required")
    if len(file) > max_bid_bytes():
        raise InvalidInput(f"投标文件不能超过 {max_bid_bytes()} 字节。", field="file", code="too_large",
                           details={"max_bytes": max_bid_bytes()})
    amount = money(price, field="price")
    if duration_days is not None and (not isinstance(duration_days, int) or duration_days <= 0):
        raise InvalidInput("工期必须是正整数(天)。", field="duration_days", code="invalid")
    return sealing.BidContent(price=amount or Decimal(0), duration_days=duration_days,
                              quality=(quality or "").strip()[:200], file_name=(file_name or "").strip()[:200],
                              file=bytes(file), **_people(**people))


def _seal_into(bid: Bid, *, tender: Tender, content: sealing.BidContent, passphrase: str | None) -> None:
    """Encrypt ``content`` for ``bid`` (whose uid and registration are set) and wrap or split its key."""
    context = bid_context(bid)
    key, bid.ciphertext = sealing.seal(content, context=context)
    bid.size = len(bid.ciphertext)
    bid.digest = crypto.sm3_hex(bid.ciphertext)
    if bid.sealing_mode == SealingMode.BIDDER:
        bid.key_salt, bid.key_wrapped, bid.kdf = sealing.wrap_with_passphrase(
            key, passphrase=passphrase or "", context=context)
        return
    k, n = _custodian_rules(tender)
    custodians = list(CustodianKey.objects.filter(tender=tender).order_by("position"))
    if len(custodians) != n:
        raise Conflict(f"开标托管人尚未到齐({len(custodians)}/{n}),暂不能递交投标文件。", code="custodians_not_ready")
    bid._pending_shares = []  # written once the bid row exists
    for (index, share), custodian in zip(sealing.split_key(key, k=k, n=n), custodians):
        ephemeral, sealed = sealing.seal_share(share, public_key=custodian.public_key, context=context)
        bid._pending_shares.append(BidKeyShare(custodian=custodian, index=index, ephemeral_public_key=ephemeral,
                                               sealed_share=sealed))


def _check_open_for_bids(tender: Tender, now: dt.datetime) -> None:
    if tender.status not in OPEN_FOR_BIDS:
        raise Conflict(f"当前状态“{tender.get_status_display()}”不接收投标文件。", code="invalid_state",
                       details={"state": tender.status})
    if now >= tender.bid_deadline:
        raise bid_after_deadline(tender)


def _seal_bid(*, registration: BidderRegistration, content: sealing.BidContent, passphrase: str | None,
              now: dt.datetime, evidence: dict[str, Any] | None = None) -> Bid:
    """The sealed, unsaved bid. Sealing (scrypt, SM4-GCM, SM3: the costly part) runs before any transaction,
    so on SQLite the database's single write lock is not held while a bid is encrypted."""
    tender = registration.tender_section.tender
    _check_open_for_bids(tender, now)
    if tender.sealing_mode == SealingMode.BIDDER:
        passphrase = _passphrase(passphrase, field="passphrase")
    bid = Bid(uid=uuid.uuid4(), registration=registration, sealing_mode=tender.sealing_mode, **(evidence or {}))
    _seal_into(bid, tender=tender, content=content, passphrase=passphrase)
    return bid


def _store_bid(*, actor: Any, bid: Bid, now: dt.datetime, replaces: Bid | None = None) -> Bid:
    """Write a sealed bid (inside the caller's transaction), the tender's state checked again there."""
    registration = bid.registration
    tender = Tender.objects.get(pk=registration.tender_section.tender_id)
    _check_open_for_bids(tender, now)
    sequence = (registration.bids.order_by("-sequence").values_list("sequence", flat=True).first() or 0) + 1
    fields = {f: getattr(bid, f) for f in ("uid", "registration", "sealing_mode", "ciphertext", "size", "digest",
                                           "key_salt", "key_wrapped", "kdf", *EVIDENCE_FIELDS, "upload_ip")}
    created = create_with_status(
        Bid, actor=actor, initial=BidStatus.SEALED, audit_action="bid.upload",
        audit_payload={"tender": tender.number, "section": registration.tender_section.section.number,
                       "bidder": registration.enterprise.credit_code, "bid_uid": str(bid.uid),
                       "sequence": sequence, "digest": bid.digest, "size": bid.size, "mode": bid.sealing_mode,
                       "replaces": replaces.pk if replaces else None, "received_at": now.isoformat(),
                       "evidence": {f: fields[f] for f in (*EVIDENCE_FIELDS, "upload_ip") if fields[f]}},
        sequence=sequence, replaces=replaces, received_at=now, submitted_by=_user(actor), **fields)
    for share in getattr(bid, "_pending_shares", []):
        share.bid = created
    BidKeyShare.objects.bulk_create(getattr(bid, "_pending_shares", []))
    return created


def bid_upload(*, actor: Any, tender: Tender, section: Section, file: bytes, price: Any,
               duration_days: int | None = None, quality: str = "", file_name: str = "",
               passphrase: str | None = None, now: dt.datetime | None = None,
               machine_code: str = "", file_creator_id: str = "", pricing_key: str = "",
               upload_ip: str | None = None, project_manager_name: str = "", project_manager_certificate: str = "",
               agent_name: str = "", agent_id_number: str = "", document_text: str = "") -> tuple[Bid, Receipt]:
    """Seal and store a bid; returns it with its receipt. One sealed bid per registration: replace, not re-upload.
    The bid is received at ``now`` (the service's start, before the sealing), and the deadline is checked
    against that moment both before the sealing and in the transaction that stores it.

    ``machine_code``, ``file_creator_id``, ``pricing_key`` (reported by the bid client) and ``upload_ip`` (the
    request's) are stored in clear; the project manager, the agent and ``document_text`` are sealed with the
    bid and written at the opening."""
    now = now or timezone.now()
    registration = _registration(actor, tender, section)
    evidence = upload_evidence(machine_code=machine_code, file_creator_id=file_creator_id, pricing_key=pricing_key,
                               upload_ip=upload_ip)
    content = _content(file=file, price=price, duration_days=duration_days, quality=quality, file_name=file_name,
                       project_manager_name=project_manager_name,
                       project_manager_certificate=project_manager_certificate, agent_name=agent_name,
                       agent_id_number=agent_id_number, document_text=document_text)
    if registration.bids.filter(status=BidStatus.SEALED).exists():
        raise Conflict("已递交投标文件;如需修改请替换或先撤回。", code="already_submitted")
    sealed = _seal_bid(registration=registration, content=content, passphrase=passphrase, now=now,
                       evidence=evidence)
    with transaction.atomic():
        BidderRegistration.objects.select_for_update().filter(pk=registration.pk).first()
        if registration.bids.filter(status=BidStatus.SEALED).exists():
            raise Conflict("已递交投标文件;如需修改请替换或先撤回。", code="already_submitted")
        bid = _store_bid(actor=actor, bid=sealed, now=now)
    return bid, bid_receipt(bid)


def bid_withdraw(*, actor: Any, bid: Bid | int, reason: str = "", now: dt.datetime | None = None) -> Bid:
    """Withdraw a sealed bid before the deadline (``rule.bid_after_deadline`` at or after it)."""
    return BID_WORKFLOW.run(bid, "withdraw", actor=actor, reason=reason, now=now or timezone.now())


def bid_replace(*, actor: Any, bid: Bid, file: bytes, price: Any, duration_days: int | None = None,
                quality: str = "", file_name: str = "", passphrase: str | None = None,
                now: dt.datetime | None = None, machine_code: str = "", file_creator_id: str = "",
                pricing_key: str = "", upload_ip: str | None = None, project_manager_name: str = "",
                project_manager_certificate: str = "", agent_name: str = "", agent_id_number: str = "",
                document_text: str = "") -> tuple[Bid, Receipt]:
    """A new version of a sealed bid before the deadline; the old version is withdrawn in the same transaction
    that stores the new one (sealed before it, as in ``bid_upload``). The evidence as in ``bid_upload``."""
    now = now or timezone.now()
    evidence = upload_evidence(machine_code=machine_code, file_creator_id=file_creator_id, pricing_key=pricing_key,
                               upload_ip=upload_ip)
    content = _content(file=file, price=price, duration_days=duration_days, quality=quality, file_name=file_name,
                       project_manager_name=project_manager_name,
                       project_manager_certificate=project_manager_certificate, agent_name=agent_name,
                       agent_id_number=agent_id_number, document_text=document_text)
    pk = bid.pk if isinstance(bid, Bid) else bid
    # the scope first (another's bid is a 404, as the withdraw transition would say), then the sealing
    visible = Bid.objects.all() if isinstance(actor, str) else bids_visible_to(actor)
    registration_id = visible.filter(pk=pk).values_list("registration_id", flat=True).first()
    if registration_id is None:
        raise NotFound("投标文件不存在。")
    registration = (BidderRegistration.objects
                    .select_related("enterprise", "tender_section__tender__project", "tender_section__section")
                    .get(pk=registration_id))
    sealed = _seal_bid(registration=registration, content=content, passphrase=passphrase, now=now,
                       evidence=evidence)
    with transaction.atomic():
        old = BID_WORKFLOW.run(bid, "withdraw", actor=actor, reason="替换为新版本", now=now,
                               payload={"replaced": True})
        new = _store_bid(actor=actor, bid=sealed, now=now, replaces=old)
    return new, bid_receipt(new)


# --- unwrapping ------------------------------------------------------------------------------------

def _load(bid: Bid | int) -> Bid:
    pk = bid.pk if isinstance(bid, Bid) else bid
    return Bid.objects.select_related("registration__enterprise", "registration__tender_section__tender__project",
                                      "registration__tender_section__section").get(pk=pk)


def _unwrap(bid: Bid, *, passphrase: str | None, custodian_passphrases: dict[int, str] | None) -> bytes:
    context = bid_context(bid)
    if bid.sealing_mode == SealingMode.BIDDER:
        if not passphrase:
            raise DecryptionError("投标人未提供开标口令。", code="passphrase_missing")
        return sealing.unwrap_with_passphrase(bid.key_wrapped, passphrase=passphrase, salt=bid.key_salt,
                                              kdf=bid.kdf, context=context)
    tender = bid.registration.tender_section.tender
    k, _ = _custodian_rules(tender)
    given = custodian_passphrases or {}
    shares = []
    for share in bid.shares.select_related("custodian").order_by("index"):
        passphrase_of = given.get(share.custodian.user_id)
        if not passphrase_of:
            continue
        try:
            shares.append((share.index, sealing.open_share(
                share.sealed_share, ephemeral_public_key=share.ephemeral_public_key,
                private_key_sealed=share.custodian.private_key_sealed, salt=share.custodian.salt,
                kdf=share.custodian.kdf, passphrase=passphrase_of,
                custodian_context=_custodian_context(tender, share.custodian.user_id), context=context)))
        except DecryptionError:
            continue
    if len(shares) < k:
        raise DecryptionError(f"有效的密钥份额只有 {len(shares)} 份,至少需要 {k} 份(规则 custodian_k = {k})。",
                              code="rule.custodian_k", details={"rule": "custodian_k", "value": str(k),
                                                                "shares": len(shares)})
    return sealing.combine_shares(shares[:k])


def bid_unwrap_key(*, actor: Any, bid: Bid | int, passphrase: str | None = None,
                   custodian_passphrases: dict[int, str] | None = None, now: dt.datetime | None = None) -> bytes:
    """The data key of a bid: refused before the opening time whoever asks; audited either way.

    A wrong passphrase (or too few custodian shares) raises :class:`DecryptionError`.
    """
    now = now or timezone.now()
    bid = _load(bid)
    tender = bid.registration.tender_section.tender
    if now < tender.opening_at:
        audit.record(actor=actor, action="bid.unwrap", obj=bid, payload={"outcome": "refused_sealed",
                                                                          "opening_at": tender.opening_at})
        raise sealed_until_opening(tender)
    if not isinstance(actor, str):
        own = actor is not None and actor.has_perm("trading.submit_bid") and \
            actor.enterprise_id == bid.registration.enterprise_id
        if not own:
            require(actor, "trading.open_tender")
    try:
        key = _unwrap(bid, passphrase=passphrase, custodian_passphrases=custodian_passphrases)
    except DecryptionError as exc:
        audit.record(actor=actor, action="bid.unwrap", obj=bid, payload={"outcome": "failed", "code": exc.code})
        raise
    audit.record(actor=actor, action="bid.unwrap", obj=bid, payload={"outcome": "unwrapped"})
    return key


# --- the opening -----------------------------------------------------------------------------------

def _decrypt_one(*, actor: Any, bid: Bid, passphrase: str | None, custodian_passphrases: dict[int, str] | None,
                 now: dt.datetime) -> Bid:
    """Decrypt one bid at the opening and record the outcome through the bid workflow."""
    try:
        key = bid_unwrap_key(actor=actor, bid=bid, passphrase=passphrase,
                             custodian_passphrases=custodian_passphrases, now=now)
    except DecryptionError as exc:
        # The bidder's own key failed: the bidder's fault. Custodian shares failing is not.
        action = "revoke" if bid.sealing_mode == SealingMode.BIDDER else "fail_other"
        return BID_WORKFLOW.run(bid, action, actor=actor, now=now, reason=exc.message,
                                payload={"code": exc.code})
    context = bid_context(bid)
    try:
        content = sealing.unseal(bid.ciphertext, key=key, context=context)
    except DecryptionError as exc:
        # The key opened but the ciphertext does not verify: damaged or swapped in storage.
        return BID_WORKFLOW.run(bid, "fail_other", actor=actor, now=now,
                                reason=f"投标文件密文校验失败:{exc.message}", payload={"code": exc.code})
    opened = {"price": content.price, "duration_days": content.duration_days, "quality": content.quality,
              "file_name": content.file_name, **opening_evidence(content),
              # kept for the evaluation, sealed under the platform key now that the bid is open
              "opened_key": crypto.encrypt(key, associated_data=b"opened|" + context)}
    return BID_WORKFLOW.run(bid, "open", actor=actor, now=now,
                            payload={"opened": opened, "price": str(content.price), "digest": bid.digest})


def bid_text(content: sealing.BidContent) -> str:
    """The text a bid's signature is computed over: the client's extracted text, else the file read as UTF-8
    (undecodable bytes dropped), at most ``SIGNATURE_MAX_CHARS`` characters."""
    text = content.document_text or content.file.decode("utf-8", errors="ignore")
    return text[:SIGNATURE_MAX_CHARS]


def opening_evidence(content: sealing.BidContent) -> dict[str, Any]:
    """What the opening writes for the collusion rules: the people the bid names (the agent's ID number
    encrypted, with its blind index) and the MinHash signature of its text. An old bid without them gets
    empty fields and the signature of its file."""
    from zhengwu.supervision.collusion import minhash_signature

    agent_id = content.agent_id_number or ""
    return {"project_manager_name": content.project_manager_name[:32],
            "project_manager_certificate": content.project_manager_certificate[:40],
            "agent_name": content.agent_name[:32], "agent_id_number": agent_id,
            "agent_id_index": index_for(agent_id, purpose="id_number") if agent_id else "",
            "text_signature": minhash_signature(bid_text(content))}


def tender_open(*, actor: Any, tender: Tender | int, passphrases: dict[int, str] | None = None,
                custodian_passphrases: dict[int, str] | None = None,
                now: dt.datetime | None = None) -> list[OpeningRecord]:
    """Open the bids of a tender at or after its opening time (开标).

    ``passphrases`` maps a bid id to its bidder's opening passphrase (bidder mode);
    ``custodian_passphrases`` maps a custodian's user id to their passphrase (custodian mode).
    A section with fewer than ``min_bids`` sealed bids is recorded as not opened; if every section is,
    the tender fails (and can be re-run). Returns the published records, one per section.
    """
    require(actor, "trading.open_tender")
    now = now or timezone.now()
    pk = tender.pk if isinstance(tender, Tender) else tender
    with transaction.atomic():
        tender = Tender.objects.select_related("project").get(pk=pk)
        if now < tender.opening_at:
            raise sealed_until_opening(tender)
        if tender.status in OPEN_FOR_BIDS:
            tender = TENDER_WORKFLOW.run(tender, "close", actor=actor, now=now)
        if tender.status != TenderStatus.CLOSED:
            raise Conflict(f"当前状态“{tender.get_status_display()}”不能开标。", code="invalid_transition",
                           details={"state": tender.status, "action": "open"})
        min_bids = rules_for(project_type=tender.project.project_type,
                             procedure=tender.project.procedure)["min_bids"].as_int
        records: list[OpeningRecord] = []
        for offer in tender.tender_sections.select_related("section").order_by("section__number"):
            bids = list(sealed_bids(tender_section_id=offer.pk))
            enough = len(bids) >= min_bids
            record = OpeningRecord.objects.create(
                tender=tender, section=offer.section, bid_count=len(bids), min_bids=min_bids, opened_at=now,
                published_at=now, opened_by=_user(actor),
                outcome=OpeningOutcome.OPENED if enough else OpeningOutcome.TOO_FEW_BIDS)
            if enough:
                for bid in bids:
                    done = _decrypt_one(actor=actor, bid=bid, passphrase=(passphrases or {}).get(bid.pk),
                                        custodian_passphrases=custodian_passphrases, now=now)
                    deposit = getattr(bid.registration, "deposit", None)
                    OpeningRow.objects.create(
                        record=record, bid=bid, bidder_name=bid.registration.enterprise.name,
                        bidder_credit_code=bid.registration.enterprise.credit_code, status=done.status,
                        price=done.price if done.status == BidStatus.OPENED else None,
                        duration_days=done.duration_days, quality=done.quality,
                        deposit_form=deposit.form if deposit else "",
                        deposit_amount=deposit.amount if deposit else None,
                        guarantee_number=deposit.guarantee_number if deposit else "", digest=bid.digest)
            audit.record(actor=actor, action="openingrecord.publish", obj=record,
                         payload={"tender": tender.number, "section": offer.section.number, "bids": len(bids),
                                  "min_bids": min_bids, "outcome": record.outcome,
                                  "rows": [{"bidder": r.bidder_credit_code, "status": r.status,
                                            "price": r.price, "digest": r.digest} for r in record.rows.all()]})
            records.append(record)
        summary = {"sections": {r.section_id: r.outcome for r in records}, "min_bids": min_bids}
        if all(r.outcome == OpeningOutcome.TOO_FEW_BIDS for r in records):
            TENDER_WORKFLOW.run(tender, "fail", actor=actor, now=now, payload=summary,
                                reason=f"递交投标文件的投标人少于 {min_bids} 个(招标投标法第28条),不予开标。")
        else:
            TENDER_WORKFLOW.run(tender, "open", actor=actor, now=now, payload=summary)
    return records


# --- the bidder's opening passphrase, given in the portal (remote opening, 不见面开标) -------------------
#
# In bidder mode the opening needs each bidder's passphrase. A bidder not in the hall gives it in the portal
# at or after the opening time (never before: ``bid_unwrap_key`` refuses, so the server never holds a usable
# key before the opening). It is checked at once by unwrapping the bid's key (audited like every attempt),
# then kept until the opening only in the cache, sealed under the platform key and bound to the bid, never
# in the database; the opening takes the ones given and forgets them.

GIVEN_PASSPHRASE_SECONDS = 2 * 24 * 3600


def _given_key(bid: Bid) -> str:
    return f"trading:opening-passphrase:{bid.uid}"


def _given_context(bid: Bid) -> bytes:
    return b"opening-passphrase|" + bid_context(bid)


def bid_passphrase_give(*, actor: Any, bid: Bid | int, passphrase: str, now: dt.datetime | None = None) -> Bid:
    """The bidder gives its opening passphrase for its sealed bid, at or after the opening time.

    Refused before the opening time (``rule.sealed_until_opening``); a wrong passphrase is refused on the
    ``passphrase`` field and nothing is kept."""
    require(actor, "trading.submit_bid")
    now = now or timezone.now()
    bid = _load(bid)
    if _user(actor) is None or actor.enterprise_id != bid.registration.enterprise_id:
        raise Forbidden("只能为本单位的投标文件提交开标口令。", code="not_own_bid")
    if bid.sealing_mode != SealingMode.BIDDER:
        raise Conflict("本次招标的投标文件由开标托管人解密,无需投标人口令。", code="not_bidder_mode")
    if bid.status != BidStatus.SEALED:
        raise Conflict(f"投标文件当前状态为“{bid.get_status_display()}”,无需提交开标口令。", code="invalid_state",
                       details={"state": bid.status})
    passphrase = _passphrase(passphrase, field="passphrase")
    try:
        bid_unwrap_key(actor=actor, bid=bid, passphrase=passphrase, now=now)
    except DecryptionError:
        raise InvalidInput("开标口令不正确,请核对后重新输入。", field="passphrase", code="passphrase_wrong") from None
    cache.set(_given_key(bid), crypto.encrypt(passphrase.encode("utf-8"), associated_data=_given_context(bid)),
              GIVEN_PASSPHRASE_SECONDS)
    audit.record(actor=actor, action="bid.passphrase_give", obj=bid,
                 payload={"tender": bid.registration.tender_section.tender.number, "given_at": now.isoformat()})
    return bid


def _bidder_mode_sealed(tender: Tender) -> list[Bid]:
    return list(Bid.objects.filter(registration__tender_section__tender=tender, status=BidStatus.SEALED,
                                   sealing_mode=SealingMode.BIDDER)
                .select_related("registration__enterprise", "registration__tender_section").order_by("id"))


def opening_passphrases_given(*, tender: Tender) -> set[int]:
    """The ids of the tender's sealed bids whose bidders have given their opening passphrase (no secret read)."""
    bids = _bidder_mode_sealed(tender)
    present = cache.get_many([_given_key(b) for b in bids])
    return {b.pk for b in bids if _given_key(b) in present}


def _given_passphrases(tender: Tender) -> tuple[dict[int, str], list[str]]:
    bids = _bidder_mode_sealed(tender)
    tokens = cache.get_many([_given_key(b) for b in bids])
    found: dict[int, str] = {}
    for b in bids:
        token = tokens.get(_given_key(b))
        if token is None:
            continue
        try:
            found[b.pk] = crypto.decrypt(token, associated_data=_given_context(b)).decode("utf-8")
        except DecryptionError:
            continue  # not this bid's (or the platform key changed): as if not given
    return found, list(tokens)


def tender_open_with_given_passphrases(*, actor: Any, tender: Tender | int,
                                       custodian_passphrases: dict[int, str] | None = None,
                                       now: dt.datetime | None = None) -> list[OpeningRecord]:
    """``tender_open`` with the passphrases the bidders gave in the portal (a bid whose bidder gave none is
    revoked, as at any opening); the passphrases are forgotten once the opening is written."""
    require(actor, "trading.open_tender")
    pk = tender.pk if isinstance(tender, Tender) else tender
    tender = Tender.objects.get(pk=pk)
    passphrases, keys = _given_passphrases(tender)
    records = tender_open(actor=actor, tender=tender, passphrases=passphrases,
                          custodian_passphrases=custodian_passphrases, now=now)
    transaction.on_commit(lambda: cache.delete_many(keys))
    return records
