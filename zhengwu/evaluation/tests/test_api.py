"""The evaluation API: each endpoint with a success and an error in the {code, message, field} format.

Figures from the hand-counted dataset of ``test_indicators``. Personas: 李专员 the indicator
specialist, 王主任 the center administrator, 甲科长 / 乙科长 the leaders of 甲局 / 乙局, 甲窗口 a clerk.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from zhengwu.core.models import Reminder
from zhengwu.core.testing import make_user
from zhengwu.evaluation import services
from zhengwu.evaluation.models import Publication, Scheme, SchemeVersion, Suggestion
from zhengwu.evaluation.tests.test_indicators import EXPECTED_A, END, START, world  # noqa: F401  (fixture)
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluation"
PUBLIC = "/api/v1/public/evaluation"
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
NINE = list(EXPECTED_A)


@pytest.fixture
def people(world):  # noqa: F811, ANN001, ANN201
    return {
        "specialist": make_user(role=Role.INDICATOR_SPECIALIST, username="li"),
        "admin": make_user(role=Role.CENTER_ADMIN, username="wang"),
        "leader_a": make_user(role=Role.DEPARTMENT_LEADER, department=world["a"], username="jiake"),
        "leader_b": make_user(role=Role.DEPARTMENT_LEADER, department=world["b"], username="yike"),
        "clerk_a": make_user(role=Role.WINDOW_CLERK, department=world["a"], username="jiachuang"),
    }


def client_for(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict):  # noqa: ANN201
    return client.post(url, data, content_type="application/json")


def assert_error(response, status: int, code: str, field: str | None) -> None:  # noqa: ANN001
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]


def rules(weights=(20, 10, 15, 10, 5, 10, 10, 10, 10)) -> list[dict]:
    return [{"indicator": code, "weight": w, "method": "rank", "step": 1} for code, w in zip(NINE, weights)]


@pytest.fixture
def scheme(people):  # noqa: ANN001, ANN201
    return services.scheme_create(actor=people["admin"], name="部门评价办法", rules=rules()).scheme


# --- indicators and values ------------------------------------------------------------------------

def test_the_indicators_are_listed_in_their_order(people):
    body = client_for(people["clerk_a"]).get(f"{API}/indicators").json()
    assert [i["code"] for i in body] == NINE


def test_an_anonymous_caller_gets_a_401(db):
    assert_error(Client().get(f"{API}/indicators"), 401, "unauthenticated", None)


def test_the_values_of_each_department_match_the_hand_count(people, world):  # noqa: F811
    response = client_for(people["clerk_a"]).get(f"{API}/values", PERIOD)
    assert response.status_code == 200
    body = response.json()
    a = next(r for r in body["rows"] if r["group_id"] == world["a"].pk)
    assert {code: v["percent"] for code, v in a["values"].items()} == EXPECTED_A
    assert body["district"]["values"]["online_rate"]["numerator"] == "3"
    assert body["period"] == {"start": "2024-09-23", "end": "2024-10-13", "group": "department"}


def test_a_period_that_ends_before_it_starts_is_a_422_at_end(people):
    response = client_for(people["clerk_a"]).get(f"{API}/values", {"start": "2024-10-02", "end": "2024-10-01"})
    assert_error(response, 422, "bad_period", "end")


def test_a_preset_that_does_not_exist_is_a_422_at_preset(people):
    assert_error(client_for(people["clerk_a"]).get(f"{API}/values", {"preset": "decade"}), 422, "invalid", "preset")


def test_a_preset_names_the_period_it_ends_on(people):
    body = client_for(people["clerk_a"]).get(f"{API}/values", {"preset": "jan_nov", "end": "2024-12-15"}).json()
    assert body["period"]["start"] == "2024-01-01" and body["period"]["end"] == "2024-11-30"


def test_a_user_without_the_permission_gets_a_403(people):
    citizen = make_user(role=Role.CITIZEN)
    assert_error(client_for(citizen).get(f"{API}/values", PERIOD), 403, "permission_denied", None)


# --- the ranking -------------------------------------------------------------------------------------

def test_the_ranking_scores_the_departments_under_the_current_scheme(people, world, scheme):  # noqa: F811
    body = client_for(people["leader_b"]).get(f"{API}/ranking", PERIOD).json()
    assert body["scheme"] == "部门评价办法" and body["scheme_version"] == 1
    # rank-based, a point per rank: 甲局 loses a point on three indicators (97 of 100); 乙局 has no reviews
    # or reminders, so its 67 points of the 70 that apply are rescaled to 95.71.
    assert [(r["group_id"], r["rank"], r["total"]) for r in body["rows"]] == [
        (world["a"].pk, 1, "97.00"), (world["b"].pk, 2, "95.71")]


def test_the_ranking_equals_what_a_publication_freezes(people, world, scheme):  # noqa: F811
    live = client_for(people["specialist"]).get(f"{API}/ranking", {"start": "2024-09-23", "end": "2024-09-29"})
    draft = services.publication_prepare(actor=people["specialist"], scheme=scheme, week_start=date(2024, 9, 23))
    frozen = client_for(people["specialist"]).get(f"{API}/publications/{draft.pk}").json()
    assert [(r["group_id"], r["rank"], r["total"]) for r in live.json()["rows"]] == \
        [(r["group_id"], r["rank"], r["total"]) for r in frozen["rows"]]


def test_a_ranking_without_a_scheme_is_a_404(people):
    assert_error(client_for(people["specialist"]).get(f"{API}/ranking", PERIOD), 404, "not_found", None)


# --- the cases behind a figure and reminders -----------------------------------------------------------

def test_the_cases_behind_a_figure_are_listed_within_the_users_scope(people, world):  # noqa: F811
    query = {**PERIOD, "indicator": "completion_overdue_rate", "group_id": world["a"].pk}
    own = client_for(people["leader_a"]).get(f"{API}/cases", query).json()
    other = client_for(people["leader_b"]).get(f"{API}/cases", query).json()
    assert [c["number"] for c in own["items"]] == [world["c"][0].number]
    assert other["count"] == 0


def test_the_cases_of_an_unknown_indicator_are_a_422(people):
    response = client_for(people["specialist"]).get(f"{API}/cases", {**PERIOD, "indicator": "nope"})
    assert_error(response, 422, "unknown_indicator", "indicator")


def test_the_cases_need_the_indicator(people):
    assert_error(client_for(people["specialist"]).get(f"{API}/cases", PERIOD), 422, "invalid", "indicator")


def test_a_reminder_is_sent_once_a_day(people, world):  # noqa: F811
    client = client_for(people["specialist"])
    c4 = world["c"][3]
    first = post(client, f"{API}/cases/{c4.pk}/remind", {}).json()
    second = post(client, f"{API}/cases/{c4.pk}/remind", {}).json()
    assert (first["sent"], second["sent"]) == (True, False)
    assert first["reminders_this_year"] == second["reminders_this_year"] == 1
    assert Reminder.objects.filter(object_id=str(c4.pk), stage=first["stage"]).count() == 1


def test_a_reminder_outside_the_scope_is_a_404_and_a_clerk_may_not_send_one(people, world):  # noqa: F811
    assert_error(post(client_for(people["specialist"]), f"{API}/cases/999999/remind", {}), 404, "not_found", None)
    assert_error(post(client_for(people["clerk_a"]), f"{API}/cases/{world['c'][3].pk}/remind", {}), 403,
                 "permission_denied", None)


# --- schemes ------------------------------------------------------------------------------------------------

def test_a_scheme_is_created_listed_and_revised(people):
    client = client_for(people["admin"])
    created = post(client, f"{API}/schemes", {"name": "部门评价办法", "rules": rules()})
    assert created.status_code == 201
    scheme_id = created.json()["scheme_id"]
    revised = post(client, f"{API}/schemes/{scheme_id}/versions",
                   {"note": "调整权重", "rules": rules((10, 10, 15, 10, 15, 10, 10, 10, 10))})
    assert revised.status_code == 201 and revised.json()["number"] == 2
    listed = client.get(f"{API}/schemes").json()
    assert [(s["scheme"], s["number"]) for s in listed] == [("部门评价办法", 2)]


def test_weights_that_do_not_sum_to_100_are_a_422_and_nothing_is_saved(people):
    response = post(client_for(people["admin"]), f"{API}/schemes",
                    {"name": "方案", "rules": rules((20, 10, 15, 10, 5, 10, 10, 10, 9))})
    assert_error(response, 422, "weights_not_100", "rules")
    assert not Scheme.objects.exists()


def test_a_target_below_its_floor_is_a_422_at_that_rule(people):
    bad = rules()
    bad[0] = {"indicator": "online_rate", "weight": 20, "method": "threshold", "floor": 95, "target": 90}
    assert_error(post(client_for(people["admin"]), f"{API}/schemes", {"name": "方案", "rules": bad}), 422,
                 "target_below_floor", "rules[0].target")
    assert not SchemeVersion.objects.exists()


def test_a_specialist_may_not_create_a_scheme(people):
    assert_error(post(client_for(people["specialist"]), f"{API}/schemes", {"name": "方案", "rules": rules()}), 403,
                 "permission_denied", None)


# --- publications --------------------------------------------------------------------------------------------

def test_a_week_is_prepared_published_and_listed_publicly(people, world, scheme):  # noqa: F811
    client = client_for(people["specialist"])
    prepared = post(client, f"{API}/publications", {"scheme_id": scheme.pk, "week_start": "2024-09-23"})
    assert prepared.status_code == 201
    body = prepared.json()
    assert (body["status"], body["actions"]) == ("draft", ["publish"])
    published = post(client, f"{API}/publications/{body['id']}/publish", {}).json()
    assert published["status"] == "published" and len(published["digest"]) == 64
    listed = client.get(f"{API}/publications", {"year": 2024}).json()
    assert [p["week_start"] for p in listed["items"]] == ["2024-09-23"]
    public = Client().get(f"{PUBLIC}/publications").json()
    assert public[0]["digest"] == published["digest"]
    assert set(public[0]["rows"][0]) == {"name", "rank", "total"}


def test_publishing_the_same_week_twice_is_a_409_at_the_week(people, world, scheme):  # noqa: F811
    client = client_for(people["specialist"])
    draft = post(client, f"{API}/publications", {"scheme_id": scheme.pk, "week_start": "2024-09-23"}).json()
    digest = post(client, f"{API}/publications/{draft['id']}/publish", {}).json()["digest"]
    again = post(client, f"{API}/publications", {"scheme_id": scheme.pk, "week_start": "2024-09-23"})
    assert_error(again, 409, "already_published", "week_start")
    assert_error(post(client, f"{API}/publications/{draft['id']}/publish", {}), 409, "invalid_transition", None)
    assert Publication.objects.get().digest == digest


def test_a_week_that_does_not_start_on_monday_is_a_422(people, scheme):
    response = post(client_for(people["specialist"]), f"{API}/publications",
                    {"scheme_id": scheme.pk, "week_start": "2024-09-24"})
    assert_error(response, 422, "not_monday", "week_start")


def test_a_clerk_may_not_publish(people, world, scheme):  # noqa: F811
    draft = services.publication_prepare(actor=people["specialist"], scheme=scheme, week_start=date(2024, 9, 23))
    assert_error(post(client_for(people["clerk_a"]), f"{API}/publications/{draft.pk}/publish", {}), 403,
                 "permission_denied", None)


def test_an_unknown_publication_is_a_404(people):
    assert_error(client_for(people["specialist"]).get(f"{API}/publications/424242"), 404, "not_found", None)


# --- suggestions ----------------------------------------------------------------------------------------------

def test_a_leader_files_a_suggestion_and_the_center_adopts_it(people, world):  # noqa: F811
    filed = post(client_for(people["leader_a"]), f"{API}/suggestions",
                 {"title": "即办率口径", "content": "建议剔除材料补正件", "indicator": "instant_rate"})
    assert filed.status_code == 201
    body = filed.json()
    assert (body["department_id"], body["indicator"], body["status"]) == (world["a"].pk, "instant_rate", "submitted")
    decided = post(client_for(people["specialist"]), f"{API}/suggestions/{body['id']}/decision",
                   {"adopt": True, "reason": "下一版本采纳", "version": body["version"]})
    assert decided.status_code == 200 and decided.json()["status"] == "adopted"
    counts = client_for(people["specialist"]).get(f"{API}/suggestions/counts").json()
    assert counts[0] == {"department_id": world["a"].pk, "department": str(world["a"]), "total": 1, "submitted": 0,
                         "adopted": 1, "declined": 0}
    assert counts[-1]["department_id"] is None and counts[-1]["total"] == 1


def test_a_decision_without_a_reason_is_a_422_at_reason(people, world):  # noqa: F811
    s = services.suggestion_submit(actor=people["leader_a"], department=world["a"], title="t", content="c")
    response = post(client_for(people["specialist"]), f"{API}/suggestions/{s.pk}/decision", {"adopt": False})
    assert_error(response, 422, "reason_required", "reason")
    assert Suggestion.objects.get().status == "submitted"


def test_a_suggestion_in_another_departments_name_is_refused(people, world):  # noqa: F811
    response = post(client_for(people["leader_a"]), f"{API}/suggestions",
                    {"department_id": world["b"].pk, "title": "t", "content": "c"})
    assert_error(response, 422, "unknown_reference", "department_id")
    assert not Suggestion.objects.exists()


def test_a_leader_lists_only_the_own_departments_suggestions(people, world):  # noqa: F811
    services.suggestion_submit(actor=people["leader_a"], department=world["a"], title="甲", content="c")
    services.suggestion_submit(actor=people["leader_b"], department=world["b"], title="乙", content="c")
    body = client_for(people["leader_b"]).get(f"{API}/suggestions").json()
    assert [s["title"] for s in body["items"]] == ["乙"]


def test_a_clerk_may_not_file_a_suggestion(people):
    response = post(client_for(people["clerk_a"]), f"{API}/suggestions", {"title": "t", "content": "c"})
    assert_error(response, 403, "permission_denied", None)
