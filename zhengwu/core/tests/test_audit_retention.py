"""Audit retention (issue 12 part 5, DOMAIN.md §14: kept ≥ 6 months): `zhengwu audit purge` deletes only events
older than the retention cutoff, refuses a cutoff inside the window, and leaves a trail that still verifies —
and still detects tampering — from the checkpoint it records."""

from __future__ import annotations

import datetime as dt
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from zhengwu.core import audit, checks
from zhengwu.core.models import AuditChain, AuditEvent

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.timezone.utc)


def write_at(monkeypatch, when: dt.datetime, n: int, *, action: str) -> list[AuditEvent]:
    monkeypatch.setattr(audit.dj_timezone, "now", lambda: when)
    events = [audit.record(actor="tester", action=action, obj=("thing", i), payload={"i": i}) for i in range(n)]
    monkeypatch.undo()
    return events


@pytest.fixture
def trail(monkeypatch):
    """40 events a year old, 10 events 6 months and a day old, 30 events 6 months less a day old, 20 last week
    (spread over the chains by the writer's random pick, seeded here)."""
    random.seed(20260630)
    return {
        "year": write_at(monkeypatch, NOW - timedelta(days=365), 40, action="old.year"),
        "past": write_at(monkeypatch, NOW - timedelta(days=184), 10, action="old.past"),
        "inside": write_at(monkeypatch, NOW - timedelta(days=182), 30, action="young.inside"),
        "week": write_at(monkeypatch, NOW - timedelta(days=7), 20, action="young.week"),
    }


def test_purge_deletes_the_events_past_the_retention_and_keeps_every_younger_one(trail):
    result = audit.purge(now=NOW)
    assert result.deleted == 50
    assert not AuditEvent.objects.filter(action__startswith="old.").exists()
    assert AuditEvent.objects.filter(action="young.inside").count() == 30
    assert AuditEvent.objects.filter(action="young.week").count() == 20
    assert result.cutoff == NOW - timedelta(days=183)


def test_the_trail_still_verifies_after_a_purge_and_the_purge_is_itself_audited(trail):
    audit.purge(now=NOW)
    result = audit.verify()
    assert result.ok, str(result.first_break)
    assert result.events_checked == 51  # 50 kept + the purge's own event
    event = AuditEvent.objects.get(action="audit.purge")
    assert event.payload["deleted"] == 50
    assert sum(event.payload["chains"].values()) == 50
    heads = AuditChain.objects.filter(base_seq__gt=0)
    assert heads.exists() and all(head.base_mac and head.purged_at for head in heads)


def test_a_cutoff_inside_the_retention_window_is_refused_and_nothing_is_deleted(trail):
    with pytest.raises(audit.PurgeRefused) as err:
        audit.purge(before=NOW - timedelta(days=100), now=NOW)
    assert "保留期" in str(err.value)
    assert AuditEvent.objects.count() == 100


def test_an_earlier_cutoff_deletes_less(trail):
    result = audit.purge(before=NOW - timedelta(days=300), now=NOW)
    assert result.deleted == 40
    assert AuditEvent.objects.filter(action="old.past").count() == 10
    assert audit.verify().ok


def test_a_dry_run_counts_and_deletes_nothing(trail):
    result = audit.purge(dry_run=True, now=NOW)
    assert (result.deleted, result.dry_run) == (50, True)
    assert AuditEvent.objects.count() == 100
    assert not AuditChain.objects.filter(base_seq__gt=0).exists()


def test_a_younger_row_between_older_ones_in_a_chain_is_never_deleted(monkeypatch):
    """If the clock went back, a chain holds old, young, old: only the prefix before the young row goes."""
    with override_settings(ZHENGWU={**_zw(), "AUDIT_CHAINS": 1}):
        AuditChain.objects.exclude(pk=1).delete()
        write_at(monkeypatch, NOW - timedelta(days=400), 5, action="old.first")
        write_at(monkeypatch, NOW - timedelta(days=3), 2, action="young.middle")
        write_at(monkeypatch, NOW - timedelta(days=300), 4, action="old.after")
        result = audit.purge(now=NOW)
        assert result.deleted == 5
        assert AuditEvent.objects.filter(action="young.middle").count() == 2
        assert AuditEvent.objects.filter(action="old.after").count() == 4
        assert audit.verify().ok


def _zw() -> dict:
    from django.conf import settings

    return dict(settings.ZHENGWU)


def test_tampering_with_a_remaining_row_is_still_detected(trail):
    audit.purge(now=NOW)
    victim = AuditEvent.objects.filter(action="young.inside").order_by("id")[3]
    AuditEvent.objects.filter(pk=victim.pk).update(reason="edited")
    result = audit.verify()
    assert not result.ok
    assert result.first_break.event_id == victim.pk


def test_deleting_the_first_remaining_row_of_a_purged_chain_is_detected_as_a_gap(trail):
    audit.purge(now=NOW)
    head = purged_chain_with_rows_left()
    first = AuditEvent.objects.filter(chain=head.pk).order_by("seq").first()
    assert first.seq == head.base_seq + 1
    AuditEvent.objects.filter(pk=first.pk).delete()
    result = audit.verify()
    assert not result.ok
    assert result.first_break.chain == head.pk
    assert "gap" in result.first_break.reason


def purged_chain_with_rows_left() -> AuditChain:
    """A purged chain with at least two rows left (deleting the only row left is "rows at the end were deleted")."""
    return next(h for h in AuditChain.objects.filter(base_seq__gt=0).order_by("pk")
                if AuditEvent.objects.filter(chain=h.pk).count() >= 2)


def test_a_forged_checkpoint_that_hides_more_deleted_rows_is_detected(trail):
    audit.purge(now=NOW)
    head = purged_chain_with_rows_left()
    first = AuditEvent.objects.filter(chain=head.pk).order_by("seq").first()
    # delete a younger row and move the checkpoint over it, copying that row's digest
    AuditEvent.objects.filter(pk=first.pk).delete()
    AuditChain.objects.filter(pk=head.pk).update(base_seq=first.seq, base_digest=first.digest)
    result = audit.verify()
    assert not result.ok
    assert "checkpoint" in result.first_break.reason


def test_a_broken_chain_is_not_purged(trail):
    victim = trail["year"][0]
    AuditEvent.objects.filter(pk=victim.pk).update(reason="edited")
    with pytest.raises(audit.PurgeRefused):
        audit.purge(now=NOW)
    assert AuditEvent.objects.filter(pk=victim.pk).exists()
    assert AuditEvent.objects.count() == 100


def test_a_second_purge_later_continues_from_the_checkpoint(trail):
    audit.purge(now=NOW)
    later = NOW + timedelta(days=100)  # the 30 "inside" events are now past the retention, last week's are not
    result = audit.purge(now=later)
    assert result.deleted == 30
    assert AuditEvent.objects.filter(action="young.week").count() == 20
    assert audit.verify().ok


def test_a_retention_below_183_days_is_a_system_error_and_purge_still_keeps_183_days(trail):
    with override_settings(ZHENGWU={**_zw(), "AUDIT_RETENTION_DAYS": 90}):
        errors = checks.check_audit_retention()
        assert [e.id for e in errors] == ["core.E010"]
        result = audit.purge(now=NOW)
        assert result.cutoff == NOW - timedelta(days=183)
        assert AuditEvent.objects.filter(action="young.inside").count() == 30
    assert checks.check_audit_retention() == []


def test_a_longer_retention_keeps_more(trail):
    with override_settings(ZHENGWU={**_zw(), "AUDIT_RETENTION_DAYS": 366}):
        assert audit.purge(now=NOW).deleted == 0
    assert AuditEvent.objects.count() == 100


# --- the command ----------------------------------------------------------------------------------

def test_the_command_purges_and_verify_passes(monkeypatch, capsys):
    old = timezone.now() - timedelta(days=400)
    write_at(monkeypatch, old, 12, action="old.cmd")
    write_at(monkeypatch, timezone.now(), 3, action="young.cmd")
    call_command("audit", "purge", "--dry-run")
    assert "would delete 12 events" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="old.cmd").count() == 12
    call_command("audit", "purge")
    assert "deleted 12 events" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="young.cmd").count() == 3
    call_command("audit", "verify")
    assert "audit chain intact" in capsys.readouterr().out


def test_the_command_refuses_a_date_inside_the_retention_and_a_malformed_date(monkeypatch):
    write_at(monkeypatch, timezone.now() - timedelta(days=400), 3, action="old.cmd")
    recent = (timezone.localdate() - timedelta(days=30)).isoformat()
    with pytest.raises(CommandError, match="保留期"):
        call_command("audit", "purge", "--before", recent)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit", "purge", "--before", "last year")
    assert AuditEvent.objects.filter(action="old.cmd").count() == 3
