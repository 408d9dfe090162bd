"""Read replicas (core/db.py, config/routers.py): reads go to a replica only inside ``replica_reads()``, never
inside a transaction; writes always go to the primary.

The replica is a second alias on the suite's own test database (``TEST: {"MIRROR": "default"}``, as Django
configures a replica for tests), added for these tests only. The tests commit (``transaction=True``): a mirror is
another connection and sees only committed rows, as a real replica would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.db import connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from zhengwu.config.routers import ReplicaRouter
from zhengwu.core.db import read_alias, replica_reads
from zhengwu.core.testing import make_department
from zhengwu.org.models import Department

REPLICA = "zw_test_replica"

# The alias exists for the whole session once this module is imported (Django fences off any connection to an
# alias a test case has not declared, and a test case can only declare one that exists when it is set up); it is
# declared at collection, before the test databases are set up, so Django points it at the primary's test
# database as it does for any test mirror. Nothing reads through it outside these tests: only the tests below put it
# in ZHENGWU_READ_REPLICAS.
if REPLICA not in connections.settings:
    connections.settings[REPLICA] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture
def replica() -> Iterator[str]:
    try:
        with override_settings(ZHENGWU_READ_REPLICAS=[REPLICA]):
            yield REPLICA
    finally:
        connections[REPLICA].close()


def _queries(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def test_reads_go_to_the_primary_outside_replica_reads(replica):
    make_department(code="RR1")
    with _queries("default") as primary, _queries(replica) as mirror:
        codes = list(Department.objects.values_list("code", flat=True))

    assert codes == ["RR1"]
    assert len(primary) == 1 and len(mirror) == 0


def test_reads_go_to_the_replica_inside_replica_reads(replica):
    make_department(code="RR2")
    with replica_reads() as alias, _queries("default") as primary, _queries(replica) as mirror:
        codes = list(Department.objects.values_list("code", flat=True))

    assert alias == replica
    assert codes == ["RR2"]
    assert len(primary) == 0 and len(mirror) == 1


def test_writes_go_to_the_primary_inside_replica_reads_even_for_an_object_read_on_the_replica(replica):
    make_department(code="RR3")
    with replica_reads(), _queries("default") as primary, _queries(replica) as mirror:
        department = Department.objects.get(code="RR3")
        department.name = "改名"
        department.save(update_fields=["name"])
        make_department(code="RR4")

    assert department._state.db == "default"
    assert len(mirror) == 1  # the get
    assert any(q["sql"].startswith("UPDATE") for q in primary)
    assert any(q["sql"].startswith("INSERT") for q in primary)
    assert Department.objects.get(code="RR3").name == "改名"


def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    with replica_reads(), transaction.atomic(), _queries(replica) as mirror:
        make_department(code="RR5")
        seen = Department.objects.filter(code="RR5").exists()  # the transaction's own row: only the primary has it

    assert seen is True
    assert len(mirror) == 0


def test_the_context_does_not_reach_another_thread(replica):
    seen: list[str] = []
    with replica_reads():
        inside = read_alias()
        thread = threading.Thread(target=lambda: seen.append(read_alias()))
        thread.start()
        thread.join()
    after = read_alias()

    assert (inside, seen, after) == (replica, ["default"], "default")


def test_without_replicas_the_context_reads_from_the_primary():
    with override_settings(ZHENGWU_READ_REPLICAS=[]), replica_reads() as alias:
        where = Department.objects.all().db

    assert alias is None
    assert where == "default"


def test_a_replica_is_never_migrated_and_rows_relate_across_primary_and_replica(replica):
    router = ReplicaRouter()
    on_primary = make_department(code="RR6")
    with replica_reads():
        on_replica = Department.objects.get(code="RR6")

    assert router.allow_migrate(replica, "cases") is False
    assert router.allow_migrate("default", "cases") is None
    assert on_replica._state.db == replica
    assert router.allow_relation(on_primary, on_replica) is True
