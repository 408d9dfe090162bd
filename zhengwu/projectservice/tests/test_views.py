"""The pages render for each persona, a refusal is shown next to the field it names (422), another
enterprise's project is a 404, and the menu offers the screens."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.projectservice import services
from zhengwu.projectservice.models import AgentAction, ServiceVisit
from zhengwu.projectservice.testing import LATER

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def supported(world):
    admin = world["admin"]
    services.agent_assign(actor=admin, project=world["project_a"], agent=world["agent"], started_on="2024-02-01",
                          now=LATER)
    services.agent_action_record(actor=world["agent"], project=world["project_a"], item_text="规划许可代办",
                                 handled_on="2024-03-01", what_done="代为申报", trips_saved=2, now=LATER)
    services.visit_record(actor=admin, visited_on="2024-03-04", team_lead="王主任", departments=[world["dept"].pk],
                          projects=[world["project_a"].pk],
                          issues=[{"description": "临时用电未落实", "owner": world["agent"].pk, "follow_up_days": 3}],
                          now=LATER)
    need = services.factor_need_register(actor=admin, project=world["project_a"], kind="water", capacity="120",
                                         provider="婺城供水公司", requested_on="2024-03-01", now=LATER)
    services.factor_need_promise(actor=admin, need=need, promised_on="2024-04-01", now=LATER)
    return world


@pytest.mark.parametrize("url", ["/projectservice/", "/projectservice/actions/", "/projectservice/visits/",
                                 "/projectservice/issues/", "/projectservice/issues/?state=overdue",
                                 "/projectservice/factors/", "/projectservice/factors/?overdue=on&kind=water",
                                 "/projectservice/figures/", "/projectservice/figures/?start=2024-01-01",
                                 "/projectservice/overdue/", "/projectservice/visits/new/"])
def test_every_page_renders_for_the_center(supported, url):
    assert client_for(supported["admin"]).get(url).status_code == 200


def test_the_support_page_shows_agent_actions_visits_and_factor_needs(supported):
    html = client_for(supported["admin"]).get(f"/projectservice/projects/{supported['project_a'].pk}/").content.decode()
    assert "规划许可代办" in html
    assert "临时用电未落实" in html
    assert 'data-testid="move-' in html
    assert 'data-testid="form-release"' in html
    assert 'data-testid="form-action"' in html
    assert "table-danger" in html  # the water connection is past its promised date


def test_the_agent_records_an_action_on_the_page_and_a_bad_count_is_shown_on_its_field(supported):
    client = client_for(supported["agent"])
    url = f"/projectservice/projects/{supported['project_a'].pk}/actions/"
    bad = client.post(url, {"item_text": "施工许可代办", "handled_on": "2024-03-05", "what_done": "代办",
                            "trips_saved": "50"})
    assert bad.status_code == 422
    assert 'data-testid="field-error-trips_saved"' in bad.content.decode()
    assert AgentAction.objects.count() == 1
    good = client.post(url, {"item_text": "施工许可代办", "handled_on": "2024-03-05", "what_done": "代办",
                             "trips_saved": "3"})
    assert good.status_code == 302
    assert AgentAction.objects.count() == 2


def test_a_visit_is_recorded_on_the_page_and_an_issue_error_lands_on_its_row(supported):
    client = client_for(supported["admin"])
    data = {"visited_on": "2024-05-06", "team_lead": "李副主任", "departments": [supported["dept"].pk],
            "issue2_description": "排污许可", "issue2_owner": supported["agent"].pk, "issue2_follow_up_days": "99"}
    bad = client.post("/projectservice/visits/new/", data)
    assert bad.status_code == 422
    assert 'data-testid="field-error-issue2_follow_up_days"' in bad.content.decode()
    assert ServiceVisit.objects.count() == 1
    data["issue2_follow_up_days"] = "5"
    assert client.post("/projectservice/visits/new/", data).status_code == 302
    assert ServiceVisit.objects.count() == 2


def test_a_factor_move_with_a_bad_date_is_a_422(supported):
    need = supported["project_a"].factor_needs.get()
    client = client_for(supported["admin"])
    bad = client.post(f"/projectservice/factors/{need.pk}/connect/", {"day": "2099-01-01"})
    assert bad.status_code == 422
    assert 'data-testid="move-errors"' in bad.content.decode()
    assert client.post(f"/projectservice/factors/{need.pk}/connect/", {"day": "2024-04-05"}).status_code == 302
    need.refresh_from_db()
    assert need.status == "connected"


def test_the_owner_follows_an_issue_up_on_its_page(supported):
    issue = supported["project_a"].service_visits.get().issues.get()
    client = client_for(supported["agent"])
    assert client.get(f"/projectservice/issues/{issue.pk}/").status_code == 200
    assert client.post(f"/projectservice/issues/{issue.pk}/", {"followed_up_on": "2024-03-06",
                                                               "note": "已协调供电公司"}).status_code == 302
    issue.refresh_from_db()
    assert issue.followed_up_on is not None


def test_the_enterprise_user_sees_their_project_and_not_anothers(supported):
    client = client_for(supported["ent_a"])
    page = client.get(f"/projectservice/projects/{supported['project_a'].pk}/")
    assert page.status_code == 200
    assert 'data-testid="form-' not in page.content.decode()  # reads only
    assert client.get(f"/projectservice/projects/{supported['project_b'].pk}/").status_code == 404
    assert client_for(supported["ent_b"]).get(f"/projectservice/projects/{supported['project_a'].pk}/").status_code == 404
    assert client.post(f"/projectservice/projects/{supported['project_a'].pk}/factors/", {}).status_code == 403


def test_a_citizen_is_refused_and_the_menu_offers_the_screens(supported):
    assert client_for(supported["citizen"]).get("/projectservice/").status_code == 403
    html = client_for(supported["admin"]).get("/projectservice/figures/").content.decode()
    assert "/projectservice/factors/" in html
    assert 'data-testid="items-total">1<' in html


def test_the_center_assigns_and_releases_an_agent_on_the_support_page(world):
    client = client_for(world["admin"])
    base = f"/projectservice/projects/{world['project_b'].pk}"
    bad = client.post(f"{base}/agent/", {"agent": world["township_a"].pk, "started_on": "2024-02-01"})
    assert bad.status_code == 422  # only window clerks are offered as agents
    assert 'data-testid="field-error-agent"' in bad.content.decode()
    assert client.post(f"{base}/agent/", {"agent": world["agent2"].pk, "started_on": "2024-02-01"}).status_code == 302
    page = client.get(f"{base}/").content.decode()
    assert 'data-testid="form-release"' in page
    assert client.post(f"{base}/agent/release/", {"ended_on": "2024-01-01"}).status_code == 422
    assert client.post(f"{base}/agent/release/", {"ended_on": "2024-03-01"}).status_code == 302
    assert 'data-testid="form-assign"' in client.get(f"{base}/").content.decode()
