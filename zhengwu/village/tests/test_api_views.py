"""The village API and screens: status codes per persona, error shapes, and the pages rendering their data."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.cases.choices import Channel
from zhengwu.cases.testing import make_item, receive
from zhengwu.core.testing import JsonApi, assert_error, make_department, make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.village import services
from zhengwu.village.models import Attendance, TrainingSession
from zhengwu.village.testing import make_agent, make_station

pytestmark = pytest.mark.django_db
api = JsonApi("/api/v1/village")


@pytest.fixture
def world():
    tree = make_region_tree(townships=2, villages_per_township=1)
    a, b = tree["villages"]
    s_a, s_b = make_station(village=a), make_station(village=b)
    return {"tree": tree, "admin": make_user(role=Role.CENTER_ADMIN),
            "staff": make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][0]),
            "citizen": make_user(role=Role.CITIZEN), "s_a": s_a, "s_b": s_b,
            "agent": make_agent(station=s_a, name="周丽", username="zhouli"),
            "agent_b": make_agent(station=s_b, name="吴芳", username="wufang")}


def test_stations_list_is_scoped_to_the_township_of_the_staff(world):
    assert api.get(world["admin"], "/stations").json()["count"] == 2
    body = api.get(world["staff"], "/stations").json()
    assert [s["id"] for s in body["items"]] == [world["s_a"].pk]
    assert api.get(world["staff"], f"/stations/{world['s_b'].pk}").status_code == 404


def test_a_citizen_may_not_read_stations(world):
    assert api.get(world["citizen"], "/stations").status_code == 403


def test_renovate_through_the_api_and_a_bad_date_names_the_field(world):
    pk = world["s_a"].pk
    assert_error(api.post(world["admin"], f"/stations/{pk}/renovate", {"on": "2023-13-01"}), 422, "renovated_on")
    response = api.post(world["admin"], f"/stations/{pk}/renovate", {"on": "2023-03-01"})
    assert response.status_code == 200 and response.json()["status"] == "renovated"
    assert_error(api.post(world["admin"], f"/stations/{pk}/renovate", {"on": "2023-03-02"}), 409, None)


def test_registering_an_agent_at_a_second_station_answers_409_naming_the_agent(world):
    body = assert_error(api.post(world["admin"], "/agents", {
        "user_id": world["agent"].user_id, "station_id": world["s_b"].pk, "birth_date": "1980-01-01"}), 409, "station")
    assert "周丽" in body["message"]


def test_a_training_with_an_unknown_agent_answers_422_naming_it_and_writes_nothing(world):
    body = assert_error(api.post(world["admin"], "/trainings", {
        "held_on": "2023-05-01", "topic": "医保代办", "attendees": [world["agent"].pk, "ghost"]}), 422, "attendees")
    assert "ghost" in body["message"]
    assert not TrainingSession.objects.exists() and not Attendance.objects.exists()
    ok = api.post(world["admin"], "/trainings", {"held_on": "2023-05-01", "topic": "医保代办",
                                                 "attendees": [world["agent"].pk, "wufang"]})
    assert ok.status_code == 201 and ok.json()["attendees"] == sorted([world["agent"].pk, world["agent_b"].pk])


def test_an_agents_cases_and_the_directory_coverage_through_the_api(world):
    item = make_item(department=make_department(), code="V-9", level_village=True, applicant_kinds="person")
    receive(actor=world["agent"].user, item=item, when="2023-03-01 09:00", channel=Channel.AGENT,
            village=world["s_a"].village)
    body = api.get(world["admin"], f"/agents/{world['agent'].pk}/cases").json()
    assert body["count"] == 1 and body["items"][0]["channel"] == "agent"
    cov = api.get(world["admin"], "/directory/coverage").json()
    assert (cov["village_items"], cov["personal_items"], cov["personal_at_township"]) == (1, 1, 0)
    assert [i["code"] for i in cov["township_missing"]] == ["V-9"]


def test_scheme_creation_rates_the_agents_and_an_agents_history_lists_it(world):
    response = api.post(world["admin"], "/schemes", {"name": "2023年度", "period_start": "2023-01-01",
                                                     "period_end": "2023-12-31"})
    assert response.status_code == 201
    ratings = api.get(world["admin"], f"/agents/{world['agent'].pk}/ratings").json()
    assert [r["scheme"] for r in ratings] == ["2023年度"] and 1 <= ratings[0]["stars"] <= 5
    assert api.post(world["staff"], "/schemes", {"name": "x", "period_start": "2024-01-01",
                                                 "period_end": "2024-12-31"}).status_code == 403


@pytest.mark.parametrize("url", ["/village/", "/village/agents/", "/village/trainings/", "/village/directory/",
                                 "/village/ratings/"])
def test_every_screen_renders_for_the_administrator(world, url):
    services.scheme_create(actor="test", name="2023年度", period_start="2023-01-01", period_end="2023-12-31")
    client = Client()
    client.force_login(world["admin"])
    assert client.get(url).status_code == 200


def test_the_agent_record_page_lists_the_cases_the_agent_submitted(world):
    item = make_item(department=make_department(), code="V-8", level_village=True)
    case = receive(actor=world["agent"].user, item=item, when="2023-03-01 09:00", channel=Channel.AGENT,
                   village=world["s_a"].village, applicant_name="村民老王")
    client = Client()
    client.force_login(world["agent"].user)
    page = client.get(f"/village/agents/{world['agent'].pk}/").content.decode()
    assert case.number in page and "村民老王" in page
    assert client.get(f"/village/agents/{world['agent_b'].pk}/").status_code == 404


def test_station_screen_refuses_a_promotion_before_renovation_with_the_date_field(world):
    client = Client()
    client.force_login(world["admin"])
    station = services.station_renovate(actor="test", station=world["s_a"], on="2023-03-01")
    response = client.post(f"/village/stations/{station.pk}/act/promote/", {"on": "2023-01-01"})
    assert response.status_code == 422 and "评为样板站日期不能早于" in response.content.decode()


def test_training_screen_shows_the_unknown_agent_next_to_the_field(world):
    client = Client()
    client.force_login(world["admin"])
    response = client.post("/village/trainings/", {"held_on": "2023-05-01", "topic": "代办", "attendees": "zhouli ghost"})
    assert response.status_code == 422 and "未知的代办员:ghost" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_the_agent_workspace_receives_a_case_through_the_agent_channel_at_the_agents_village(world):
    item = make_item(department=make_department(), code="V-7", level_village=True, applicant_kinds="person")
    client = Client()
    client.force_login(world["agent"].user)
    response = client.post("/village/workspace/", {"item": item.pk, "applicant_name": "村民老李",
                                                    "id_number": "11010519491231002X"})
    assert response.status_code == 302
    case = world["agent"].user.agent_cases.get()
    assert (case.channel, case.level, case.village_id) == ("agent", "village", world["s_a"].village_id)
    bad = client.post("/village/workspace/", {"item": item.pk, "applicant_name": "村民老李", "id_number": "123"})
    assert bad.status_code == 422 and world["agent"].user.agent_cases.count() == 1


def test_a_clerk_without_an_agent_record_has_no_workspace(world):
    clerk = make_user(role=Role.WINDOW_CLERK, department=make_department())
    client = Client()
    client.force_login(clerk)
    assert client.get("/village/workspace/").status_code == 404
