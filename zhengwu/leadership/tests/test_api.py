"""The leadership API: the figures of a period and the plan targets, per persona, with the one error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhengwu.core.testing import JsonApi, assert_error
from zhengwu.leadership import services
from zhengwu.leadership.models import PlanTarget
from zhengwu.leadership.tests.conftest import joined

pytestmark = pytest.mark.django_db
api = JsonApi("/api/v1/leadership")


def test_figures_give_every_figure_with_last_years_value_and_link(test_figures, people) -> None:  # noqa: ANN001
    joined(4, dt.date(2023, 2, 2))
    joined(2, dt.date(2022, 2, 2))
    response = api.get(people["leader"], "/figures", start="2023-01-01", end="2023-11-30")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["start"], body["end"], body["previous_start"], body["previous_end"]) == (
        "2023-01-01", "2023-11-30", "2022-01-01", "2022-11-30")
    rows = {f["key"]: f for f in body["figures"]}
    assert set(rows) == set(test_figures)
    received = rows["cases.received"]
    assert (received["value"], received["previous"], received["text"], received["change_text"]) == (
        4, 2, "4件", "同比增长100.00%")
    assert received["link"] == "/cases/list/?start=2023-01-01&end=2023-11-30"
    assert (received["area"], received["area_label"], received["unit"], received["better"]) == (
        "services", "政务服务效能", "件", "up")
    rate = rows["cases.overdue_completion_rate"]
    assert (rate["value"], rate["previous"], rate["difference"], rate["text"]) == ("0.03", "0.17", "-0.14", "0.03%")
    assert rows["intermediary.agencies"]["previous"] is None and rows["intermediary.agencies"]["change_text"] == ""


def test_figures_can_be_limited_to_keys_or_to_the_headline(test_figures, people) -> None:  # noqa: ANN001
    some = api.get(people["leader"], "/figures", preset="jan_nov", year="2023",
                   keys="reviews.bad, intermediary.deals").json()
    assert [f["key"] for f in some["figures"]] == ["reviews.bad", "intermediary.deals"]
    assert (some["start"], some["end"]) == ("2023-01-01", "2023-11-30")
    headline = api.get(people["leader"], "/figures", start="2023-01-01", end="2023-11-30", headline="true").json()
    assert [f["key"] for f in headline["figures"]] == ["cases.received", "trading.amount"]


@pytest.mark.parametrize(("params", "field"), [
    ({"start": "2023-02-30", "end": "2023-03-01"}, "start"),
    ({"start": "2023-03-01", "end": "2023-02-01"}, "end"),
    ({"preset": "decade"}, "preset"),
    ({"year": "1900"}, "year"),
    ({"start": "2023-01-01", "end": "2023-02-01", "keys": "cases.nope"}, "keys"),
])
def test_figures_refuse_bad_input_naming_the_parameter(test_figures, people, params, field) -> None:  # noqa: ANN001
    assert_error(api.get(people["leader"], "/figures", **params), 422, field)


def test_figures_need_the_leadership_permission(test_figures, people) -> None:  # noqa: ANN001
    assert api.get(people["clerk"], "/figures").status_code == 403
    assert Client().get("/api/v1/leadership/figures").status_code == 401


def test_targets_list_with_progress(test_figures, people) -> None:  # noqa: ANN001
    services.target_create(actor=people["admin"], name="成交300条", figure="intermediary.deals", target_value=300,
                           year=2024, note="全年")
    services.target_create(actor=people["admin"], name="评定分离30%", figure="trading.separation_share",
                           target_value=30, year=2023)
    body = api.get(people["leader"], "/targets", year=2024).json()
    assert len(body) == 1
    [row] = body
    assert (row["figure"], row["target_value"], row["value"], row["met"], row["percent"], row["target_text"]) == (
        "intermediary.deals", "300.0000", 320, True, "100.0", "≥300条")
    assert (row["period_start"], row["period_end"]) == ("2024-01-01", "2024-12-31")
    assert len(api.get(people["leader"], "/targets").json()) == 2


def test_an_administrator_creates_and_updates_a_target(test_figures, people) -> None:  # noqa: ANN001
    created = api.post(people["admin"], "/targets", {"year": 2023, "name": "评定分离30%",
                                                     "figure": "trading.separation_share", "target_value": "30"})
    assert created.status_code == 201, created.content
    row = created.json()
    assert (row["value"], row["met"], row["percent"], row["comparison"]) == ("9.5", False, "31.7", "ge")
    client = api.client(people["admin"])
    changed = client.patch(f"/api/v1/leadership/targets/{row['id']}", {"target_value": "9", "active": False},
                           content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["met"], changed.json()["active"], changed.json()["name"]) == (True, False, "评定分离30%")


@pytest.mark.parametrize(("data", "status", "field"), [
    ({"figure": "cases.nope"}, 422, "figure"),
    ({"comparison": "gt"}, 422, "comparison"),
    ({"name": ""}, 422, "name"),
    ({"year": 1800}, 422, "year"),
    ({"figure": "intermediary.deals"}, 409, "figure"),
])
def test_a_bad_target_is_refused_with_the_field(test_figures, people, data, status, field) -> None:  # noqa: ANN001
    services.target_create(actor=people["admin"], name="成交300条", figure="intermediary.deals", target_value=300,
                           year=2024)
    payload = {"year": 2024, "name": "新目标", "figure": "trading.separation_share", "target_value": "30", **data}
    assert_error(api.post(people["admin"], "/targets", payload), status, field)
    assert PlanTarget.objects.count() == 1


def test_only_an_administrator_writes_targets(test_figures, people) -> None:  # noqa: ANN001
    response = api.post(people["leader"], "/targets", {"year": 2024, "name": "x", "figure": "intermediary.deals",
                                                       "target_value": "1"})
    assert response.status_code == 403
    target = services.target_create(actor=people["admin"], name="成交300条", figure="intermediary.deals",
                                    target_value=300, year=2024)
    patched = api.client(people["leader"]).patch(f"/api/v1/leadership/targets/{target.pk}", {"name": "y"},
                                                 content_type="application/json")
    assert patched.status_code == 403
    assert api.client(people["clerk"]).patch(f"/api/v1/leadership/targets/{target.pk}", {"name": "y"},
                                             content_type="application/json").status_code == 403
    assert api.client(people["admin"]).patch("/api/v1/leadership/targets/99999", {"name": "y"},
                                             content_type="application/json").status_code == 404
