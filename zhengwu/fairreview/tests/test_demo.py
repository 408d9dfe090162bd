"""The demo step's functions on tiny data: planted clauses found, then resolved or kept, tenders untouched."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhengwu.core.testing import make_user
from zhengwu.fairreview.demo import PLANTED, documents, review_tenders
from zhengwu.fairreview.models import Finding, Review
from zhengwu.fairreview.tests.factories import draft_tender
from zhengwu.org.roles import Role
from zhengwu.trading.models import Tender
from zhengwu.trading.testing import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenders():
    return [publish(draft_tender()) for _ in PLANTED]


def test_the_demo_reviews_find_the_planted_clauses_and_resolve_them_without_touching_the_tenders(tenders):
    before = list(Tender.objects.order_by("pk").values())
    staff, supervisor = make_user(role=Role.TRADING_STAFF), make_user(role=Role.SUPERVISOR)
    counts = review_tenders(tenders, reviewer=staff, supervisor=supervisor)
    assert counts == {"tenders": 4, "reviews": 8, "found": 8, "resolved": 7, "accepted": 1}
    assert list(Tender.objects.order_by("pk").values()) == before
    assert Review.objects.count() == 8
    assert Finding.objects.filter(resolved_at__isnull=True, accepted_at__isnull=True).count() == 0
    kept = Finding.objects.get(accepted_at__isnull=False)
    assert kept.rule.code == "FCR-BRD-01"
    for tender in tenders:
        last = Review.objects.filter(tender=tender).order_by("-reviewed_at").first()
        assert last.reviewed_at < tender.published_at
        assert last.open == 0


def test_the_draft_text_carries_a_capital_requirement_above_the_estimate(tenders):
    text = documents(tenders[0], PLANTED[0], corrected=False)
    assert "注册资本不低于6000万元" in text
    assert "本地注册" not in documents(tenders[0], PLANTED[0], corrected=True)


def test_the_review_page_of_a_demo_tender_shows_the_reviewed_text(tenders):
    staff = make_user(role=Role.TRADING_STAFF)
    review_tenders(tenders[:1], reviewer=staff, supervisor="demo")
    client = Client()
    client.force_login(staff)
    html = client.get(reverse("fairreview:tender", args=[tenders[0].pk])).content.decode()
    assert 'data-testid="snapshot"' in html
    assert "注册资本不低于200万元" in html
