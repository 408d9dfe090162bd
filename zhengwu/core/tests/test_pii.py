"""Personal data (issue 12 part 4, DOMAIN.md §14): unmasking needs the permission, the scope and a reason, and is
audited without the value; a dump of a database filled through the services holds no plain ID or mobile number."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from zhengwu.cases import services as case_services
from zhengwu.cases.choices import Channel
from zhengwu.cases.testing import make_item
from zhengwu.core import pii, pii_scan
from zhengwu.core.errors import Forbidden, InvalidInput, NotFound
from zhengwu.core.identifiers import make_id_card, mask_id_card
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import JsonApi, assert_error, make_department, make_user
from zhengwu.org import services as org_services
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

PERSON_ID = make_id_card(birth=dt.date(1975, 4, 9), seq=317)
PERSON_PHONE = "13712345678"
HTMX = {"HTTP_HX_REQUEST": "true"}
API = "/api/v1/core"


@pytest.fixture
def dept_a():
    return make_department(name="市场监督管理局")


@pytest.fixture
def dept_b():
    return make_department(name="区卫生健康局")


@pytest.fixture
def clerk_a(dept_a):
    return make_user(role=Role.WINDOW_CLERK, username="clerk_a", department=dept_a)


@pytest.fixture
def case_a(clerk_a, dept_a):
    item = make_item(department=dept_a, code="A-001", promised=10, statutory=20)
    case, _code = case_services.case_receive(actor=clerk_a, item=item, channel=Channel.WINDOW,
                                             applicant_kind="person", applicant_name="李四", id_number=PERSON_ID,
                                             phone=PERSON_PHONE)
    return case


def reveal_events():
    return AuditEvent.objects.filter(action=pii.REVEAL_ACTION)


# --- the service ------------------------------------------------------------------------------------

def test_a_clerk_reveals_the_applicants_id_number_with_a_reason_and_the_audit_event_has_no_value(clerk_a, case_a):
    value = pii.personal_data_reveal(actor=clerk_a, obj=case_a, field="applicant_id_number", reason="核对申请人身份")
    assert value == PERSON_ID
    event = reveal_events().get()
    assert (event.actor_id, event.object_type, event.object_id) == (clerk_a.pk, "cases.case", str(case_a.pk))
    assert event.reason == "核对申请人身份"
    assert event.payload["field"] == "applicant_id_number"
    stored = f"{event.reason}{event.payload}{event.from_state}{event.to_state}"
    assert PERSON_ID not in stored and PERSON_ID[-4:] not in stored


def test_the_phone_is_revealed_the_same_way(clerk_a, case_a):
    assert pii.personal_data_reveal(actor=clerk_a, obj=("cases.case", case_a.pk), field="applicant_phone",
                                    reason="电话回访申请人") == PERSON_PHONE
    assert reveal_events().get().payload["field"] == "applicant_phone"


@pytest.mark.parametrize("reason", ["", "   ", "看看", "核对\x00身份", "x" * 201])
def test_a_missing_or_short_reason_is_refused_and_nothing_is_audited(clerk_a, case_a, reason):
    with pytest.raises(InvalidInput) as err:
        pii.personal_data_reveal(actor=clerk_a, obj=case_a, field="applicant_id_number", reason=reason)
    assert err.value.field == "reason"
    assert not reveal_events().exists()


def test_a_clerk_of_another_department_gets_not_found(case_a, dept_b):
    other = make_user(role=Role.WINDOW_CLERK, department=dept_b)
    with pytest.raises(NotFound):
        pii.personal_data_reveal(actor=other, obj=case_a, field="applicant_id_number", reason="核对申请人身份")
    assert not reveal_events().exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDIT_ADMIN, Role.LEADER, Role.SYSTEM_ADMIN])
def test_a_role_without_the_permission_is_forbidden_even_with_the_case_in_scope(case_a, role):
    user = make_user(role=role)
    with pytest.raises(Forbidden):
        pii.personal_data_reveal(actor=user, obj=case_a, field="applicant_id_number", reason="核对申请人身份")
    assert not reveal_events().exists()


def test_the_center_administrator_and_the_department_leader_may_reveal(case_a, dept_a):
    admin = make_user(role=Role.CENTER_ADMIN)
    leader = make_user(role=Role.DEPARTMENT_LEADER, department=dept_a)
    for user in (admin, leader):
        assert pii.personal_data_reveal(actor=user, obj=case_a, field="applicant_id_number",
                                        reason="核对申请人身份") == PERSON_ID
    assert set(reveal_events().values_list("actor_id", flat=True)) == {admin.pk, leader.pk}


def test_an_unknown_field_or_object_type_is_refused(clerk_a, case_a):
    with pytest.raises(InvalidInput) as err:
        pii.personal_data_reveal(actor=clerk_a, obj=case_a, field="decision_reason", reason="核对申请人身份")
    assert err.value.field == "field"
    with pytest.raises(NotFound):
        pii.personal_data_reveal(actor=clerk_a, obj=("org.person", 1), field="id_number", reason="核对申请人身份")
    for bad_id in ("abc", "0", "-3", str(2**70)):
        with pytest.raises(NotFound):
            pii.personal_data_reveal(actor=clerk_a, obj=("cases.case", bad_id), field="applicant_id_number",
                                     reason="核对申请人身份")
    assert not reveal_events().exists()


# --- the web: the button, the reason form, the value ------------------------------------------------

def test_the_case_page_shows_the_masked_id_and_a_reveal_button_only_to_a_permitted_user(clerk_a, case_a):
    client = Client()
    client.force_login(clerk_a)
    html = client.get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert PERSON_ID not in html and PERSON_PHONE not in html
    assert mask_id_card(PERSON_ID) in html
    assert 'data-testid="reveal-applicant_id_number"' in html
    supervisor = Client()
    supervisor.force_login(make_user(role=Role.SUPERVISOR))
    html = supervisor.get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert 'data-testid="reveal-applicant_id_number"' not in html


def test_the_reason_form_then_the_value_over_htmx(clerk_a, case_a):
    client = Client()
    client.force_login(clerk_a)
    url = reverse("personal_data_reveal", args=["cases.case", case_a.pk, "applicant_id_number"])
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    short = client.post(url, {"reason": "看"}, **HTMX)
    assert short.status_code == 422
    assert 'data-testid="reveal-error"' in short.content.decode()
    assert not reveal_events().exists()
    shown = client.post(url, {"reason": "核对申请人身份"}, **HTMX)
    assert shown.status_code == 200
    assert PERSON_ID in shown.content.decode()
    assert reveal_events().count() == 1


def test_the_reveal_view_is_404_out_of_scope_and_403_without_the_permission(case_a, dept_b):
    url = reverse("personal_data_reveal", args=["cases.case", case_a.pk, "applicant_id_number"])
    other = Client()
    other.force_login(make_user(role=Role.WINDOW_CLERK, department=dept_b))
    assert other.get(url).status_code == 404
    assert other.post(url, {"reason": "核对申请人身份"}).status_code == 404
    huge = reverse("personal_data_reveal", args=["cases.case", 2**70, "applicant_id_number"])
    assert other.get(huge).status_code == 404
    supervisor = Client()
    supervisor.force_login(make_user(role=Role.SUPERVISOR))
    assert supervisor.post(url, {"reason": "核对申请人身份"}).status_code == 403
    assert not reveal_events().exists()


def test_the_api_reveals_with_a_reason_and_refuses_without_one(clerk_a, case_a, dept_b):
    api = JsonApi(API)
    body = {"object_type": "cases.case", "object_id": str(case_a.pk), "field": "applicant_phone", "reason": "电话回访"}
    response = api.post(clerk_a, "/personal-data/reveal", body)
    assert response.status_code == 200
    assert response.json()["value"] == PERSON_PHONE
    assert_error(api.post(clerk_a, "/personal-data/reveal", {**body, "reason": "查"}), 422, "reason")
    outsider = make_user(role=Role.WINDOW_CLERK, department=dept_b)
    assert api.post(outsider, "/personal-data/reveal", body).status_code == 404
    assert reveal_events().count() == 1


# --- the dump check -----------------------------------------------------------------------------------

def fill_through_the_services(clerk_a, case_a):
    """Persons, a case with its receipt code, a retrieval request with its pending consent and SMS, a sealed bid with an
    agent's ID number, an enterprise relation and a reveal: everything that takes an ID or a phone."""
    from zhengwu.retrieval import testing as retrieval
    from zhengwu.trading import services_bids
    from zhengwu.trading.testing import credit, make_project, make_tender, pay, publish, register

    pii.personal_data_reveal(actor=clerk_a, obj=case_a, field="applicant_id_number", reason="核对申请人身份")
    org_services.person_register(actor="test", name="王五", id_number=make_id_card(birth=dt.date(1990, 1, 2), seq=5),
                                 phone="15800001111")
    retrieval.make_catalog()
    company = retrieval.make_requester(1)
    request = retrieval.ask(retrieval.requester_user(company))  # the consent SMS goes to the subject's phone
    project = make_project()
    section = project.sections.get()
    tender = publish(make_tender(project=project, deposits={section.pk: "80000"}))
    registration = register(tender, code=credit(500), name="投标人甲")
    pay(registration)
    bidder = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
    services_bids.bid_upload(actor=bidder, tender=tender, section=section, file=b"%PDF bid", price="3900000",
                             duration_days=365, quality="合格", file_name="bid.pdf", passphrase="open-sesame-1",
                             agent_name="赵六", agent_id_number=make_id_card(birth=dt.date(1982, 7, 8), seq=41),
                             now=dt.datetime(2024, 3, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    org_services.enterprise_relation_add(actor="test", enterprise=registration.enterprise, role="legal_representative",
                                         person={"name": "孙七",
                                                 "id_number": make_id_card(birth=dt.date(1970, 3, 3), seq=77)})
    return request


def test_a_dump_of_data_entered_through_the_services_holds_no_plain_id_or_mobile_number(clerk_a, case_a):
    request = fill_through_the_services(clerk_a, case_a)
    how, result = pii_scan.scan_database(external=False)  # this connection: it sees the test's transaction
    assert how == ("sqlite iterdump" if connection.vendor == "sqlite" else "cursor dump")
    assert result.rows > 100
    assert result.clean, [str(f) for f in result.findings.values()]
    # the data really is there, encrypted: the case's person and the retrieval subject
    assert request.subject_person.id_number == retrieval_worker_id()
    assert case_a.applicant_person.phone == PERSON_PHONE


def retrieval_worker_id() -> str:
    from zhengwu.retrieval.testing import WORKER_ID

    return WORKER_ID


def test_a_plain_id_number_in_a_free_text_field_is_found_and_reported_masked(clerk_a, case_a):
    case_a.decision_reason = f"申请人身份证 {PERSON_ID}，电话{PERSON_PHONE}"
    case_a.save(update_fields=["decision_reason"])
    _how, result = pii_scan.scan_database(external=False)
    kinds = {(f.table, f.column, f.kind): f for f in result.findings.values()}
    assert set(kinds) == {("cases_case", "decision_reason", "id_number"), ("cases_case", "decision_reason", "mobile")}
    assert kinds[("cases_case", "decision_reason", "id_number")].samples == [mask_id_card(PERSON_ID)]
    assert kinds[("cases_case", "decision_reason", "mobile")].samples == ["137****5678"]


def test_the_command_exits_1_and_lists_the_column_with_a_masked_sample(clerk_a, case_a, capsys):
    case_a.decision_reason = f"身份证号{PERSON_ID}"
    case_a.save(update_fields=["decision_reason"])
    with pytest.raises(CommandError) as err:
        call_command("pii_scan", "--no-pg-dump")
    assert err.value.returncode == 1
    out = capsys.readouterr().out
    assert "FOUND cases_case.decision_reason: 1 id_number" in out
    assert mask_id_card(PERSON_ID) in out and PERSON_ID not in out


def test_the_command_passes_on_a_clean_database(clerk_a, case_a, capsys):
    call_command("pii_scan", "--no-pg-dump")
    assert "no plain ID or mobile numbers found" in capsys.readouterr().out


def test_a_wrong_check_character_hex_digests_longer_numbers_and_decimals_are_not_findings():
    result = pii_scan.ScanResult()
    wrong_check = PERSON_ID[:17] + ("0" if PERSON_ID[17] != "0" else "1")
    for value in (wrong_check, "a" + PERSON_ID + "f", PERSON_ID + "9", "9" + PERSON_PHONE, PERSON_PHONE + "0",
                  "12345678901", "2024-03-15 10:00:00", 13712345678.5, "0.13712345678"):
        pii_scan.scan_value(result, "t", "c", value)
    assert result.clean, [str(f) for f in result.findings.values()]


def test_a_sqlite_dump_file_and_a_postgresql_copy_dump_are_read_with_their_columns(tmp_path):
    memory = sqlite3.connect(":memory:")
    memory.execute("CREATE TABLE person (id integer, note text, phone text)")
    memory.execute("INSERT INTO person VALUES (1, 'it''s fine', ''), (2, ?, ?)", (f"多行\n{PERSON_ID}", PERSON_PHONE))
    sqlite_file = tmp_path / "dump.sql"
    sqlite_file.write_text("\n".join(memory.iterdump()), encoding="utf-8")
    found = {(f.table, f.column, f.kind) for f in pii_scan.scan_file(str(sqlite_file)).findings.values()}
    assert found == {("person", "note", "id_number"), ("person", "phone", "mobile")}
    pg_file = tmp_path / "pg.sql"
    pg_file.write_text("SET client_encoding = 'UTF8';\nCOPY public.person (id, note, phone) FROM stdin;\n"
                       f"1\tnothing\t\\N\n2\tid {PERSON_ID}\t{PERSON_PHONE}\n\\.\n", encoding="utf-8")
    found = {(f.table, f.column, f.kind) for f in pii_scan.scan_file(str(pg_file)).findings.values()}
    assert found == {("person", "note", "id_number"), ("person", "phone", "mobile")}


def test_the_cursor_dump_used_without_pg_dump_is_read_like_a_copy_dump(clerk_a, case_a):
    case_a.decision_reason = f"身份证号{PERSON_ID}"
    case_a.save(update_fields=["decision_reason"])
    result = pii_scan.scan_lines(pii_scan._cursor_dump())
    assert {(f.table, f.column, f.kind) for f in result.findings.values()} == {
        ("cases_case", "decision_reason", "id_number")}
