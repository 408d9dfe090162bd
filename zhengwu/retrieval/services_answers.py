"""Every write of information retrieval once consent is granted: the department's view and answer, the
external systems' answers with their retries, delivery, the requester's reads, verification and the sweep.

Each access to personal data or to an answer writes an audit event, which the subject's access log shows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.core import audit, calendar
from zhengwu.core.crypto import sm3_hex, verify_hmac
from zhengwu.core.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from zhengwu.core.inputs import acting_user as _user
from zhengwu.core.inputs import clean_text as _text
from zhengwu.core.permissions import require
from zhengwu.core.reminders import reminder_mark_answered, reminder_send
from zhengwu.org.roles import Role
from zhengwu.retrieval.choices import ConsentStatus, ItemStatus, RequestStatus, Source, VerifyResult
from zhengwu.retrieval.models import Consent, RequestItem, RetrievalRequest
from zhengwu.retrieval.permissions import ANSWER
from zhengwu.retrieval.selectors import can_read_answers, deadline_state, items_visible_to
from zhengwu.retrieval.services import conf, department_staff, notify, requester_users
from zhengwu.retrieval.workflow import ITEM_WORKFLOW, REQUEST_WORKFLOW

REMINDER_KIND = "retrieval.deadline"
DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_CONTENT = 4000


# --- the answer's seal --------------------------------------------------------------------------------------

def canonical(*, number: str, type_code: str, subject_index: str, requester_credit_code: str, found: bool,
              summary: str, content: str, answered_at: dt.datetime) -> bytes:
    """The canonical JSON an answer's digest is computed over (sorted keys, UTC time to the microsecond)."""
    body = {"number": number, "type": type_code, "subject": subject_index, "requester": requester_credit_code,
            "found": bool(found), "summary": summary, "content": content,
            "answered_at": answered_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def answer_digest(item: RequestItem, *, number: str, found: bool, summary: str, content: str,
                  answered_at: dt.datetime) -> str:
    request = item.request
    return sm3_hex(canonical(number=number, type_code=item.info_type.code, subject_index=request.subject_index,
                             requester_credit_code=request.requester.enterprise.credit_code, found=found,
                             summary=summary, content=content, answered_at=answered_at))


def _answer_updates(item: RequestItem, *, found: bool, summary: str, content: str, now: dt.datetime,
                    answered_by: Any = None, source_reference: str = "") -> dict[str, Any]:
    position = list(item.request.items.order_by("id").values_list("pk", flat=True)).index(item.pk) + 1
    number = f"{item.request.number}-{position:02d}"
    consent = Consent.objects.get(request_id=item.request_id)
    expires = now + dt.timedelta(days=item.info_type.validity_days)
    if consent.valid_until is not None:
        expires = min(expires, consent.valid_until)
    return {"found": found, "summary": summary, "content": content, "answered_at": now, "answered_by": answered_by,
            "answer_number": number, "expires_at": expires, "source_reference": source_reference,
            "next_attempt_at": None,
            "digest": answer_digest(item, number=number, found=found, summary=summary, content=content,
                                    answered_at=now)}


def _refuse_if_consent_gone(item: RequestItem, *, now: dt.datetime) -> Consent:
    consent = Consent.objects.get(request_id=item.request_id)
    if consent.status == ConsentStatus.WITHDRAWN or item.request.status == RequestStatus.WITHDRAWN:
        raise Conflict("信息主体已撤回授权,不能再答复。", field="item", code="consent_withdrawn")
    if consent.status != ConsentStatus.GRANTED:
        raise Conflict("信息主体尚未授权,不能答复。", field="item", code="no_consent")
    if consent.valid_until is not None and now > consent.valid_until:
        raise Conflict(f"授权已于 {timezone.localtime(consent.valid_until):%Y-%m-%d %H:%M} 到期,不能再答复。",
                       field="item", code="consent_expired")
    return consent


# --- the department -----------------------------------------------------------------------------------------

def item_view(*, actor: Any, item: Any) -> dict[str, Any]:
    """The answering department opens an item: it sees the subject's full ID number (or credit code), and the
    view is audited as a personal-data view."""
    require(actor, ANSWER)
    current = items_visible_to(actor).select_related(
        "request__subject_person", "request__subject_enterprise", "request__requester__enterprise",
        "info_type", "department").filter(pk=getattr(item, "pk", item)).first()
    if current is None:
        raise NotFound("对象不存在或不在您的数据范围内。")
    request = current.request
    identifier = (request.subject_person.id_number if request.subject_person_id
                  else request.subject_enterprise.credit_code)
    with transaction.atomic():
        audit.record(actor=actor, action="requestitem.view", obj=current,
                     payload={"personal_data": True, "request": request.pk, "department": current.department_id})
    return {"item": current, "subject_identifier": identifier,
            "subject_name": request.subject_person.name if request.subject_person_id
            else request.subject_enterprise.name}


def item_answer(*, actor: Any, item: Any, found: Any, summary: str, details: str = "",
                now: dt.datetime | None = None) -> RequestItem:
    """The owner department answers (found / not found, a conclusion, details). Refused after withdrawal or
    after the consent's validity: nothing is written. When no item stays open the request is delivered."""
    require(actor, ANSWER)
    now = now or timezone.now()
    if found in (None, ""):
        raise InvalidInput("请选择查询结果(查有记录 / 查无记录)。", field="found", code="required")
    if isinstance(found, str):
        if found.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise InvalidInput("查询结果取值无效。", field="found", code="bad_choice")
        found = found.lower() in ("true", "1", "yes")
    summary = _text(summary, field="summary", label="答复结论", max_length=500)
    content = _text(details, field="details", label="答复内容", max_length=MAX_CONTENT, required=False)
    with transaction.atomic():
        current = items_visible_to(actor).select_for_update(of=("self",)).filter(pk=getattr(item, "pk", item)).first()
        if current is None:
            raise NotFound("对象不存在或不在您的数据范围内。")
        current = RequestItem.objects.select_related("request__requester__enterprise", "info_type").get(
            pk=current.pk)
        _refuse_if_consent_gone(current, now=now)
        if current.info_type.source == Source.EXTERNAL:
            raise Conflict("该信息由外部系统答复,部门不能手工答复。", field="item", code="external_item")
        updates = _answer_updates(current, found=bool(found), summary=summary, content=content, now=now,
                                  answered_by=_user(actor))
        done = ITEM_WORKFLOW.run(current, "answer", actor=actor, now=now,
                                 payload={"number": updates["answer_number"], "digest": updates["digest"],
                                          "found": bool(found),
                                          "on_time": bool(current.due_at and now <= current.due_at),
                                          "_updates": updates})
        reminder_mark_answered(obj=done, kind=REMINDER_KIND, at=now)
        deliver_if_complete(request_id=done.request_id, now=now)
    return done


def deliver_if_complete(*, request_id: int, now: dt.datetime | None = None) -> RetrievalRequest | None:
    """Deliver a request in progress once none of its items is open (answered, unavailable or cancelled)."""
    now = now or timezone.now()
    request = RetrievalRequest.objects.select_related("requester").get(pk=request_id)
    if request.status != RequestStatus.IN_PROGRESS:
        return None
    if request.items.filter(status__in=[ItemStatus.WAITING, ItemStatus.ASSIGNED]).exists():
        return None
    counts = {s: request.items.filter(status=s).count() for s in (ItemStatus.ANSWERED, ItemStatus.UNAVAILABLE)}
    done = REQUEST_WORKFLOW.run(request, "deliver", actor=None, now=now,
                                payload={"answered": counts[ItemStatus.ANSWERED],
                                         "unavailable": counts[ItemStatus.UNAVAILABLE],
                                         "_updates": {"delivered_at": now}})
    notify(requester_users(request.requester), title=f"信息调取结果已交付:{request.number}",
           url=f"/retrieval/requests/{request.pk}/", level="green")
    return done


# --- external systems ---------------------------------------------------------------------------------------

def adapter_for(name: str) -> Any:
    """The adapter of an external system (a seam tests replace)."""
    from zhengwu.retrieval.external import adapter_for as lookup

    return lookup(name)


def _backoff(attempts: int) -> dt.timedelta:
    minutes = int(conf("RETRY_BASE_MINUTES")) * (2 ** max(0, attempts - 1))
    return dt.timedelta(minutes=min(minutes, int(conf("RETRY_MAX_MINUTES"))))


def _details_text(details: Any) -> str:
    lines = []
    for pair in details or ():
        key, value = pair
        lines.append(f"{key}:{value}")
    return "\n".join(lines)[:MAX_CONTENT]


def item_fetch_external(*, item: Any, now: dt.datetime | None = None) -> str:
    """Ask the external system for an assigned item. The call is made outside any transaction; the outcome is
    written in one. Returns ``answered``, ``unavailable`` (the outage is recorded, the next attempt scheduled
    with backoff; never a fake answer) or ``skipped`` (nothing to ask any more)."""
    from zhengwu.retrieval.external import ExternalQuery, ExternalUnavailable

    now = now or timezone.now()
    pk = getattr(item, "pk", item)
    current = (RequestItem.objects.select_related("request__requester__enterprise", "request__subject_person",
                                                  "request__subject_enterprise", "info_type")
               .filter(pk=pk).first())
    if current is None or current.status != ItemStatus.ASSIGNED or current.info_type.source != Source.EXTERNAL:
        return "skipped"
    request = current.request
    consent = Consent.objects.get(request_id=request.pk)
    if consent.status != ConsentStatus.GRANTED:
        return "skipped"
    position = list(request.items.order_by("id").values_list("pk", flat=True)).index(current.pk) + 1
    query = ExternalQuery(
        reference=f"{request.number}-{position:02d}", info_type=current.info_type.code,
        subject_name=request.subject_person.name if request.subject_person_id else request.subject_enterprise.name,
        subject_id_number=(request.subject_person.id_number if request.subject_person_id
                           else request.subject_enterprise.credit_code),
        purpose=request.purpose, requester_name=request.requester.enterprise.name,
        requester_credit_code=request.requester.enterprise.credit_code,
        consent_reference=request.number, consent_valid_until=consent.valid_until)
    error: Exception | None = None
    answer = None
    try:
        answer = adapter_for(current.info_type.adapter).query(query)
        if answer is None or not isinstance(getattr(answer, "summary", None), str) or not answer.summary.strip():
            raise ValueError("外部系统返回的答复缺少结论")
    except ExternalUnavailable as exc:
        error = exc
    except Exception as exc:  # noqa: BLE001 - any failure of an outside system is an outage, never an answer
        error = exc
    with transaction.atomic():
        row = RequestItem.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.status != ItemStatus.ASSIGNED:
            return "skipped"
        row = RequestItem.objects.select_related("request__requester__enterprise", "info_type").get(pk=pk)
        if error is not None or answer is None:
            attempts = row.attempts + 1
            reason = getattr(error, "reason", "") or type(error).__name__
            message = str(getattr(error, "message", "") or error or "外部系统无响应")[:500]
            next_at = now + _backoff(attempts)
            RequestItem.objects.filter(pk=pk).update(attempts=attempts, last_error=message, next_attempt_at=next_at)
            audit.record(actor=audit.SYSTEM_ACTOR, action="requestitem.external_unavailable", obj=row,
                         payload={"adapter": row.info_type.adapter, "attempts": attempts, "reason": str(reason),
                                  "message": message, "next_attempt_at": next_at.isoformat()})
            return "unavailable"
        try:
            _refuse_if_consent_gone(row, now=now)
        except Conflict:
            return "skipped"
        summary = answer.summary.strip()[:500]
        updates = _answer_updates(row, found=bool(answer.found), summary=summary,
                                  content=_details_text(answer.details), now=now,
                                  source_reference=str(answer.source_reference or "")[:64])
        updates["attempts"] = row.attempts + 1
        updates["last_error"] = ""
        ITEM_WORKFLOW.run(row, "receive", actor=None, now=now,
                          payload={"adapter": row.info_type.adapter, "number": updates["answer_number"],
                                   "digest": updates["digest"], "source_reference": updates["source_reference"],
                                   "_updates": updates})
        deliver_if_complete(request_id=row.request_id, now=now)
    return "answered"


def items_retry_external(*, now: dt.datetime | None = None) -> int:
    """Retry the external items whose next attempt is due (and whose deadline has not passed)."""
    now = now or timezone.now()
    due = (RequestItem.objects.filter(status=ItemStatus.ASSIGNED, info_type__source=Source.EXTERNAL,
                                      due_at__gte=now)
           .exclude(next_attempt_at__gt=now).values_list("pk", flat=True).order_by("pk"))
    return sum(1 for pk in list(due) if item_fetch_external(item=pk, now=now) == "answered")


def items_give_up(*, now: dt.datetime | None = None) -> int:
    """An external item that never answered by its deadline becomes ``unavailable``: the request can still be
    delivered, with that item marked so."""
    now = now or timezone.now()
    n = 0
    for item in RequestItem.objects.filter(status=ItemStatus.ASSIGNED, info_type__source=Source.EXTERNAL,
                                           due_at__lt=now).select_related("info_type").order_by("pk"):
        with transaction.atomic():
            ITEM_WORKFLOW.run(item, "give_up", actor=None, now=now,
                              payload={"attempts": item.attempts, "last_error": item.last_error,
                                       "_updates": {"next_attempt_at": None}})
            deliver_if_complete(request_id=item.request_id, now=now)
        n += 1
    return n


# --- the requester's reads and the public verification ------------------------------------------------------

def answer_read(*, actor: Any, item: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The requester reads one answer; each read is audited. An expired answer, or any answer after
    withdrawal, is gone (410): its number and digest stay, its content is never shown again."""
    now = now or timezone.now()
    current = items_visible_to(actor).select_related(
        "request__requester__enterprise", "info_type", "department").filter(pk=getattr(item, "pk", item)).first()
    if current is None:
        raise NotFound("对象不存在或不在您的数据范围内。")
    if not can_read_answers(actor, current.request):
        raise Forbidden("只有申请单位可以查阅答复内容。", code="not_the_requester")
    if current.status != ItemStatus.ANSWERED:
        raise Conflict(f"该事项{current.get_status_display()},没有可查阅的答复。", field="item", code="not_answered")
    consent = Consent.objects.get(request_id=current.request_id)
    if consent.status == ConsentStatus.WITHDRAWN or current.request.status == RequestStatus.WITHDRAWN:
        raise Gone("信息主体已撤回授权,答复不可再查阅。", field="item", code="consent_withdrawn")
    if current.expires_at is not None and now > current.expires_at:
        raise Gone(f"答复已于 {timezone.localtime(current.expires_at):%Y-%m-%d %H:%M} 过期,不可再查阅。",
                   field="item", code="answer_expired")
    with transaction.atomic():
        audit.record(actor=actor, action="requestitem.read", obj=current,
                     payload={"request": current.request_id, "number": current.answer_number})
    return {"id": current.pk, "info_type": current.info_type.name, "department": current.department.name,
            "number": current.answer_number, "digest": current.digest, "found": current.found,
            "summary": current.summary, "content": current.content, "answered_at": current.answered_at,
            "expires_at": current.expires_at, "source_reference": current.source_reference}


def answer_verify(*, actor: Any, number: str, digest: str, now: dt.datetime | None = None) -> str:
    """Anyone checks an answer by its number and digest: valid, expired, withdrawn, or not found / no match.
    Nothing of the content is disclosed; every check is audited."""
    now = now or timezone.now()
    number = _text(number, field="number", label="答复编号", max_length=40)
    digest = "".join(str(digest or "").split()).lower()
    if not digest:
        raise InvalidInput("请填写答复摘要。", field="digest", code="required")
    if not DIGEST_RE.match(digest):
        raise InvalidInput("答复摘要应为 64 位十六进制字符(SM3)。", field="digest", code="bad_digest")
    item = RequestItem.objects.select_related("request").filter(answer_number=number,
                                                                status=ItemStatus.ANSWERED).first()
    if item is None or not verify_hmac(bytes.fromhex(item.digest), bytes.fromhex(digest)):
        result = VerifyResult.MISMATCH
    elif item.request.status == RequestStatus.WITHDRAWN:
        result = VerifyResult.WITHDRAWN
    elif item.expires_at is not None and now > item.expires_at:
        result = VerifyResult.EXPIRED
    else:
        result = VerifyResult.VALID
    who = actor if actor is not None and getattr(actor, "is_authenticated", False) else "anonymous"
    with transaction.atomic():
        audit.record(actor=who, action="requestitem.verify", obj=item if item is not None
                     else ("retrieval.answer_number", number[:64]), payload={"number": number, "result": result.value})
    return result.value


# --- the sweep ----------------------------------------------------------------------------------------------

def items_remind(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Reminders to the department's staff one working day before an item is due and when it is overdue;
    escalation to the department's leaders once it is ``ESCALATION_DAYS`` working days overdue. One reminder per
    (item, stage): running twice sends nothing twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = {"due_soon": 0, "overdue": 0, "escalated": 0}
    open_items = (RequestItem.objects.filter(status=ItemStatus.ASSIGNED, info_type__source=Source.INTERNAL)
                  .select_related("request", "info_type", "department").order_by("due_at", "pk"))
    for item in open_items:
        state = deadline_state(item, now=now)
        url = f"/retrieval/inbox/{item.pk}/"
        label = f"{item.info_type.name}({item.request.number})"
        if state == "warning":
            sent = reminder_send(obj=item, kind=REMINDER_KIND, stage="due_soon", level="yellow", url=url,
                                 message=f"信息调取即将到期:{label},期限 {timezone.localtime(item.due_at):%m-%d %H:%M}",
                                 recipients=department_staff(item.department_id, roles=(Role.WINDOW_CLERK,)),
                                 department=item.department, due_at=item.due_at)
            result["due_soon"] += int(sent.created)
        elif state == "overdue":
            sent = reminder_send(obj=item, kind=REMINDER_KIND, stage="overdue", level="red", url=url,
                                 message=f"信息调取已超期:{label}",
                                 recipients=department_staff(item.department_id, roles=(Role.WINDOW_CLERK,)),
                                 department=item.department, due_at=item.due_at)
            result["overdue"] += int(sent.created)
            days = calendar.working_days_between(timezone.localdate(item.due_at), today)
            if days >= int(conf("ESCALATION_DAYS")):
                leaders = department_staff(item.department_id, roles=(Role.DEPARTMENT_LEADER,))
                sent = reminder_send(obj=item, kind=REMINDER_KIND, stage="escalated", level="red", url=url,
                                     message=f"【督办】信息调取超期 {days} 个工作日:{label}", recipients=leaders,
                                     department=item.department, due_at=item.due_at)
                if sent.created:
                    audit.record(actor=audit.SYSTEM_ACTOR, action="requestitem.escalate", obj=item,
                                 payload={"overdue_days": days, "notified": [u.pk for u in leaders]})
                result["escalated"] += int(sent.created)
    return result


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    from zhengwu.retrieval.services import consent_codes_expire

    now = now or timezone.now()
    reminders = items_remind(now=now)
    return {"codes_expired": consent_codes_expire(now=now), "retried": items_retry_external(now=now),
            "gave_up": items_give_up(now=now), **reminders}
