"""The approvals API: projects, bundles, combined applications (file, list, get, issue) and the figures; the one
error format (422 naming the field, 409 on an early issue) and the scope (enterprise X gets 404 for Y's)."""

from __future__ import annotations

import pytest

from zhengwu.approvals.models import CombinedApplication
from zhengwu.approvals.testing import credit
from zhengwu.cases import services as case_services
from zhengwu.core.testing import JsonApi, assert_error

pytestmark = pytest.mark.django_db
API = "/api/v1/approvals"
_api = JsonApi(API)
client_for = _api.client
post = _api.post
get = _api.get


def test_an_enterprise_files_an_application_and_the_admin_issues_it_after_all_approvals(world):
    body = {"project_id": world["project"].pk, "bundle_id": world["bundle"].pk,
            "materials": world["bundle"].required_materials}
    filed = post(world["ent_x"], "/applications", body)
    assert filed.status_code == 201, filed.content
    data = filed.json()
    assert len(data["items"]) == 3
    assert {i["state"] for i in data["items"]} == {"open"}
    early = post(world["admin"], f"/applications/{data['id']}/issue")
    assert_error(early, 409, None)
    for item, clerk in zip(data["items"], world["clerks"]):
        case_services.case_transition(actor=clerk, case=item["case_id"], action="accept")
        case_services.case_transition(actor=clerk, case=item["case_id"], action="approve")
    issued = post(world["admin"], f"/applications/{data['id']}/issue")
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == "issued"
    assert len(issued.json()["document_items"]) == 3
    mine = get(world["ent_x"], "/applications")
    assert mine.json()["count"] == 1


def test_a_missing_material_is_a_422_naming_materials_and_nothing_is_created(world):
    body = {"project_id": world["project"].pk, "bundle_id": world["bundle"].pk, "materials": []}
    assert_error(post(world["ent_x"], "/applications", body), 422, "materials")
    assert not CombinedApplication.objects.exists()


def test_a_bundle_with_a_duplicate_item_is_a_422_naming_items(world):
    item = world["items"][0].pk
    body = {"name": "重复", "stage": "construction_permit", "items": [{"item_id": item}, {"item_id": item}]}
    assert_error(post(world["admin"], "/bundles", body), 422, "items")
    assert get(world["ent_x"], "/bundles").status_code == 200


def test_enterprise_x_cannot_see_or_file_for_enterprise_ys_project(world):
    other = world["other_project"].pk
    assert get(world["ent_x"], f"/projects/{other}").status_code == 404
    body = {"project_id": other, "bundle_id": world["bundle"].pk, "materials": world["bundle"].required_materials}
    assert post(world["ent_x"], "/applications", body).status_code == 404
    listed = get(world["ent_x"], "/projects").json()
    assert [p["id"] for p in listed["items"]] == [world["project"].pk]


def test_registering_a_project_with_a_bad_township_is_a_422(world):
    body = {"code": "2024-X-1", "name": "厂房", "investor_credit_code": credit(1), "project_type": "filing",
            "total_investment": "500", "township_id": world["tree"]["district"].pk, "risk_class": "low_risk"}
    assert_error(post(world["ent_x"], "/projects", body), 422, "township")
    body["township_id"] = world["tree"]["townships"][0].pk
    done = post(world["ent_x"], "/projects", body)
    assert done.status_code == 201, done.content
    assert done.json()["progress"]["percent"] == 0


def test_the_figures_need_the_figures_permission(world):
    assert get(world["ent_x"], "/figures").status_code == 403
    figures = get(world["leader"], "/figures", year=2024)
    assert figures.status_code == 200
    assert figures.json()["low_risk"]["target_days"] == 3
