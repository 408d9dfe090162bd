"""The audit trail's readers at province scale: the admin list makes no COUNT(*) over every row when unfiltered, no
SELECT DISTINCT over the whole trail for the action filter, and searches exact values an index serves, not
substrings; the audit API filters by the same exact values (docs/query-plans.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhengwu.core import paging
from zhengwu.core import audit
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

LIST = "/admin/core/auditevent/"


@pytest.fixture
def auditor_client() -> Client:
    client = Client()
    client.force_login(make_user(role=Role.AUDIT_ADMIN, username="trail-reader", is_staff=True))
    return client


def test_the_action_filter_offers_the_recent_actions_and_filters_by_any(auditor_client):
    audit.record(actor="system", action="matrix.recent", obj=("core.test", "1"))
    old = audit.record(actor="system", action="matrix.old", obj=("core.test", "2"))
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))

    page = auditor_client.get(LIST).content.decode()
    assert "?action=matrix.recent" in page and "?action=matrix.old" not in page

    filtered = auditor_client.get(LIST, {"action": "matrix.old"})
    assert filtered.status_code == 200
    assert list(filtered.context["cl"].result_list) == [AuditEvent.objects.get(pk=old.pk)]
    assert "?action=matrix.old" in filtered.content.decode()  # the chosen one stays offered


def test_an_unfiltered_list_counts_exactly_below_the_threshold(auditor_client):
    for n in range(3):
        audit.record(actor="system", action="matrix.count", obj=("core.test", str(n)))
    response = auditor_client.get(LIST)
    assert response.context["cl"].result_count == AuditEvent.objects.count()


def test_an_unfiltered_list_above_the_threshold_shows_the_estimate_and_a_filtered_one_counts(auditor_client,
                                                                                               monkeypatch):
    audit.record(actor="system", action="matrix.estimate", obj=("core.test", "1"))
    monkeypatch.setattr(paging, "estimated_rows", lambda model: 987_654_321)
    response = auditor_client.get(LIST)
    assert response.context["cl"].result_count == 987_654_321
    filtered = auditor_client.get(LIST, {"action": "matrix.estimate"})
    assert filtered.context["cl"].result_count == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_the_estimate_is_postgresql_s_row_estimate_after_analyze():
    for n in range(5):
        audit.record(actor="system", action="matrix.analyse", obj=("core.test", str(n)))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {AuditEvent._meta.db_table}")
    assert paging.estimated_rows(AuditEvent) == AuditEvent.objects.count()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no planner estimate")
def test_other_engines_have_no_estimate():
    assert paging.estimated_rows(AuditEvent) is None


def events_of(action: str, n: int):
    for k in range(n):
        audit.record(actor="system", action=action, obj=("core.test", str(k)))
    return AuditEvent.objects.filter(action=action).order_by("-id")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the capped count and the planner's estimate are "
                    "PostgreSQL's; SQLite counts exactly")
def test_a_filtered_list_above_the_threshold_stops_counting_and_shows_an_estimate(monkeypatch):
    monkeypatch.setattr(paging, "ESTIMATE_ABOVE", 3)
    counted = []
    monkeypatch.setattr(paging, "planned_rows", lambda qs: counted.append(qs) or 2)
    paginator = paging.EstimatedCountPaginator(events_of("matrix.many", 6), 2)
    # the count stopped after ESTIMATE_ABOVE + 1 rows; the planner's estimate (2) is below that, so 4 it is
    assert (paginator.count, paginator.is_estimate, len(counted)) == (4, True, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_the_planned_rows_of_a_filtered_list_are_the_planner_s_estimate():
    events = events_of("matrix.planned", 4)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {AuditEvent._meta.db_table}")
    # on a handful of rows spread over a dozen yearly partitions the estimate is rough, but it is a row count
    # the planner gives without running the query
    estimate = paging.planned_rows(events)
    assert isinstance(estimate, int) and estimate >= 1


def test_a_filtered_list_below_the_threshold_counts_exactly(monkeypatch):
    monkeypatch.setattr(paging, "ESTIMATE_ABOVE", 10)
    paginator = paging.EstimatedCountPaginator(events_of("matrix.few", 6), 2)
    assert (paginator.count, paginator.is_estimate) == (6, False)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the SQLite behaviour")
def test_on_sqlite_a_filtered_list_above_the_threshold_still_counts_exactly(monkeypatch):
    monkeypatch.setattr(paging, "ESTIMATE_ABOVE", 3)
    paginator = paging.EstimatedCountPaginator(events_of("matrix.many", 6), 2)
    assert (paginator.count, paginator.is_estimate) == (6, False)


@pytest.fixture
def trail():
    """Three events whose object ids, actors and request ids contain one another as substrings."""
    events = {}
    for name, object_id, actor, request_id in (("short", "123", "u12", "r1"), ("long", "1234", "u123", "r12"),
                                               ("other", "9", "u9", "r123")):
        event = audit.record(actor=actor, action="matrix.search", obj=("core.test", object_id))
        AuditEvent.objects.filter(pk=event.pk).update(request_id=request_id)
        events[name] = AuditEvent.objects.get(pk=event.pk)
    return events


@pytest.mark.parametrize(("term", "found"), [
    ("123", {"short"}),           # the object id 123, not 1234 nor the actor u123 nor the request r123
    (" 1234 ", {"long"}),         # surrounding spaces are dropped
    ("u123", {"long"}),           # an actor
    ("r123", {"other"}),          # a request
    ("12", set()),                # a substring of everything finds nothing
])
def test_the_admin_search_finds_exact_object_ids_actors_and_requests(auditor_client, trail, term, found):
    response = auditor_client.get(LIST, {"q": term})
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {trail[name] for name in found}


def test_the_admin_search_asks_the_database_for_exact_values(auditor_client, trail):
    with CaptureQueriesContext(connection) as ctx:
        auditor_client.get(LIST, {"q": "123"})
    trail_queries = [q["sql"] for q in ctx.captured_queries if 'FROM "core_auditevent"' in q["sql"]]
    assert trail_queries
    assert not [sql for sql in trail_queries if "LIKE" in sql.upper()]


@pytest.mark.parametrize(("params", "found"), [
    ({"actor_label": "u123"}, ["long"]),
    ({"request_id": "r1"}, ["short"]),
    ({"object_id": "1234"}, ["long"]),
    ({"object_id": "9", "object_type": "core.test", "action": "matrix.search"}, ["other"]),
    ({"actor_label": "u12", "request_id": "r12"}, []),
])
def test_the_audit_api_filters_by_exact_values(trail, params, found):
    client = Client()
    client.force_login(make_user(role=Role.AUDIT_ADMIN, username="api-reader"))
    response = client.get("/api/v1/core/audit/events", params)
    assert response.status_code == 200, response.content
    assert [e["id"] for e in response.json()] == [trail[name].pk for name in found]
