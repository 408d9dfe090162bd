"""The pages: the registry with filters and alert badges, a project's checklist and forms, the figures; a
refusal is shown next to its field (422); another township's project is a 404."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.core.testing import make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.smallprojects import alerts
from zhengwu.smallprojects.models import Payment, SmallProject
from zhengwu.smallprojects.testing import contracted, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    tree = make_region_tree(townships=2, villages_per_township=1)
    return {"tree": tree, "staff_a": make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][0]),
            "staff_b": make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][1]),
            "supervisor": make_user(role=Role.SUPERVISOR), "citizen": make_user(role=Role.CITIZEN)}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_registry_lists_the_township_projects_with_filters(world):
    village_a, village_b = world["tree"]["villages"]
    mine = make_project(region=village_a, name="东山村水塘清淤", category="water")
    make_project(region=village_b, name="西山村道路")
    page = client_for(world["staff_a"]).get("/smallprojects/")
    assert page.status_code == 200
    assert mine.number in page.content.decode()
    assert "西山村道路" not in page.content.decode()
    filtered = client_for(world["staff_a"]).get("/smallprojects/", {"category": "road"})
    assert mine.number not in filtered.content.decode()


def test_the_supervisor_sees_alert_badges_linking_to_the_flag(world):
    village = world["tree"]["villages"][0]
    projects = [contracted(region=village, keyword="环村路", on=on, contractor=1)
                for on in ("2024-03-01", "2024-04-01", "2024-05-01")]
    alerts.alerts_run(actor="test")
    html = client_for(world["supervisor"]).get("/smallprojects/", {"rule": "SP_SPLIT"}).content.decode()
    assert "化整为零规避招标" in html
    assert "/supervision/flags/" in html
    detail = client_for(world["supervisor"]).get(f"/smallprojects/{projects[0].pk}/").content.decode()
    assert 'data-testid="alerts"' in detail
    assert "待处理" in detail


def test_the_detail_shows_the_checklist_and_the_contract_form(world):
    project = make_project(region=world["tree"]["villages"][0])
    page = client_for(world["staff_a"]).get(f"/smallprojects/{project.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="checkpoint-approval"' in html
    assert 'data-testid="form-contract"' in html
    assert 'data-testid="alerts"' not in html  # alerts are for the supervisors


def test_another_townships_project_is_a_404(world):
    project = make_project(region=world["tree"]["villages"][1])
    assert client_for(world["staff_a"]).get(f"/smallprojects/{project.pk}/").status_code == 404


def test_registering_above_the_limit_shows_the_error_next_to_the_estimate(world):
    data = {"name": "村委综合楼", "owner_region": world["tree"]["villages"][0].pk, "owner_name": "东山村村委",
            "category": "building", "estimate": "4500000", "funding": "village"}
    page = client_for(world["staff_a"]).post("/smallprojects/new/", data)
    assert page.status_code == 422
    assert 'data-testid="field-error-estimate"' in page.content.decode()
    assert not SmallProject.objects.exists()
    data["estimate"] = "450000"
    done = client_for(world["staff_a"]).post("/smallprojects/new/", data)
    assert done.status_code == 302
    assert SmallProject.objects.get().estimate == 450000


def test_recording_a_payment_through_the_form(world):
    project = contracted(region=world["tree"]["villages"][0], on="2024-03-01")
    client = client_for(world["staff_a"])
    bad = client.post(f"/smallprojects/{project.pk}/payments/",
                      {"payment-amount": "100", "payment-paid_on": "2024-01-01", "payment-kind": "progress"})
    assert bad.status_code == 422
    assert 'data-testid="field-error-paid_on"' in bad.content.decode()
    good = client.post(f"/smallprojects/{project.pk}/payments/",
                       {"payment-amount": "100", "payment-paid_on": "2024-04-01", "payment-kind": "progress"})
    assert good.status_code == 302
    assert Payment.objects.filter(project=project).count() == 1


def test_the_new_form_and_the_figures_render(world):
    contracted(region=world["tree"]["villages"][0])
    assert client_for(world["staff_a"]).get("/smallprojects/new/").status_code == 200
    page = client_for(world["supervisor"]).get("/smallprojects/figures/")
    assert page.status_code == 200
    assert 'data-testid="by-rule"' in page.content.decode()
    assert world["tree"]["townships"][0].name in page.content.decode()
    assert client_for(world["supervisor"]).post("/smallprojects/alerts/run/").status_code == 302


def test_people_without_the_permission_get_403(world):
    assert client_for(world["citizen"]).get("/smallprojects/").status_code == 403
    assert client_for(world["supervisor"]).get("/smallprojects/new/").status_code == 403
    assert client_for(world["staff_a"]).post("/smallprojects/alerts/run/").status_code == 403


def test_a_decided_alert_shows_its_outcome_in_the_registry(world):
    from zhengwu.supervision.models import Flag
    from zhengwu.supervision.services import flag_decide

    village = world["tree"]["villages"][0]
    for on in ("2024-03-01", "2024-04-01", "2024-05-01"):
        contracted(region=village, keyword="环村路", on=on, contractor=1)
    alerts.alerts_run(actor="test")
    flag_decide(actor=world["supervisor"], flag=Flag.objects.get(rule="SP_SPLIT"), action="dismiss",
                reason="三段分属不同年度计划,经核实不属拆分")
    html = client_for(world["supervisor"]).get("/smallprojects/", {"rule": "SP_SPLIT"}).content.decode()
    assert "化整为零规避招标 · 已排除" in html


def test_the_registry_page_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    village_a, village_b = world["tree"]["villages"]
    for n, on in enumerate(("2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01")):
        contracted(region=village_a, keyword=f"路{n}", on=on, contractor=n)
    alerts.alerts_run(actor="test")
    client = client_for(world["supervisor"])
    with django_assert_max_num_queries(14):
        assert client.get("/smallprojects/").status_code == 200
