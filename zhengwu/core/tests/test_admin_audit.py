"""The audit trail's admin list at province scale: no COUNT(*) over every row when unfiltered, no SELECT DISTINCT
over the whole trail for the action filter (docs/query-plans.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
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
