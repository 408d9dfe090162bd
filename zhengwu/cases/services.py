"""Every write of the cases domain."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.cases import deadlines
from zhengwu.cases.choices import ONLINE_CHANNELS, ApplicantKind, CaseStatus, Channel, ItemType, Level
from zhengwu.cases.models import Case, ServiceItem
from zhengwu.cases.workflow import CASE_WORKFLOW
from zhengwu.core import audit
from zhengwu.core.crypto import sm3_hex, verify_hmac
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.org import services as org_services
from zhengwu.org.models import Department, Region, RegionLevel

ITEM_FIELDS = ("name", "item_type", "statutory_limit", "promised_limit", "acceptance_limit", "level_district",
               "level_township", "level_village", "online_capable", "village_assisted", "enterprise_related",
               "applicant_kinds", "materials", "is_active")
MAX_LIMIT = 365


def item_validate(*, data: dict[str, Any]) -> None:
    """The catalog's rules, each refusal naming the field (shared by the form, the API and the import)."""
    if not str(data.get("code", "x")).strip():
        raise InvalidInput("事项编码不能为空。", field="code", code="required")
    if "name" in data and not str(data["name"]).strip():
        raise InvalidInput("事项名称不能为空。", field="name", code="required")
    if "item_type" in data and data["item_type"] not in ItemType.values:
        raise InvalidInput(f"未知的事项类型:{data['item_type']}。", field="item_type", code="bad_choice")
    for name in ("statutory_limit", "promised_limit", "acceptance_limit"):
        if name in data:
            value = data[name]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_LIMIT:
                raise InvalidInput(f"时限必须是 0 到 {MAX_LIMIT} 之间的整数(工作日)。", field=name,
                                   code="bad_limit")
    if "statutory_limit" in data and "promised_limit" in data and data["promised_limit"] > data["statutory_limit"]:
        raise InvalidInput(
            f"承诺时限({data['promised_limit']}个工作日)不能超过法定时限({data['statutory_limit']}个工作日)。",
            field="promised_limit", code="promised_above_statutory")
    if not any(data.get(k, k == "level_district") for k in ("level_district", "level_township", "level_village")):
        raise InvalidInput("至少选择一个办理层级。", field="level_district", code="required")
    if "applicant_kinds" in data and data["applicant_kinds"] not in ("person", "enterprise", "both"):
        raise InvalidInput("服务对象只能是自然人、法人或两者。", field="applicant_kinds", code="bad_choice")
    materials = data.get("materials", [])
    if not isinstance(materials, list) or not all(isinstance(m, str) and m.strip() for m in materials):
        raise InvalidInput("申请材料必须是非空文字的列表。", field="materials", code="bad_materials")


def item_create(*, actor: Any, code: str, department: Department, **fields: Any) -> ServiceItem:
    require(actor, "cases.manage_items")
    data = {"code": code, **fields}
    item_validate(data=data)
    if ServiceItem.objects.filter(code=code).exists():
        raise Conflict(f"事项编码 {code} 已存在。", field="code", code="duplicate")
    with transaction.atomic():
        item = ServiceItem.objects.create(code=code, department=department, **fields)
        audit.record(actor=actor, action="service_item.create", obj=item,
                     payload={"code": code, "statutory": item.statutory_limit, "promised": item.promised_limit})
    return item


def item_update(*, actor: Any, item: ServiceItem, **fields: Any) -> ServiceItem:
    require(actor, "cases.manage_items")
    unknown = set(fields) - set(ITEM_FIELDS) - {"department"}
    if unknown:
        raise InvalidInput(f"不能修改字段:{', '.join(sorted(unknown))}。", field=sorted(unknown)[0], code="readonly")
    merged = {name: getattr(item, name) for name in ITEM_FIELDS} | fields
    item_validate(data=merged)
    changes = {k: v for k, v in fields.items() if getattr(item, k) != v}
    with transaction.atomic():
        for name, value in fields.items():
            setattr(item, name, value)
        item.save()
        audit.record(actor=actor, action="service_item.update", obj=item,
                     payload={k: (v.pk if hasattr(v, "pk") else v) for k, v in changes.items()})
    return item


def _resolve_applicant(*, actor: Any, item: ServiceItem, applicant_kind: str, applicant_name: str,
                       id_number: str, phone: str, credit_code: str) -> dict[str, Any]:
    if applicant_kind not in ApplicantKind.values:
        raise InvalidInput("申请人类型只能是自然人或法人。", field="applicant_kind", code="bad_choice")
    if item.applicant_kinds not in ("both", applicant_kind):
        raise InvalidInput(f"事项“{item.name}”不面向{ApplicantKind(applicant_kind).label}。", field="applicant_kind",
                           code="applicant_kind_not_allowed")
    if not applicant_name.strip():
        raise InvalidInput("申请人姓名或名称不能为空。", field="applicant_name", code="required")
    if applicant_kind == ApplicantKind.PERSON:
        if not id_number:
            raise InvalidInput("自然人申请须填写身份证号。", field="id_number", code="required")
        person = org_services.person_register(actor=actor, name=applicant_name, id_number=id_number, phone=phone,
                                              audit_event=False)
        return {"applicant_person": person}
    if not credit_code:
        raise InvalidInput("法人申请须填写统一社会信用代码。", field="credit_code", code="required")
    enterprise = org_services.enterprise_register(actor=actor, credit_code=credit_code, name=applicant_name)
    return {"applicant_enterprise": enterprise}


def _resolve_place(*, item: ServiceItem, level: str, channel: str, township: Region | None,
                   village: Region | None, actor: Any) -> dict[str, Any]:
    if channel not in Channel.values:
        raise InvalidInput(f"未知的收件渠道:{channel}。", field="channel", code="bad_choice")
    if level not in Level.values:
        raise InvalidInput(f"未知的办理层级:{level}。", field="level", code="bad_choice")
    if channel in ONLINE_CHANNELS and not item.online_capable:
        raise InvalidInput(f"事项“{item.name}”不支持网上办理。", field="channel", code="not_online")
    if channel == Channel.AGENT:
        level = Level.VILLAGE
    if level not in item.levels:
        raise InvalidInput(f"事项“{item.name}”不能在{Level(level).label}办理。", field="level",
                           code="level_not_allowed")
    if village is not None:
        if village.level != RegionLevel.VILLAGE:
            raise InvalidInput("村(社区)不正确。", field="village", code="bad_region")
        township = village.parent
    if township is not None and township.level != RegionLevel.TOWNSHIP:
        raise InvalidInput("乡镇(街道)不正确。", field="township", code="bad_region")
    if level == Level.VILLAGE and village is None:
        raise InvalidInput("村级办理须指明村(社区)。", field="village", code="required")
    if level == Level.TOWNSHIP and township is None:
        raise InvalidInput("乡镇级办理须指明乡镇(街道)。", field="township", code="required")
    agent = actor if channel == Channel.AGENT and getattr(actor, "role", "") == "village_agent" else None
    if channel == Channel.AGENT and agent is None:
        raise InvalidInput("村级代办渠道须由代办员提交。", field="channel", code="agent_required")
    return {"level": level, "township": township, "village": village, "agent": agent}


def tracking_digest(number: str, code: str) -> str:
    return sm3_hex(f"{number}:{code}".encode())


def case_receive(*, actor: Any, item: ServiceItem, channel: str, applicant_kind: str, applicant_name: str,
                 id_number: str = "", phone: str = "", credit_code: str = "", level: str = Level.DISTRICT,
                 township: Region | None = None, village: Region | None = None,
                 received_at: datetime | None = None) -> tuple[Case, str]:
    """Receive a case (收件). Returns the case and its one-time tracking code for the receipt."""
    require(actor, "cases.receive")
    if not item.is_active:
        raise InvalidInput(f"事项“{item.name}”已停用。", field="item", code="item_inactive")
    place = _resolve_place(item=item, level=level, channel=channel, township=township, village=village, actor=actor)
    received_at = received_at or timezone.now()
    clock_on = deadlines.local_date(received_at)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        applicant = _resolve_applicant(actor=actor, item=item, applicant_kind=applicant_kind,
                                       applicant_name=applicant_name, id_number=id_number, phone=phone,
                                       credit_code=credit_code)
        placeholder = f"tmp-{secrets.token_hex(12)}"
        case = create_with_status(
            Case, actor=actor, initial=CaseStatus.RECEIVED, audit_action="case.receive",
            audit_payload={"item": item.code, "channel": channel,
                     "applicant": {k: v.pk for k, v in applicant.items()}},
            number=placeholder, item=item, department_id=item.department_id, channel=channel,
            applicant_kind=applicant_kind, applicant_name=applicant_name.strip(), received_at=received_at,
            acceptance_clock_on=clock_on,
            acceptance_deadline=deadlines.acceptance_deadline(clock_on=clock_on,
                                                              acceptance_limit=item.acceptance_limit),
            received_by=actor if not isinstance(actor, str) else None, **place, **applicant,
        )
        case.number = f"{clock_on:%Y%m%d}{case.pk:010d}"
        case.tracking_digest = tracking_digest(case.number, code)
        Case.objects.filter(pk=case.pk).update(number=case.number, tracking_digest=case.tracking_digest)
    return case, code


def case_transition(*, actor: Any, case: Case | int, action: str, reason: str = "",
                    payload: dict[str, Any] | None = None, now: datetime | None = None,
                    expected_version: int | None = None) -> Case:
    """Run one transition of the case table (the API and the web call this, nothing else)."""
    return CASE_WORKFLOW.run(case, action, actor=actor, reason=reason, payload=payload, now=now,
                             expected_version=expected_version)


def case_track(*, number: str, code: str) -> Case:
    """The public progress page: the case number and its verification code, nothing personal."""
    from zhengwu.core.errors import NotFound

    case = Case.objects.select_related("item", "department").filter(number=(number or "").strip()).first()
    if case is None or not code or not verify_hmac(bytes.fromhex(case.tracking_digest or "00"),
                                                   bytes.fromhex(tracking_digest(case.number, code.strip()))):
        raise NotFound("办件编号或查询码不正确。", code="tracking_failed")
    return case


def cases_deem_accepted(*, now: datetime | None = None) -> int:
    """Cases whose acceptance limit passed without a decision count as accepted on the receipt day."""
    now = now or timezone.now()
    done = 0
    for pk in Case.objects.filter(status=CaseStatus.RECEIVED, acceptance_deadline__lt=now).values_list("pk",
                                                                                                      flat=True):
        try:
            CASE_WORKFLOW.run(pk, "deem_accept", actor=None, now=now)
            done += 1
        except Conflict:
            continue  # moved meanwhile
    return done
