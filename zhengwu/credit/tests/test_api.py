"""The credit API: endpoint × persona × status code, 422 naming the field, and the response shapes."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client

from zhengwu.core.testing import make_enterprise
from zhengwu.credit.tests.factories import members, people, reported_section
from zhengwu.trading.models import Expert
from zhengwu.trading.testing import at, credit, make_expert

pytestmark = pytest.mark.django_db
API = "/api/v1/credit"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user, url, data=None):
    return client_for(user).post(f"{API}{url}", data or {}, content_type="application/json")


def get(user, url):
    return client_for(user).get(f"{API}{url}")


def marks(section, expert, **changes):
    return {"tender_section_id": section.pk, "expert_id": expert.pk, "punctuality": 5, "diligence": 4,
            "fairness": 5, "professional": 4, "comment": "认真负责。", **changes}


def test_the_tendering_party_lists_its_section_and_rates_through_the_api():
    who = people()
    section = reported_section()
    listed = get(who["party"], f"/sections/{section.pk}/ratings")
    assert listed.status_code == 200 and len(listed.json()["members"]) == 4
    assert all(m["rating"] is None for m in listed.json()["members"])
    expert = members(section)[0].expert
    with mock.patch("django.utils.timezone.now", return_value=at("2024-03-25 10:00")):
        created = post(who["party"], "/ratings", marks(section, expert))
    assert created.status_code == 201 and created.json()["average"] == "4.50"
    assert post(who["party"], "/ratings", marks(section, expert)).status_code == 409
    assert get(who["outsider"], f"/sections/{section.pk}/ratings").status_code == 404
    assert post(who["outsider"], "/ratings", marks(section, members(section)[1].expert)).status_code == 404
    assert post(who["supervisor"], "/ratings", marks(section, members(section)[1].expert)).status_code == 403


@pytest.mark.parametrize(("field", "value"), [("punctuality", 6), ("fairness", 0), ("diligence", "很好")])
def test_a_bad_mark_is_422_naming_the_field(field, value):
    who = people()
    section = reported_section()
    response = post(who["staff"], "/ratings", marks(section, members(section)[0].expert, **{field: value}))
    assert response.status_code == 422 and response.json()["field"] == field


def test_penalties_through_the_api_by_persona():
    who = people()
    expert = make_expert(name="甲", credit_score=84)
    body = {"expert_id": expert.pk, "points": 5, "basis": "late", "reason": "迟到。"}
    assert post(who["party"], "/penalties", body).status_code == 403
    assert post(who["leader"], "/penalties", body).status_code == 403
    bad = post(who["supervisor"], "/penalties", {**body, "points": 50})
    assert bad.status_code == 422 and bad.json()["field"] == "points"
    created = post(who["supervisor"], "/penalties", body)
    assert created.status_code == 201
    shape = created.json()
    assert (shape["score_before"], shape["score_after"], shape["suspended"]) == (84, 79, True)
    assert Expert.objects.get(pk=expert.pk).status == "suspended"
    assert get(who["leader"], f"/penalties/{shape['id']}").status_code == 200
    assert get(who["party"], f"/penalties/{shape['id']}").status_code == 404
    assert post(who["leader"], f"/penalties/{shape['id']}/revoke", {"reason": "错录"}).status_code == 403
    no_reason = post(who["staff"], f"/penalties/{shape['id']}/revoke", {"reason": ""})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    revoked = post(who["staff"], f"/penalties/{shape['id']}/revoke", {"reason": "错录"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert post(who["staff"], f"/penalties/{shape['id']}/revoke", {"reason": "错录"}).status_code == 409


def test_expert_credit_list_and_detail():
    who = people()
    expert = make_expert(name="乙")
    post(who["staff"], "/penalties", {"expert_id": expert.pk, "points": 3, "basis": "late", "reason": "迟到。"})
    listed = get(who["leader"], "/experts?penalized=true")
    assert listed.status_code == 200
    assert [(r["id"], r["credit_score"], r["penalty_points"]) for r in listed.json()["items"]] == [(expert.pk, 97, 3)]
    assert get(who["party"], "/experts").status_code == 403
    detail = get(who["supervisor"], f"/experts/{expert.pk}")
    assert detail.status_code == 200
    assert [p["score"] for p in detail.json()["series"]] == [100, 97]
    assert detail.json()["status_events"][0]["action"] == "expert.register"
    assert get(who["supervisor"], "/experts/999999").status_code == 404


def test_behaviour_records_through_the_api():
    who = people()
    company = make_enterprise(credit_code=credit(601), name="丙公司")
    body = {"credit_code": company.credit_code, "kind": "ban", "scope": "bidding", "title": "禁止投标一年",
            "reason": "串通投标。", "department_name": "区发展和改革局", "document_number": "区发改罚〔2024〕3号",
            "effective_from": "2024-01-01", "effective_until": "2024-12-31"}
    assert post(who["party"], "/behaviour-records", body).status_code == 403
    missing = post(who["supervisor"], "/behaviour-records", {**body, "scope": ""})
    assert missing.status_code == 422 and missing.json()["field"] == "scope"
    unknown = post(who["supervisor"], "/behaviour-records", {**body, "credit_code": credit(602)})
    assert unknown.status_code == 422 and unknown.json()["field"] == "credit_code"
    created = post(who["supervisor"], "/behaviour-records", body)
    assert created.status_code == 201 and created.json()["enterprise_name"] == "丙公司"
    pk = created.json()["id"]
    assert get(who["leader"], f"/behaviour-records?enterprise_id={company.pk}&effective_on=2024-06-01").json()[
        "count"] == 1
    assert get(who["leader"], f"/behaviour-records?enterprise_id={company.pk}&effective_on=2025-01-01").json()[
        "count"] == 0
    assert get(who["clerk"], f"/behaviour-records/{pk}").status_code == 404
    revoked = post(who["staff"], f"/behaviour-records/{pk}/revoke", {"reason": "复议撤销。"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked" and not revoked.json()["in_force"]
