"""The domain path of information retrieval: consent before anything moves, bad input, the consent code, the
department's answer, delivery, reads, expiry, withdrawal and verification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from zhengwu.core import sms
from zhengwu.core.audit import events_for
from zhengwu.core.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent, Notification
from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.retrieval import selectors, services, services_answers
from zhengwu.retrieval.choices import ConsentStatus, ItemStatus, RequesterKind, RequestStatus
from zhengwu.retrieval.models import Consent, RequestItem, RetrievalRequest
from zhengwu.retrieval.testing import (
    ASKED,
    DECIDED,
    LINK_RE,
    WORKER_ID,
    WORKER_PHONE,
    ask,
    credit,
    grant,
    make_requester,
    requester_user,
)

pytestmark = pytest.mark.django_db
ANSWERED = DECIDED + dt.timedelta(hours=3)


def item_of(request: RetrievalRequest, code: str) -> RequestItem:
    return RequestItem.objects.get(request=request, info_type__code=code)


def answer_both(world, request: RetrievalRequest, *, now: dt.datetime = ANSWERED) -> None:  # noqa: ANN001
    services_answers.item_answer(actor=world["police_clerk"], item=item_of(request, "no_criminal_record"),
                                 found=False, summary="未发现犯罪记录", now=now)
    services_answers.item_answer(actor=world["hrss_clerk"], item=item_of(request, "social_insurance"), found=True,
                                 summary="正常参保", details="参保单位:测试家政服务有限公司1\n险种:养老、工伤", now=now)


# --- nothing moves before consent ---------------------------------------------------------------------------

def test_a_new_request_waits_for_consent_and_reaches_no_department(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(world["company_user"])
    assert request.status == RequestStatus.AWAITING_CONSENT
    assert set(request.items.values_list("status", flat=True)) == {ItemStatus.WAITING}
    assert not selectors.inbox(user=world["police_clerk"]).exists()
    assert not selectors.requests_visible_to(world["police_clerk"]).exists()
    assert not Notification.objects.filter(recipient__in=[world["police_clerk"], world["hrss_clerk"]]).exists()
    assert len(sms.outbox) == 1
    message = sms.outbox[0]
    assert message.phone == WORKER_PHONE and message.purpose == "retrieval.consent"
    token = LINK_RE.search(message.text).group(1)
    consent = Consent.objects.get(request=request)
    assert token not in consent.code_hash and len(consent.code_hash) == 64  # only a keyed hash is stored
    assert consent.scope == ["no_criminal_record", "social_insurance"]


def test_granting_consent_assigns_items_with_working_day_deadlines_and_notifies_the_departments(world):
    request = grant(ask(world["company_user"]))
    assert request.status == RequestStatus.IN_PROGRESS
    police = item_of(request, "no_criminal_record")
    assert police.status == ItemStatus.ASSIGNED and police.assigned_at == DECIDED
    # 3 working days from Monday 2025-03-03: the end of Thursday 2025-03-06
    assert police.due_at.astimezone(ASKED.tzinfo).date() == dt.date(2025, 3, 6)
    assert [i.pk for i in selectors.inbox(user=world["police_clerk"])] == [police.pk]
    assert Notification.objects.filter(recipient=world["police_clerk"], url=f"/retrieval/inbox/{police.pk}/").exists()
    consent = Consent.objects.get(request=request)
    assert consent.status == ConsentStatus.GRANTED and consent.valid_until == DECIDED + dt.timedelta(days=30)


def test_a_refusal_cancels_every_item_and_tells_the_requester(world):
    request = ask(world["company_user"])
    done = services.consent_decide_by_code(code=request.issued_code, identity=WORKER_ID[-4:], decision="refuse",
                                           now=DECIDED)
    assert done.status == RequestStatus.REFUSED
    assert set(done.items.values_list("status", flat=True)) == {ItemStatus.CANCELLED}
    assert not selectors.inbox(user=world["police_clerk"], status="").exists()
    assert Notification.objects.filter(recipient=world["company_user"], level="red").exists()


# --- bad input ----------------------------------------------------------------------------------------------

def test_a_request_without_purpose_is_refused_naming_the_field(world):
    with pytest.raises(InvalidInput) as exc:
        ask(world["company_user"], purpose="  ")
    assert (exc.value.field, exc.value.code) == ("purpose", "required")
    assert not RetrievalRequest.objects.exists() and not sms.outbox


def test_a_type_not_offered_to_the_requester_kind_is_refused(world):
    with pytest.raises(InvalidInput) as exc:
        ask(world["company_user"], types=("lawyer_status",), scenario="recruitment")
    assert (exc.value.field, exc.value.code) == ("info_types", "not_allowed_for_requester")
    assert not RetrievalRequest.objects.exists()


def test_a_type_not_offered_in_the_scenario_is_refused(world):
    employer = make_requester(2, kind=RequesterKind.EMPLOYER, name="测试用人单位")
    with pytest.raises(InvalidInput) as exc:
        ask(requester_user(employer), types=("no_criminal_record",), scenario="government_project")
    assert (exc.value.field, exc.value.code) == ("info_types", "not_allowed_for_scenario")
    assert not RetrievalRequest.objects.exists()


def test_a_wrong_id_number_is_refused_on_its_field(world):
    with pytest.raises(InvalidInput) as exc:
        ask(world["company_user"], id_number="110105194912310021")
    assert exc.value.field == "subject_id_number"
    assert not RetrievalRequest.objects.exists()


def test_a_suspended_requester_cannot_ask(world):
    services.requester_suspend(actor="test", requester=world["company"], reason="超范围调取")
    with pytest.raises(Conflict) as exc:
        ask(world["company_user"])
    assert (exc.value.field, exc.value.code) == ("requester", "requester_suspended")


def test_a_user_of_an_unregistered_enterprise_cannot_ask(world):
    outsider = make_user(role=Role.ENTERPRISE_USER, enterprise=make_enterprise(credit_code=credit(77)))
    with pytest.raises(Forbidden) as exc:
        ask(outsider)
    assert exc.value.code == "not_a_requester"
    assert not RetrievalRequest.objects.exists()


# --- the consent code ---------------------------------------------------------------------------------------

def test_a_used_code_cannot_decide_again(world):
    request = ask(world["company_user"])
    grant(request)
    with pytest.raises(Conflict) as exc:
        services.consent_decide_by_code(code=request.issued_code, identity=WORKER_ID[-4:], decision="refuse",
                                        now=DECIDED)
    assert (exc.value.field, exc.value.code, exc.value.status) == ("code", "code_used", 409)
    assert RetrievalRequest.objects.get(pk=request.pk).status == RequestStatus.IN_PROGRESS


def test_an_expired_code_is_gone_and_moves_nothing(world):
    request = ask(world["company_user"])
    with pytest.raises(Gone) as exc:
        grant(request, now=ASKED + dt.timedelta(hours=73))
    assert (exc.value.field, exc.value.code, exc.value.status) == ("code", "code_expired", 410)
    assert RetrievalRequest.objects.get(pk=request.pk).status == RequestStatus.AWAITING_CONSENT


def test_an_unknown_code_is_gone(world):
    with pytest.raises(Gone) as exc:
        services.consent_by_code(code="0" * 32)
    assert (exc.value.field, exc.value.code) == ("code", "code_unknown")


def test_a_wrong_identity_check_is_counted_and_the_fifth_locks_the_link(world):
    request = ask(world["company_user"])
    for attempt in range(1, 5):
        with pytest.raises(InvalidInput) as exc:
            grant(request, identity="0000")
        assert (exc.value.field, exc.value.code) == ("identity", "identity_mismatch")
        assert Consent.objects.get(request=request).failed_attempts == attempt
    with pytest.raises(Conflict) as exc:
        grant(request, identity="0000")
    assert exc.value.code == "code_locked"
    with pytest.raises(Conflict) as exc:
        grant(request)  # even the right answer now
    assert (exc.value.field, exc.value.code) == ("code", "code_locked")
    assert RetrievalRequest.objects.get(pk=request.pk).status == RequestStatus.AWAITING_CONSENT
    assert events_for(Consent.objects.get(request=request)).filter(action="consent.identity_failed").count() == 5


def test_the_subject_decides_from_their_own_account_without_a_code(world):
    request = ask(world["company_user"])
    worker = make_user(role=Role.CITIZEN, person=request.subject_person)
    done = services.consent_decide_as_subject(actor=worker, request=request.pk, decision="grant", now=DECIDED)
    assert done.status == RequestStatus.IN_PROGRESS
    assert Consent.objects.get(request=request).channel == "account"


def test_another_citizen_cannot_decide_on_a_request_about_someone_else(world):
    request = ask(world["company_user"])
    other = make_user(role=Role.CITIZEN)
    with pytest.raises(NotFound):
        services.consent_decide_as_subject(actor=other, request=request.pk, decision="grant", now=DECIDED)


# --- answers, delivery, reads -------------------------------------------------------------------------------

def test_the_request_is_delivered_when_the_last_item_is_answered(world):
    request = grant(ask(world["company_user"]))
    services_answers.item_answer(actor=world["police_clerk"], item=item_of(request, "no_criminal_record"),
                                 found=False, summary="未发现犯罪记录", now=ANSWERED)
    assert RetrievalRequest.objects.get(pk=request.pk).status == RequestStatus.IN_PROGRESS
    services_answers.item_answer(actor=world["hrss_clerk"], item=item_of(request, "social_insurance"), found=True,
                                 summary="正常参保", now=ANSWERED)
    done = RetrievalRequest.objects.get(pk=request.pk)
    assert done.status == RequestStatus.DELIVERED and done.delivered_at == ANSWERED
    assert Notification.objects.filter(recipient=world["company_user"], title__contains="已交付").exists()


def test_an_answer_is_numbered_sealed_and_expires_with_the_shorter_validity(world):
    request = grant(ask(world["company_user"]))
    answer_both(world, request)
    item = item_of(request, "social_insurance")
    assert item.answer_number == f"{request.number}-02"
    assert item.digest == services_answers.answer_digest(item, number=item.answer_number, found=True,
                                                         summary="正常参保", content=item.content,
                                                         answered_at=ANSWERED)
    # social insurance answers are valid 30 days, the consent 30 days from 10:00: the consent ends first
    assert item.expires_at == DECIDED + dt.timedelta(days=30)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM retrieval_requestitem WHERE id = %s", [item.pk])
        raw = cursor.fetchone()[0]
    assert "参保单位" in item.content and "参保单位" not in raw  # encrypted at rest


def test_a_clerk_of_another_department_cannot_see_or_answer_the_item(world):
    request = grant(ask(world["company_user"]))
    with pytest.raises(NotFound):
        services_answers.item_answer(actor=world["hrss_clerk"], item=item_of(request, "no_criminal_record"),
                                     found=False, summary="x", now=ANSWERED)
    assert item_of(request, "no_criminal_record").status == ItemStatus.ASSIGNED


def test_an_answer_without_a_conclusion_is_refused(world):
    request = grant(ask(world["company_user"]))
    with pytest.raises(InvalidInput) as exc:
        services_answers.item_answer(actor=world["police_clerk"], item=item_of(request, "no_criminal_record"),
                                     found=True, summary="", now=ANSWERED)
    assert exc.value.field == "summary"
    with pytest.raises(InvalidInput) as exc:
        services_answers.item_answer(actor=world["police_clerk"], item=item_of(request, "no_criminal_record"),
                                     found=None, summary="有", now=ANSWERED)
    assert exc.value.field == "found"


def test_an_answer_after_withdrawal_is_refused_and_writes_nothing(world):
    request = grant(ask(world["company_user"]))
    worker = make_user(role=Role.CITIZEN, person=request.subject_person)
    services.consent_withdraw(actor=worker, request=request.pk, reason="已不在该公司应聘", now=ANSWERED)
    item = item_of(request, "no_criminal_record")
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        services_answers.item_answer(actor=world["police_clerk"], item=item, found=False, summary="无",
                                     now=ANSWERED + dt.timedelta(minutes=5))
    assert exc.value.code == "consent_withdrawn"
    assert AuditEvent.objects.count() == before
    item.refresh_from_db()
    assert item.status == ItemStatus.CANCELLED and item.answer_number == "" and item.content == ""


def test_an_answer_after_the_consent_ran_out_is_refused(world):
    request = ask(world["company_user"], consent_days=1)
    grant(request)
    with pytest.raises(Conflict) as exc:
        services_answers.item_answer(actor=world["police_clerk"], item=item_of(request, "no_criminal_record"),
                                     found=False, summary="无", now=DECIDED + dt.timedelta(days=1, minutes=1))
    assert exc.value.code == "consent_expired"


def test_the_requester_reads_an_answer_and_the_read_is_audited(world):
    request = grant(ask(world["company_user"]))
    answer_both(world, request)
    item = item_of(request, "social_insurance")
    answer = services_answers.answer_read(actor=world["company_user"], item=item, now=ANSWERED)
    assert answer["summary"] == "正常参保" and "养老" in answer["content"] and answer["digest"] == item.digest
    assert events_for(item).filter(action="requestitem.read", actor_id=world["company_user"].pk).count() == 1


def test_an_expired_answer_is_gone_for_the_requester(world):
    request = grant(ask(world["company_user"]))
    answer_both(world, request)
    item = item_of(request, "social_insurance")
    with pytest.raises(Gone) as exc:
        services_answers.answer_read(actor=world["company_user"], item=item, now=item.expires_at
                                     + dt.timedelta(seconds=1))
    assert (exc.value.code, exc.value.status) == ("answer_expired", 410)
    assert not events_for(item).filter(action="requestitem.read").exists()


def test_after_withdrawal_no_answer_can_be_read(world):
    request = grant(ask(world["company_user"]))
    answer_both(world, request)
    worker = make_user(role=Role.CITIZEN, person=request.subject_person)
    done = services.consent_withdraw(actor=worker, request=request.pk, reason="不再授权", now=ANSWERED)
    assert done.status == RequestStatus.WITHDRAWN
    with pytest.raises(Gone) as exc:
        services_answers.answer_read(actor=world["company_user"], item=item_of(request, "social_insurance"),
                                     now=ANSWERED)
    assert exc.value.code == "consent_withdrawn"
    item = item_of(request, "social_insurance")
    assert item.answer_number and item.digest  # the number and the digest stay


def test_only_the_requester_reads_content_not_an_administrator_or_another_company(world):
    request = grant(ask(world["company_user"]))
    answer_both(world, request)
    item = item_of(request, "social_insurance")
    admin = make_user(role=Role.CENTER_ADMIN)
    with pytest.raises(Forbidden):
        services_answers.answer_read(actor=admin, item=item, now=ANSWERED)
    other = requester_user(make_requester(5, name="另一家政公司"))
    with pytest.raises(NotFound):
        services_answers.answer_read(actor=other, item=item, now=ANSWERED)


def test_only_the_subject_withdraws_and_only_a_granted_consent(world):
    request = ask(world["company_user"])
    worker = make_user(role=Role.CITIZEN, person=request.subject_person)
    with pytest.raises(Conflict) as exc:
        services.consent_withdraw(actor=worker, request=request.pk, reason="不同意", now=DECIDED)
    assert exc.value.code == "nothing_to_withdraw"
    grant(request)
    with pytest.raises(Forbidden):
        services.consent_withdraw(actor=world["company_user"], request=request.pk, reason="x", now=ANSWERED)
    with pytest.raises(InvalidInput) as exc:
        services.consent_withdraw(actor=worker, request=request.pk, reason="", now=ANSWERED)
    assert exc.value.field == "reason"


# --- verification -------------------------------------------------------------------------------------------

def test_verification_tells_valid_mismatch_expired_and_withdrawn_apart(world):
    request = grant(ask(world["company_user"]))
    answer_both(world, request)
    item = item_of(request, "social_insurance")
    verify = services_answers.answer_verify
    assert verify(actor=None, number=item.answer_number, digest=item.digest, now=ANSWERED) == "valid"
    assert verify(actor=None, number=item.answer_number, digest="0" * 64, now=ANSWERED) == "mismatch"
    assert verify(actor=None, number="DQ000000000000-01", digest=item.digest, now=ANSWERED) == "mismatch"
    assert verify(actor=None, number=item.answer_number, digest=item.digest.upper(),
                  now=item.expires_at + dt.timedelta(seconds=1)) == "expired"
    worker = make_user(role=Role.CITIZEN, person=request.subject_person)
    services.consent_withdraw(actor=worker, request=request.pk, reason="不再授权", now=ANSWERED)
    assert verify(actor=None, number=item.answer_number, digest=item.digest, now=ANSWERED) == "withdrawn"
    assert events_for(item).filter(action="requestitem.verify").count() == 4


def test_verification_refuses_a_malformed_digest(world):
    with pytest.raises(InvalidInput) as exc:
        services_answers.answer_verify(actor=None, number="DQ1", digest="xyz")
    assert (exc.value.field, exc.value.code) == ("digest", "bad_digest")


# --- the audit trail ----------------------------------------------------------------------------------------

def test_every_access_writes_an_audit_event(world):
    request = ask(world["company_user"])
    grant(request)
    police = item_of(request, "no_criminal_record")
    services_answers.item_view(actor=world["police_clerk"], item=police)
    answer_both(world, request)
    services_answers.answer_read(actor=world["company_user"], item=police, now=ANSWERED)
    services_answers.answer_verify(actor=None, number=police.answer_number or item_of(request, "no_criminal_record")
                                   .answer_number, digest=item_of(request, "no_criminal_record").digest, now=ANSWERED)
    worker = make_user(role=Role.CITIZEN, person=request.subject_person)
    services.consent_withdraw(actor=worker, request=request.pk, reason="不再授权", now=ANSWERED)

    request_actions = set(events_for(request).values_list("action", flat=True))
    assert {"retrievalrequest.create", "retrievalrequest.consent", "retrievalrequest.deliver",
            "retrievalrequest.withdraw"} <= request_actions
    consent_actions = set(events_for(Consent.objects.get(request=request)).values_list("action", flat=True))
    assert {"consent.create", "consent.grant", "consent.withdraw"} <= consent_actions
    police_actions = list(events_for(police).values_list("action", flat=True))
    for action in ("requestitem.assign", "requestitem.view", "requestitem.answer", "requestitem.read",
                   "requestitem.verify"):
        assert action in police_actions
    view = events_for(police).get(action="requestitem.view")
    assert view.actor_id == world["police_clerk"].pk and view.payload["personal_data"] is True
    log = selectors.access_log(request)
    assert [r["what"] for r in log][:2] == ["发起请求", "授权"]
    whos = {r["who"] for r in log}
    assert {"测试家政服务有限公司1", "市公安局婺城分局", "区人力资源和社会保障局", "本人"} <= whos
