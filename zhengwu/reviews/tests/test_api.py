"""The reviews API: each endpoint with a success and an error in the {code, message, field} format.

Personas: 王专员 the indicator specialist, 张局长 the leader of department A, 李窗口 a clerk of
department A, 赵窗口 a clerk of department B, 周群众 a citizen, and the anonymous applicant.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.test import Client

from zhengwu.cases.testing import at
from zhengwu.core.testing import make_department, make_user, pin_today
from zhengwu.org.roles import Role
from zhengwu.reviews.choices import HandlingStatus
from zhengwu.reviews.models import BadReviewHandling, Review
from zhengwu.reviews.testing import bad_review, completed_case, completed_case_with_code, review, step

pytestmark = pytest.mark.django_db

API = "/api/v1/reviews"
PUBLIC = "/api/v1/public/reviews"


@pytest.fixture
def world():
    dept_a, dept_b = make_department(name="甲局"), make_department(name="乙局")
    clerk_a = make_user(role=Role.WINDOW_CLERK, department=dept_a, username="li")
    return {
        "dept_a": dept_a,
        "specialist": make_user(role=Role.INDICATOR_SPECIALIST, username="wang"),
        "leader_a": make_user(role=Role.DEPARTMENT_LEADER, department=dept_a, username="zhang"),
        "clerk_a": clerk_a,
        "clerk_b": make_user(role=Role.WINDOW_CLERK, department=dept_b, username="zhao"),
        "citizen": make_user(role=Role.CITIZEN, username="zhou"),
        "case": completed_case(clerk=clerk_a),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def assert_error(response, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]


# --- submit (staff) ------------------------------------------------------------------------------------

def test_a_specialist_enters_a_review_and_gets_it_back(world):
    r = post(client_for(world["specialist"]), f"{API}/reviews",
             {"case_id": world["case"].pk, "channel": "on_site", "level": 2, "comment": "等候时间长"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["case_number"], body["channel_label"], body["level_label"], body["is_bad"]) == (
        world["case"].number, "一次一评", "不满意", True)
    assert body["handling_id"] == BadReviewHandling.objects.get().pk


def test_entering_a_level_out_of_range_is_a_422_naming_the_level(world):
    r = post(client_for(world["specialist"]), f"{API}/reviews",
             {"case_id": world["case"].pk, "channel": "online", "level": 7})
    assert_error(r, 422, "out_of_range", "level")
    assert Review.objects.count() == 0


def test_entering_a_review_for_a_case_outside_the_scope_is_a_404(world):
    applicant = make_user(role=Role.CITIZEN, username="other")
    r = post(client_for(applicant), f"{API}/reviews", {"case_id": world["case"].pk, "channel": "online", "level": 5})
    assert_error(r, 404, "not_found", None)


def test_a_second_review_on_the_channel_is_a_409_naming_the_channel(world):
    review(case=world["case"], when="2024-09-30 10:00", level=5)
    r = post(client_for(world["specialist"]), f"{API}/reviews",
             {"case_id": world["case"].pk, "channel": "online", "level": 1})
    assert_error(r, 409, "duplicate_review", "channel")


# --- the public endpoint -------------------------------------------------------------------------------

def test_the_applicant_rates_without_signing_in_and_sees_nothing_personal(world):
    case, code = completed_case_with_code(clerk=world["clerk_a"])
    client = Client(enforce_csrf_checks=True)
    r = post(client, f"{PUBLIC}/rate", {"number": case.number, "code": code, "level": 5, "comment": "很快"})
    assert r.status_code == 201, r.content
    assert r.json() == {**r.json(), "case_number": case.number, "channel": "online", "level_label": "非常满意"}
    assert "张三" not in r.content.decode()


def test_a_wrong_tracking_code_is_a_404(world):
    case, code = completed_case_with_code(clerk=world["clerk_a"])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    r = post(Client(), f"{PUBLIC}/rate", {"number": case.number, "code": wrong, "level": 5})
    assert_error(r, 404, "tracking_failed", None)
    assert Review.objects.count() == 0


# --- lists and details ---------------------------------------------------------------------------------

def test_the_review_list_filters_bad_reviews(world):
    case = world["case"]
    review(case=case, when="2024-09-30 10:00", level=5, channel="on_site")
    review(case=case, when="2024-09-30 10:00", level=1)
    r = client_for(world["leader_a"]).get(f"{API}/reviews", {"kind": "bad"})
    assert r.status_code == 200, r.content
    assert [(i["level"], i["channel"]) for i in r.json()["items"]] == [(1, "online")]


def test_a_citizen_may_not_list_reviews(world):
    assert_error(client_for(world["citizen"]).get(f"{API}/reviews"), 403, "permission_denied", None)


def test_a_review_of_another_department_is_a_404(world):
    saved = review(case=world["case"], when="2024-09-30 10:00", level=4)
    assert client_for(world["clerk_a"]).get(f"{API}/reviews/{saved.pk}").json()["level"] == 4
    assert_error(client_for(world["clerk_b"]).get(f"{API}/reviews/{saved.pk}"), 404, "not_found", None)


def test_the_bad_review_list_shows_deadlines_and_the_steps_of_the_user(world):
    handling = bad_review(case=world["case"], when="2024-09-30 10:00")
    r = client_for(world["specialist"]).get(f"{API}/bad", {"status": "registered"})
    assert r.status_code == 200, r.content
    [item] = r.json()["items"]
    assert (item["id"], item["status_label"], item["actions"], item["deadline_state"]) == (
        handling.pk, "待回访", ["visit"], "overdue")
    assert datetime.fromisoformat(item["visit_deadline"]) == at("2024-10-08 23:59").replace(second=59,
                                                                                           microsecond=999000)


def test_a_bad_period_is_a_422_naming_the_end_date(world):
    r = client_for(world["specialist"]).get(f"{API}/bad", {"date_from": "2024-10-01", "date_to": "2024-09-01"})
    assert_error(r, 422, "bad_period", "date_to")


def test_the_detail_carries_the_timeline(world):
    handling = bad_review(case=world["case"], when="2024-09-30 10:00")
    r = client_for(world["leader_a"]).get(f"{API}/bad/{handling.pk}")
    assert r.status_code == 200, r.content
    assert [e["action"] for e in r.json()["timeline"]] == ["review.submit", "badreviewhandling.register"]
    assert r.json()["actions"] == ["appeal"]


def test_a_clerk_of_another_department_gets_404_for_the_bad_review(world):
    handling = bad_review(case=world["case"], when="2024-09-30 10:00")
    assert_error(client_for(world["clerk_b"]).get(f"{API}/bad/{handling.pk}"), 404, "not_found", None)
    assert client_for(world["clerk_b"]).get(f"{API}/bad").json()["items"] == []


# --- transitions ---------------------------------------------------------------------------------------

def test_a_step_through_the_api_moves_the_handling(world):
    handling = bad_review(case=world["case"], when="2024-09-30 10:00")
    r = post(client_for(world["specialist"]), f"{API}/bad/{handling.pk}/transitions",
             {"action": "visit", "reason": "电话回访,属实", "version": handling.version})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["visit_note"], r.json()["version"]) == ("visited", "电话回访,属实", 1)


def test_a_step_from_the_wrong_state_is_a_409(world):
    handling = bad_review(case=world["case"], when="2024-09-30 10:00")
    r = post(client_for(world["specialist"]), f"{API}/bad/{handling.pk}/transitions",
             {"action": "feedback", "reason": "已反馈"})
    assert_error(r, 409, "invalid_transition", None)
    assert BadReviewHandling.objects.get().status == HandlingStatus.REGISTERED


def test_a_step_without_its_text_is_a_422_naming_the_reason(world):
    handling = bad_review(case=world["case"], when="2024-09-30 10:00")
    r = post(client_for(world["specialist"]), f"{API}/bad/{handling.pk}/transitions", {"action": "visit"})
    assert_error(r, 422, "reason_required", "reason")


def test_a_step_without_the_permission_is_a_403(world):
    handling = bad_review(case=world["case"], when="2024-09-30 10:00")
    r = post(client_for(world["clerk_a"]), f"{API}/bad/{handling.pk}/transitions",
             {"action": "visit", "reason": "我来回访"})
    assert_error(r, 403, "permission_denied", None)


def test_a_stale_version_is_a_409(world):
    handling = bad_review(case=world["case"], when="2024-09-30 10:00")
    r = post(client_for(world["specialist"]), f"{API}/bad/{handling.pk}/transitions",
             {"action": "visit", "reason": "回访", "version": handling.version + 1})
    assert_error(r, 409, "concurrent_change", None)


# --- figures -------------------------------------------------------------------------------------------

def test_the_stats_of_the_users_scope(world):
    review(case=world["case"], when="2024-09-30 10:00", level=5, channel="on_site")
    review(case=world["case"], when="2024-09-30 10:00", level=1)
    r = client_for(world["leader_a"]).get(f"{API}/stats", {"date_from": "2024-09-01", "date_to": "2024-09-30"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["reviews"], body["bad_reviews"], body["bad_rate"], body["good_rate"]) == (2, 1, 50.0, 50.0)


def test_stats_with_no_period_are_the_current_years_and_name_it(world, monkeypatch):
    pin_today(monkeypatch, date(2024, 12, 31))
    review(case=world["case"], when="2023-09-30 10:00", level=1)
    review(case=world["case"], when="2024-09-30 10:00", level=5, channel="on_site")
    r = client_for(world["leader_a"]).get(f"{API}/stats")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["date_from"], body["date_to"]) == ("2024-01-01", "2024-12-31")
    assert (body["reviews"], body["bad_reviews"]) == (1, 0)


def test_stats_for_a_reversed_period_are_a_422(world):
    r = client_for(world["leader_a"]).get(f"{API}/stats", {"date_from": "2024-09-30", "date_to": "2024-09-01"})
    assert_error(r, 422, "bad_period", "date_to")


def test_a_clerk_may_not_read_the_stats(world):
    assert_error(client_for(world["clerk_a"]).get(f"{API}/stats"), 403, "permission_denied", None)


def test_the_year_on_year_change(world):
    bad_review(case=world["case"], when="2024-09-30 10:00")
    r = client_for(world["specialist"]).get(f"{API}/stats/year-on-year", {"year": 2024})
    assert r.status_code == 200, r.content
    assert r.json() == {"year": 2024, "bad_reviews": 1, "previous_bad_reviews": 0, "change": None}


def test_the_year_on_year_change_needs_a_year(world):
    r = client_for(world["specialist"]).get(f"{API}/stats/year-on-year", {"year": "last"})
    assert_error(r, 422, "invalid", "year")


def test_the_bad_review_list_filters_the_overdue_ones(world):
    overdue = bad_review(case=world["case"], when="2024-09-30 10:00")
    closed = bad_review(case=world["case"], when="2024-09-30 10:00", channel="public")
    for action, actor in (("visit", "specialist"), ("rectify", "leader_a"), ("feedback", "specialist")):
        closed = step(closed, action, actor=world[actor], when="2024-10-08 10:00")
    r = client_for(world["specialist"]).get(f"{API}/bad", {"deadline": "overdue"})
    assert [i["id"] for i in r.json()["items"]] == [overdue.pk]
