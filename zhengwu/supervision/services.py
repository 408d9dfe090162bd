"""Writes of supervision.

``flag_raise`` is how every detector (the international indicators, the collusion rules, the small-project
alerts) records a finding: idempotent by fingerprint, and the flag opens or joins its group's case.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from zhengwu.core.crypto import sm3_hex
from zhengwu.core.errors import InvalidInput
from zhengwu.core.workflow import create_with_status
from zhengwu.supervision.choices import CaseStatus, FlagFamily, FlagStatus
from zhengwu.supervision.models import Flag, SupervisionCase
from zhengwu.supervision.workflow import CASE_WORKFLOW, FLAG_WORKFLOW


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

