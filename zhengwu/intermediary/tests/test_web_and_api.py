"""The API and the pages: personas, status codes, the error shape, the public list and the full purchase
path through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from zhengwu.core.testing import JsonApi, assert_error, make_department, make_user
from zhengwu.intermediary import services
from zhengwu.intermediary.models import Purchase
from zhengwu.intermediary.testing import make_agency, make_owner, make_type, post
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db
api = JsonApi("/api/v1/intermediary")


@pytest.fixture
def world():
    dept = make_department()
    survey = make_type()
    services.service_list_item_create(actor="test", service_type=survey, name="建设项目岩土工程勘察",
                                      time_limit_days=20, workflow_text="委托—勘察—出具报告",
                                      conditions="具有工程勘察资质", fee_standard="市场调节价")
    agencies = [make_agency(i, department=dept, types=[survey]) for i in (1, 2)]
    owner = make_owner()
    return {
        "dept": dept, "survey": survey, "agencies": agencies, "owner": owner,
        "owner_user": make_user(role=Role.ENTERPRISE_USER, enterprise=owner),
        "other_owner_user": make_user(role=Role.ENTERPRISE_USER, enterprise=make_owner(901)),
        "agency_users": [make_user(role=Role.INTERMEDIARY, enterprise=a.enterprise) for a in agencies],
        "admin": make_user(role=Role.CENTER_ADMIN),
        "citizen": make_user(role=Role.CITIZEN),
    }


def test_the_service_list_is_public_on_the_web_and_the_api(world):
    page = Client().get("/intermediary/service-list/")
    assert page.status_code == 200
    assert "建设项目岩土工程勘察" in page.content.decode()
    body = Client().get("/api/v1/intermediary/service-list").json()
    assert [i["name"] for i in body] == ["建设项目岩土工程勘察"]
    assert body[0]["time_limit_days"] == 20


def test_an_owner_posts_two_agencies_answer_a_draw_picks_one_and_the_owner_rates_it(world):
    deadline = (timezone.now() + dt.timedelta(days=3)).isoformat()
    created = api.post(world["owner_user"], "/purchases", {
        "project_name": "城南学校新建工程", "service_type_id": world["survey"].pk, "budget": "120000",
        "answer_deadline": deadline, "selection_method": "random"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    for user, price in zip(world["agency_users"], ("110000", "100000")):
        assert api.post(user, f"/purchases/{pk}/answers", {"price": price, "plan": "方案"}).status_code == 201
    selected = api.post(world["owner_user"], f"/purchases/{pk}/select", {"seed": "42"})
    assert selected.status_code == 200, selected.content
    assert selected.json()["status"] == "selected" and selected.json()["draw_seed"] == "42"
    early = api.post(world["owner_user"], f"/purchases/{pk}/rate", {"stars": 5})
    assert_error(early, 409, "stars")
    today = timezone.localdate().isoformat()
    assert api.post(world["owner_user"], f"/purchases/{pk}/contract", {"contract_date": today}).status_code == 200
    assert api.post(world["owner_user"], f"/purchases/{pk}/complete", {"completed_on": today}).status_code == 200
    rated = api.post(world["owner_user"], f"/purchases/{pk}/rate", {"stars": 4, "comment": "按期完成"})
    assert rated.json()["status"] == "rated" and rated.json()["rating_stars"] == 4
    deals = Client().get("/api/v1/intermediary/deals").json()
    assert [d["number"] for d in deals] == [created.json()["number"]]


def test_an_agency_user_cannot_post_and_a_citizen_cannot_read(world):
    deadline = (timezone.now() + dt.timedelta(days=3)).isoformat()
    refused = api.post(world["agency_users"][0], "/purchases", {
        "project_name": "x", "service_type_id": world["survey"].pk, "budget": "1", "answer_deadline": deadline,
        "selection_method": "random"})
    assert refused.status_code == 403
    assert api.get(world["citizen"], "/purchases").status_code == 403


def test_an_owner_does_not_see_another_owners_purchase(world):
    purchase = post(owner=world["owner"], service_type=world["survey"], now=timezone.now())
    assert api.get(world["other_owner_user"], f"/purchases/{purchase.pk}").status_code == 404
    assert api.get(world["owner_user"], f"/purchases/{purchase.pk}").status_code == 200


def test_bad_purchase_input_through_the_api_names_the_field(world):
    deadline = (timezone.now() + dt.timedelta(days=3)).isoformat()
    response = api.post(world["owner_user"], "/purchases", {
        "project_name": "x", "service_type_id": world["survey"].pk, "budget": "100",
        "answer_deadline": deadline, "selection_method": "coin"})
    assert_error(response, 422, "selection_method")
    assert not Purchase.objects.exists()


def test_an_answer_with_an_expired_qualification_is_refused_through_the_api(world):
    expired = make_agency(5, department=world["dept"], types=[world["survey"]], valid_until="2020-01-01")
    user = make_user(role=Role.INTERMEDIARY, enterprise=expired.enterprise)
    purchase = post(owner=world["owner"], service_type=world["survey"], now=timezone.now())
    response = api.post(user, f"/purchases/{purchase.pk}/answers", {"price": "1000", "plan": "方案"})
    body = assert_error(response, 409, "qualification")
    assert "工程勘察资质" in body["message"]


@pytest.mark.parametrize("url", ["/intermediary/", "/intermediary/agencies/", "/intermediary/figures/",
                                 "/intermediary/proposals/", "/intermediary/purchases/new/"])
def test_the_admin_pages_render(world, url):
    client = Client()
    client.force_login(world["admin"])
    assert client.get(url).status_code == 200


def test_a_purchase_page_offers_the_answer_form_to_an_agency_and_the_draw_to_the_owner(world):
    purchase = post(owner=world["owner"], service_type=world["survey"], now=timezone.now())
    agency_client, owner_client = Client(), Client()
    agency_client.force_login(world["agency_users"][0])
    owner_client.force_login(world["owner_user"])
    agency_page = agency_client.get(f"/intermediary/purchases/{purchase.pk}/").content.decode()
    assert 'data-testid="form-answer"' in agency_page
    answered = agency_client.post(f"/intermediary/purchases/{purchase.pk}/answer/", {"price": "abc", "plan": "x"})
    assert answered.status_code == 422
    assert "不是数字" in answered.content.decode()
    services.answer_submit(actor=world["agency_users"][0], purchase=purchase, price="9000", plan="方案")
    owner_page = owner_client.get(f"/intermediary/purchases/{purchase.pk}/").content.decode()
    assert 'data-testid="form-select"' in owner_page and 'data-testid="form-answer"' not in owner_page
    drawn = owner_client.post(f"/intermediary/purchases/{purchase.pk}/select/", {"seed": "7"})
    assert drawn.status_code == 302
    purchase.refresh_from_db()
    assert (purchase.status, purchase.draw_seed) == ("selected", "7")


def test_an_agency_page_shows_an_expired_qualification(world):
    services.qualification_add(actor="test", agency=world["agencies"][0], name="测绘资质", number="C1",
                               valid_until="2020-05-01")
    client = Client()
    client.force_login(world["admin"])
    page = client.get(f"/intermediary/agencies/{world['agencies'][0].pk}/").content.decode()
    assert "测绘资质" in page and "已过期" in page
