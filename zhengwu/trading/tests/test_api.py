"""The trading API: each endpoint × persona × status, the one error format (a rule refusal names the rule
in code, message and details), and the scope (a bidder never sees another bidder's deposit: 404)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading import services, services_deposits
from zhengwu.trading.models import Deposit, Project, RuleValue, Tender
from zhengwu.trading.testing import TENDERING_PARTY, credit, day, make_project, make_tender, move, pay, publish, register

pytestmark = pytest.mark.django_db
API = "/api/v1/trading"


@pytest.fixture
def people():
    ent_x = make_enterprise(credit_code=credit(301), name="甲建设有限公司")
    ent_y = make_enterprise(credit_code=credit(302), name="乙建设有限公司")
    return {
        "staff": make_user(role=Role.TRADING_STAFF),
        "supervisor": make_user(role=Role.SUPERVISOR),
        "admin": make_user(role=Role.CENTER_ADMIN),
        "clerk": make_user(role=Role.WINDOW_CLERK, department=make_department()),
        "x": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_x),
        "y": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_y),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data, method="post"):
    return getattr(client, method)(f"{API}{url}", data, content_type="application/json")


def assert_error(response, status: int, code: str, field: str | None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "message", "field"}
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]
    return body


PROJECT = {"name": "滨江学校新建工程", "project_type": "construction", "procedure": "open",
           "funding_source": "government_invested", "estimate": "12000000.00", "control_price": "11000000",
           "tendering_party_name": "区教育局", "tendering_party_credit_code": TENDERING_PARTY,
           "sections": [{"name": "施工", "contract_kind": "works", "estimate": "8000000"},
                        {"name": "监理", "contract_kind": "services", "estimate": "999999.99"}]}


def new_project(people) -> dict:
    r = post(client_for(people["staff"]), "/projects", PROJECT)
    assert r.status_code == 201, r.content
    return r.json()


def schedule(days: int) -> dict:
    """Documents out now (server time), the deadline ``days`` later, on sale for five days."""
    issued = timezone.localtime()
    return {"documents_issued_at": issued.isoformat(), "bid_deadline": (issued + timedelta(days=days)).isoformat(),
            "on_sale_from": issued.date().isoformat(), "on_sale_to": (issued.date() + timedelta(days=4)).isoformat()}


def new_tender(people, *, days: int = 20, deposit: str = "160000") -> dict:
    project = new_project(people)
    works = project["sections"][0]["id"]
    r = post(client_for(people["staff"]), "/tenders",
             {"project_id": project["id"], "title": "招标公告", **schedule(days),
              "sections": [{"section_id": works, "deposit_required": deposit}]})
    assert r.status_code == 201, r.content
    return r.json()


def published(people) -> dict:
    tender = new_tender(people)
    r = post(client_for(people["staff"]), f"/tenders/{tender['id']}/publish", {"version": tender["version"]})
    assert r.status_code == 200, r.content
    return r.json()


# --- projects -------------------------------------------------------------------------------------

def test_staff_register_a_project_and_get_it_classified(people):
    body = new_project(people)
    assert body["number"].startswith("GC")
    assert body["above_limit"] is True
    assert [(s["number"], s["above_limit"]) for s in body["sections"]] == [(1, True), (2, False)]
    assert body["state_funded"] is True


def test_a_control_price_above_the_estimate_is_a_422_naming_the_rule(people):
    r = post(client_for(people["staff"]), "/projects", {**PROJECT, "control_price": "12000000.01"})
    body = assert_error(r, 422, "rule.control_price_max_ratio", "control_price")
    assert body["details"]["rule"] == "control_price_max_ratio"
    assert "control_price_max_ratio = 1" in body["message"]


def test_an_unknown_project_type_is_a_422_naming_the_field(people):
    r = post(client_for(people["staff"]), "/projects", {**PROJECT, "project_type": "mining"})
    assert_error(r, 422, "bad_choice", "project_type")
    assert not Project.objects.exists()


def test_a_malformed_amount_is_a_422_from_the_schema(people):
    r = post(client_for(people["staff"]), "/projects", {**PROJECT, "estimate": "很多"})
    assert_error(r, 422, "invalid", "estimate")


def test_a_supervisor_reads_projects_but_cannot_register_one(people):
    new_project(people)
    supervisor = client_for(people["supervisor"])
    assert supervisor.get(f"{API}/projects").json()["count"] == 1
    assert_error(post(supervisor, "/projects", PROJECT), 403, "permission_denied", None)


def test_a_window_clerk_has_no_trading_and_an_anonymous_caller_must_sign_in(people):
    assert client_for(people["clerk"]).get(f"{API}/projects").status_code == 403
    assert_error(Client().get(f"{API}/projects"), 401, "unauthenticated", None)


def test_a_project_is_changed_with_patch_and_its_sections_reclassified(people):
    project = new_project(people)
    section = project["sections"][1]["id"]
    r = post(client_for(people["staff"]), f"/sections/{section}", {"estimate": "1000000"}, method="patch")
    assert r.status_code == 200, r.content
    assert r.json()["above_limit"] is True


# --- tenders ---------------------------------------------------------------------------------------

def test_publishing_nineteen_days_before_the_deadline_is_a_422_with_the_rule_in_the_details(people):
    tender = new_tender(people, days=19)
    r = post(client_for(people["staff"]), f"/tenders/{tender['id']}/publish", {})
    body = assert_error(r, 422, "rule.documents_to_deadline_days", "bid_deadline")
    assert (body["details"]["rule"], body["details"]["value"], body["details"]["actual"]) == (
        "documents_to_deadline_days", "20", 19)
    assert Tender.objects.get(pk=tender["id"]).status == "draft"


def test_publishing_twenty_days_before_the_deadline_succeeds_and_offers_the_next_buttons(people):
    body = published(people)
    assert (body["status"], body["actions"]) == ("published", ["amend"])
    assert body["sections"][0]["deposit_required"] == "160000.00"


def test_a_deposit_requirement_above_two_percent_is_a_422(people):
    project = new_project(people)
    r = post(client_for(people["staff"]), "/tenders",
             {"project_id": project["id"], "title": "招标公告", **schedule(20),
              "sections": [{"section_id": project["sections"][0]["id"], "deposit_required": "160000.01"}]})
    body = assert_error(r, 422, "rule.deposit_max_ratio", "deposit_required")
    assert body["details"]["cap"] == "160000.00"


def test_an_amendment_under_an_overridden_notice_period_is_refused_naming_the_override(people):
    services.rule_value_set(actor="test", project_type="construction", procedure="open", code="change_notice_days",
                            value="25")
    tender = published(people)
    r = post(client_for(people["staff"]), f"/tenders/{tender['id']}/amendments",
             {"title": "修改", "content": "删除本地业绩要求"})
    body = assert_error(r, 422, "rule.change_notice_days", "new_bid_deadline")
    assert (body["details"]["value"], body["details"]["source"]) == ("25", "工程建设 × 公开招标")


def test_an_amendment_that_moves_the_deadline_is_accepted_and_listed_with_the_changes(people):
    tender = published(people)
    later = (timezone.localtime() + timedelta(days=30)).isoformat()
    staff = client_for(people["staff"])
    r = post(staff, f"/tenders/{tender['id']}/amendments",
             {"title": "修改一", "content": "增加节能条款", "new_bid_deadline": later, "version": tender["version"]})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "amended"
    post(staff, f"/tenders/{tender['id']}/clarifications", {"title": "答疑", "content": "踏勘时间另行通知"})
    changes = staff.get(f"{API}/tenders/{tender['id']}/changes").json()
    assert [(c["sequence"], c["kind"]) for c in changes] == [(1, "amendment"), (2, "clarification")]


def test_the_generic_transition_endpoint_runs_only_open_and_fail(people):
    tender = published(people)
    staff = client_for(people["staff"])
    assert_error(post(staff, f"/tenders/{tender['id']}/transitions", {"action": "close"}), 422,
                 "unknown_transition", "action")
    assert_error(post(staff, f"/tenders/{tender['id']}/transitions", {"action": "fail", "reason": "流标"}), 409,
                 "invalid_transition", None)


def test_an_enterprise_user_sees_published_tenders_but_not_drafts(people):
    draft = new_tender(people)
    shown = published(people)
    bidder = client_for(people["x"])
    assert [t["id"] for t in bidder.get(f"{API}/tenders").json()["items"]] == [shown["id"]]
    assert_error(bidder.get(f"{API}/tenders/{draft['id']}"), 404, "not_found", None)


# --- objections -----------------------------------------------------------------------------------

def test_an_enterprise_user_raises_an_objection_and_staff_answer_it(people):
    tender = published(people)
    r = post(client_for(people["x"]), f"/tenders/{tender['id']}/objections", {"content": "资格条件过高"})
    assert r.status_code == 201, r.content
    objection = r.json()
    assert objection["objector_name"] == "甲建设有限公司"
    assert client_for(people["y"]).get(f"{API}/objections").json()["count"] == 0
    r = post(client_for(people["staff"]), f"/objections/{objection['id']}/answer", {"answer": "已调整"})
    assert (r.status_code, r.json()["status"]) == (200, "answered")
    assert_error(post(client_for(people["x"]), f"/objections/{objection['id']}/answer", {"answer": "自答"}), 403,
                 "permission_denied", None)


# --- registrations and deposits ---------------------------------------------------------------------

def deposit_body(**extra) -> dict:
    return {"form": "transfer", "amount": "160000", "payer_account_name": "甲建设有限公司",
            "payer_account_number": "6222020012345678", "payer_bank": "农业银行城区支行", **extra}


def test_a_bidder_registers_itself_and_staff_record_its_deposit(people):
    tender = published(people)
    section = tender["sections"][0]["section_id"]
    r = post(client_for(people["x"]), f"/tenders/{tender['id']}/registrations", {"section_id": section})
    assert r.status_code == 201, r.content
    registration = r.json()
    assert (registration["credit_code"], registration["has_deposit"]) == (credit(301), False)
    assert_error(post(client_for(people["x"]), f"/registrations/{registration['id']}/deposit", deposit_body()), 403,
                 "permission_denied", None)
    r = post(client_for(people["staff"]), f"/registrations/{registration['id']}/deposit", deposit_body())
    assert r.status_code == 201, r.content
    assert (r.json()["payer_matches_bidder"], r.json()["refund_state"]) == (True, "held")


def test_staff_register_a_bidder_by_credit_code_and_a_bad_code_is_a_422(people):
    tender = published(people)
    section = tender["sections"][0]["section_id"]
    staff = client_for(people["staff"])
    ok = post(staff, f"/tenders/{tender['id']}/registrations",
              {"section_id": section, "credit_code": credit(303), "name": "丙公司"})
    assert ok.status_code == 201, ok.content
    bad = post(staff, f"/tenders/{tender['id']}/registrations",
               {"section_id": section, "credit_code": "12345", "name": "丁公司"})
    assert_error(bad, 422, "credit_code_length", "credit_code")


def test_a_deposit_above_two_percent_is_a_422_naming_the_rule(people):
    tender = published(people)
    staff = client_for(people["staff"])
    registration = post(staff, f"/tenders/{tender['id']}/registrations",
                        {"section_id": tender["sections"][0]["section_id"], "credit_code": credit(304),
                         "name": "戊公司"}).json()
    r = post(staff, f"/registrations/{registration['id']}/deposit", deposit_body(amount="160800"))
    body = assert_error(r, 422, "rule.deposit_max_ratio", "amount")
    assert body["details"]["value"] == "0.02"


def test_bidder_x_gets_404_for_bidder_ys_deposit_and_lists_only_its_own(people):
    tender = published(people)
    section = tender["sections"][0]["section_id"]
    ids = {}
    for who in ("x", "y"):
        registration = post(client_for(people[who]), f"/tenders/{tender['id']}/registrations",
                            {"section_id": section}).json()
        ids[who] = post(client_for(people["staff"]), f"/registrations/{registration['id']}/deposit",
                        deposit_body()).json()["id"]
    x = client_for(people["x"])
    assert x.get(f"{API}/deposits/{ids['x']}").status_code == 200
    assert_error(x.get(f"{API}/deposits/{ids['y']}"), 404, "not_found", None)
    assert_error(post(client_for(people["staff"]), f"/deposits/{ids['y']}/refund", {"refunded_on": "2099-01-01"}),
                 422, "bad_date", "refunded_on")
    assert [d["id"] for d in x.get(f"{API}/deposits").json()["items"]] == [ids["x"]]
    assert [r["enterprise_name"] for r in x.get(f"{API}/registrations").json()["items"]] == ["甲建设有限公司"]
    assert client_for(people["supervisor"]).get(f"{API}/deposits").json()["count"] == 2


def test_the_overdue_list_and_a_refund_through_the_api(people):
    tender = publish(make_tender(project=make_project(), deposits=None))
    late = pay(register(tender, code=credit(305)), amount="1000")
    tender = move(move(tender, "close", when="2024-03-21 09:30", actor=None), "open", when="2024-03-21 09:40")
    services_deposits.tender_section_contract_signed(actor="test", tender=tender, section=tender.sections.get(),
                                                     signed_on=day("2024-04-01"))
    staff = client_for(people["staff"])
    overdue = staff.get(f"{API}/deposits/overdue").json()
    assert [(d["id"], d["refund_due_on"], d["refund_state"]) for d in overdue["items"]] == [
        (late.pk, "2024-04-06", "overdue")]
    r = post(staff, f"/deposits/{late.pk}/refund", {"refunded_on": "2024-04-10", "interest": "1.20"})
    assert (r.status_code, r.json()["refund_state"]) == (200, "refunded")
    assert staff.get(f"{API}/deposits/overdue").json()["count"] == 0
    assert_error(post(staff, f"/deposits/{late.pk}/refund", {"refunded_on": "2024-04-10"}), 409,
                 "already_refunded", None)


def test_the_clean_up_through_the_api(people):
    project = make_project(sections=[("works", "40000000")], estimate="40000000")
    tender = publish(make_tender(project=project, issued="2013-03-01 09:00", deadline="2013-03-21 09:30",
                                 sale=("2013-03-01", "2013-03-05")), when="2013-03-01 09:00")
    old = [pay(register(tender, code=credit(310 + i), when="2013-03-02 10:00"), amount=a, when="2013-03-10 10:00")
           for i, a in enumerate(["321000", "321000"])]
    staff = client_for(people["staff"])
    listed = staff.get(f"{API}/deposits/unrefunded-old", {"years": 3}).json()
    assert [d["id"] for d in listed["items"]] == [d.pk for d in old]
    r = post(staff, "/deposits/cleanup", {"deposit_ids": [d.pk for d in old], "years": 3,
                                          "refunded_on": timezone.localdate().isoformat(), "reference": "核查-1",
                                          "reason": "历史沉淀保证金清退"})
    assert r.status_code == 201, r.content
    assert (r.json()["deposit_count"], r.json()["total"]) == (2, "642000.00")
    assert Deposit.objects.filter(refund_batch_id=r.json()["id"]).count() == 2
    assert_error(post(client_for(people["supervisor"]), "/deposits/cleanup",
                      {"deposit_ids": [old[0].pk], "refunded_on": "2024-01-01", "reference": "r", "reason": "r"}),
                 403, "permission_denied", None)


# --- rules -----------------------------------------------------------------------------------------

def test_anyone_with_trading_access_reads_the_rules_and_only_the_administrator_sets_them(people):
    rules = client_for(people["supervisor"]).get(f"{API}/rules", {"project_type": "land"}).json()
    assert {r["code"]: r["value"] for r in rules}["documents_to_deadline_days"] == "20"
    body = {"project_type": "land", "procedure": "auction", "code": "min_bids", "value": "1"}
    assert_error(post(client_for(people["staff"]), "/rules", body, method="put"), 403, "permission_denied", None)
    r = post(client_for(people["admin"]), "/rules", body, method="put")
    assert (r.status_code, r.json()["source"]) == (200, "土地使用权 × 拍卖")
    assert AuditEvent.objects.filter(action="rule_value.set").count() == 1
    assert_error(post(client_for(people["admin"]), "/rules", {**body, "value": "two"}, method="put"), 422,
                 "bad_rule_value", "value")


def test_the_rule_table_is_edited_in_the_django_admin_by_the_system_administrator_with_an_audit_row():
    sysadmin = make_user(role=Role.SYSTEM_ADMIN, is_staff=True)
    client = client_for(sysadmin)
    assert client.get("/admin/trading/ruleset/").status_code == 200
    row = RuleValue.objects.get(rule_set__project_type="", code="min_bids")
    url = f"/admin/trading/rulevalue/{row.pk}/change/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"value": "4", "counting": "natural", "note": row.note})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert RuleValue.objects.get(pk=row.pk).value == "4"
    assert AuditEvent.objects.filter(action="rule_value.set", actor_id=sysadmin.pk).count() == 1
    bad = client.post(url, {"value": "4.5", "counting": "natural", "note": ""})
    assert bad.status_code == 200
    assert RuleValue.objects.get(pk=row.pk).value == "4"
    assert client.get("/admin/trading/deposit/").status_code == 404


# --- query budgets ------------------------------------------------------------------------------------

def test_the_lists_cost_the_same_few_queries_for_one_row_or_many(people, django_assert_max_num_queries):
    tender = publish(make_tender(project=make_project(sections=[("works", "4000000"), ("goods", "100000")]),
                                 deposits=None))
    for n in range(6):
        pay(register(tender, code=credit(400 + n)), amount="100")
    for n in range(4):
        publish(make_tender(project=make_project()))
    staff = client_for(people["staff"])
    for url in ("/tenders", "/projects", "/deposits", "/registrations"):
        with django_assert_max_num_queries(8):
            r = staff.get(f"{API}{url}")
        assert r.status_code == 200
        assert r.json()["count"] >= 5


def test_a_deadline_without_a_time_zone_is_read_as_beijing_time(people):
    project = new_project(people)
    r = post(client_for(people["staff"]), "/tenders",
             {"project_id": project["id"], "title": "招标公告", "documents_issued_at": "2030-03-01T09:00:00",
              "bid_deadline": "2030-03-21T09:30:00", "on_sale_from": "2030-03-01", "on_sale_to": "2030-03-05"})
    assert r.status_code == 201, r.content
    assert r.json()["bid_deadline"].startswith("2030-03-21T09:30:00+08:00")
