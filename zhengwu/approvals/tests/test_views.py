"""The pages: the project list with progress bars, the project page, the application's Gantt view, the
portal that files a combined application (422 next to the materials), the department inbox, the figures and
the Excel export with the same numbers; another enterprise's project is a 404."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client

from zhengwu.approvals import selectors, timing
from zhengwu.approvals.models import CombinedApplication
from zhengwu.approvals.testing import file
from zhengwu.cases import services as case_services
from zhengwu.cases.testing import at

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def approve_all(application, clerks, *, when: str):
    for link, clerk in zip(application.items.order_by("id"), clerks):
        case_services.case_transition(actor=clerk, case=link.case_id, action="accept", now=at(when))
        case_services.case_transition(actor=clerk, case=link.case_id, action="approve", now=at(when))


def test_the_project_list_shows_progress_bars_and_only_the_enterprises_own_projects(world):
    html = client_for(world["ent_x"]).get("/approvals/").content.decode()
    assert world["project"].code in html
    assert world["other_project"].code not in html
    assert f'data-testid="progress-{world["project"].pk}"' in html


def test_another_enterprises_project_page_is_a_404(world):
    assert client_for(world["ent_x"]).get(f"/approvals/projects/{world['other_project'].pk}/").status_code == 404
    assert client_for(world["ent_x"]).get(f"/approvals/projects/{world['project'].pk}/").status_code == 200


def test_the_portal_files_an_application_and_refuses_missing_materials_next_to_the_field(world):
    client = client_for(world["ent_x"])
    assert client.get("/approvals/portal/").status_code == 200
    data = {"project": world["project"].pk, "bundle": world["bundle"].pk,
            "materials": world["bundle"].required_materials[:1]}
    refused = client.post("/approvals/portal/", data)
    assert refused.status_code == 422
    assert 'data-testid="field-error-materials"' in refused.content.decode()
    assert not CombinedApplication.objects.exists()
    data["materials"] = world["bundle"].required_materials
    done = client.post("/approvals/portal/", data)
    application = CombinedApplication.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/approvals/applications/{application.pk}/"


def test_the_application_page_draws_one_gantt_bar_per_item_and_offers_issue_when_ready(world):
    application = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    approve_all(application, world["clerks"], when="2024-03-05 15:00")
    admin = client_for(world["admin"])
    html = admin.get(f"/approvals/applications/{application.pk}/").content.decode()
    assert html.count('data-testid="gantt-row"') == 3
    assert 'data-testid="action-issue"' in html
    done = admin.post(f"/approvals/applications/{application.pk}/issue/")
    assert done.status_code == 302
    html = admin.get(f"/approvals/applications/{application.pk}/").content.decode()
    assert 'data-testid="document-number"' in html
    assert "90.0%" in html  # 1 working day against 10


def test_issuing_on_the_web_while_items_are_open_is_a_409(world):
    application = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    response = client_for(world["admin"]).post(f"/approvals/applications/{application.pk}/issue/")
    assert response.status_code == 409
    application.refresh_from_db()
    assert application.document_number == ""


def test_the_department_inbox_links_each_item_to_its_case(world):
    application = file(project=world["project"], bundle=world["bundle"], when="2024-03-04 09:00")
    fire = application.items.get(item=world["items"][1])
    html = client_for(world["clerks"][1]).get("/approvals/inbox/").content.decode()
    assert f"/cases/{fire.case_id}/" in html
    other = application.items.get(item=world["items"][0])
    assert f"/cases/{other.case_id}/" not in html


def test_the_excel_export_has_the_numbers_of_the_screen(world):
    from openpyxl import load_workbook

    application = file(project=world["project"], bundle=world["bundle"], when="2024-09-27 10:00")
    approve_all(application, world["clerks"], when="2024-10-08 16:00")
    leader = client_for(world["leader"])
    page = leader.get("/approvals/figures/", {"year": 2024})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="chart-timing"' in html
    export = leader.get("/approvals/figures.xlsx", {"year": 2024})
    book = load_workbook(io.BytesIO(export.content))
    sheet = book["总体"]
    values = [sheet.cell(row=3, column=c).value for c in range(1, 7)]
    data = timing.figures(selectors.application_list(user=world["leader"]), year=2024)
    assert values == [1, 3, 10, 7, 70.0, 3.0]
    assert values[:5] == [data["total"][k] for k in ("applications", "elapsed", "baseline", "saved", "saved_percent")]
    totals = html.split('data-testid="table-totals"')[1].split("</table>")[0]
    on_screen = [float(v) for v in re.findall(r'data-value="([^"]+)"', totals)]
    assert on_screen == [float(v) for v in values]


def test_the_figures_are_forbidden_to_an_enterprise(world):
    assert client_for(world["ent_x"]).get("/approvals/figures/").status_code == 403
