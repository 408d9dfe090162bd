"""Every read of the fair competition review. A tender is reached through trading's selectors, so a tender
outside the user's scope is a 404 here too."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from zhengwu.core.crypto import sm3_hex
from zhengwu.core.permissions import require
from zhengwu.fairreview import scanner
from zhengwu.fairreview.choices import Source
from zhengwu.fairreview.models import Finding, Review, Rule
from zhengwu.trading import selectors as trading_selectors

SOURCES = (Source.DOCUMENTS, Source.ANNOUNCEMENT)


def rules_visible_to(user: Any) -> QuerySet[Rule]:
    if isinstance(user, str) or (user is not None and user.has_perm("fairreview.view")) \
            or (user is not None and user.has_perm("fairreview.manage_rules")):
        return Rule.objects.all()
    return Rule.objects.none()


def rule_get(*, user: Any, pk: int) -> Rule:
    from zhengwu.core.permissions import get_visible

    return get_visible(rules_visible_to(user), pk=pk)


def active_rules() -> list[Rule]:
    return list(Rule.objects.filter(active=True).order_by("code"))


def tender_get(*, user: Any, pk: int) -> Any:
    """A tender the user may see and review (403 without the review's read permission, 404 outside scope)."""
    require(user, "fairreview.view")
    return trading_selectors.tender_get(user=user, pk=pk)


def reviews_visible_to(user: Any) -> QuerySet[Review]:
    if isinstance(user, str):
        return Review.objects.all()
    if user is None or not user.has_perm("fairreview.view"):
        return Review.objects.none()
    return Review.objects.filter(tender__in=trading_selectors.tenders_visible_to(user))


def findings_visible_to(user: Any) -> QuerySet[Finding]:
    if isinstance(user, str):
        return Finding.objects.all()
    if user is None or not user.has_perm("fairreview.view"):
        return Finding.objects.none()
    return Finding.objects.filter(tender__in=trading_selectors.tenders_visible_to(user))


def finding_get(*, user: Any, pk: int) -> Finding:
    from zhengwu.core.permissions import get_visible

    return get_visible(findings_visible_to(user).select_related("rule", "tender"), pk=pk)


def findings_of(tender: Any) -> QuerySet[Finding]:
    return Finding.objects.filter(tender=tender).select_related("rule", "accepted_by").order_by(
        "resolved_at", "source", "clause_start", "rule__code")


def reviews_of(tender: Any) -> QuerySet[Review]:
    return Review.objects.filter(tender=tender).select_related("reviewed_by").order_by("-reviewed_at", "-id")


def latest_review(tender: Any) -> Review | None:
    return reviews_of(tender).first()


def tender_scope(tender: Any) -> tuple[Decimal | None, list[str]]:
    """The estimate the amount rules compare with (the largest section of the tender: the most lenient reading)
    and the contract kinds of its sections."""
    offers = list(tender.tender_sections.select_related("section"))
    estimates = [o.section.estimate for o in offers if o.section.estimate is not None]
    return (max(estimates) if estimates else None), sorted({o.section.contract_kind for o in offers})


def texts_of(tender: Any) -> dict[str, str]:
    return {Source.DOCUMENTS: tender.documents_text or "", Source.ANNOUNCEMENT: tender.announcement or ""}


def digest_of(texts: dict[str, str]) -> str:
    canonical = "\x1e".join(f"{source}\x1f{texts.get(source, '')}" for source in SOURCES)
    return sm3_hex(canonical.encode("utf-8"))


def scan_texts(texts: dict[str, str], *, rules: list[Rule], estimate: Decimal | None,
               contract_kinds: list[str] | None) -> list[tuple[str, str, scanner.Finding]]:
    """``(source, fingerprint, finding)`` for every finding of the texts."""
    out = []
    for source in SOURCES:
        found = scanner.scan(texts.get(source, ""), rules, estimate=estimate, contract_kinds=contract_kinds)
        out.extend((source, fp, f) for fp, f in scanner.fingerprints(found, source=source))
    return out


def current_scan(tender: Any) -> list[tuple[str, str, scanner.Finding]]:
    """The findings of the tender's current text (what the publish check looks at)."""
    estimate, kinds = tender_scope(tender)
    return scan_texts(texts_of(tender), rules=active_rules(), estimate=estimate, contract_kinds=kinds)


def accepted_fingerprints(tender: Any) -> set[str]:
    return set(Finding.objects.filter(tender=tender, accepted_at__isnull=False).values_list("fingerprint", flat=True))


def open_findings_now(tender: Any) -> list[dict[str, Any]]:
    """The current text's findings nobody accepted, as plain data (for the publish check's error details)."""
    texts = texts_of(tender)
    if not any(t.strip() for t in texts.values()):
        return []
    hits = current_scan(tender)
    accepted = accepted_fingerprints(tender) if hits else set()
    return [{"rule": f.rule_code, "category": f.rule.category, "source": source, "message": f.rule.message,
             "legal_basis": f.rule.legal_basis, "excerpt": f.excerpt, "clause": f.clause, "detail": f.detail,
             "clause_start": f.clause_start, "clause_end": f.clause_end}
            for source, fp, f in hits if fp not in accepted]


def finding_counts(tender: Any) -> dict[str, int]:
    rows = list(Finding.objects.filter(tender=tender).values_list("accepted_at", "resolved_at"))
    return {"open": sum(1 for a, r in rows if a is None and r is None),
            "accepted": sum(1 for a, r in rows if a is not None and r is None),
            "resolved": sum(1 for _, r in rows if r is not None)}
