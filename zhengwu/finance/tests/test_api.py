"""The finance API: each endpoint × persona, the one error format (422 naming the field), the scope (an
enterprise sees only its own applications: 404 on another's), the workflow through the API, the figures."""

from __future__ import annotations

import pytest

from zhengwu.core.testing import JsonApi, assert_error, make_enterprise, make_user
from zhengwu.finance.choices import ProductKind
from zhengwu.finance.testing import credit, make_institution, make_product
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db
API = "/api/v1/finance"
_api = JsonApi(API)
client_for = _api.client
post = _api.post
get = _api.get


@pytest.fixture
def world():
    bank = make_institution()
    loan = make_product(institution=bank, kind=ProductKind.LOAN, name="科技贷", amount_min="10000",
                        amount_max="1000000", rate="3.9", term_months=12)
    ent_a, ent_b = make_enterprise(credit_code=credit(1), name="甲公司"), make_enterprise(credit_code=credit(2), name="乙公司")
    return {"bank": bank, "loan": loan, "desk": make_user(role=Role.CENTER_ADMIN),
            "a": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_a),
            "b": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_b),
            "leader": make_user(role=Role.LEADER), "citizen": make_user(role=Role.CITIZEN)}


def test_an_enterprise_applies_and_the_desk_takes_it_to_disbursed(world):
    r = post(world["a"], "/applications", {"product_id": world["loan"].pk, "amount_requested": "300000",
                                           "purpose": "购置设备"})
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "submitted" and r.json()["actions"] == []
    assert get(world["desk"], f"/applications/{pk}").json()["actions"] == ["accept", "decline"]
    assert post(world["desk"], f"/applications/{pk}/accept").json()["status"] == "accepted"
    r = post(world["desk"], f"/applications/{pk}/approve", {"amount_approved": "250000", "approved_on": "2099-01-02"})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["amount_approved"], r.json()["actions"]) == ("approved", "250000.00",
                                                                                       ["disburse"])
    r = post(world["desk"], f"/applications/{pk}/disburse", {"disbursed_on": "2099-01-05"})
    assert r.json()["status"] == "disbursed"


def test_bad_input_is_a_422_naming_the_field(world):
    assert_error(post(world["a"], "/applications", {"product_id": world["loan"].pk, "amount_requested": "5",
                                                    "purpose": "购置设备"}), 422, "amount_requested")
    assert_error(post(world["a"], "/applications", {"product_id": world["loan"].pk, "amount_requested": "50000",
                                                    "purpose": ""}), 422, "purpose")
    assert_error(post(world["desk"], "/products", {"institution_id": world["bank"].pk, "kind": "loan", "name": "x",
                                                   "amount_min": "100", "amount_max": "50", "rate": "4",
                                                   "term_months": 12}), 422, "amount_max")
    assert_error(post(world["desk"], "/institutions", {"name": "某行", "credit_code": "123", "kind": "bank",
                                                       "contact_name": "李", "contact_phone": "13800138000"}),
                 422, "credit_code")
    r = post(world["a"], "/applications", {"product_id": world["loan"].pk, "amount_requested": "50000",
                                           "purpose": "周转"})
    pk = r.json()["id"]
    post(world["desk"], f"/applications/{pk}/accept")
    assert_error(post(world["desk"], f"/applications/{pk}/decline", {"reason": ""}), 422, "reason")
    assert post(world["desk"], f"/applications/{pk}/disburse").status_code == 409


def test_an_enterprise_sees_only_its_own_applications(world):
    pk = post(world["a"], "/applications", {"product_id": world["loan"].pk, "amount_requested": "50000",
                                            "purpose": "周转"}).json()["id"]
    assert get(world["b"], f"/applications/{pk}").status_code == 404
    assert get(world["b"], "/applications").json()["count"] == 0
    assert get(world["a"], "/applications").json()["count"] == 1
    assert get(world["leader"], f"/applications/{pk}").status_code == 200
    assert post(world["a"], f"/applications/{pk}/accept").status_code == 403
    assert post(world["b"], f"/applications/{pk}/accept").status_code == 404


def test_the_catalog_is_open_to_enterprises_and_closed_to_citizens(world):
    r = get(world["a"], "/products")
    assert [p["name"] for p in r.json()] == ["科技贷"]
    assert get(world["a"], f"/products/{world['loan'].pk}").json()["rate"] == "3.900"
    assert get(world["citizen"], "/products").status_code == 403
    assert post(world["a"], "/products", {"institution_id": world["bank"].pk, "kind": "loan", "name": "y",
                                          "amount_min": "1", "amount_max": "2", "rate": "4",
                                          "term_months": 1}).status_code == 403


def test_the_figures_count_services_and_refuse_a_reversed_period(world):
    pk = post(world["a"], "/applications", {"product_id": world["loan"].pk, "amount_requested": "50000",
                                            "purpose": "周转"}).json()["id"]
    post(world["desk"], f"/applications/{pk}/accept")
    post(world["desk"], f"/applications/{pk}/approve", {"amount_approved": "40000", "approved_on": "2099-02-01"})
    r = get(world["leader"], "/figures?date_from=2099-01-01&date_to=2099-12-31")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["totals"]["services"], body["totals"]["amount_approved"]) == (1, "40000.00")
    assert [m["services"] for m in body["by_month"]][:3] == [0, 1, 0]
    assert_error(get(world["leader"], "/figures?date_from=2099-12-31&date_to=2099-01-01"), 422, "date_to")
    assert get(world["a"], "/figures").status_code == 403
