"""PostgreSQL partitioning of the large tables by time (docs/partitioning.md, zhengwu.core.partitions).

On PostgreSQL the migrations have partitioned the audit events (created_at) and the cases (received_at) by year in
Asia/Shanghai time with a DEFAULT partition; ``zhengwu partitions ensure`` creates the missing years and moves rows
out of DEFAULT. On SQLite nothing is partitioned and the command says so. The DDL the tests run happens inside the
test's transaction and is rolled back with it.
"""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from zhengwu.cases.models import Case
from zhengwu.cases.testing import make_item, receive
from zhengwu.core import audit, partitions
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="declarative partitioning exists on PostgreSQL only; SQLite tables are plain",
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="checks the SQLite behaviour")


@pytest.fixture
def clerk():
    return make_user(role=Role.WINDOW_CLERK, department=make_department(name="住建局"))


@pytest.fixture
def item(clerk):
    return make_item(department=clerk.department)


def _partition_of(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])  # nosec B608
        return cursor.fetchone()[0]


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # nosec B608
        return cursor.fetchone()[0]


def _run(*args: str) -> str:
    out = StringIO()
    call_command("partitions", *args, stdout=out)
    return out.getvalue()


@postgres_only
def test_the_case_and_audit_tables_are_partitioned_by_year_on_their_time_column():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partrelid::regclass::text, pg_get_partkeydef(partrelid) FROM pg_partitioned_table "
            "WHERE partrelid::regclass::text = ANY(%s) ORDER BY 1",
            [["cases_case", "core_auditevent", "trading_bid"]],
        )
        keys = dict(cursor.fetchall())
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'cases_case'::regclass"
        )
        names = {r[0] for r in cursor.fetchall()}
    # the bid table stays a plain table: docs/partitioning.md says why
    assert keys == {"cases_case": "RANGE (received_at)", "core_auditevent": "RANGE (created_at)"}
    expected = {f"cases_case_y{y}" for y in range(2015, partitions.this_year() + 3)} | {"cases_case_default"}
    assert expected <= names


@postgres_only
def test_the_primary_and_unique_keys_carry_the_partition_key_and_nothing_references_the_partitioned_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype IN ('p', 'u') "
            "AND conrelid IN ('cases_case'::regclass, 'core_auditevent'::regclass) ORDER BY conname"
        )
        keys = dict(cursor.fetchall())
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
            "AND confrelid IN ('cases_case'::regclass, 'core_auditevent'::regclass)"
        )
        referencing = cursor.fetchone()[0]
    assert keys == {
        "audit_chain_seq_unique": "UNIQUE (chain, seq, created_at)",
        "cases_case_number_key": "UNIQUE (number, received_at)",
        "cases_case_pkey": "PRIMARY KEY (id, received_at)",
        "core_auditevent_pkey": "PRIMARY KEY (id, created_at)",
    }
    assert referencing == 0


@postgres_only
def test_cases_received_through_the_service_land_in_the_partition_of_their_shanghai_year(clerk, item):
    old = receive(actor=clerk, item=item, when="2019-06-03 10:00")
    last_evening = receive(actor=clerk, item=item, when="2023-12-31 23:30")  # 15:30 UTC, still 2023 in Shanghai
    new_year = receive(actor=clerk, item=item, when="2024-01-01 00:10")  # 2023-12-31 16:10 UTC
    assert _partition_of("cases_case", old.pk) == "cases_case_y2019"
    assert _partition_of("cases_case", last_evening.pk) == "cases_case_y2023"
    assert _partition_of("cases_case", new_year.pk) == "cases_case_y2024"
    receipt = AuditEvent.objects.filter(action="case.receive", object_id=str(new_year.pk)).get()
    assert _partition_of("core_auditevent", receipt.pk) == f"core_auditevent_y{timezone.localtime().year}"
    # the ORM reads them back through the parent as before
    assert list(Case.objects.filter(pk__in=[old.pk, new_year.pk]).order_by("received_at")) == [old, new_year]


@postgres_only
def test_ids_keep_increasing_from_the_sequence_after_the_conversion(clerk, item):
    a = receive(actor=clerk, item=item, when="2020-05-06 09:00")
    b = receive(actor=clerk, item=item, when="2016-05-06 09:00")
    assert b.pk > a.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence('cases_case', 'id'), pg_get_serial_sequence('core_auditevent', 'id')"
        )
        assert cursor.fetchone() == ("public.cases_case_id_seq", "public.core_auditevent_id_seq")


@postgres_only
def test_a_row_far_in_the_future_waits_in_default_until_ensure_moves_it_and_the_chain_still_verifies(
    clerk, item, monkeypatch
):
    far = receive(actor=clerk, item=item, when="2045-03-01 09:00")
    later = timezone.now().replace(year=2045)
    monkeypatch.setattr(audit.dj_timezone, "now", lambda: later)
    future_event = audit.record(actor="test", action="test.future", obj=("test", 1))
    monkeypatch.undo()
    audit.record(actor="test", action="test.after", obj=("test", 2))
    assert _partition_of("cases_case", far.pk) == "cases_case_default"
    assert _partition_of("core_auditevent", future_event.pk) == "core_auditevent_default"

    output = _run("ensure")

    assert "created cases_case_y2045 (1 rows moved from DEFAULT)" in output
    assert "created core_auditevent_y2045 (1 rows moved from DEFAULT)" in output
    assert _partition_of("cases_case", far.pk) == "cases_case_y2045"
    assert _partition_of("core_auditevent", future_event.pk) == "core_auditevent_y2045"
    assert _count("cases_case_default") == 0 and _count("core_auditevent_default") == 0
    assert Case.objects.get(pk=far.pk).number == far.number
    result = audit.verify()
    assert result.ok, result.first_break
    assert result.events_checked == AuditEvent.objects.count()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "audit chain intact" in out.getvalue()
    # the new partition has the parent's indexes and takes new rows
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'cases_case_y2045'")
        moved_indexes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'cases_case_y2024'")
        assert moved_indexes == cursor.fetchone()[0]
    again = receive(actor=clerk, item=item, when="2045-07-01 09:00")
    assert _partition_of("cases_case", again.pk) == "cases_case_y2045"


@postgres_only
def test_ensure_creates_the_years_ahead_once_and_refuses_a_negative_count():
    year = partitions.this_year()
    first = _run("ensure", "--years-ahead", "4")
    assert f"created cases_case_y{year + 4} (0 rows moved from DEFAULT)" in first
    assert f"created core_auditevent_y{year + 3} (0 rows moved from DEFAULT)" in first
    assert "partitions ensure: 4 created, 0 rows moved" in first
    assert "partitions ensure: 0 created" in _run("ensure", "--years-ahead", "4")
    from zhengwu.core.tasks import partitions_ensure

    assert partitions_ensure.call_local() == "0 partitions created, 0 rows moved from DEFAULT"
    with pytest.raises(CommandError, match="--years-ahead"):
        _run("ensure", "--years-ahead", "-1")


@postgres_only
def test_list_shows_each_partition_with_its_range_in_shanghai_time_and_default_last():
    lines = _run("list").splitlines()
    cases = [line for line in lines if line.startswith("cases_case_")]
    assert cases[0].split()[0] == "cases_case_y2015"
    assert "FOR VALUES FROM ('2015-01-01 00:00:00+08') TO ('2016-01-01 00:00:00+08')" in cases[0]
    assert cases[-1].split()[:2] == ["cases_case_default", "DEFAULT"]
    assert len(cases) == len(range(2015, partitions.this_year() + 3)) + 1


@postgres_only
def test_the_conversion_keeps_rows_ids_indexes_and_widens_uniques_and_drops_the_foreign_keys_pointing_at_it():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE scratch_event (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            "code varchar(8) NOT NULL UNIQUE, at timestamptz NOT NULL, n integer NOT NULL DEFAULT 7 "
            "CHECK (n >= 0))"
        )
        cursor.execute("CREATE INDEX scratch_event_code_at ON scratch_event (code, at)")
        cursor.execute(
            "CREATE TABLE scratch_ref (id serial PRIMARY KEY, event_id bigint REFERENCES scratch_event (id))"
        )
        cursor.execute(
            "INSERT INTO scratch_event (code, at) VALUES ('a', '2018-05-01 10:00+08'), "
            "('b', '2090-05-01 10:00+08') RETURNING id"
        )
        ids = [r[0] for r in cursor.fetchall()]
        cursor.execute("INSERT INTO scratch_ref (event_id) VALUES (%s)", [ids[0]])

        partitions.convert(SimpleNamespace(connection=connection), "scratch_event", "at")

        cursor.execute("SELECT code, id, tableoid::regclass::text, n FROM scratch_event ORDER BY code")
        assert cursor.fetchall() == [("a", ids[0], "scratch_event_y2018", 7), ("b", ids[1], "scratch_event_default", 7)]
        cursor.execute("INSERT INTO scratch_event (code, at) VALUES ('c', now()) RETURNING id")
        assert cursor.fetchone()[0] == ids[1] + 1
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'scratch_event'::regclass AND contype IN ('p', 'u', 'c') ORDER BY 1"
        )
        assert cursor.fetchall() == [
            ("scratch_event_code_key", "UNIQUE (code, at)"),
            ("scratch_event_n_check", "CHECK ((n >= 0))"),
            ("scratch_event_pkey", "PRIMARY KEY (id, at)"),
        ]
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'scratch_event' AND indexname = 'scratch_event_code_at'"
        )
        assert cursor.fetchone()[0].endswith("USING btree (code, at)")
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = 'scratch_ref'::regclass AND contype = 'f'")
        assert cursor.fetchone()[0] == 0


def test_the_partitioning_migrations_leave_the_model_state_unchanged():
    out = StringIO()
    # without routers makemigrations checks the history of the default database only, not of a test mirror
    # another module may have added (test_db_routing)
    with override_settings(DATABASE_ROUTERS=[]):
        call_command("makemigrations", "--check", "--dry-run", stdout=out)  # exits non-zero on a change
    assert "No changes detected" in out.getvalue()


@sqlite_only
def test_on_sqlite_the_command_and_the_daily_task_say_partitioning_is_not_used():
    from zhengwu.core.tasks import partitions_ensure

    assert _run("list").strip() == "partitioning is not used on sqlite: only PostgreSQL partitions tables"
    assert _run("ensure", "--years-ahead", "3").startswith("partitioning is not used on sqlite")
    assert partitions_ensure.call_local() == "partitioning is not used on sqlite: only PostgreSQL partitions tables"
    assert partitions.ensure() == [] and partitions.partition_list() == []


def test_no_new_foreign_key_into_a_partitioned_table_expects_a_database_constraint():
    """PostgreSQL cannot point a foreign key at ``id`` alone of a partitioned table: a new relation to the case or
    the audit event with ``db_constraint=True`` would make its migration fail on PostgreSQL only. The three that
    existed before the partitioning migration dropped their constraints there (docs/partitioning.md)."""
    from django.apps import apps as django_apps

    from zhengwu.core import partitions

    dropped_by_the_migration = {("reviews.review", "case"), ("cases.casesuspension", "case"),
                                ("approvals.applicationitem", "case")}
    partitioned = {m for m in django_apps.get_models() if m._meta.db_table in partitions.PARTITIONED}
    assert {m._meta.db_table for m in partitioned} == set(partitions.PARTITIONED)
    constrained = {(m._meta.label_lower, f.name) for m in django_apps.get_models() for f in m._meta.local_fields
                   if f.is_relation and f.related_model in partitioned and f.db_constraint}
    assert constrained == dropped_by_the_migration
