"""Every write of the evaluation domain."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.crypto import sm3_hex
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.evaluation import indicators, scoring
from zhengwu.evaluation.choices import Direction, Grouping, Method, PublicationStatus, SuggestionStatus
from zhengwu.evaluation.models import Indicator, Publication, Scheme, SchemeRule, SchemeVersion, Suggestion
from zhengwu.evaluation.workflow import PUBLICATION_WORKFLOW, SUGGESTION_WORKFLOW


def _decimal(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(f"{field} 必须是数字。", field=field, code="not_a_number") from None


def rules_validate(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check a scheme's rules; each refusal names the field (``rules[i].weight`` …) and the rule."""
    by_code = {i.code: i for i in Indicator.objects.filter(is_active=True)}
    if not rules:
        raise InvalidInput("方案至少包含一项指标。", field="rules", code="required")
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, rule in enumerate(rules):
        where = f"rules[{n}]"
        code = rule.get("indicator")
        if code not in by_code:
            raise InvalidInput(f"未知指标:{code}。", field=f"{where}.indicator", code="unknown_indicator")
        if code in seen:
            raise InvalidInput(f"指标 {code} 重复。", field=f"{where}.indicator", code="duplicate_indicator")
        seen.add(code)
        weight = _decimal(rule.get("weight"), f"{where}.weight")
        if weight is None or weight <= 0:
            raise InvalidInput("权重必须大于 0。", field=f"{where}.weight", code="bad_weight")
        method = rule.get("method")
        if method not in Method.values:
            raise InvalidInput("赋分方法只能是排名赋分、阈值线性或目标达成。", field=f"{where}.method", code="bad_choice")
        step, floor, target = (_decimal(rule.get(k), f"{where}.{k}") for k in ("step", "floor", "target"))
        higher = by_code[code].direction == Direction.HIGHER
        if method == Method.RANK and (step is None or step <= 0):
            raise InvalidInput("排名赋分须设定每降一名的扣分(大于 0)。", field=f"{where}.step", code="required")
        if method == Method.THRESHOLD:
            if floor is None or target is None:
                raise InvalidInput("阈值线性须设定零分值和满分值。", field=f"{where}.target", code="required")
            if higher and target <= floor:
                raise InvalidInput(f"“{by_code[code].name}”越高越好,满分值({target})必须高于零分值({floor})。",
                                   field=f"{where}.target", code="target_below_floor")
            if not higher and target >= floor:
                raise InvalidInput(f"“{by_code[code].name}”越低越好,满分值({target})必须低于零分值({floor})。",
                                   field=f"{where}.target", code="target_above_floor")
        if method == Method.TARGET and (target is None or target < 0):
            raise InvalidInput("目标达成须设定目标值(不小于 0)。", field=f"{where}.target", code="required")
        clean.append({"indicator": by_code[code], "weight": weight, "method": method, "step": step,
                      "floor": floor, "target": target})
    total = sum(r["weight"] for r in clean)
    if total != 100:
        raise InvalidInput(f"各指标权重之和必须为 100,当前为 {total}。", field="rules", code="weights_not_100")
    return clean


def _version_digest(rules: list[dict[str, Any]]) -> str:
    body = [{"indicator": r["indicator"].code, **{k: str(r[k]) for k in ("weight", "method", "step", "floor",
                                                                          "target")}} for r in rules]
    return sm3_hex(json.dumps(body, sort_keys=True).encode())


def scheme_create(*, actor: Any, name: str, rules: list[dict[str, Any]], grouping: str = Grouping.DEPARTMENT,
                  note: str = "") -> SchemeVersion:
    require(actor, "evaluation.manage_schemes")
    if not name.strip():
        raise InvalidInput("方案名称不能为空。", field="name", code="required")
    if grouping not in Grouping.values:
        raise InvalidInput("评价对象只能是部门或乡镇(街道)。", field="grouping", code="bad_choice")
    clean = rules_validate(rules)
    try:
        with transaction.atomic():
            scheme = Scheme.objects.create(name=name.strip(), grouping=grouping)
            version = _write_version(actor=actor, scheme=scheme, number=1, rules=clean, note=note or "初始版本")
    except IntegrityError:
        raise Conflict(f"方案“{name}”已存在。", field="name", code="duplicate") from None
    return version


def scheme_revise(*, actor: Any, scheme: Scheme, rules: list[dict[str, Any]], note: str) -> SchemeVersion:
    """Editing a scheme writes a new version; results already computed keep the version that scored them."""
    require(actor, "evaluation.manage_schemes")
    clean = rules_validate(rules)
    with transaction.atomic():
        current = Scheme.objects.select_for_update().get(pk=scheme.pk).versions.order_by("-number").first()
        return _write_version(actor=actor, scheme=scheme, number=(current.number if current else 0) + 1,
                              rules=clean, note=note)


def _write_version(*, actor: Any, scheme: Scheme, number: int, rules: list[dict[str, Any]], note: str
                   ) -> SchemeVersion:
    version = SchemeVersion.objects.create(scheme=scheme, number=number, note=note, digest=_version_digest(rules),
                                           created_by=actor if not isinstance(actor, str) else None)
    SchemeRule.objects.bulk_create([SchemeRule(version=version, **r) for r in rules])
    audit.record(actor=actor, action="scheme.version", obj=version,
                 payload={"scheme": scheme.name, "number": number, "digest": version.digest})
    return version


def rules_of(version: SchemeVersion) -> list[scoring.Rule]:
    return [scoring.Rule(indicator=r.indicator.code, direction=r.indicator.direction, weight=r.weight,
                         method=r.method, step=r.step, floor=r.floor, target=r.target)
            for r in version.rules.select_related("indicator")]


def ranking(*, version: SchemeVersion, start: date, end: date, source: indicators.Source = "rollup"
            ) -> tuple[dict[Any, dict[str, indicators.Value]], list[scoring.GroupResult]]:
    """Values and scored ranking of every group for the period under one scheme version."""
    rule_list = rules_of(version)
    codes = {r.indicator for r in rule_list}
    wanted = [i for i in Indicator.objects.filter(code__in=codes)]
    values = indicators.indicator_values(start=start, end=end, group=version.scheme.grouping, source=source,
                                         indicators=wanted)
    return values, scoring.score(values, rule_list)


def _group_names(grouping: str, ids: list[Any]) -> dict[Any, str]:
    from zhengwu.org.models import Department, Region

    model = Department if grouping == Grouping.DEPARTMENT else Region
    return {pk: str(obj) for pk, obj in model.objects.in_bulk(ids).items()}


def snapshot(*, version: SchemeVersion, start: date, end: date) -> dict[str, Any]:
    values, results = ranking(version=version, start=start, end=end)
    names = _group_names(version.scheme.grouping, [r.group_id for r in results])
    return {
        "scheme": version.scheme.name, "scheme_version": version.number, "scheme_digest": version.digest,
        "grouping": version.scheme.grouping, "period": [start.isoformat(), end.isoformat()],
        "rows": [{
            "group_id": r.group_id, "name": names.get(r.group_id, str(r.group_id)), "rank": r.rank,
            "total": str(r.total),
            "scores": {k: (None if v is None else str(v)) for k, v in r.scores.items()},
            "values": {k: {"numerator": str(v.numerator), "denominator": str(v.denominator),
                           "percent": None if v.percent is None else str(v.percent)}
                       for k, v in values[r.group_id].items()},
        } for r in results],
    }


def freeze(publication: Publication) -> tuple[dict[str, Any], str]:
    payload = snapshot(version=publication.scheme_version, start=publication.period_start,
                       end=publication.period_end)
    digest = sm3_hex(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())
    return payload, digest


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def publication_prepare(*, actor: Any, scheme: Scheme, week_start: date) -> Publication:
    """The draft of a week's publication (the Monday job prepares last week's; a person publishes it)."""
    require(actor, "evaluation.publish")
    if week_start.weekday() != 0:
        raise InvalidInput("晾晒周须从星期一开始。", field="week_start", code="not_monday")
    version = scheme.current
    if version is None:
        raise InvalidInput("方案还没有版本。", field="scheme", code="no_version")
    existing = Publication.objects.filter(week_start=week_start, grouping=scheme.grouping).first()
    if existing is not None:
        if existing.status == PublicationStatus.PUBLISHED:
            raise Conflict(f"{week_start:%Y-%m-%d} 这一周已经晾晒,不能重复发布。", field="week_start",
                           code="already_published")
        return existing
    end = week_start + timedelta(days=6)
    payload = snapshot(version=version, start=week_start, end=end)
    try:
        return create_with_status(Publication, actor=actor, initial=PublicationStatus.DRAFT,
                                  audit_action="publication.prepare", audit_payload={"week": week_start.isoformat()},
                                  scheme_version=version, week_start=week_start, period_start=week_start,
                                  period_end=end, grouping=scheme.grouping, payload=payload)
    except IntegrityError:
        raise Conflict("这一周的晾晒已经生成。", field="week_start", code="duplicate") from None


def publication_publish(*, actor: Any, publication: Publication | int, now: datetime | None = None) -> Publication:
    return PUBLICATION_WORKFLOW.run(publication, "publish", actor=actor, now=now)


def suggestion_submit(*, actor: Any, department: Any, title: str, content: str, indicator: Indicator | None = None,
                      submitted_at: datetime | None = None) -> Suggestion:
    require(actor, "evaluation.suggest")
    if not title.strip():
        raise InvalidInput("标题不能为空。", field="title", code="required")
    if not content.strip():
        raise InvalidInput("建议内容不能为空。", field="content", code="required")
    if not isinstance(actor, str) and actor.department_id and actor.department_id != department.pk:
        raise InvalidInput("只能以本部门名义提出建议。", field="department", code="not_own_department")
    return create_with_status(Suggestion, actor=actor, initial=SuggestionStatus.SUBMITTED,
                              audit_action="suggestion.submit", audit_payload={"title": title},
                              department=department, title=title.strip(), content=content.strip(),
                              indicator=indicator, submitted_at=submitted_at or timezone.now(),
                              submitted_by=actor if not isinstance(actor, str) else None)


def suggestion_decide(*, actor: Any, suggestion: Suggestion | int, adopt: bool, reason: str,
                      now: datetime | None = None) -> Suggestion:
    return SUGGESTION_WORKFLOW.run(suggestion, "adopt" if adopt else "decline", actor=actor, reason=reason, now=now)


def indicators_ensure_defaults() -> int:
    """Create the default nine indicators (idempotent; also run by the data migration)."""
    created = 0
    for number, code, name, direction, description in indicators.DEFAULT_INDICATORS:
        _, was_created = Indicator.objects.get_or_create(
            code=code, defaults={"number": number, "name": name, "formula": code, "direction": direction,
                                 "unit": "%", "description": description})
        created += was_created
    return created
