"""The audit trail: append-only events chained with a keyed SM3 hash.

Design
------
A single chain ("read the last digest, append") either forks under concurrent
writers or forces every writing transaction through one global lock. We keep
``AUDIT_CHAINS`` independent chains instead (default 16). Each chain has a
head row (:class:`AuditChain`) holding its last sequence number and digest.

A writer appends to *a free chain*: on PostgreSQL it locks a head row with
``SELECT … FOR UPDATE SKIP LOCKED`` (taking any head not held by another open
transaction), so up to ``AUDIT_CHAINS`` transactions write audit events at the
same time without waiting for each other; only when every head is taken does
it wait on one. On SQLite, transactions are ``IMMEDIATE`` and already
serialized by the database, so any head will do.

Each event's digest is ``HMAC-SM3(key, prev_digest ‖ canonical(event))`` where
the canonical form includes the chain and sequence number. ``verify`` walks
every chain in sequence order and reports the first broken link: an edited
row fails its digest, a deleted row leaves a gap in the sequence (or a head
that points past the last row), a reordered row fails the digest of the row
that now follows a different predecessor.

Writes outside a web request (commands, jobs) are audited with the origin of
the context bound by :mod:`zhengwu.core.context`.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import timezone
from typing import Any, Iterable

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone as dj_timezone

from zhengwu.core import context
from zhengwu.core.crypto import hmac_sm3, verify_hmac
from zhengwu.core.models import AuditChain, AuditEvent

SYSTEM_ACTOR = "system"


def _key() -> bytes:
    return settings.ZHENGWU_AUDIT_KEY.encode("utf-8")


def chain_count() -> int:
    return int(settings.ZHENGWU.get("AUDIT_CHAINS", 16))


def genesis_digest(chain: int) -> str:
    return hmac_sm3(_key(), f"zhengwu-audit-genesis:{chain}".encode()).hex()


def _canonical(event: AuditEvent) -> bytes:
    created = event.created_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "chain": event.chain,
        "seq": event.seq,
        "created_at": created,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason,
        "payload": event.payload,
        "request_id": event.request_id,
        "ip": event.ip,
        "origin": event.origin,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def compute_digest(prev_digest: str, event: AuditEvent) -> str:
    return hmac_sm3(_key(), bytes.fromhex(prev_digest) + _canonical(event)).hex()


def ensure_chains() -> None:
    """Create the chain heads (idempotent; run by the migration and on demand)."""
    existing = set(AuditChain.objects.values_list("id", flat=True))
    missing = [AuditChain(id=i, last_seq=0, last_digest=genesis_digest(i))
               for i in range(1, chain_count() + 1) if i not in existing]
    if missing:
        AuditChain.objects.bulk_create(missing, ignore_conflicts=True)


def _take_chain() -> AuditChain:
    if connection.vendor == "postgresql":
        head = AuditChain.objects.select_for_update(skip_locked=True).order_by("?").first()
        if head is not None:
            return head
        if not AuditChain.objects.exists():
            ensure_chains()
            return AuditChain.objects.select_for_update().get(pk=1)
        # Every chain is held by an open transaction: wait for one of them.
        return AuditChain.objects.select_for_update().order_by("?").first()
    head = AuditChain.objects.filter(pk=random.randint(1, chain_count())).first()
    if head is None:
        ensure_chains()
        head = AuditChain.objects.get(pk=1)
    return head


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, SYSTEM_ACTOR
    if isinstance(actor, str):
        return None, actor[:64]
    return actor.pk, (getattr(actor, "username", None) or str(actor))[:64]


def object_ref(obj: Any) -> tuple[str, str]:
    if isinstance(obj, tuple):
        return str(obj[0]), str(obj[1])
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk)
    return type(obj).__name__.lower(), str(obj)


def record(*, actor: Any, action: str, obj: Any, from_state: str = "", to_state: str = "",
           reason: str = "", payload: dict[str, Any] | None = None) -> AuditEvent:
    """Append one audit event in the current transaction (opening one if needed).

    ``obj`` is a model instance or an ``(object_type, object_id)`` pair;
    ``actor`` a user, a label such as ``"system"`` or ``None``.
    """
    ctx = context.current()
    object_type, object_id = object_ref(obj)
    actor_id, actor_label = _actor_fields(actor)
    # No savepoint: a failure here must abort the caller's whole transaction anyway.
    with transaction.atomic(savepoint=False):
        head = _take_chain()
        event = AuditEvent(
            chain=head.pk,
            seq=head.last_seq + 1,
            created_at=dj_timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            from_state=from_state or "",
            to_state=to_state or "",
            reason=reason or "",
            payload=_jsonable(payload or {}),
            request_id=ctx.request_id,
            ip=ctx.ip,
            origin=ctx.origin[:64],
        )
        event.digest = compute_digest(head.last_digest, event)
        event.save(force_insert=True)
        AuditChain.objects.filter(pk=head.pk).update(last_seq=event.seq, last_digest=event.digest,
                                                      updated_at=event.created_at)
    return event


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    # Round-trip so the stored JSON and the hashed JSON are the same values.
    return json.loads(json.dumps(payload, ensure_ascii=False, default=str))


@dataclass(frozen=True)
class Break:
    chain: int
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.event_id}" if self.event_id else "chain head"
        return f"chain {self.chain}, seq {self.seq} ({where}): {self.reason}"


@dataclass(frozen=True)
class VerifyResult:
    events_checked: int
    chains_checked: int
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify(*, chains: Iterable[int] | None = None, batch: int = 5000) -> VerifyResult:
    """Walk every chain and report the first broken link (by chain, then sequence)."""
    heads = AuditChain.objects.order_by("pk")
    if chains is not None:
        heads = heads.filter(pk__in=list(chains))
    checked = 0
    n_chains = 0
    first: Break | None = None
    for head in heads:
        n_chains += 1
        # After a purge the chain starts at its checkpoint (the last purged row), whose MAC must hold.
        prev = head.base_digest if head.base_seq else genesis_digest(head.pk)
        expected_seq = head.base_seq + 1
        last_seen = head.base_seq
        broken: Break | None = None
        if head.base_seq and not verify_hmac(bytes.fromhex(_checkpoint_mac(head.pk, head.base_seq, head.base_digest)),
                                             _unhex(head.base_mac)):
            broken = Break(head.pk, head.base_seq, None, "purge checkpoint does not match its MAC (forged checkpoint)")
        qs = AuditEvent.objects.filter(chain=head.pk).order_by("seq")
        start = head.base_seq
        while broken is None:
            rows = list(qs.filter(seq__gt=start)[:batch])
            if not rows:
                break
            for event in rows:
                checked += 1
                if event.seq != expected_seq:
                    broken = Break(head.pk, expected_seq, event.pk,
                                   f"sequence gap: expected {expected_seq}, found {event.seq} (a row was deleted)")
                    break
                if not verify_hmac(bytes.fromhex(compute_digest(prev, event)), bytes.fromhex(event.digest)):
                    broken = Break(head.pk, event.seq, event.pk, "digest mismatch (row edited, reordered or replaced)")
                    break
                prev = event.digest
                last_seen = event.seq
                expected_seq += 1
            start = rows[-1].seq
        if broken is None and (head.last_seq != last_seen or (last_seen and head.last_digest != prev)):
            broken = Break(head.pk, head.last_seq, None,
                           f"chain head points at seq {head.last_seq} but the last intact row is {last_seen} "
                           "(rows at the end were deleted)")
        if broken is not None and first is None:
            first = broken
    return VerifyResult(events_checked=checked, chains_checked=n_chains, first_break=first)


def _unhex(text: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return b""


def _checkpoint_mac(chain: int, seq: int, digest: str) -> str:
    return hmac_sm3(_key(), f"zhengwu-audit-checkpoint:{chain}:{seq}:{digest}".encode()).hex()


# --- retention ------------------------------------------------------------------------------------------

RETENTION_MIN_DAYS = 183  # ≥ 6 months (网络安全法 §21, DOMAIN.md §14)


def retention_days() -> int:
    return int(settings.ZHENGWU.get("AUDIT_RETENTION_DAYS", RETENTION_MIN_DAYS))


def retention_cutoff(now: Any = None) -> Any:
    """The oldest moment that must still be kept: ``now − max(retention, 183 days)``."""
    from datetime import timedelta

    now = now or dj_timezone.now()
    return now - timedelta(days=max(retention_days(), RETENTION_MIN_DAYS))


class PurgeRefused(Exception):
    """A purge that would delete rows inside the retention window, or over a broken chain."""


@dataclass(frozen=True)
class PurgeResult:
    cutoff: Any
    deleted: int
    per_chain: dict[int, int]
    dry_run: bool


def purge(*, before: Any = None, dry_run: bool = False, now: Any = None) -> PurgeResult:
    """Delete the audit events older than ``before`` (default and latest allowed: the retention cutoff).

    Only a prefix of each chain is deleted — the rows before its first row at or after the cutoff — so a row
    younger than the cutoff is never deleted, even if the clock went backwards inside a chain. Before deleting,
    the chain is verified (a broken chain is evidence and is not purged), and the head records the checkpoint
    (sequence and digest of the last deleted row, with a keyed MAC) that :func:`verify` starts from. The purge
    itself is an audit event (``audit.purge``).
    """
    limit = retention_cutoff(now)
    if before is None:
        cutoff = limit
    else:
        if before > limit:
            local = dj_timezone.localtime
            raise PurgeRefused(
                f"不能清理保留期内的审计记录：截止时间 {local(before):%Y-%m-%d %H:%M} 晚于保留期起点 "
                f"{local(limit):%Y-%m-%d %H:%M}(保留 {max(retention_days(), RETENTION_MIN_DAYS)} 天)。")
        cutoff = before
    per_chain: dict[int, int] = {}
    with transaction.atomic():
        heads = AuditChain.objects.order_by("pk")
        if connection.vendor == "postgresql":
            heads = heads.select_for_update()
        for head in list(heads):
            events = AuditEvent.objects.filter(chain=head.pk, seq__gt=head.base_seq)
            first_young = events.filter(created_at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
            last = (first_young - 1) if first_young is not None else head.last_seq
            if last <= head.base_seq:
                continue
            count = events.filter(seq__lte=last).count()
            if not count:
                continue
            per_chain[head.pk] = count
            if dry_run:
                continue
            result = verify(chains=[head.pk])
            if not result.ok:
                raise PurgeRefused(f"审计链已损坏，拒绝清理：{result.first_break}")
            digest = AuditEvent.objects.get(chain=head.pk, seq=last).digest
            AuditChain.objects.filter(pk=head.pk).update(
                base_seq=last, base_digest=digest, base_mac=_checkpoint_mac(head.pk, last, digest),
                purged_at=dj_timezone.now())
            AuditEvent.objects.filter(chain=head.pk, seq__lte=last).delete()
        deleted = sum(per_chain.values())
        if deleted and not dry_run:
            record(actor=SYSTEM_ACTOR, action="audit.purge", obj=("audit", "retention"),
                   payload={"before": cutoff.isoformat(), "deleted": deleted,
                            "chains": {str(k): v for k, v in per_chain.items()}})
    return PurgeResult(cutoff=cutoff, deleted=deleted, per_chain=per_chain, dry_run=dry_run)


def events_for(obj: Any) -> models.QuerySet[AuditEvent]:
    """The timeline of one object, oldest first."""
    object_type, object_id = object_ref(obj)
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("created_at", "id")

