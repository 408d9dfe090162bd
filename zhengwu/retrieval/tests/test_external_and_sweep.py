"""External systems on the domain path (a fake adapter, and once the in-process simulator of 律师在线), and the
sweep: reminders, escalation, retries, giving up, expiring unused consent links; running it twice sends nothing
twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zhengwu.core.audit import events_for
from zhengwu.core.models import Reminder
from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.retrieval import services_answers
from zhengwu.retrieval.choices import ConsentStatus, ItemStatus, RequesterKind, RequestStatus
from zhengwu.retrieval.external import ExternalAnswer, ExternalMalformed, ExternalUnavailable
from zhengwu.retrieval.models import Consent, RequestItem, RetrievalRequest
from zhengwu.retrieval.testing import ASKED, DECIDED, ask, grant, make_requester, requester_user

pytestmark = pytest.mark.django_db


class FakeAdapter:
    """Answers, or fails, as told; records every query."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.queries: list[Any] = []

    def query(self, q: Any) -> ExternalAnswer:
        self.queries.append(q)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


FOUND = ExternalAnswer(found=True, summary="正常执业", details=[("执业机构", "浙江婺城律师事务所"),
                                                              ("执业证号", "13307201510000001")],
                       issued_at=DECIDED, source_reference="LO-2025-0001")


@pytest.fixture
def employer(world) -> Any:  # noqa: ANN001
    return requester_user(make_requester(2, kind=RequesterKind.EMPLOYER, name="测试律所人事部"))


@pytest.fixture
def fake(monkeypatch) -> Any:  # noqa: ANN001
    holder: dict[str, FakeAdapter] = {}

    def install(*outcomes: Any) -> FakeAdapter:
        holder["adapter"] = FakeAdapter(*outcomes)
        monkeypatch.setattr(services_answers, "adapter_for", lambda name: holder["adapter"])
        return holder["adapter"]

    return install


def lawyer_request(user: Any, **extra: Any) -> RetrievalRequest:
    return ask(user, types=("lawyer_status",), scenario="recruitment", purpose="拟聘法律顾问执业状态核验", **extra)


def test_no_external_call_is_made_before_consent(employer, fake, django_capture_on_commit_callbacks,
                                                 immediate_huey):
    adapter = fake(FOUND)
    with django_capture_on_commit_callbacks(execute=True):
        lawyer_request(employer)
    assert adapter.queries == []


def test_consent_fetches_the_external_item_on_commit_and_delivers_the_answer(employer, fake, immediate_huey,
                                                                              django_capture_on_commit_callbacks):
    adapter = fake(FOUND)
    now = timezone.now()  # the job runs at the real time: the consent must be valid then
    request = lawyer_request(employer, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        grant(request, schedule_fetch=True, now=now)
    item = RequestItem.objects.get(request=request)
    assert item.status == ItemStatus.ANSWERED and item.found is True and item.summary == "正常执业"
    assert item.source_reference == "LO-2025-0001" and "执业机构:浙江婺城律师事务所" in item.content
    assert item.answered_by is None and item.attempts == 1
    assert RetrievalRequest.objects.get(pk=request.pk).status == RequestStatus.DELIVERED
    query = adapter.queries[0]
    assert query.info_type == "lawyer_status" and query.requester_name == "测试律所人事部"
    assert query.reference == f"{request.number}-01" and query.consent_reference == request.number
    assert query.consent_valid_until == Consent.objects.get(request=request).valid_until
    assert events_for(item).filter(action="requestitem.receive").exists()


@pytest.mark.parametrize("failure", [ExternalUnavailable("连接超时", reason="timeout"),
                                     ExternalMalformed("答复缺少 practice_status 字段")],
                         ids=["timeout", "malformed"])
def test_an_outage_or_a_malformed_answer_is_recorded_never_answered(employer, fake, failure):
    fake(failure)
    request = grant(lawyer_request(employer))
    item = RequestItem.objects.get(request=request)
    assert services_answers.item_fetch_external(item=item, now=DECIDED) == "unavailable"
    item.refresh_from_db()
    assert item.status == ItemStatus.ASSIGNED and item.found is None and item.summary == ""
    assert item.attempts == 1 and item.last_error == failure.message
    assert item.next_attempt_at == DECIDED + dt.timedelta(minutes=5)
    event = events_for(item).get(action="requestitem.external_unavailable")
    assert event.payload["reason"] == failure.reason


def test_an_answer_without_a_conclusion_counts_as_an_outage(employer, fake):
    fake(ExternalAnswer(found=False, summary=" ", details=[], issued_at=DECIDED, source_reference="x"))
    request = grant(lawyer_request(employer))
    item = RequestItem.objects.get(request=request)
    assert services_answers.item_fetch_external(item=item, now=DECIDED) == "unavailable"
    assert RequestItem.objects.get(pk=item.pk).status == ItemStatus.ASSIGNED


def test_the_sweep_retries_with_backoff_until_the_system_answers(employer, fake):
    adapter = fake(ExternalUnavailable("503", reason="http_503"), ExternalUnavailable("503", reason="http_503"),
                   FOUND)
    request = grant(lawyer_request(employer))
    item = RequestItem.objects.get(request=request)
    services_answers.item_fetch_external(item=item, now=DECIDED)
    services_answers.sweep(now=DECIDED + dt.timedelta(minutes=4))  # before the next attempt: no call
    assert len(adapter.queries) == 1
    services_answers.sweep(now=DECIDED + dt.timedelta(minutes=6))
    item.refresh_from_db()
    assert item.attempts == 2 and item.next_attempt_at == DECIDED + dt.timedelta(minutes=6 + 10)
    services_answers.sweep(now=DECIDED + dt.timedelta(minutes=17))
    item.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED and item.attempts == 3 and item.last_error == ""


def test_an_external_item_that_never_answers_becomes_unavailable_and_the_request_is_delivered(employer, fake):
    fake(*[ExternalUnavailable("down", reason="connect")] * 10)
    request = grant(lawyer_request(employer))
    item = RequestItem.objects.get(request=request)
    services_answers.item_fetch_external(item=item, now=DECIDED)
    result = services_answers.sweep(now=item.due_at + dt.timedelta(minutes=1))
    assert result["gave_up"] == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.UNAVAILABLE and item.answer_number == ""
    assert RetrievalRequest.objects.get(pk=request.pk).status == RequestStatus.DELIVERED


def test_the_lawyer_online_simulator_answers_through_the_real_adapter(employer):
    now = timezone.now()  # the simulator checks the consent's validity against its own clock
    request = grant(lawyer_request(employer, now=now), now=now)
    item = RequestItem.objects.get(request=request)
    assert services_answers.item_fetch_external(item=item, now=now) == "answered"
    item.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED and item.summary and item.source_reference
    assert services_answers.answer_verify(actor=None, number=item.answer_number, digest=item.digest,
                                          now=now) == "valid"


def test_a_department_cannot_answer_an_external_item_by_hand(employer, world):
    request = grant(lawyer_request(employer))
    justice = make_user(role=Role.WINDOW_CLERK, department=world["departments"]["justice"])
    with pytest.raises(Exception) as exc:
        services_answers.item_answer(actor=justice, item=RequestItem.objects.get(request=request), found=True,
                                     summary="正常执业", now=DECIDED)
    assert getattr(exc.value, "code", "") == "external_item"


# --- reminders and escalation -------------------------------------------------------------------------------

def test_the_sweep_reminds_before_the_deadline_then_escalates_and_never_twice(world, settings):
    settings.ZHENGWU_RETRIEVAL = {"ESCALATION_DAYS": 2}
    leader = make_user(role=Role.DEPARTMENT_LEADER, department=world["departments"]["police"])
    request = grant(ask(world["company_user"]))
    item = RequestItem.objects.get(request=request, info_type__code="no_criminal_record")
    assert timezone.localtime(item.due_at).date() == dt.date(2025, 3, 6)  # 3 working days
    the_day_before = dt.datetime(2025, 3, 5, 9, 0, tzinfo=ASKED.tzinfo)
    first = services_answers.sweep(now=the_day_before)
    assert first["due_soon"] == 2  # the police item and the social insurance one (due 03-05, 2 working days)
    assert services_answers.sweep(now=the_day_before)["due_soon"] == 0
    friday = dt.datetime(2025, 3, 7, 9, 0, tzinfo=ASKED.tzinfo)
    result = services_answers.sweep(now=friday)
    # both overdue; only social insurance is 2 working days past its deadline
    assert (result["overdue"], result["escalated"]) == (2, 1)
    monday = dt.datetime(2025, 3, 10, 9, 0, tzinfo=ASKED.tzinfo)
    result = services_answers.sweep(now=monday)
    assert (result["overdue"], result["escalated"]) == (0, 1)
    assert services_answers.sweep(now=monday) == {**result, "escalated": 0}
    stages = set(Reminder.objects.filter(object_id=str(item.pk), object_type="retrieval.requestitem")
                 .values_list("stage", flat=True))
    assert stages == {"due_soon", "overdue", "escalated"}
    escalation = Reminder.objects.get(object_id=str(item.pk), stage="escalated")
    assert list(escalation.notifications.values_list("recipient", flat=True)) == [leader.pk]
    overdue = Reminder.objects.get(object_id=str(item.pk), stage="overdue")
    assert list(overdue.notifications.values_list("recipient", flat=True)) == [world["police_clerk"].pk]
    assert events_for(item).filter(action="requestitem.escalate").count() == 1


def test_an_answer_marks_the_reminders_answered(world):
    request = grant(ask(world["company_user"]))
    item = RequestItem.objects.get(request=request, info_type__code="no_criminal_record")
    services_answers.sweep(now=dt.datetime(2025, 3, 5, 9, 0, tzinfo=ASKED.tzinfo))
    services_answers.item_answer(actor=world["police_clerk"], item=item, found=False, summary="无",
                                 now=dt.datetime(2025, 3, 5, 10, 0, tzinfo=ASKED.tzinfo))
    reminder = Reminder.objects.get(object_id=str(item.pk), stage="due_soon")
    assert reminder.answered_at is not None and reminder.answered_in_time is True


def test_an_unused_consent_link_expires_the_request_once(world):
    request = ask(world["company_user"])
    later = ASKED + dt.timedelta(hours=72, minutes=1)
    assert services_answers.sweep(now=later)["codes_expired"] == 1
    assert services_answers.sweep(now=later)["codes_expired"] == 0
    assert RetrievalRequest.objects.get(pk=request.pk).status == RequestStatus.CONSENT_EXPIRED
    assert Consent.objects.get(request=request).status == ConsentStatus.EXPIRED
    assert set(request.items.values_list("status", flat=True)) == {ItemStatus.CANCELLED}
