"""The credit screens: status per persona, forms that write through the services, errors shown not 500."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.core.testing import make_enterprise
from zhengwu.credit import services
from zhengwu.credit.choices import RecordKind
from zhengwu.credit.models import BehaviourRecord, ExpertRating
from zhengwu.credit.tests.factories import members, people, reported_section
from zhengwu.trading.models import Expert
from zhengwu.trading.testing import credit, make_expert

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_readers_open_every_list_and_others_get_403():
    who = people()
    for url in ("/credit/experts/", "/credit/penalties/", "/credit/records/"):
        for persona in ("staff", "supervisor", "leader"):
            assert client_for(who[persona]).get(url).status_code == 200, (url, persona)
        assert client_for(who["party"]).get(url).status_code == 403
    assert client_for(who["party"]).get("/credit/ratings/").status_code == 200
    assert client_for(who["supervisor"]).get("/credit/ratings/").status_code == 403


def test_the_expert_page_shows_the_chart_and_a_penalty_form_that_deducts():
    who = people()
    expert = make_expert(name="甲专家")
    client = client_for(who["supervisor"])
    page = client.get(f"/credit/experts/{expert.pk}/")
    assert page.status_code == 200 and b'data-testid="score-chart"' in page.content
    bad = client.post(f"/credit/experts/{expert.pk}/penalties/", {"points": 0, "basis": "late", "reason": "迟到"})
    assert bad.status_code == 422
    done = client.post(f"/credit/experts/{expert.pk}/penalties/", {"points": 3, "basis": "late", "reason": "迟到"})
    assert done.status_code == 302 and Expert.objects.get(pk=expert.pk).credit_score == 97
    assert client_for(who["leader"]).get(f"/credit/experts/{expert.pk}/").content.count(b'data-testid="penalty-form"') == 0


def test_the_tendering_party_rates_an_expert_on_the_rating_page():
    who = people()
    section = reported_section()
    client = client_for(who["party"])
    listing = client.get("/credit/ratings/")
    assert listing.status_code == 200 and f"/credit/ratings/{section.pk}/".encode() in listing.content
    page = client.get(f"/credit/ratings/{section.pk}/")
    assert page.status_code == 200 and page.content.count(b'data-testid="rating-form"') == 4
    expert = members(section)[0].expert
    prefix = f"e{expert.pk}"
    posted = client.post(f"/credit/ratings/{section.pk}/", {
        "expert_pk": expert.pk, f"{prefix}-expert": expert.pk, f"{prefix}-punctuality": 5,
        f"{prefix}-diligence": 4, f"{prefix}-fairness": 5, f"{prefix}-professional": 4, f"{prefix}-comment": "好"})
    assert posted.status_code == 302
    assert ExpertRating.objects.get(expert=expert, tender_section=section).average == 4.5
    assert client_for(who["outsider"]).get(f"/credit/ratings/{section.pk}/").status_code == 404


def test_a_record_is_registered_shown_and_revoked_on_the_web():
    who = people()
    company = make_enterprise(credit_code=credit(701), name="丁公司")
    client = client_for(who["staff"])
    assert client.get("/credit/records/new/").status_code == 200
    bad = client.post("/credit/records/new/", {"credit_code": company.credit_code, "kind": RecordKind.BAN,
                                               "title": "禁止投标", "reason": "串通投标", "department_name": "区发改局",
                                               "effective_from": "2024-01-01"})
    assert bad.status_code == 422 and b"field-error-scope" in bad.content
    made = client.post("/credit/records/new/", {"credit_code": company.credit_code, "kind": RecordKind.BAN,
                                                "scope": "bidding", "title": "禁止投标", "reason": "串通投标",
                                                "department_name": "区发改局", "effective_from": "2024-01-01"})
    record = BehaviourRecord.objects.get()
    assert made.status_code == 302 and client_for(who["leader"]).get(f"/credit/records/{record.pk}/").status_code == 200
    client.post(f"/credit/records/{record.pk}/revoke/", {"reason": "复议撤销"})
    record.refresh_from_db()
    assert record.status == "revoked"


def test_a_proposal_is_confirmed_from_the_penalty_list():
    who = people()
    section = reported_section()
    expert = members(section)[0].expert
    rating = services.rating_submit(actor="test", tender_section=section, expert=expert, punctuality=1, diligence=1,
                                    fairness=1, professional=1)
    client = client_for(who["supervisor"])
    assert "确认扣分" in client.get("/credit/penalties/").content.decode()
    client.post(f"/credit/penalties/{rating.penalty.pk}/confirm/", {"reason": ""})
    assert Expert.objects.get(pk=expert.pk).credit_score == expert.credit_score - 2
