"""Every write of the fair competition review: the rule list, a review run, keeping a finding.

``fair_review_run`` scans the tender's current text (documents and announcement) with the active rules and
stores a :class:`Review` (the text as reviewed and its SM3 digest). Findings are matched to the earlier ones by
fingerprint (rule, source, clause text): an unchanged clause keeps its finding (and its acceptance), a clause
that is gone resolves its finding, a new or edited clause opens a new one. ``check_publish`` (registered with
trading's publish checks) scans the current text again, so an edit after the last review cannot slip through.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.inputs import acting_user as _user
from zhengwu.core.inputs import choice as _choice
from zhengwu.fairreview import scanner, selectors
from zhengwu.fairreview.choices import Matcher, RuleCategory, Severity
from zhengwu.fairreview.models import Finding, Review, Rule
from zhengwu.trading import services as trading_services

RULE_FIELDS = ("code", "category", "matcher", "pattern", "unless_pattern", "threshold", "contract_kinds", "message",
               "legal_basis", "severity", "active")
MIN_REASON = 5


def _label(actor: Any) -> str:
    if actor is None:
        return audit.SYSTEM_ACTOR
    if isinstance(actor, str):
        return actor[:64]
    return (getattr(actor, "display_name", "") or getattr(actor, "username", "") or str(actor))[:64]


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(f"请填写{label}。", field=field, code="required")
    if len(text) > max_length:
        raise InvalidInput(f"{label}不能超过 {max_length} 个字符。", field=field, code="too_long")
    return text



# --- rules ---------------------------------------------------------------------------------------------------

def _clean_rule(data: dict[str, Any]) -> dict[str, Any]:
    data["code"] = _text(data.get("code"), field="code", label="规则编号", max_length=32).upper()
    data["category"] = _choice(data.get("category"), RuleCategory, "category", "类别", code="invalid_choice")
    data["matcher"] = _choice(data.get("matcher") or Matcher.REGEX, Matcher, "matcher", "匹配方式", code="invalid_choice")
    data["severity"] = _choice(data.get("severity") or Severity.HIGH, Severity, "severity", "严重程度", code="invalid_choice")
    data["pattern"] = str(data.get("pattern") or "").strip()
    data["unless_pattern"] = str(data.get("unless_pattern") or "").strip()
    data["message"] = _text(data.get("message"), field="message", label="提示", max_length=300)
    data["legal_basis"] = _text(data.get("legal_basis"), field="legal_basis", label="依据", max_length=300)
    data["contract_kinds"] = list(data.get("contract_kinds") or [])
    threshold = data.get("threshold")
    data["active"] = bool(data.get("active", True))
    scanner.validate_rule(matcher=data["matcher"], pattern=data["pattern"], unless_pattern=data["unless_pattern"],
                          threshold=threshold, contract_kinds=data["contract_kinds"])
    data["threshold"] = None if threshold in (None, "") else Decimal(str(threshold))
    if data["matcher"] == Matcher.REGEX:
        data["threshold"] = None
    return data


def rule_create(*, actor: Any, **fields: Any) -> Rule:
    """A new rule (validated: the expression compiles and carries the groups its matcher needs)."""
    require(actor, "fairreview.manage_rules")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(f"未知字段:{', '.join(sorted(unknown))}。", field=sorted(unknown)[0], code="unknown")
    data = _clean_rule(dict(fields))
    with transaction.atomic():
        if Rule.objects.filter(code=data["code"]).exists():
            raise InvalidInput(f"规则编号 {data['code']} 已存在。", field="code", code="duplicate")
        rule = Rule.objects.create(**data)
        audit.record(actor=actor, action="fairreview.rule_create", obj=rule,
                     payload={k: str(v) if isinstance(v, Decimal) else v for k, v in data.items()})
    return rule


def rule_update(*, actor: Any, rule: Rule, **changes: Any) -> Rule:
    """Change a rule; the code of a rule that has findings stays (the findings name it)."""
    require(actor, "fairreview.manage_rules")
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(f"未知字段:{', '.join(sorted(unknown))}。", field=sorted(unknown)[0], code="unknown")
    data = _clean_rule({**{f: getattr(rule, f) for f in RULE_FIELDS}, **changes})
    with transaction.atomic():
        current = Rule.objects.select_for_update().get(pk=rule.pk)
        if data["code"] != current.code:
            if Rule.objects.filter(code=data["code"]).exclude(pk=rule.pk).exists():
                raise InvalidInput(f"规则编号 {data['code']} 已存在。", field="code", code="duplicate")
        changed = {f: v for f, v in data.items() if getattr(current, f) != v}
        if changed:
            Rule.objects.filter(pk=rule.pk).update(**changed)
        for f, v in data.items():
            setattr(rule, f, v)
        audit.record(actor=actor, action="fairreview.rule_update", obj=rule,
                     payload={"changes": {k: str(v) if isinstance(v, Decimal) else v for k, v in changed.items()}})
    return rule


# --- reviews -------------------------------------------------------------------------------------------------

def fair_review_run(*, actor: Any, tender: Any, now: dt.datetime | None = None) -> Review:
    """Review the tender's current documents and announcement; store the run and reconcile the findings."""
    require(actor, "fairreview.run_review")
    return review_texts(actor=actor, tender=tender, texts=selectors.texts_of(tender), now=now)


def documents_revise(*, actor: Any, tender: Any, documents_text: str, now: dt.datetime | None = None) -> Review:
    """Replace a draft's documents text (through trading's service) and review the new text, in one transaction."""
    require(actor, "fairreview.run_review")
    with transaction.atomic():
        trading_services.tender_documents_update(actor=actor, tender=tender, documents_text=documents_text)
        return fair_review_run(actor=actor, tender=tender, now=now)


def review_texts(*, actor: Any, tender: Any, texts: dict[str, str], now: dt.datetime | None = None) -> Review:
    """Review the given texts of the tender (the current ones, or for the demo the drafts of a tender that is
    already out). The caller has checked the permission."""
    now = now or timezone.now()
    estimate, kinds = selectors.tender_scope(tender)
    hits = selectors.scan_texts(texts, rules=selectors.active_rules(), estimate=estimate, contract_kinds=kinds)
    with transaction.atomic():
        existing = {f.fingerprint: f for f in Finding.objects.select_for_update().filter(tender=tender)}
        review = Review.objects.create(
            tender=tender, digest=selectors.digest_of(texts), documents_text=texts.get("documents_text", ""),
            announcement=texts.get("announcement", ""), estimate=estimate, reviewed_at=now,
            reviewed_by=_user(actor), reviewed_by_label=_label(actor))
        seen: set[str] = set()
        created = []
        for source, fp, hit in hits:
            seen.add(fp)
            fields = dict(source=source, clause_start=hit.clause_start, clause_end=hit.clause_end,
                          match_start=hit.match_start, match_end=hit.match_end, clause=hit.clause,
                          excerpt=hit.excerpt, detail=hit.detail[:300], last_review=review)
            row = existing.get(fp)
            if row is None:
                created.append(Finding(tender=tender, rule=hit.rule, fingerprint=fp, first_review=review, **fields))
            else:
                Finding.objects.filter(pk=row.pk).update(resolved_at=None, resolved_by_review=None, **fields)
        Finding.objects.bulk_create(created)
        gone = [f.pk for fp, f in existing.items() if fp not in seen and f.resolved_at is None]
        Finding.objects.filter(pk__in=gone).update(resolved_at=now, resolved_by_review=review)
        accepted = {fp for fp, f in existing.items() if f.accepted_at is not None}
        review.found = len(hits)
        review.new = len(created)
        review.resolved = len(gone)
        review.open = sum(1 for _, fp, _ in hits if fp not in accepted)
        review.save(update_fields=["found", "new", "resolved", "open"])
        audit.record(actor=actor, action="fairreview.review", obj=review,
                     payload={"tender": tender.number, "digest": review.digest, "found": review.found,
                              "new": review.new, "resolved": review.resolved, "open": review.open,
                              "rules": sorted({hit.rule_code for _, _, hit in hits})})
    return review


def finding_accept(*, actor: Any, finding: Finding, reason: str, now: dt.datetime | None = None) -> Finding:
    """A reviewer keeps a finding with a written reason (e.g. the brand is named for compatibility with the
    installed system). Only an open finding can be kept; the acceptance holds while the clause is unchanged."""
    require(actor, "fairreview.accept_finding")
    reason = _text(reason, field="reason", label="保留理由", max_length=2000)
    if len(reason) < MIN_REASON:
        raise InvalidInput(f"保留理由至少 {MIN_REASON} 个字,请写明为何该条款不排斥、限制竞争。", field="reason",
                           code="too_short")
    now = now or timezone.now()
    with transaction.atomic():
        current = Finding.objects.select_for_update().select_related("rule", "tender").get(pk=finding.pk)
        if current.resolved_at is not None:
            raise Conflict("该问题已因修改招标文件而消除,无需保留。", code="finding_resolved")
        if current.accepted_at is not None:
            raise Conflict("该问题已由他人说明理由保留。", code="finding_accepted")
        Finding.objects.filter(pk=current.pk).update(accepted_at=now, accepted_by=_user(actor),
                                                     accepted_by_label=_label(actor), accept_reason=reason)
        audit.record(actor=actor, action="fairreview.finding_accept", obj=current, reason=reason,
                     payload={"tender": current.tender.number, "rule": current.rule.code,
                              "excerpt": current.excerpt, "fingerprint": current.fingerprint})
    finding.accepted_at, finding.accepted_by, finding.accept_reason = now, _user(actor), reason
    finding.accepted_by_label = _label(actor)
    return finding


# --- the publish check ---------------------------------------------------------------------------------------

def check_publish(tender: Any) -> None:
    """Trading's publish check: refuse while the current text has findings nobody accepted."""
    open_ = selectors.open_findings_now(tender)
    if not open_:
        return
    listed = ";".join(f"{f['rule']} {f['message']}(“{f['excerpt']}”)" for f in open_[:3])
    more = f" 等 {len(open_)} 项" if len(open_) > 3 else ""
    raise InvalidInput(
        f"招标文件未通过公平竞争审查:{listed}{more}。请修改招标文件后重新审查,或由审查人员说明理由保留后再发布。",
        field="documents_text", code="fair_review_open_findings", details={"findings": open_})
