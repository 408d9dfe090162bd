"""The enterprise API: the closed loop through its endpoints, the bad input of the issue (422 naming the field,
409 for rating an unanswered demand; nothing changed), the scopes (404), consultations, coverage, visits, figures."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.core.testing import JsonApi
from zhengwu.enterprise import services
from zhengwu.enterprise.models import Demand
from zhengwu.enterprise.testing import MOBILE, credit, routed, section

pytestmark = pytest.mark.django_db
API = "/api/v1/enterprise"
_api = JsonApi(API)
client_for = _api.client
post = _api.post
get = _api.get


def error(response, status: int, field: str | None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["field"] == field
    assert body["message"]
    return body


def test_the_closed_loop_through_the_api(w):
    made = post(w["user_x"], "/demands", {"title": "融资需求", "content": "需要流动资金贷款", "contact_name": "王",
                                          "contact_mobile": MOBILE})
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["status"], body["contact_mobile"], body["enterprise_id"]) == ("received", "138****5678",
                                                                               w["ent_x"].pk)
    pk = body["id"]
    assert post(w["staff"], f"/demands/{pk}/classify", {"section_id": section("finance").pk}).json()["status"] == \
        "classified"
    routed_ = post(w["staff"], f"/demands/{pk}/route", {"lead_department_id": w["dept_a"].pk,
                                                          "assisting": [{"department": w["dept_b"].pk,
                                                                         "part": "担保"}]}).json()
    assert (routed_["status"], len(routed_["assignments"])) == ("routed", 2)
    assist = next(a for a in routed_["assignments"] if a["role"] == "assist")
    assert post(w["clerk_b"], f"/assignments/{assist['id']}/answer", {"answer": "可提供担保"}).status_code == 200
    answered = post(w["clerk_a"], f"/demands/{pk}/answer", {"content": "已对接银行"}).json()
    assert answered["status"] == "answered"
    assert "rate" in get(w["user_x"], f"/demands/{pk}").json()["actions"]
    rated = post(w["user_x"], f"/demands/{pk}/rate", {"rating": "satisfied"}).json()
    assert (rated["status"], rated["close_reason"]) == ("closed", "rated")


def test_a_demand_without_a_valid_credit_code_is_422_naming_the_field(w):
    response = post(w["staff"], "/demands", {"title": "t", "content": "c", "contact_name": "王",
                                             "contact_mobile": MOBILE, "credit_code": "123"})
    error(response, 422, "credit_code")
    assert Demand.objects.count() == 0


def test_a_demand_without_a_contact_is_422_naming_the_field(w):
    error(post(w["user_x"], "/demands", {"title": "t", "content": "c", "contact_mobile": MOBILE}), 422,
          "contact_name")
    error(post(w["user_x"], "/demands", {"title": "t", "content": "c", "contact_name": "王"}), 422, "contact_mobile")
    assert Demand.objects.count() == 0


def test_routing_with_no_lead_department_is_422(w):
    demand = routed(w)
    fresh = services.demand_raise(actor=w["user_x"], title="t", content="c", contact_name="王", contact_mobile=MOBILE)
    services.demand_classify(actor=w["staff"], demand=fresh, section=section())
    error(post(w["staff"], f"/demands/{fresh.pk}/route", {"lead_part": "x"}), 422, "lead_department")
    assert Demand.objects.get(pk=fresh.pk).status == "classified"
    assert demand.status == "routed"


def test_an_answer_without_content_is_422_and_rating_an_unanswered_demand_is_409(w):
    demand = routed(w)
    error(post(w["clerk_a"], f"/demands/{demand.pk}/answer", {"content": ""}), 422, "content")
    body = error(post(w["user_x"], f"/demands/{demand.pk}/rate", {"rating": "satisfied"}), 409, None)
    assert body["code"] == "invalid_transition"
    assert Demand.objects.get(pk=demand.pk).status == "routed"


def test_scopes_give_404_to_another_department_and_another_enterprise(w):
    demand = routed(w)
    assert get(w["clerk_b"], f"/demands/{demand.pk}").status_code == 404
    assert get(w["user_y"], f"/demands/{demand.pk}").status_code == 404
    assert post(w["user_y"], f"/demands/{demand.pk}/rate", {"rating": "satisfied"}).status_code == 404
    assert get(w["user_y"], "/demands").json()["count"] == 0
    assert get(w["clerk_a"], "/demands").json()["count"] == 1
    assert post(w["clerk_a"], f"/demands/{demand.pk}/classify", {"section_id": section().pk}).status_code == 403


def test_consultations_and_tasks_through_the_api(w):
    demand = routed(w)
    made = post(w["staff"], "/consultations", {
        "demand_id": demand.pk, "held_on": "2024-09-30", "department_ids": [w["dept_a"].pk, w["dept_b"].pk],
        "record": "记录", "decisions": "决定", "tasks": [{"department": w["dept_b"].pk, "description": "出具意见",
                                                        "working_days": 2}]})
    assert made.status_code == 201, made.content
    task = made.json()["tasks"][0]
    assert task["deadline"].startswith("2024-10-09")
    error(post(w["clerk_b"], f"/tasks/{task['id']}/done", {"note": ""}), 422, "note")
    assert post(w["clerk_b"], f"/tasks/{task['id']}/done", {"note": "已出具"}).json()["done_note"] == "已出具"
    error(post(w["staff"], "/consultations", {"demand_id": demand.pk, "record": "r", "decisions": "d"}), 422,
          "held_on")


def test_sections_coverage_visits_and_figures(w):
    coverage = get(w["staff"], "/coverage").json()
    assert [s["name"] for s in coverage["sections"]][:3] == ["政策", "项目", "诉求"]
    assert len(coverage["sections"]) == 9
    services.liaison_assign(actor=w["staff"], officer=w["clerk_a"], enterprise=w["ent_x"], start=dt.date(2024, 1, 1))
    visit = post(w["clerk_a"], "/visits", {"enterprise_id": w["ent_x"].pk, "visited_on": "2024-03-05",
                                           "content": "走访", "demands": [{"title": "t", "content": "c",
                                                                           "contact_name": "赵",
                                                                           "contact_mobile": MOBILE}]})
    assert visit.status_code == 201, visit.content
    assert len(visit.json()["demand_ids"]) == 1
    figures = get(w["staff"], "/figures").json()
    assert figures["total"]["received"] == 1
    assert get(w["user_x"], "/figures").status_code == 403
    assert credit(1) == w["ent_x"].credit_code
