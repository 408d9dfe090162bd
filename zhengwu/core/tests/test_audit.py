"""The audit chain: intact when written, every kind of tampering detected, safe under concurrent writers."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection, transaction

from zhengwu.core import audit, context
from zhengwu.core.models import AuditChain, AuditEvent

pytestmark = pytest.mark.django_db


def write_events(n: int, *, action: str = "thing.touch") -> list[AuditEvent]:
    return [audit.record(actor="tester", action=action, obj=("thing", i), payload={"i": i, "名称": "测试"})
            for i in range(n)]


def one_chain_with(n: int) -> tuple[int, list[AuditEvent]]:
    """Events that all landed in one chain, in sequence order (the chain with the most events)."""
    events = write_events(n)
    chain = max({e.chain for e in events}, key=lambda c: sum(1 for e in events if e.chain == c))
    return chain, list(AuditEvent.objects.filter(chain=chain).order_by("seq"))


def test_a_fresh_trail_verifies_intact():
    write_events(40)
    result = audit.verify()
    assert result.ok
    assert result.events_checked == 40
    assert result.chains_checked == AuditChain.objects.count()


def test_an_edited_row_is_detected_at_that_row():
    chain, rows = one_chain_with(60)
    victim = rows[len(rows) // 2]
    AuditEvent.objects.filter(pk=victim.pk).update(payload={"i": 999})
    result = audit.verify()
    assert not result.ok
    assert (result.first_break.chain, result.first_break.event_id) == (chain, victim.pk)
    assert "digest" in result.first_break.reason


def test_an_edited_actor_is_detected():
    chain, rows = one_chain_with(30)
    AuditEvent.objects.filter(pk=rows[0].pk).update(actor_label="someone-else")
    result = audit.verify()
    assert result.first_break.event_id == rows[0].pk


def test_a_deleted_row_in_the_middle_is_detected_as_a_gap():
    chain, rows = one_chain_with(60)
    assert len(rows) >= 3
    AuditEvent.objects.filter(pk=rows[1].pk).delete()
    result = audit.verify()
    assert not result.ok
    assert result.first_break.chain == chain
    assert result.first_break.seq == rows[1].seq
    assert "gap" in result.first_break.reason


def test_deleting_the_last_rows_of_a_chain_is_detected_by_the_head():
    chain, rows = one_chain_with(60)
    AuditEvent.objects.filter(pk=rows[-1].pk).delete()
    result = audit.verify()
    assert not result.ok
    assert result.first_break.chain == chain
    assert result.first_break.event_id is None


def test_two_reordered_rows_are_detected():
    chain, rows = one_chain_with(60)
    a, b = rows[0], rows[1]
    with transaction.atomic():
        AuditEvent.objects.filter(pk=a.pk).update(seq=-1)
        AuditEvent.objects.filter(pk=b.pk).update(seq=a.seq)
        AuditEvent.objects.filter(pk=a.pk).update(seq=b.seq)
    result = audit.verify()
    assert not result.ok
    assert (result.first_break.chain, result.first_break.seq) == (chain, a.seq)


def test_a_row_rewritten_with_a_recomputed_unkeyed_hash_is_still_detected():
    from zhengwu.core.crypto import sm3_hex

    chain, rows = one_chain_with(20)
    forged = sm3_hex(b"forged")
    AuditEvent.objects.filter(pk=rows[0].pk).update(action="thing.erase", digest=forged)
    assert audit.verify().first_break.event_id == rows[0].pk


def test_the_verify_command_reports_the_first_broken_link():
    chain, rows = one_chain_with(20)
    call_command("audit", "verify")
    AuditEvent.objects.filter(pk=rows[0].pk).update(reason="edited")
    with pytest.raises(CommandError, match=f"chain {chain}, seq {rows[0].seq}"):
        call_command("audit", "verify")


def test_events_written_by_a_command_carry_the_command_origin():
    with context.outside_request("command:import_cases"):
        event = audit.record(actor=None, action="import.run", obj=("import", 1))
    assert event.origin == "command:import_cases"
    assert event.actor_label == "system"
    assert len(event.request_id) == 32


def test_the_timeline_of_an_object_lists_its_events_in_order():
    audit.record(actor="a", action="x.one", obj=("x", 7))
    audit.record(actor="a", action="x.other", obj=("x", 8))
    audit.record(actor="a", action="x.two", obj=("x", 7))
    assert [e.action for e in audit.events_for(("x", 7))] == ["x.one", "x.two"]


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_writers_keep_every_chain_intact_without_waiting_on_one_lock():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL; SQLite serializes writers by design")
    writers, per_writer = 12, 25
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def writer(w: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    audit.record(actor=f"writer-{w}", action="load.write", obj=("load", f"{w}-{i}"))
                    time.sleep(0.002)  # hold the transaction open so writers overlap
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="load.write").count() == writers * per_writer
    result = audit.verify()
    assert result.ok, str(result.first_break)
    chains_used = AuditEvent.objects.filter(action="load.write").values("chain").distinct().count()
    assert chains_used > 1
