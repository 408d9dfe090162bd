"""Every write of information retrieval before the answers: the catalog, requesters, requests and consent.

One service per operation; the web views and the API call the same function. Each runs in one transaction and
writes its audit events (the workflow's, when a status moves). Refusals are AppErrors naming the field.
Answers, reads, verification, external systems and the sweep are in ``services_answers.py``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from zhengwu.core import audit, calendar
from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from zhengwu.core.identifiers import mask_phone, validate_credit_code, validate_id_card, validate_mobile
from zhengwu.core.inputs import acting_user as _user
from zhengwu.core.inputs import choice as _choice
from zhengwu.core.inputs import clean_text as _text
from zhengwu.core.inputs import locked_row as _locked
from zhengwu.core.inputs import reference as _ref
from zhengwu.core.models import Notification
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.org import services as org_services
from zhengwu.org.models import Department, User
from zhengwu.org.roles import Role
from zhengwu.retrieval.choices import (
    AnswerFormat,
    ConsentChannel,
    ConsentStatus,
    ItemStatus,
    RequesterKind,
    RequesterStatus,
    RequestStatus,
    Source,
    SubjectKind,
)
from zhengwu.retrieval.models import Consent, InfoType, Requester, RequestItem, RetrievalRequest, Scenario
from zhengwu.retrieval.permissions import CONSENT, MANAGE, REQUEST
from zhengwu.retrieval.selectors import is_subject, requester_of, requests_about, requests_visible_to
from zhengwu.retrieval.workflow import CONSENT_WORKFLOW, ITEM_WORKFLOW, REQUEST_WORKFLOW, REQUESTER_WORKFLOW

#: defaults of ``settings.ZHENGWU_RETRIEVAL`` (a dict; any key may be overridden)
DEFAULTS: dict[str, Any] = {
    "CONSENT_CODE_HOURS": 72,        # the one-time consent link is valid this long
    "CONSENT_MAX_ATTEMPTS": 5,       # failed identity checks before the link locks
    "CONSENT_DAYS_DEFAULT": 30,      # consent validity the requester asks for, unless it says otherwise
    "CONSENT_DAYS_MAX": 365,
    "SITE_URL": "",                  # prefix of the link in the SMS, e.g. "https://zwfw.example.gov.cn"
    "RETRY_BASE_MINUTES": 5,         # external retries: 5, 10, 20, ... minutes after each failure
    "RETRY_MAX_MINUTES": 360,
    "ESCALATION_DAYS": 1,            # working days past the deadline before the department leader is told
}
CODE_PURPOSE = "retrieval.consent.code"
SUBJECT_PURPOSE = "retrieval.subject"
NUMBER_PREFIX = "DQ"
LINK_ACTOR = "subject:link"


def conf(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "ZHENGWU_RETRIEVAL", {})}[name]


# --- helpers ------------------------------------------------------------------------------------------------

def _int(value: Any, *, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{label}“{value}”不是整数。", field=field, code="bad_number") from None
    if not low <= number <= high:
        raise InvalidInput(f"{label}应在 {low} 至 {high} 之间。", field=field, code="out_of_range")
    return number



def notify(users: Iterable[User], *, title: str, url: str = "", level: str = "info", body: str = "") -> int:
    """In-app notifications (not reminders: they do not count in the reminder-response indicator)."""
    rows = [Notification(recipient=u, title=title[:128], url=url, level=level, body=body)
            for u in {u.pk: u for u in users}.values()]
    Notification.objects.bulk_create(rows)
    return len(rows)


def department_staff(department_id: int, *, roles: Iterable[str] = (Role.WINDOW_CLERK, Role.DEPARTMENT_LEADER)
                     ) -> list[User]:
    return list(User.objects.filter(is_active=True, department_id=department_id, role__in=list(roles)))


def requester_users(requester: Requester) -> list[User]:
    return list(User.objects.filter(is_active=True, enterprise_id=requester.enterprise_id,
                                    role=Role.ENTERPRISE_USER))


def _adapter_names() -> set[str]:
    from zhengwu.retrieval.external import adapter_choices

    return {c[0] if isinstance(c, (tuple, list)) else str(c) for c in adapter_choices()}


# --- the catalog --------------------------------------------------------------------------------------------

def scenario_create(*, actor: Any, code: str, name: str, sort: int = 0) -> Scenario:
    require(actor, MANAGE)
    code = _text(code, field="code", label="编码", max_length=32)
    name = _text(name, field="name", label="应用场景", max_length=64)
    if Scenario.objects.filter(code=code).exists() or Scenario.objects.filter(name=name).exists():
        raise Conflict(f"应用场景“{name}”(编码 {code})已存在。", field="code", code="duplicate")
    with transaction.atomic():
        obj = Scenario.objects.create(code=code, name=name, sort=sort)
        audit.record(actor=actor, action="retrieval_scenario.create", obj=obj, payload={"code": code, "name": name})
    return obj


def info_type_create(*, actor: Any, code: str, name: str, subject_kind: str, department: Any, answer_format: str,
                     requester_kinds: Iterable[str], scenarios: Iterable[Any], source: str = Source.INTERNAL,
                     adapter: str = "", answer_days: Any = 3, validity_days: Any = 90,
                     description: str = "") -> InfoType:
    """Add a type to the catalog: who owns it, how it is answered, who may ask for it in which scenarios."""
    require(actor, MANAGE)
    code = _text(code, field="code", label="编码", max_length=32)
    name = _text(name, field="name", label="信息名称", max_length=64)
    subject_kind = _choice(subject_kind, SubjectKind, field="subject_kind", label="主体类型")
    answer_format = _choice(answer_format, AnswerFormat, field="answer_format", label="答复形式")
    source = _choice(source, Source, field="source", label="来源")
    dept = _ref(Department, department, field="department", label="数源部门")
    adapter = (adapter or "").strip()
    if source == Source.EXTERNAL:
        if not adapter:
            raise InvalidInput("外部系统来源须指定适配器。", field="adapter", code="required")
        if adapter not in _adapter_names():
            raise InvalidInput(f"未知的外部系统适配器:{adapter}。", field="adapter", code="unknown_adapter")
    elif adapter:
        raise InvalidInput("部门内跑的信息不使用外部系统适配器。", field="adapter", code="adapter_not_allowed")
    kinds = sorted({str(k) for k in requester_kinds or ()})
    if not kinds:
        raise InvalidInput("请选择允许的申请单位类型。", field="requester_kinds", code="required")
    for k in kinds:
        _choice(k, RequesterKind, field="requester_kinds", label="申请单位类型")
    chosen = [_ref(Scenario, s, field="scenarios", label="应用场景") for s in scenarios or ()]
    if not chosen:
        raise InvalidInput("请选择适用场景。", field="scenarios", code="required")
    days = _int(answer_days, field="answer_days", label="答复时限(工作日)", low=1, high=30)
    validity = _int(validity_days, field="validity_days", label="答复有效期(天)", low=1, high=365)
    if InfoType.objects.filter(code=code).exists() or InfoType.objects.filter(name=name).exists():
        raise Conflict(f"目录中已有“{name}”(编码 {code})。", field="code", code="duplicate")
    with transaction.atomic():
        obj = InfoType.objects.create(code=code, name=name, subject_kind=subject_kind, department=dept,
                                      source=source, adapter=adapter, answer_format=answer_format,
                                      requester_kinds=kinds, answer_days=days, validity_days=validity,
                                      description=_text(description, field="description", label="说明",
                                                        required=False, max_length=2000))
        obj.scenarios.set(chosen)
        audit.record(actor=actor, action="retrieval_info_type.create", obj=obj,
                     payload={"code": code, "department": dept.pk, "source": source, "adapter": adapter,
                              "requester_kinds": kinds, "scenarios": [s.code for s in chosen]})
    return obj


def info_type_set_active(*, actor: Any, info_type: Any, active: bool) -> InfoType:
    require(actor, MANAGE)
    with transaction.atomic():
        obj = _ref(InfoType, info_type, field="info_type", label="信息")
        InfoType.objects.filter(pk=obj.pk).update(active=bool(active))
        obj.active = bool(active)
        action = "retrieval_info_type.activate" if active else "retrieval_info_type.deactivate"
        audit.record(actor=actor, action=action, obj=obj)
    return obj


DEFAULT_SCENARIOS = [("housekeeping", "家政服务"), ("gig_work", "灵活用工(平台)"),
                     ("government_project", "政府投资项目"), ("recruitment", "招聘录用")]
_ALL_KINDS = [k.value for k in RequesterKind]
#: (code, name, subject kind, department key, source, adapter, format, requester kinds, scenarios, days, validity)
DEFAULT_TYPES = [
    ("no_criminal_record", "无犯罪记录证明", SubjectKind.PERSON, "police", Source.INTERNAL, "",
     AnswerFormat.CERTIFICATE, [RequesterKind.HOUSEKEEPING, RequesterKind.PLATFORM, RequesterKind.EMPLOYER],
     ["housekeeping", "gig_work", "recruitment"], 3, 90,
     "公安机关出具的本辖区无犯罪记录证明。"),
    ("lawyer_status", "律师执业状态", SubjectKind.PERSON, "justice", Source.EXTERNAL, "lawyer_online",
     AnswerFormat.STATUS, [RequesterKind.PROJECT_OWNER, RequesterKind.EMPLOYER],
     ["government_project", "recruitment"], 1, 30,
     "经“律师在线”系统查询律师执业证状态、执业机构。"),
    ("enterprise_credit", "企业信用记录", SubjectKind.ENTERPRISE, "market", Source.INTERNAL, "",
     AnswerFormat.RECORDS, [RequesterKind.PROJECT_OWNER, RequesterKind.PLATFORM],
     ["government_project", "gig_work"], 3, 30,
     "经营异常名录、严重违法失信名单及行政处罚记录。"),
    ("social_insurance", "社会保险参保状态", SubjectKind.PERSON, "hrss", Source.INTERNAL, "",
     AnswerFormat.STATUS, _ALL_KINDS, ["housekeeping", "gig_work", "government_project", "recruitment"], 2, 30,
     "养老、工伤、失业保险的参保状态与参保单位。"),
    ("health_certificate", "健康证明", SubjectKind.PERSON, "health", Source.INTERNAL, "",
     AnswerFormat.CERTIFICATE, [RequesterKind.HOUSEKEEPING, RequesterKind.EMPLOYER],
     ["housekeeping", "recruitment"], 2, 180,
     "从业人员预防性健康检查合格证明。"),
]


def catalog_install_defaults(*, actor: Any, departments: dict[str, Department]) -> list[InfoType]:
    """The default catalog (idempotent): the four scenarios and five types. ``departments`` maps the owner keys
    ``police``, ``justice``, ``market``, ``hrss`` and ``health`` to departments; a type whose department is not
    given is left out."""
    require(actor, MANAGE)
    for sort, (code, name) in enumerate(DEFAULT_SCENARIOS, start=1):
        if not Scenario.objects.filter(code=code).exists():
            scenario_create(actor=actor, code=code, name=name, sort=sort)
    made = []
    for (code, name, kind, dept_key, source, adapter, fmt, kinds, scenario_codes, days, validity,
         description) in DEFAULT_TYPES:
        existing = InfoType.objects.filter(code=code).first()
        if existing is not None:
            made.append(existing)
            continue
        if dept_key not in departments:
            continue
        made.append(info_type_create(
            actor=actor, code=code, name=name, subject_kind=kind, department=departments[dept_key],
            answer_format=fmt, requester_kinds=[str(k) for k in kinds],
            scenarios=list(Scenario.objects.filter(code__in=scenario_codes)), source=source, adapter=adapter,
            answer_days=days, validity_days=validity, description=description))
    return made


# --- requesters ---------------------------------------------------------------------------------------------

def requester_register(*, actor: Any, credit_code: str, name: str, kind: str, contact: str = "") -> Requester:
    """Register an organization that may ask (by its unified social credit code)."""
    require(actor, MANAGE)
    kind = _choice(kind, RequesterKind, field="kind", label="单位类型")
    code = validate_credit_code(credit_code, field="credit_code")
    name = _text(name, field="name", label="单位名称", max_length=128)
    contact = _text(contact, field="contact", label="联系人", max_length=32, required=False)
    with transaction.atomic():
        enterprise = org_services.enterprise_register(actor=actor, credit_code=code, name=name)
        if Requester.objects.filter(enterprise=enterprise).exists():
            raise Conflict(f"“{enterprise.name}”已登记为申请单位。", field="credit_code", code="duplicate")
        return create_with_status(Requester, actor=actor, initial=RequesterStatus.ACTIVE,
                                  audit_action="requester.register",
                                  audit_payload={"enterprise": enterprise.pk, "kind": kind},
                                  enterprise=enterprise, kind=kind, contact=contact, registered_by=_user(actor))


def requester_suspend(*, actor: Any, requester: Any, reason: str) -> Requester:
    return REQUESTER_WORKFLOW.run(getattr(requester, "pk", requester), "suspend", actor=actor, reason=reason,
                                  payload={"_updates": {"status_reason": str(reason or "").strip()[:500]}})


def requester_reinstate(*, actor: Any, requester: Any, reason: str = "") -> Requester:
    return REQUESTER_WORKFLOW.run(getattr(requester, "pk", requester), "reinstate", actor=actor, reason=reason,
                                  payload={"_updates": {"status_reason": ""}})


# --- requests -----------------------------------------------------------------------------------------------

def _next_number(now: dt.datetime) -> str:
    prefix = f"{NUMBER_PREFIX}{timezone.localdate(now):%Y%m%d}"
    last = (RetrievalRequest.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    return f"{prefix}{(int(last[len(prefix):]) if last else 0) + 1:04d}"


def _types(values: Iterable[Any]) -> list[InfoType]:
    chosen: dict[int, InfoType] = {}
    for value in values or ():
        value = getattr(value, "pk", value)
        key = str(value).strip()
        obj = (InfoType.objects.filter(pk=int(key)).first() if key.isdigit()
               else InfoType.objects.filter(code=key).first())
        if obj is None or not obj.active:
            raise InvalidInput(f"目录中没有可调取的信息“{value}”。", field="info_types", code="unknown_reference")
        chosen[obj.pk] = obj
    if not chosen:
        raise InvalidInput("请选择要调取的信息。", field="info_types", code="required")
    return list(chosen.values())


def consent_link(token: str) -> str:
    return f"{str(conf('SITE_URL')).rstrip('/')}/retrieval/consent/{token}/"


def _send_consent_sms(*, phone: str, request_number: str, requester_name: str, token: str, expires: dt.datetime
                      ) -> None:
    from zhengwu.core import sms

    sms.send(phone=phone, purpose="retrieval.consent",
             text=(f"【政务服务】{requester_name}申请调取您的信息(申请编号 {request_number})。是否同意由您决定,"
                   f"请在 {timezone.localtime(expires):%m月%d日 %H:%M} 前打开 {consent_link(token)} 查看用途与范围。"
                   "如非本人办理,请忽略。"))


def request_create(*, actor: Any, scenario: Any, info_types: Iterable[Any], purpose: str, subject_kind: str,
                   subject_name: str, subject_id_number: str = "", subject_credit_code: str = "",
                   subject_phone: str = "", consent_days: Any = None, requester: Any = None,
                   now: dt.datetime | None = None, notify_subject: bool = True) -> RetrievalRequest:
    """A registered requester asks for named types about a subject for a stated purpose.

    Nothing moves until the subject consents: the items wait, no department sees them, no external system is
    called. The one-time consent link goes by SMS to the subject's phone on record (the phone given here only
    when none is on record) and is never shown to the requester. The raw code is returned on the instance as
    ``issued_code`` (in memory only) for a caller that delivers it some other way.
    """
    require(actor, REQUEST)
    now = now or timezone.now()
    if requester is not None and isinstance(actor, str):
        req = _ref(Requester, requester, field="requester", label="申请单位")
    else:
        req = requester_of(actor)
        if req is None:
            raise Forbidden("您所在的单位尚未登记为信息调取申请单位。", code="not_a_requester")
    if req.status != RequesterStatus.ACTIVE:
        raise Conflict(f"申请单位“{req.name}”已暂停,不能发起调取。", field="requester", code="requester_suspended")
    purpose = _text(purpose, field="purpose", label="调取用途", max_length=500)
    if len(purpose) < 4:
        raise InvalidInput("请具体说明调取用途(至少 4 个字)。", field="purpose", code="too_short")
    sc = _ref(Scenario, scenario if not isinstance(scenario, str) or scenario.isdigit()
              else Scenario.objects.filter(code=scenario).values_list("pk", flat=True).first() or scenario,
              field="scenario", label="应用场景")
    if not sc.active:
        raise InvalidInput(f"应用场景“{sc.name}”已停用。", field="scenario", code="inactive")
    subject_kind = _choice(subject_kind, SubjectKind, field="subject_kind", label="主体类型")
    types = _types(info_types)
    for t in types:
        if t.subject_kind != subject_kind:
            raise InvalidInput(f"“{t.name}”的信息主体是{t.get_subject_kind_display()},与所选主体类型不符。",
                               field="info_types", code="wrong_subject_kind")
        if req.kind not in t.requester_kinds:
            raise InvalidInput(f"“{t.name}”不向{req.get_kind_display()}提供。", field="info_types",
                               code="not_allowed_for_requester")
        if not t.scenarios.filter(pk=sc.pk).exists():
            raise InvalidInput(f"“{t.name}”不适用于“{sc.name}”场景。", field="info_types",
                               code="not_allowed_for_scenario")
    days = _int(consent_days if consent_days not in (None, "") else conf("CONSENT_DAYS_DEFAULT"),
                field="consent_days", label="授权有效期(天)", low=1, high=int(conf("CONSENT_DAYS_MAX")))
    name = _text(subject_name, field="subject_name", label="信息主体名称", max_length=128)
    entered_phone = validate_mobile(subject_phone, field="subject_phone") if str(subject_phone or "").strip() else ""
    token = secrets.token_hex(16)
    code_expires = now + dt.timedelta(hours=int(conf("CONSENT_CODE_HOURS")))
    with transaction.atomic():
        person = enterprise = None
        if subject_kind == SubjectKind.PERSON:
            number = validate_id_card(subject_id_number, field="subject_id_number")
            person = org_services.person_register(actor=actor, name=name, id_number=number, phone=entered_phone,
                                                  audit_event=False)
            phone = person.phone or entered_phone
            subject_index = blind_index(number, purpose=SUBJECT_PURPOSE)
        else:
            code = validate_credit_code(subject_credit_code, field="subject_credit_code")
            enterprise = org_services.enterprise_register(actor=actor, credit_code=code, name=name)
            phone = entered_phone
            subject_index = blind_index(code, purpose=SUBJECT_PURPOSE)
        if not phone:
            raise InvalidInput("请填写信息主体的手机号,用于接收授权短信。", field="subject_phone", code="required")
        request = None
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    request = create_with_status(
                        RetrievalRequest, actor=actor, initial=RequestStatus.AWAITING_CONSENT,
                        audit_action="retrievalrequest.create",
                        audit_payload={"requester": req.pk, "scenario": sc.code, "types": [t.code for t in types],
                                       "purpose": purpose, "subject_kind": subject_kind},
                        number=_next_number(now), requester=req, scenario=sc, purpose=purpose,
                        subject_kind=subject_kind, subject_person=person, subject_enterprise=enterprise,
                        subject_index=subject_index, consent_days=days, created_by=_user(actor), submitted_at=now)
                break
            except IntegrityError:
                continue
        if request is None:
            raise Conflict("申请编号冲突,请重试。", code="concurrent_change")
        for t in types:
            create_with_status(RequestItem, actor=actor, initial=ItemStatus.WAITING,
                               audit_action="requestitem.create", audit_payload={"type": t.code},
                               request=request, info_type=t, department_id=t.department_id)
        create_with_status(Consent, actor=actor, initial=ConsentStatus.PENDING, audit_action="consent.create",
                           audit_payload={"request": request.pk, "phone": mask_phone(phone),
                                          "code_expires_at": code_expires.isoformat()},
                           request=request, purpose=purpose, recipient_name=req.name,
                           recipient_credit_code=req.credit_code, scope=[t.code for t in types], valid_days=days,
                           phone=phone, code_hash=blind_index(token, purpose=CODE_PURPOSE),
                           code_expires_at=code_expires)
        if notify_subject:
            number, requester_name = request.number, req.name
            transaction.on_commit(lambda: _send_consent_sms(phone=phone, request_number=number,
                                                            requester_name=requester_name, token=token,
                                                            expires=code_expires))
    request.issued_code = token
    return request


# --- consent ------------------------------------------------------------------------------------------------

def _consent_by_code(code: str, *, now: dt.datetime, for_update: bool = False) -> Consent:
    """The pending consent of a one-time code; a used, locked, expired or unknown code is a clear refusal."""
    token = str(code or "").strip()
    qs = Consent.objects.select_related("request__requester__enterprise", "request__scenario",
                                        "request__subject_person", "request__subject_enterprise")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    consent = qs.filter(code_hash=blind_index(token, purpose=CODE_PURPOSE)).first() if token else None
    if consent is None:
        raise Gone("授权链接无效或已失效,请核对短信中的链接。", field="code", code="code_unknown")
    if consent.code_used_at is not None or consent.status != ConsentStatus.PENDING:
        raise Conflict(f"该授权链接已使用(当前:{consent.get_status_display()}),不能再次使用。", field="code",
                       code="code_used")
    if consent.locked_at is not None:
        raise Conflict("身份核验失败次数过多,该授权链接已锁定。请联系申请单位重新发起。", field="code",
                       code="code_locked")
    if now > consent.code_expires_at:
        raise Gone("该授权链接已过期,请联系申请单位重新发起。", field="code", code="code_expired")
    return consent


def consent_by_code(*, code: str, now: dt.datetime | None = None) -> Consent:
    """The consent page's read: what the subject is asked to agree to."""
    return _consent_by_code(code, now=now or timezone.now())


def identity_hint(consent: Consent) -> str:
    return (gettext("身份证号码后 4 位") if consent.request.subject_kind == SubjectKind.PERSON
            else gettext("统一社会信用代码后 4 位"))


def _identity_matches(consent: Consent, identity: str) -> bool:
    request = consent.request
    secret = (request.subject_person.id_number if request.subject_person_id
              else request.subject_enterprise.credit_code) or ""
    given = "".join(str(identity or "").split()).upper()
    return len(given) == 4 and secrets.compare_digest(given, secret[-4:].upper())


def consent_decide_by_code(*, code: str, identity: str, decision: str, now: dt.datetime | None = None,
                           schedule_fetch: bool = True) -> RetrievalRequest:
    """The subject decides through the one-time link, after the identity check (the last four characters of
    the ID number or credit code). Five failures lock the link. The code is then used up."""
    now = now or timezone.now()
    if decision not in ("grant", "refuse"):
        raise InvalidInput("请选择同意授权或拒绝。", field="decision", code="bad_choice")
    if not str(identity or "").strip():
        raise InvalidInput("请填写身份核验信息。", field="identity", code="required")
    failure: Exception | None = None
    with transaction.atomic():
        consent = _consent_by_code(code, now=now, for_update=True)
        if not _identity_matches(consent, identity):
            attempts = consent.failed_attempts + 1
            limit = int(conf("CONSENT_MAX_ATTEMPTS"))
            updates: dict[str, Any] = {"failed_attempts": F("failed_attempts") + 1}
            if attempts >= limit:
                updates["locked_at"] = now
            Consent.objects.filter(pk=consent.pk).update(**updates)
            audit.record(actor=LINK_ACTOR, action="consent.identity_failed", obj=consent,
                         payload={"attempts": attempts, "locked": attempts >= limit})
            if attempts >= limit:
                failure = Conflict("身份核验失败次数过多,该授权链接已锁定。请联系申请单位重新发起。", field="code",
                                   code="code_locked")
            else:
                failure = InvalidInput(f"身份核验未通过,还可尝试 {limit - attempts} 次。", field="identity",
                                       code="identity_mismatch")
    if failure is not None:
        # Raised after the block: the failed attempt stays counted.
        raise failure
    return _decide(consent, decision=decision, actor=LINK_ACTOR, channel=ConsentChannel.LINK, now=now,
                   schedule_fetch=schedule_fetch)


def consent_decide_as_subject(*, actor: Any, request: Any, decision: str, now: dt.datetime | None = None,
                              schedule_fetch: bool = True) -> RetrievalRequest:
    """The subject decides from their own account (a citizen whose account is the subject person, or an
    enterprise user of the subject enterprise): no code needed."""
    require(actor, CONSENT)
    now = now or timezone.now()
    if decision not in ("grant", "refuse"):
        raise InvalidInput("请选择同意授权或拒绝。", field="decision", code="bad_choice")
    current = requests_about(actor).filter(pk=getattr(request, "pk", request)).first()
    if current is None:
        raise NotFound("对象不存在或不在您的数据范围内。")
    consent = Consent.objects.select_related("request").get(request=current)
    if consent.status != ConsentStatus.PENDING:
        raise Conflict(f"该申请的授权已{consent.get_status_display()},不能再次决定。", field="decision",
                       code="already_decided")
    return _decide(consent, decision=decision, actor=actor, channel=ConsentChannel.ACCOUNT, now=now,
                   schedule_fetch=schedule_fetch)


def _decide(consent: Consent, *, decision: str, actor: Any, channel: str, now: dt.datetime,
            schedule_fetch: bool) -> RetrievalRequest:
    with transaction.atomic():
        request = RetrievalRequest.objects.select_for_update().get(pk=consent.request_id)
        user = _user(actor)
        common = {"decided_at": now, "channel": channel, "code_used_at": now, "decided_by": user}
        if decision == "grant":
            valid_until = now + dt.timedelta(days=consent.valid_days)
            CONSENT_WORKFLOW.run(consent.pk, "grant", actor=actor, now=now,
                                 payload={"channel": channel, "valid_until": valid_until.isoformat(),
                                          "scope": consent.scope, "_updates": {**common, "valid_until": valid_until}})
            request = REQUEST_WORKFLOW.run(request, "consent", actor=actor, now=now,
                                           payload={"_updates": {"consented_at": now}})
            external = []
            for item in request.items.select_related("info_type", "department").order_by("id"):
                due = calendar.deadline(start=now, working_days=item.info_type.answer_days)
                ITEM_WORKFLOW.run(item, "assign", actor=None, now=now,
                                  payload={"department": item.department_id, "due_at": due.isoformat(),
                                           "_updates": {"assigned_at": now, "due_at": due}})
                if item.info_type.source == Source.EXTERNAL:
                    external.append(item.pk)
                else:
                    notify(department_staff(item.department_id),
                           title=f"新的信息调取:{item.info_type.name}({request.number}),"
                                 f"请于 {timezone.localtime(due):%m-%d} 前答复",
                           url=f"/retrieval/inbox/{item.pk}/", level="blue")
            if external and schedule_fetch:
                transaction.on_commit(lambda: _schedule_fetch(external))
        else:
            CONSENT_WORKFLOW.run(consent.pk, "refuse", actor=actor, now=now,
                                 payload={"channel": channel, "_updates": common})
            request = REQUEST_WORKFLOW.run(request, "refuse", actor=actor, now=now,
                                           payload={"_updates": {"closed_at": now}})
            _cancel_open_items(request, now=now, why="refused")
            notify(requester_users(request.requester), title=f"信息主体拒绝授权:{request.number}",
                   url=f"/retrieval/requests/{request.pk}/", level="red")
    return request


def _schedule_fetch(item_ids: list[int]) -> None:
    from zhengwu.retrieval.tasks import retrieval_fetch_external

    retrieval_fetch_external(item_ids)


def _cancel_open_items(request: RetrievalRequest, *, now: dt.datetime, why: str) -> int:
    n = 0
    for item in request.items.filter(status__in=[ItemStatus.WAITING, ItemStatus.ASSIGNED]).order_by("id"):
        ITEM_WORKFLOW.run(item, "cancel", actor=None, now=now, payload={"why": why})
        n += 1
    return n


def consent_withdraw(*, actor: Any, request: Any, reason: str, now: dt.datetime | None = None
                     ) -> RetrievalRequest:
    """The subject withdraws consent: open items are cancelled, no further answer is accepted and no answer can
    be read any more (their numbers and digests stay)."""
    require(actor, CONSENT)
    now = now or timezone.now()
    reason = _text(reason, field="reason", label="撤回理由", max_length=500)
    with transaction.atomic():
        current = _locked(actor, RetrievalRequest, requests_visible_to, request)
        # A string actor is code acting for the subject (the demo, a withdrawal handed in at the hall).
        if not isinstance(actor, str) and not is_subject(actor, current):
            raise Forbidden("只有信息主体本人可以撤回授权。", code="not_the_subject")
        if current.status not in (RequestStatus.IN_PROGRESS, RequestStatus.DELIVERED):
            raise Conflict(f"申请当前状态为“{current.get_status_display()}”,没有可撤回的授权。", field="reason",
                           code="nothing_to_withdraw")
        consent = Consent.objects.get(request=current)
        CONSENT_WORKFLOW.run(consent, "withdraw", actor=actor, reason=reason, now=now,
                             payload={"_updates": {"withdrawn_at": now, "withdraw_reason": reason}})
        done = REQUEST_WORKFLOW.run(current, "withdraw", actor=actor, reason=reason, now=now,
                                    payload={"_updates": {"closed_at": now}})
        cancelled = _cancel_open_items(done, now=now, why="withdrawn")
        notify(requester_users(done.requester), title=f"信息主体已撤回授权:{done.number}",
               url=f"/retrieval/requests/{done.pk}/", level="red")
        for department_id in set(done.items.filter(assigned_at__isnull=False).values_list("department_id",
                                                                                           flat=True)):
            notify(department_staff(department_id), title=f"信息主体已撤回授权,停止答复:{done.number}",
                   level="grey")
        audit.record(actor=actor, action="retrievalrequest.withdraw_effects", obj=done,
                     payload={"items_cancelled": cancelled})
    return done


def consent_codes_expire(*, now: dt.datetime | None = None) -> int:
    """Requests whose consent link ran out unused end as ``consent_expired``."""
    now = now or timezone.now()
    n = 0
    for consent in Consent.objects.filter(status=ConsentStatus.PENDING, code_expires_at__lt=now).order_by("id"):
        with transaction.atomic():
            CONSENT_WORKFLOW.run(consent.pk, "expire", actor=None, now=now)
            request = REQUEST_WORKFLOW.run(consent.request_id, "expire", actor=None, now=now,
                                           payload={"_updates": {"closed_at": now}})
            _cancel_open_items(request, now=now, why="consent_expired")
            notify(requester_users(request.requester), title=f"信息主体未在期限内授权,申请已终止:{request.number}",
                   url=f"/retrieval/requests/{request.pk}/", level="grey")
        n += 1
    return n

