"""The retrieval pages and API: status codes, the one error shape, and scopes (another company, another
department, another citizen get 404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from zhengwu.core import sms
from zhengwu.core.audit import events_for
from zhengwu.core.testing import JsonApi, assert_error, make_user
from zhengwu.org.roles import Role
from zhengwu.retrieval import services_answers
from zhengwu.retrieval.choices import ItemStatus, RequestStatus
from zhengwu.retrieval.models import RequestItem, RetrievalRequest
from zhengwu.retrieval.testing import LINK_RE, WORKER_ID, WORKER_PHONE, ask, grant, make_requester, requester_user

pytestmark = pytest.mark.django_db
api = JsonApi("/api/v1/retrieval")


def client_for(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def live_request(world, **extra):  # noqa: ANN001, ANN201
    """A request asked and granted just now (answers read later must not have expired)."""
    now = timezone.now()
    return grant(ask(world["company_user"], now=now, **extra), now=now)


def answer_all(world, request) -> None:  # noqa: ANN001
    for item in RequestItem.objects.filter(request=request):
        who = world["police_clerk"] if item.info_type.code == "no_criminal_record" else world["hrss_clerk"]
        services_answers.item_answer(actor=who, item=item, found=True, summary="结论", details="明细")


# --- the API ------------------------------------------------------------------------------------------------

def test_the_api_creates_a_request_and_never_shows_the_consent_code(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(world["company_user"], "/requests", {
            "scenario": "housekeeping", "info_types": ["no_criminal_record", "health_certificate"],
            "purpose": "家政服务人员背景核查", "subject_kind": "person", "subject_name": "陈小梅",
            "subject_id_number": WORKER_ID, "subject_phone": WORKER_PHONE})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "awaiting_consent" and body["subject_id"] != WORKER_ID
    assert [i["status"] for i in body["items"]] == ["waiting", "waiting"]
    token = LINK_RE.search(sms.outbox[0].text).group(1)
    assert token not in response.content.decode()
    assert WORKER_ID not in response.content.decode()


@pytest.mark.parametrize("change, field", [
    ({"purpose": ""}, "purpose"),
    ({"info_types": ["lawyer_status"], "scenario": "recruitment"}, "info_types"),
    ({"scenario": "government_project"}, "info_types"),
    ({"subject_id_number": "110105194912310021"}, "subject_id_number"),
    ({"info_types": []}, "info_types"),
], ids=["no purpose", "type not for the requester", "type not for the scenario", "bad id", "no type"])
def test_bad_request_input_is_a_422_naming_the_field(world, change, field):
    payload = {"scenario": "housekeeping", "info_types": ["no_criminal_record"], "purpose": "背景核查用途",
               "subject_kind": "person", "subject_name": "陈小梅", "subject_id_number": WORKER_ID,
               "subject_phone": WORKER_PHONE, **change}
    assert_error(api.post(world["company_user"], "/requests", payload), 422, field)
    assert not RetrievalRequest.objects.exists()


def test_consent_by_code_through_the_api_and_the_code_errors(world):
    request = ask(world["company_user"], now=timezone.now())
    client = Client()
    terms = client.get(f"/api/v1/retrieval/consent/{request.issued_code}")
    assert terms.status_code == 200 and terms.json()["scope"] == ["no_criminal_record", "social_insurance"]
    wrong = client.post(f"/api/v1/retrieval/consent/{request.issued_code}", {"identity": "0000", "decision": "grant"},
                        content_type="application/json")
    assert_error(wrong, 422, "identity")
    done = client.post(f"/api/v1/retrieval/consent/{request.issued_code}",
                       {"identity": WORKER_ID[-4:], "decision": "grant"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "in_progress"
    again = client.post(f"/api/v1/retrieval/consent/{request.issued_code}",
                        {"identity": WORKER_ID[-4:], "decision": "grant"}, content_type="application/json")
    assert assert_error(again, 409, "code")["code"] == "code_used"
    unknown = client.get("/api/v1/retrieval/consent/" + "f" * 32)
    assert assert_error(unknown, 410, "code")["code"] == "code_unknown"


def test_an_expired_code_is_410_through_the_api(world):
    request = ask(world["company_user"], now=timezone.now() - dt.timedelta(hours=80))
    response = Client().get(f"/api/v1/retrieval/consent/{request.issued_code}")
    assert assert_error(response, 410, "code")["code"] == "code_expired"


def test_the_inbox_answer_read_and_verify_through_the_api(world):
    request = live_request(world)
    inbox = api.get(world["police_clerk"], "/inbox")
    assert inbox.status_code == 200 and [i["info_type"] for i in inbox.json()] == ["no_criminal_record"]
    item = inbox.json()[0]["id"]
    answered = api.post(world["police_clerk"], f"/items/{item}/answer", {"found": False, "summary": "未发现犯罪记录"})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    read = api.get(world["company_user"], f"/requests/{request.pk}/answers/{item}")
    assert read.status_code == 200 and read.json()["summary"] == "未发现犯罪记录"
    verified = Client().post("/api/v1/retrieval/verify", {"number": read.json()["number"],
                                                          "digest": read.json()["digest"]},
                             content_type="application/json")
    assert verified.json() == {"result": "valid", "label": "真实有效"}
    assert_error(api.post(world["hrss_clerk"], f"/items/{item}/answer", {"found": True, "summary": "x"}), 404, None)


def test_a_read_after_withdrawal_is_410_and_the_access_log_shows_it(world):
    request = live_request(world)
    answer_all(world, request)
    worker = make_user(role=Role.CITIZEN, person=request.subject_person)
    item = RequestItem.objects.filter(request=request).first()
    assert api.get(world["company_user"], f"/requests/{request.pk}/answers/{item.pk}").status_code == 200
    withdrawn = api.post(worker, f"/mine/{request.pk}/withdraw", {"reason": "不再应聘"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    gone = api.get(world["company_user"], f"/requests/{request.pk}/answers/{item.pk}")
    assert assert_error(gone, 410, "item")["code"] == "consent_withdrawn"
    log = api.get(worker, f"/mine/{request.pk}/access-log").json()
    assert "查阅" in " ".join(r["what"] for r in log) and log[-1]["what"] == "撤回授权"


def test_another_company_and_another_citizen_get_404(world):
    request = live_request(world)
    other = requester_user(make_requester(9, name="另一家政公司"))
    assert_error(api.get(other, f"/requests/{request.pk}"), 404, None)
    stranger = make_user(role=Role.CITIZEN)
    assert_error(api.get(stranger, f"/mine/{request.pk}/access-log"), 404, None)
    assert_error(api.post(stranger, f"/mine/{request.pk}/withdraw", {"reason": "x"}), 404, None)


def test_figures_through_the_api(world):
    request = live_request(world)
    answer_all(world, request)
    admin = make_user(role=Role.CENTER_ADMIN)
    body = api.get(admin, "/figures").json()
    assert body["totals"]["requests"] == 1 and body["totals"]["answered"] == 2
    assert body["by_scenario"][0]["name"] == "家政服务"
    assert {r["name"] for r in body["by_department"]} == {"市公安局婺城分局", "区人力资源和社会保障局"}
    assert_error(api.get(world["company_user"], "/figures"), 403, None)


def test_the_catalog_and_requesters_through_the_api(world):
    admin = make_user(role=Role.CENTER_ADMIN)
    types = api.get(world["company_user"], "/types").json()
    assert {t["code"] for t in types} >= {"no_criminal_record", "lawyer_status", "enterprise_credit"}
    bad = api.post(admin, "/types", {"code": "x1", "name": "测试信息", "subject_kind": "person",
                                     "department_id": world["departments"]["police"].pk, "source": "external",
                                     "adapter": "nope", "answer_format": "status", "requester_kinds": ["employer"],
                                     "scenario_ids": [1]})
    assert_error(bad, 422, "adapter")
    created = api.post(admin, "/requesters", {"credit_code": make_requester(20).enterprise.credit_code,
                                              "name": "x", "kind": "employer"})
    assert assert_error(created, 409, "credit_code")["code"] == "duplicate"
    assert_error(api.post(world["company_user"], "/requesters", {"credit_code": "x", "name": "x", "kind": "employer"}),
                 403, None)


# --- the pages ----------------------------------------------------------------------------------------------

def test_the_requester_portal_pages(world):
    request = live_request(world)
    answer_all(world, request)
    client = client_for(world["company_user"])
    assert client.get("/retrieval/").status_code == 200
    assert client.get("/retrieval/requests/new/").status_code == 200
    page = client.get(f"/retrieval/requests/{request.pk}/")
    assert page.status_code == 200 and "查阅" in page.content.decode()
    item = RequestItem.objects.filter(request=request).first()
    read = client.get(f"/retrieval/requests/{request.pk}/answers/{item.pk}/")
    assert read.status_code == 200 and item.digest in read.content.decode()
    assert events_for(item).filter(action="requestitem.read").count() == 1


def test_the_request_form_shows_the_services_error_on_the_field(world):
    client = client_for(world["company_user"])
    response = client.post("/retrieval/requests/new/", {
        "scenario": "housekeeping", "info_types": ["no_criminal_record"], "purpose": "", "subject_kind": "person",
        "subject_name": "陈小梅", "subject_id_number": WORKER_ID, "subject_phone": WORKER_PHONE, "consent_days": 30})
    assert response.status_code == 422 and "调取用途不能为空" in response.content.decode()


def test_the_department_item_page_shows_the_full_id_and_audits_the_view(world):
    request = live_request(world)
    item = RequestItem.objects.get(request=request, info_type__code="no_criminal_record")
    page = client_for(world["police_clerk"]).get(f"/retrieval/inbox/{item.pk}/")
    assert page.status_code == 200 and WORKER_ID in page.content.decode()
    assert events_for(item).filter(action="requestitem.view").count() == 1
    assert client_for(world["hrss_clerk"]).get(f"/retrieval/inbox/{item.pk}/").status_code == 404
    answered = client_for(world["police_clerk"]).post(f"/retrieval/inbox/{item.pk}/answer/",
                                                      {"found": "false", "summary": "未发现犯罪记录"})
    assert answered.status_code == 302
    assert RequestItem.objects.get(pk=item.pk).status == ItemStatus.ANSWERED


def test_a_department_sees_nothing_before_consent(world):
    request = ask(world["company_user"])
    item = RequestItem.objects.get(request=request, info_type__code="no_criminal_record")
    client = client_for(world["police_clerk"])
    assert client.get(f"/retrieval/inbox/{item.pk}/").status_code == 404
    assert client.get(f"/retrieval/requests/{request.pk}/").status_code == 404
    assert request.number not in client.get("/retrieval/inbox/").content.decode()


def test_the_consent_page_by_link_and_its_errors(world):
    request = ask(world["company_user"], now=timezone.now())
    client = Client()
    url = f"/retrieval/consent/{request.issued_code}/"
    page = client.get(url)
    assert page.status_code == 200 and "同意授权" in page.content.decode()
    wrong = client.post(url, {"identity": "9999", "grant": "1"})
    assert wrong.status_code == 422 and "身份核验未通过" in wrong.content.decode()
    done = client.post(url, {"identity": WORKER_ID[-4:], "grant": "1"})
    assert done.status_code == 200 and "您已同意授权" in done.content.decode()
    assert RetrievalRequest.objects.get(pk=request.pk).status == RequestStatus.IN_PROGRESS
    used = client.get(url)
    assert used.status_code == 409 and 'data-code="code_used"' in used.content.decode()
    assert client.get("/retrieval/consent/nonsense/").status_code == 410


def test_the_subjects_page_lists_requests_and_only_their_own(world):
    request = live_request(world)
    worker = make_user(role=Role.CITIZEN, person=request.subject_person)
    client = client_for(worker)
    assert request.number in client.get("/retrieval/mine/").content.decode()
    detail = client.get(f"/retrieval/mine/{request.pk}/")
    assert detail.status_code == 200 and "访问记录" in detail.content.decode()
    stranger = client_for(make_user(role=Role.CITIZEN))
    assert stranger.get(f"/retrieval/mine/{request.pk}/").status_code == 404
    assert request.number not in stranger.get("/retrieval/mine/").content.decode()
    withdrawn = client.post(f"/retrieval/mine/{request.pk}/withdraw/", {"reason": "不再应聘"})
    assert withdrawn.status_code == 302
    assert RetrievalRequest.objects.get(pk=request.pk).status == RequestStatus.WITHDRAWN


@pytest.mark.parametrize("path", ["/retrieval/catalog/", "/retrieval/requesters/", "/retrieval/figures/",
                                  "/retrieval/", "/retrieval/verify/"])
def test_the_administrators_pages_render(world, path):
    live_request(world)
    assert client_for(make_user(role=Role.CENTER_ADMIN)).get(path).status_code == 200


def test_the_public_verify_page(world):
    request = live_request(world)
    answer_all(world, request)
    item = RequestItem.objects.filter(request=request).first()
    response = Client().post("/retrieval/verify/", {"number": item.answer_number, "digest": item.digest})
    assert response.status_code == 200 and 'data-result="valid"' in response.content.decode()
    assert "明细" not in response.content.decode()
    bad = Client().post("/retrieval/verify/", {"number": item.answer_number, "digest": "abc"})
    assert bad.status_code == 422
