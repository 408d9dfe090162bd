"""Run the collusion rules over the trading tables and raise flags (DOMAIN.md §11, 实施条例 §34 §40).

The rows are loaded with a handful of ``values()`` queries (bids, deposits, enterprise relations, awards;
no query per bid), the rules in :mod:`zhengwu.supervision.collusion` run on them in memory, and every
finding goes through ``supervision.services.flag_raise`` (family COLLUSION), which is idempotent: running
detection twice raises nothing twice.

Subjects: the TenderSection for a finding on one section; the Tender for one across sections of a tender
(the same agent or project manager in two sections); for rotating winners the org.Enterprise of the group's
first member (by id), the case grouping the group's flags under ``collusion.rotation:<ids>``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Iterable

from django.db.models import QuerySet
from django.utils import timezone

from zhengwu.org.models import Enterprise, EnterpriseRelation
from zhengwu.supervision import collusion
from zhengwu.supervision.choices import FlagFamily
from zhengwu.supervision.collusion import CHUNK_TENDERS
from zhengwu.supervision.services import flag_raise
from zhengwu.trading.choices import BidStatus
from zhengwu.trading.models import Award, Bid, Deposit, Tender, TenderSection

BID_VALUES = {
    "id": "id", "status": "status", "price": "price", "machine_code": "machine_code",
    "file_creator_id": "file_creator_id", "pricing_key": "pricing_key", "upload_ip": "upload_ip",
    "project_manager_name": "project_manager_name", "project_manager_certificate": "project_manager_certificate",
    "agent_name": "agent_name", "agent_id_index": "agent_id_index", "text_signature": "text_signature",
    "section_id": "registration__tender_section_id", "tender_id": "registration__tender_section__tender_id",
    "bidder_id": "registration__enterprise_id",
}




def _scoped(qs: QuerySet, path: str, sections: Any) -> QuerySet:
    """``qs`` limited to ``sections`` (a TenderSection queryset, used as a subquery, or ids / objects)."""
    if sections is None:
        return qs
    if isinstance(sections, QuerySet):
        return qs.filter(**{f"{path}__in": sections.values("pk")})
    return qs.filter(**{f"{path}__in": [getattr(s, "pk", s) for s in sections]})


def tender_ids(*, sections: Any = None) -> list[int]:
    """The tenders with a bid in scope, in id order."""
    return sorted(set(_scoped(Bid.objects.all(), "registration__tender_section", sections)
                      .values_list("registration__tender_section__tender_id", flat=True)))


def load_rows(*, sections: Any = None, tenders: list[int] | None = None) -> dict[str, list[dict[str, Any]]]:
    """The rows the section rules read for ``tenders`` (all by default) within ``sections``: bids, deposits,
    the bidders' relations. Three queries."""
    bids_qs = _scoped(Bid.objects.all(), "registration__tender_section", sections)
    deposits_qs = _scoped(Deposit.objects.exclude(payer_account_number=""), "registration__tender_section",
                          sections)
    if tenders is not None:
        bids_qs = bids_qs.filter(registration__tender_section__tender_id__in=tenders)
        deposits_qs = deposits_qs.filter(registration__tender_section__tender_id__in=tenders)
    bids = []
    for row in bids_qs.order_by("id").values(*BID_VALUES.values()):
        item = {name: row[column] for name, column in BID_VALUES.items()}
        item["opened"] = item["status"] == BidStatus.OPENED
        bids.append(item)
    deposits = [{"section_id": r["registration__tender_section_id"], "bidder_id": r["registration__enterprise_id"],
                 "account": r["payer_account_number"]}
                for r in deposits_qs.values("registration__tender_section_id", "registration__enterprise_id",
                                            "payer_account_number")]
    bidder_ids = sorted({b["bidder_id"] for b in bids})
    relations = list(EnterpriseRelation.objects.filter(enterprise_id__in=bidder_ids).values(
        "enterprise_id", "role", "person_id", "related_enterprise_id"))
    return {"bids": bids, "deposits": deposits, "relations": relations}


def load_awards(*, sections: Any = None) -> list[dict[str, Any]]:
    """The awarded sections with their winner and the bidders whose bids were opened. Two queries."""
    opened: dict[int, set[int]] = {}
    for section_id, bidder_id in (_scoped(Bid.objects.filter(status=BidStatus.OPENED), "registration__tender_section",
                                          sections)
                                  .values_list("registration__tender_section_id", "registration__enterprise_id")):
        opened.setdefault(section_id, set()).add(bidder_id)
    awards = _scoped(Award.objects.all(), "evaluation__tender_section", sections)
    return [{"section_id": section_id, "winner_id": winner_id, "bidders": sorted(opened.get(section_id, ()))}
            for section_id, winner_id in awards.values_list("evaluation__tender_section_id",
                                                            "winner__bid__registration__enterprise_id")]


def _title(finding: collusion.Finding, where: str) -> str:
    return f"{collusion.TITLES[finding.rule]}:{where}"


def _raise(*, actor: Any, finding: collusion.Finding, offers: dict[int, TenderSection], tenders: dict[int, Tender],
           enterprises: dict[int, Enterprise], now: dt.datetime) -> bool:
    evidence = dict(finding.evidence)
    evidence["bidder_names"] = {str(i): enterprises[i].name for i in finding.bidder_ids if i in enterprises}
    common = {"actor": actor, "rule": finding.rule, "family": FlagFamily.COLLUSION, "evidence": evidence,
              "key": finding.key, "value": finding.value, "enterprises": finding.bidder_ids, "now": now}
    if finding.section_id is not None:
        offer = offers[finding.section_id]
        _, created = flag_raise(subject=offer, title=_title(finding, str(offer)), project=offer.tender.project,
                                tender_section=offer, **common)
    elif finding.tender_id is not None:
        tender = tenders[finding.tender_id]
        _, created = flag_raise(subject=tender, title=_title(finding, tender.number), project=tender.project,
                                **common)
    else:  # a group of bidders across tenders
        first = enterprises[finding.bidder_ids[0]]
        names = "、".join(enterprises[i].name for i in finding.bidder_ids if i in enterprises)
        group = "-".join(str(i) for i in finding.bidder_ids)
        _, created = flag_raise(subject=first, title=_title(finding, names), group_key=f"collusion.rotation:{group}",
                                group_title=f"{collusion.TITLES[finding.rule]}:{names}", **common)
    return created


def _raise_all(*, actor: Any, findings: list[collusion.Finding], now: dt.datetime, raised: Counter[str]) -> None:
    offers = TenderSection.objects.select_related("tender__project", "section").in_bulk(
        {f.section_id for f in findings if f.section_id is not None})
    tenders = Tender.objects.select_related("project").in_bulk(
        {f.tender_id for f in findings if f.section_id is None and f.tender_id is not None})
    enterprises = Enterprise.objects.in_bulk({i for f in findings for i in f.bidder_ids})
    for finding in findings:
        if _raise(actor=actor, finding=finding, offers=offers, tenders=tenders, enterprises=enterprises, now=now):
            raised[finding.rule] += 1


def detect_collusion(*, actor: Any, sections: Any = None, now: dt.datetime | None = None,
                     conf: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run every collusion rule over ``sections`` (a TenderSection queryset, or sections or their ids; all by
    default) and raise a flag per finding. The section rules run over ``CHUNK_TENDERS`` whole tenders at a time,
    rotating winners over all the awarded sections at once.

    Returns ``{"rules": {rule: {"found": n, "raised": m}}, "bids", "sections", "found", "raised"}``."""
    now = now or timezone.now()
    settings = collusion.settings_for(conf)
    found: Counter[str] = Counter()
    raised: Counter[str] = Counter()
    bids = 0
    section_ids: set[int] = set()
    ids = tender_ids(sections=sections)
    for start in range(0, len(ids), CHUNK_TENDERS):
        rows = load_rows(sections=sections, tenders=ids[start:start + CHUNK_TENDERS])
        bids += len(rows["bids"])
        section_ids.update(b["section_id"] for b in rows["bids"])
        by_rule = collusion.run_section_rules(bids=rows["bids"], deposits=rows["deposits"],
                                              relations=rows["relations"], conf=settings)
        findings = [f for rule in collusion.SECTION_RULES for f in by_rule[rule]]
        found.update(f.rule for f in findings)
        _raise_all(actor=actor, findings=findings, now=now, raised=raised)
    rotating = collusion.rotating_winners(load_awards(sections=sections), min_group=settings["rotation_min_group"],
                                          min_sections=settings["rotation_min_sections"],
                                          max_group=settings["rotation_max_group"])
    found.update(f.rule for f in rotating)
    _raise_all(actor=actor, findings=rotating, now=now, raised=raised)
    return {"rules": {rule: {"found": found[rule], "raised": raised[rule]} for rule in collusion.RULES},
            "bids": bids, "sections": len(section_ids), "found": sum(found.values()), "raised": sum(raised.values())}


def sections_of_year(year: int) -> Iterable[int]:
    """The tender sections whose tender's bid deadline falls in ``year`` (Asia/Shanghai)."""
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    return TenderSection.objects.filter(tender__bid_deadline__gte=start, tender__bid_deadline__lt=end)
