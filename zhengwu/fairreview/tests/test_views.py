"""The fair competition review screens: the review page highlights each finding's clause (escaped), keeps a
finding with a reason, re-runs the review, saves the draft's text; the rule list and form; the link from the
trading tender page.

Personas: 小钱 the trading center's staff, 老周 the supervisor, 甲公司's user (a bidder: no access).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhengwu.core.testing import make_user
from zhengwu.fairreview.models import Finding, Review, Rule
from zhengwu.fairreview.services import fair_review_run
from zhengwu.fairreview.tests.factories import BRAND, CAPITAL, CLEAN, LOCAL, draft_tender
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff():
    return make_user(role=Role.TRADING_STAFF, username="xiaoqian")


@pytest.fixture
def supervisor():
    return make_user(role=Role.SUPERVISOR, username="laozhou")


def test_the_review_page_marks_the_clause_with_the_rule_message_and_escapes_the_text(staff):
    tender = draft_tender(documents_text="<script>alert(1)</script>\n" + CLEAN + LOCAL)
    fair_review_run(actor=staff, tender=tender)
    response = client_for(staff).get(reverse("fairreview:tender", args=[tender.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'title="FCR-REG-01 {Rule.objects.get(code="FCR-REG-01").message}"' in html
    assert f">{LOCAL}</a></mark>" in html
    assert "重新审查" in html


def test_the_page_warns_when_the_text_changed_after_the_review(staff):
    tender = draft_tender(documents_text=CLEAN)
    fair_review_run(actor=staff, tender=tender)
    client_for(staff).post(reverse("fairreview:documents", args=[tender.pk]), {"documents_text": CLEAN + LOCAL})
    assert Review.objects.filter(tender=tender).count() == 2  # saving reviews the new text at once
    from zhengwu.trading.models import Tender
    Tender.objects.filter(pk=tender.pk).update(documents_text=CLEAN + CAPITAL)  # changed behind the review
    html = client_for(staff).get(reverse("fairreview:tender", args=[tender.pk])).content.decode()
    assert 'data-testid="text-changed"' in html


def test_rerun_button_runs_a_review_and_redirects(staff):
    tender = draft_tender(documents_text=CLEAN + LOCAL)
    response = client_for(staff).post(reverse("fairreview:run", args=[tender.pk]))
    assert response.status_code == 302
    assert Review.objects.filter(tender=tender).count() == 1


def test_a_supervisor_accepts_with_a_reason_on_the_page_and_an_empty_reason_is_shown_back(staff, supervisor):
    tender = draft_tender(documents_text=CLEAN + BRAND)
    fair_review_run(actor=staff, tender=tender)
    finding = Finding.objects.get(tender=tender)
    client = client_for(supervisor)
    page = client.get(reverse("fairreview:tender", args=[tender.pk])).content.decode()
    assert 'data-testid="accept-form"' in page
    response = client.post(reverse("fairreview:accept", args=[finding.pk]), {"reason": "短"})
    assert response.status_code == 422
    assert "保留理由至少" in response.content.decode()
    response = client.post(reverse("fairreview:accept", args=[finding.pk]),
                           {"reason": "与既有路灯控制系统兼容,经专家论证确需指定。"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.accepted_by == supervisor


def test_staff_see_no_accept_form_and_may_not_post_one(staff):
    tender = draft_tender(documents_text=CLEAN + BRAND)
    fair_review_run(actor=staff, tender=tender)
    client = client_for(staff)
    assert 'data-testid="accept-form"' not in client.get(reverse("fairreview:tender", args=[tender.pk])).content.decode()
    finding = Finding.objects.get(tender=tender)
    assert client.post(reverse("fairreview:accept", args=[finding.pk]), {"reason": "自己觉得合理。"}).status_code == 403


def test_a_bidder_cannot_open_the_review_pages():
    bidder = make_user(role=Role.ENTERPRISE_USER, username="jia")
    tender = draft_tender(documents_text=CLEAN + LOCAL)
    client = client_for(bidder)
    assert client.get(reverse("fairreview:tender", args=[tender.pk])).status_code == 403
    assert client.get(reverse("fairreview:index")).status_code == 403


def test_the_index_lists_tenders_with_their_open_findings(staff):
    tender = draft_tender(documents_text=CLEAN + LOCAL)
    fair_review_run(actor=staff, tender=tender)
    html = client_for(staff).get(reverse("fairreview:index")).content.decode()
    assert tender.number in html


def test_the_rule_list_and_form_render_and_a_bad_pattern_is_shown_on_its_field(supervisor, staff):
    client = client_for(supervisor)
    assert "FCR-REG-01" in client.get(reverse("fairreview:rules")).content.decode()
    rule = Rule.objects.get(code="FCR-BRD-01")
    assert client.get(reverse("fairreview:rule_edit", args=[rule.pk])).status_code == 200
    response = client.post(reverse("fairreview:rule_new"), {
        "code": "FCR-X-01", "category": "region", "matcher": "regex", "pattern": "本地(注册", "message": "提示",
        "legal_basis": "依据", "severity": "high", "active": "on"})
    assert response.status_code == 422
    assert 'data-field-error="pattern"' in response.content.decode()
    response = client.post(reverse("fairreview:rule_new"), {
        "code": "FCR-X-01", "category": "region", "matcher": "regex", "pattern": "本镇设立仓库", "message": "提示",
        "legal_basis": "依据", "severity": "high", "active": "on"})
    assert response.status_code == 302
    assert Rule.objects.filter(code="FCR-X-01", active=True).exists()
    assert client_for(staff).get(reverse("fairreview:rules")).status_code == 403


def test_the_trading_tender_page_links_to_the_review(staff):
    tender = draft_tender(documents_text=CLEAN)
    html = client_for(staff).get(reverse("trading:tender", args=[tender.pk])).content.decode()
    assert reverse("fairreview:tender", args=[tender.pk]) in html


def test_publishing_on_the_trading_page_shows_the_refusal(staff):
    tender = draft_tender(documents_text=CLEAN + LOCAL, future=True)
    response = client_for(staff).post(reverse("trading:tender_publish", args=[tender.pk]),
                                      {"version": tender.version})
    assert response.status_code == 422
    assert "招标文件未通过公平竞争审查" in response.content.decode()
