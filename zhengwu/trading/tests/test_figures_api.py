"""The fee and figures API: endpoint × persona × status, and the response shapes."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading.testing import credit
from zhengwu.trading.tests.factories_award import awarded_project

pytestmark = pytest.mark.django_db
API = "/api/v1/trading"
TIERS = [{"up_to": "5000000", "permille": "1"}, {"up_to": None, "permille": "0.5"}]


@pytest.fixture
def people():
    ent = make_enterprise(credit_code=credit(306), name="戊建设有限公司")
    return {"staff": make_user(role=Role.TRADING_STAFF), "supervisor": make_user(role=Role.SUPERVISOR),
            "admin": make_user(role=Role.CENTER_ADMIN),
            "bidder": make_user(role=Role.ENTERPRISE_USER, enterprise=ent)}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user, url, data=None):
    return client_for(user).post(f"{API}{url}", data or {}, content_type="application/json")


def get(user, url):
    return client_for(user).get(f"{API}{url}")


def test_fee_schedules_are_kept_by_the_center_administrator(people):
    listed = get(people["staff"], "/fee-schedules?project_type=construction")
    assert listed.status_code == 200
    assert [(s["effective_from"], s["switched_off_from"]) for s in listed.json()] == [("2000-01-01", "2023-10-30")]
    assert get(people["bidder"], "/fee-schedules").status_code == 403
    body = {"project_type": "construction", "effective_from": "2024-03-01", "tiers": TIERS, "minimum": "100",
            "cap": "30000", "basis": "区发改局核定"}
    assert post(people["staff"], "/fee-schedules", body).status_code == 403
    bad = post(people["admin"], "/fee-schedules", {**body, "tiers": TIERS[:1]})
    assert (bad.status_code, bad.json()["field"]) == (422, "tiers[0].up_to")
    created = post(people["admin"], "/fee-schedules", body)
    assert created.status_code == 201
    assert set(created.json()) >= {"id", "project_type", "effective_from", "switched_off_from", "tiers", "minimum",
                                   "cap", "basis"}
    assert (created.json()["cap"], created.json()["tiers"]) == ("30000.00", [
        {"up_to": "5000000", "permille": "1"}, {"up_to": None, "permille": "0.5"}])
    off = post(people["admin"], f"/fee-schedules/{created.json()['id']}/switch-off",
               {"switched_off_from": "2024-10-30", "reason": "停止收取交易服务费"})
    assert (off.status_code, off.json()["switched_off_from"]) == (200, "2024-10-30")
    assert post(people["bidder"], f"/fee-schedules/{created.json()['id']}/switch-off",
                {"switched_off_from": "2024-10-31", "reason": "x"}).status_code == 404


def test_the_fee_report_and_the_figures(people):
    awarded_project(price="4800000", control="5000000", notice="2024-01-15 10:00", sections=[("works", "5000000")])
    report = get(people["supervisor"], "/fees/report?year=2024")
    assert report.status_code == 200
    assert (report.json()["waived"], report.json()["charged"], report.json()["by_month"][0]["month"]) == (
        "4800.00", "0.00", 1)
    assert get(people["bidder"], "/fees/report?year=2024").status_code == 403
    figures = get(people["admin"], "/figures?year=2024")
    assert figures.status_code == 200
    data = figures.json()
    assert set(data) >= {"year", "month", "projects", "awards", "amount", "savings", "savings_rate", "by_type",
                         "by_month", "above_limit", "below_limit", "separated", "guarantees", "service_fee",
                         "remote_sessions"}
    assert (data["projects"], data["amount"], data["savings"], data["savings_rate"]) == (
        1, "4800000.00", "200000.00", "0.0400")
    assert data["separated"]["goal"] == "0.3" and data["remote_sessions"] == {"main": 0, "sub": 0}
    assert get(people["staff"], "/figures?year=2024&month=2").json()["awards"] == 0
    assert get(people["staff"], "/figures?year=2024&month=13").status_code == 422
    assert get(people["bidder"], "/figures?year=2024").status_code == 403
