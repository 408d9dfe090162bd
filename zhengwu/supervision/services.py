"""Writes of supervision.

``flag_raise`` is how every detector (the international indicators, the collusion rules, the small-project
alerts) records a finding: idempotent by fingerprint, and the flag opens or joins its group's case.
A flag ends in a decision (``flag_decide``: confirm or dismiss, with a reason) or becomes a clue
(``flag_to_clue``). Clues (``clue_register``, ``clue_transition``) also come from inspections
(``inspection_to_clue``), complaints and other departments.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from zhengwu.core.crypto import sm3_hex
from zhengwu.core import audit
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.core.inputs import clean_text as _text
from zhengwu.supervision.choices import CaseStatus, ClueSource, ClueStatus, FlagFamily, FlagStatus, InspectionResult
from zhengwu.supervision.models import Clue, Flag, Inspection, InspectionCampaign, SupervisionCase
from zhengwu.supervision.workflow import CASE_WORKFLOW, CLUE_WORKFLOW, FLAG_WORKFLOW, clue_deadline_days, stage_deadline


def fingerprint(*, rule: str, subject: models.Model, key: Any = None) -> str:
    """The identity of a finding: the rule, the subject and what the rule matched (e.g. the bids' ids)."""
    body = json.dumps([rule, subject._meta.label_lower, subject.pk, key], sort_keys=True, default=str,
                      ensure_ascii=False)
    return sm3_hex(body.encode())


def case_for(*, group_key: str, title: str, project: Any = None, actor: Any,
             now: dt.datetime) -> SupervisionCase:
    """The open case of ``group_key``, opened now if there is none."""
    case = SupervisionCase.objects.filter(group_key=group_key, status=CaseStatus.OPEN).first()
    if case is not None:
        return case
    try:
        with transaction.atomic():
            case = create_with_status(SupervisionCase, actor=actor, initial=CaseStatus.OPEN,
                                      audit_action="supervisioncase.open", audit_payload={"group": group_key},
                                      number=f"tmp-{group_key}"[:32], group_key=group_key, title=title[:200],
                                      project=project, opened_at=now)
    except IntegrityError:  # opened meanwhile by a concurrent detector
        return SupervisionCase.objects.get(group_key=group_key, status=CaseStatus.OPEN)
    case.number = f"JG{timezone.localtime(now):%Y}-{case.pk:06d}"
    SupervisionCase.objects.filter(pk=case.pk).update(number=case.number)
    return case


def flag_raise(*, actor: Any, rule: str, family: str, subject: models.Model, title: str,
               evidence: dict[str, Any], key: Any = None, value: float | None = None,
               project: Any = None, tender_section: Any = None, enterprises: Iterable[Any] = (),
               group_key: str = "", group_title: str = "", now: dt.datetime | None = None) -> tuple[Flag, bool]:
    """Record one finding; return ``(flag, created)``. The same finding again returns the existing flag.

    ``key`` is what the rule matched (it enters the fingerprint); ``group_key`` chooses the case (by default the
    trading project, else the subject)."""
    if family not in FlagFamily.values:
        raise InvalidInput(f"未知的预警类别:{family}。", field="family", code="unknown_family")
    if not rule:
        raise InvalidInput("规则代码不能为空。", field="rule", code="required")
    now = now or timezone.now()
    print_ = fingerprint(rule=rule, subject=subject, key=key)
    existing = Flag.objects.filter(fingerprint=print_).first()
    if existing is not None:
        return existing, False
    if not group_key:
        group_key = (f"trading.project:{project.pk}" if project is not None
                     else f"{subject._meta.label_lower}:{subject.pk}")
    with transaction.atomic():
        case = case_for(group_key=group_key, title=group_title or str(project or subject), project=project,
                        actor=actor, now=now)
        try:
            with transaction.atomic():
                flag = create_with_status(
                    Flag, actor=actor, initial=FlagStatus.OPEN, audit_action="flag.raise",
                    audit_payload={"rule": rule, "subject": f"{subject._meta.label_lower}:{subject.pk}",
                                   "case": case.number},
                    family=family, rule=rule, fingerprint=print_,
                    subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk,
                    subject_label=str(subject)[:200], title=title[:200], value=value, evidence=evidence,
                    case=case, project=project, tender_section=tender_section, detected_at=now)
        except IntegrityError:  # raised meanwhile by a concurrent run
            return Flag.objects.get(fingerprint=print_), False
        ids = [getattr(e, "pk", e) for e in enterprises]
        if ids:
            flag.enterprises.set(ids)
    return flag, True


def flag_decide(*, actor: Any, flag: Flag | int, action: str, reason: str,
                now: dt.datetime | None = None) -> Flag:
    """Confirm or dismiss a flag (a reason is required for both). Turning it into a clue: ``flag_to_clue``."""
    if action not in ("confirm", "dismiss"):
        raise InvalidInput("处理方式应为 confirm 或 dismiss。", field="action", code="unknown_action")
    return FLAG_WORKFLOW.run(flag, action, actor=actor, reason=reason, now=now)


def case_close(*, actor: Any, case: SupervisionCase | int, conclusion: str,
               now: dt.datetime | None = None) -> SupervisionCase:
    return CASE_WORKFLOW.run(case, "close", actor=actor, reason=conclusion, now=now)



# --- clues -----------------------------------------------------------------------------------------------

def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def clue_register(*, actor: Any, source: str, description: str, source_reference: str = "",
                  project: Any = None, enterprise: Any = None, handler: Any = None, flag: Flag | None = None,
                  case: SupervisionCase | None = None, inspection: Inspection | None = None,
                  now: dt.datetime | None = None) -> Clue:
    """Register a violation clue (线索登记) with its source; the investigation is due in the configured
    working days."""
    require(actor, "supervision.handle_clue")
    if source not in ClueSource.values:
        raise InvalidInput(f"未知的线索来源:{source}。", field="source", code="unknown_source")
    description = _text(description, field="description", label="线索内容")
    source_reference = (source_reference or "").strip()
    if len(source_reference) > 200:
        raise InvalidInput("来源依据不能超过 200 字。", field="source_reference", code="too_long")
    if source in (ClueSource.COMPLAINT, ClueSource.DEPARTMENT) and not source_reference:
        label = "投诉举报编号或来信摘要" if source == ClueSource.COMPLAINT else "移送函文号"
        raise InvalidInput(f"请填写{label}。", field="source_reference", code="required")
    if project is None and enterprise is None and flag is None:
        raise InvalidInput("请至少指明涉及的交易项目或企业。", field="project", code="subject_required")
    now = now or timezone.now()
    due, warn = stage_deadline(start=now, working_days=clue_deadline_days()["registered"])
    with transaction.atomic():
        clue = create_with_status(
            Clue, actor=actor, initial=ClueStatus.REGISTERED, audit_action="clue.register",
            audit_payload={"source": source, "reference": source_reference,
                           "flag": getattr(flag, "pk", None), "inspection": getattr(inspection, "pk", None)},
            number=f"tmp-{uuid.uuid4().hex}"[:32], source=source,
            source_reference=source_reference, flag=flag, case=case, inspection=inspection, project=project,
            enterprise=enterprise, description=description, handler=handler or _user_or_none(actor),
            registered_at=now, due_at=due, warn_at=warn)
        clue.number = f"XS{timezone.localtime(now):%Y}-{clue.pk:06d}"
        Clue.objects.filter(pk=clue.pk).update(number=clue.number)
    return clue


def flag_to_clue(*, actor: Any, flag: Flag | int, reason: str, description: str = "", handler: Any = None,
                 now: dt.datetime | None = None) -> Clue:
    """Turn a flag into a clue (转为线索): the to_clue transition and the clue (source red flag, linked to the
    flag and its case) in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        flag = FLAG_WORKFLOW.run(flag, "to_clue", actor=actor, reason=reason, now=now)
        enterprise = flag.enterprises.order_by("pk").first()
        text = (description or "").strip() or f"{flag.title}\n{flag.subject_label}\n{reason.strip()}"
        return clue_register(actor=actor, source=ClueSource.RED_FLAG, description=text,
                             source_reference=f"{flag.get_family_display()} {flag.rule} #{flag.pk}"[:200],
                             project=flag.project, enterprise=enterprise, handler=handler, flag=flag,
                             case=flag.case, now=now)


#: the stage actions a caller may run by name (``conclude``/``close`` are the two conclusions)
CLUE_ACTIONS = tuple(CLUE_WORKFLOW.transitions)


def clue_transition(*, actor: Any, clue: Clue | int, action: str, reason: str, days: int | None = None,
                    version: int | None = None, now: dt.datetime | None = None) -> Clue:
    """Move a clue to its next stage; ``reason`` is the text of the stage (investigation findings, the decision,
    the rectification requirement, the verification). ``days``: the rectification period in working days."""
    payload = {"days": days} if action == "require_rectification" and days is not None else None
    return CLUE_WORKFLOW.run(clue, action, actor=actor, reason=reason, payload=payload, now=now,
                             expected_version=version if not isinstance(clue, Clue) else None)


def clue_conclude(*, actor: Any, clue: Clue | int, substantiated: bool, decision: str,
                  now: dt.datetime | None = None) -> Clue:
    """The conclusion: substantiated (rectification follows) or not (the clue is closed)."""
    return clue_transition(actor=actor, clue=clue, action="conclude" if substantiated else "close",
                           reason=decision, now=now)


# --- inspections -----------------------------------------------------------------------------------------

def campaign_create(*, actor: Any, name: str, period_start: dt.date, period_end: dt.date,
                    scope: str = "") -> InspectionCampaign:
    require(actor, "supervision.inspect")
    name = _text(name, field="name", label="排查名称", max_length=200)
    if period_start is None:
        raise InvalidInput("请填写开始日期。", field="period_start", code="required")
    if period_end is None:
        raise InvalidInput("请填写结束日期。", field="period_end", code="required")
    if period_end < period_start:
        raise InvalidInput("结束日期不能早于开始日期。", field="period_end", code="period_reversed")
    with transaction.atomic():
        campaign = InspectionCampaign.objects.create(name=name, period_start=period_start, period_end=period_end,
                                                     scope=(scope or "").strip(), created_by=_user_or_none(actor))
        audit.record(actor=actor, action="inspectioncampaign.create", obj=campaign,
                     payload={"name": name, "from": period_start.isoformat(), "to": period_end.isoformat()})
    return campaign


def inspection_record(*, actor: Any, campaign: InspectionCampaign, project: Any, inspected_on: dt.date,
                      result: str, findings: str = "", inspector: Any = None) -> Inspection:
    """Record that ``project`` (a trading project, finished or running) was checked in ``campaign``."""
    require(actor, "supervision.inspect")
    if result not in InspectionResult.values:
        raise InvalidInput(f"未知的排查结果:{result}。", field="result", code="unknown_result")
    findings = (findings or "").strip()
    if result == InspectionResult.PROBLEMS_FOUND and not findings:
        raise InvalidInput("发现问题时请填写问题描述。", field="findings", code="required")
    if inspected_on is None:
        raise InvalidInput("请填写排查日期。", field="inspected_on", code="required")
    if not campaign.period_start <= inspected_on <= campaign.period_end:
        raise InvalidInput(f"排查日期应在排查期间({campaign.period_start} 至 {campaign.period_end})内。",
                           field="inspected_on", code="outside_period")
    if not project.tenders.exclude(status="draft").exists():
        raise InvalidInput("只能排查已经发布招标(正在进行或已经完成)的项目。", field="project",
                           code="project_not_started")
    if Inspection.objects.filter(campaign=campaign, project=project).exists():
        raise Conflict(f"项目 {project.number} 已在本次排查中登记。", code="already_inspected")
    with transaction.atomic():
        inspection = Inspection.objects.create(campaign=campaign, project=project, inspected_on=inspected_on,
                                               result=result, findings=findings,
                                               inspector=inspector or _user_or_none(actor))
        audit.record(actor=actor, action="inspection.record", obj=inspection,
                     payload={"campaign": campaign.pk, "project": project.number, "result": result})
    return inspection


def inspection_to_clue(*, actor: Any, inspection: Inspection, description: str = "", enterprise: Any = None,
                       handler: Any = None, now: dt.datetime | None = None) -> Clue:
    """A finding of an inspection becomes a clue (source: inspection)."""
    if inspection.result != InspectionResult.PROBLEMS_FOUND:
        raise Conflict("未发现问题的排查不能转为线索。", code="no_problem_found")
    text = (description or "").strip() or inspection.findings
    return clue_register(actor=actor, source=ClueSource.INSPECTION, description=text,
                         source_reference=f"{inspection.campaign.name} · {inspection.project.number}"[:200],
                         project=inspection.project, enterprise=enterprise, handler=handler, inspection=inspection,
                         now=now)
