"""The expert and draw API: each endpoint × persona × status, and the response shapes."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.core.identifiers import make_id_card
from zhengwu.org.roles import Role
from zhengwu.trading.models import ExpertDraw
from zhengwu.trading.testing import credit, draw, make_expert, published_tender

pytestmark = pytest.mark.django_db
API = "/api/v1/trading"


@pytest.fixture
def people():
    ent = make_enterprise(credit_code=credit(301), name="甲建设有限公司")
    return {"staff": make_user(role=Role.TRADING_STAFF), "supervisor": make_user(role=Role.SUPERVISOR),
            "bidder": make_user(role=Role.ENTERPRISE_USER, enterprise=ent)}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user, url, data):
    return client_for(user).post(f"{API}{url}", data, content_type="application/json")


def get(user, url):
    return client_for(user).get(f"{API}{url}")


def test_specialties_are_listed_for_staff_and_refused_to_a_bidder(people):
    r = get(people["staff"], "/specialties")
    assert r.status_code == 200
    assert {"code": "building", "name": "房屋建筑"} in r.json()
    assert get(people["bidder"], "/specialties").status_code == 403


def test_staff_register_an_expert_and_supervisors_only_read(people):
    body = {"name": "王工", "specialties": ["房屋建筑", "cost"], "source": "provincial",
            "employer": {"credit_code": credit(400), "name": "某设计院"}, "title": "高级工程师",
            "region": "浙江省金华市", "credit_score": 95, "id_number": make_id_card(seq=3),
            "declared_conflicts": [{"credit_code": credit(401), "name": "某施工企业"}]}
    r = post(people["staff"], "/experts", body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert (data["status"], data["specialties"], data["employer_name"]) == ("active", ["building", "cost"], "某设计院")
    assert data["id_number_masked"].startswith("330702") and "*" in data["id_number_masked"]
    assert post(people["supervisor"], "/experts", body).status_code == 403
    listed = get(people["supervisor"], "/experts?specialty=cost")
    assert listed.status_code == 200 and [e["id"] for e in listed.json()["items"]] == [data["id"]]
    assert get(people["bidder"], "/experts").status_code == 403

    bad = post(people["staff"], "/experts", {**body, "specialties": ["天文"]})
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (422, "unknown_specialty", "specialties")

    moved = post(people["staff"], f"/experts/{data['id']}/transitions", {"action": "punish", "reason": "串通投标"})
    assert (moved.status_code, moved.json()["status"]) == (200, "punished")


def test_draw_detail_replacement_and_the_provincial_share_through_the_api(people):
    tender = published_tender()
    section = tender.sections.get()
    for i in range(6):
        make_expert(name=f"专家{i}")
    early = post(people["staff"], "/expert-draws", {"tender_id": tender.pk, "section_id": section.pk,
                                                    "committee_size": 4, "representatives": 0,
                                                    "requirements": {"房屋建筑": 4}})
    assert (early.status_code, early.json()["code"]) == (422, "rule.committee_min")

    # the API draws at server time (2024's sale period is long over)
    r = post(people["staff"], "/expert-draws", {"tender_id": tender.pk, "section_id": section.pk,
                                                "committee_size": 5, "representatives": 1,
                                                "requirements": {"房屋建筑": 4}})
    assert r.status_code == 201, r.content
    d = r.json()
    assert set(d) >= {"id", "tender_id", "section_id", "committee_size", "representatives", "expert_count",
                      "expert_share", "requirements", "rules", "rounds", "members"}
    assert (d["expert_count"], d["expert_share"], d["requirements"]) == (4, "4/5", {"building": 4})
    assert d["rounds"][0]["seed"] and d["rounds"][0]["candidates_count"] == 6
    assert [m["position"] for m in d["members"]] == [1, 2, 3, 4]

    assert get(people["supervisor"], f"/expert-draws/{d['id']}").status_code == 200
    assert get(people["bidder"], f"/expert-draws/{d['id']}").status_code == 404
    assert post(people["supervisor"], "/expert-draws", {"tender_id": tender.pk, "section_id": section.pk,
                                                        "committee_size": 5, "representatives": 1,
                                                        "requirements": {"房屋建筑": 4}}).status_code == 403

    member = d["members"][0]["id"]
    replaced = post(people["staff"], f"/expert-draws/{d['id']}/members/{member}/replacement",
                    {"cause": "declined", "reason": "不能到场"})
    assert replaced.status_code == 201, replaced.content
    body = replaced.json()
    assert len(body["rounds"]) == 2 and len(body["members"]) == 5
    assert body["members"][0]["serving"] is False and body["members"][0]["replaced_by_id"] == body["members"][4]["id"]

    share = get(people["supervisor"], "/expert-draws/provincial-share")
    assert share.status_code == 200
    assert (share.json()["drawn"], share.json()["provincial"], share.json()["share"]) == (5, 5, "1.0000")


def test_an_unfillable_draw_through_the_api_is_a_422_with_the_counts(people):
    tender = published_tender()
    make_expert(name="唯一专家")
    r = post(people["staff"], "/expert-draws", {"tender_id": tender.pk, "section_id": tender.sections.get().pk,
                                                "committee_size": 5, "representatives": 1,
                                                "requirements": {"building": 4}})
    assert r.status_code == 422
    body = r.json()
    assert (body["code"], body["field"]) == ("draw_unfillable", "requirements")
    assert body["details"]["missing"]["building"]["missing"] == 3
    assert not ExpertDraw.objects.exists()


def test_a_second_draw_for_the_same_section_is_a_conflict(people):
    tender = published_tender()
    for i in range(8):
        make_expert(name=f"专家{i}")
    draw(tender)
    r = post(people["staff"], "/expert-draws", {"tender_id": tender.pk, "section_id": tender.sections.get().pk,
                                                "committee_size": 5, "representatives": 1,
                                                "requirements": {"building": 4}})
    assert (r.status_code, r.json()["code"]) == (409, "duplicate")
