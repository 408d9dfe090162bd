"""The international red-flag indicators over our own trading data.

``indicators_over_trading`` feeds the OCDS compiled releases of our tender sections (``zhengwu.trading.ocds``)
into the Cardinal engine (``zhengwu.supervision.cardinal``) and returns Cardinal's output.
``raise_international_flags`` turns each result into a supervision Flag (family INTERNATIONAL, rule = the
indicator's code): an OCID result flags the TenderSection of that ocid, a Tenderer / Buyer / ProcuringEntity
result flags the org.Enterprise whose unified social credit code is in the party id (``CN-SAIC-<code>``). The
evidence holds the value, the definition in Chinese and the facts used (bids, amounts, dates). Raising is
idempotent: the same finding again creates nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhengwu.org.models import Enterprise
from zhengwu.supervision.cardinal import Extractor, Settings
from zhengwu.supervision.cardinal.definitions import GROUP_LABELS, INDICATORS
from zhengwu.supervision.choices import FlagFamily
from zhengwu.supervision.services import flag_raise
from zhengwu.trading import ocds
from zhengwu.trading.choices import Procedure
from zhengwu.trading.models import TenderSection

#: processes listed in an organization's evidence at most (the most recent last)
EVIDENCE_PROCESSES = 50


def default_settings() -> Settings:
    """Every indicator with Cardinal's defaults, in yuan; single-source purchases have no price competition."""
    return Settings.all_enabled(currency=ocds.CURRENCY, no_price_comparison=Procedure.SINGLE_SOURCE)


def _sections(sections: QuerySet[TenderSection] | None) -> QuerySet[TenderSection]:
    return sections if sections is not None else TenderSection.objects.all()


def indicators_over_trading(*, sections: QuerySet[TenderSection] | None = None,
                            settings: Settings | None = None) -> dict[str, Any]:
    """Cardinal's output over the compiled releases of ``sections`` (default: every published section)."""
    settings = settings or default_settings()
    return Extractor(settings).run(ocds.releases(_sections(sections))).finalize(settings)


# --- facts for the evidence -------------------------------------------------------------------------------

def _process_facts(release: dict[str, Any]) -> dict[str, Any]:
    tender = release.get("tender", {})
    names = {p["id"]: p.get("name", "") for p in release.get("parties", [])}
    bids = [{"tenderer": (b.get("tenderers") or [{}])[0].get("id"),
             "name": names.get((b.get("tenderers") or [{}])[0].get("id"), ""),
             "status": b.get("status"), "amount": (b.get("value") or {}).get("amount"), "date": b.get("date")}
            for b in release.get("bids", {}).get("details", [])]
    awards = [{"status": a.get("status"), "suppliers": [s.get("id") for s in a.get("suppliers", [])],
               "amount": (a.get("value") or {}).get("amount"), "date": a.get("date")}
              for a in release.get("awards", [])]
    return {"ocid": release["ocid"], "title": tender.get("title", ""),
            "procurementMethod": tender.get("procurementMethod"),
            "procurementMethodDetails": tender.get("procurementMethodDetails"),
            "numberOfTenderers": tender.get("numberOfTenderers"), "tenderPeriod": tender.get("tenderPeriod"),
            "currency": ocds.CURRENCY, "bids": bids, "awards": awards}


def _party_ids(release: dict[str, Any]) -> set[str]:
    ids = {b["tenderers"][0]["id"] for b in release.get("bids", {}).get("details", []) if b.get("tenderers")}
    ids.update(s["id"] for a in release.get("awards", []) for s in a.get("suppliers", []))
    ids.update(x["id"] for x in (release.get("buyer"), release.get("tender", {}).get("procuringEntity")) if x)
    return ids


def _credit_code(party: str) -> str:
    return party.rsplit("-", 1)[-1]


# --- raising flags ------------------------------------------------------------------------------------------

def raise_international_flags(*, actor: Any, result: dict[str, Any], now: dt.datetime | None = None,
                              sections: QuerySet[TenderSection] | None = None) -> int:
    """One Flag per result of ``result`` (Cardinal's output over ``sections``); returns the number created.

    Results whose subject is not in our data (an ocid of another publisher, a party that is not a registered
    enterprise, e.g. a government buyer) are skipped."""
    now = now or timezone.now()
    offers: dict[str, TenderSection] = {}
    processes: dict[str, dict[str, Any]] = {}
    by_party: dict[str, list[str]] = {}
    queryset = _sections(sections).select_related("tender", "tender__project", "section")
    wanted = {ocid_ for ocid_ in result.get("OCID", {})}
    parties = {p for group in ("Buyer", "ProcuringEntity", "Tenderer") for p in result.get(group, {})}
    if wanted or parties:
        for offer in queryset:
            offers[ocds.ocid(offer)] = offer
        for release in ocds.releases(_sections(sections)):
            involved = _party_ids(release) & parties
            if release["ocid"] in wanted or involved:
                processes[release["ocid"]] = _process_facts(release)
            for party in involved:
                by_party.setdefault(party, []).append(release["ocid"])
    enterprises = {e.credit_code: e for e in
                   Enterprise.objects.filter(credit_code__in={_credit_code(p) for p in parties | _tenderers(result)})}
    created = 0

    for the_ocid, codes in result.get("OCID", {}).items():
        offer = offers.get(the_ocid)
        if offer is None:
            continue
        facts = processes.get(the_ocid, {})
        for code, value in codes.items():
            flagged = _flagged_here(code, facts, result.get("Tenderer", {}))
            involved = [enterprises[_credit_code(p)] for p in flagged if _credit_code(p) in enterprises]
            _flag, new = flag_raise(
                actor=actor, rule=code, family=FlagFamily.INTERNATIONAL, subject=offer,
                title=f"{code} {INDICATORS[code][0]}:{offer.tender.project.name} {offer.section}",
                evidence=_evidence(code, value, "OCID", the_ocid, facts=facts, tenderers=flagged),
                value=value, project=offer.tender.project, tender_section=offer, enterprises=involved, now=now)
            created += new

    for group in ("Buyer", "ProcuringEntity", "Tenderer"):
        for party, codes in result.get(group, {}).items():
            enterprise = enterprises.get(_credit_code(party))
            if enterprise is None:
                continue
            ocids = by_party.get(party, [])[-EVIDENCE_PROCESSES:]
            for code, value in codes.items():
                _flag, new = flag_raise(
                    actor=actor, rule=code, family=FlagFamily.INTERNATIONAL, subject=enterprise, key=group,
                    title=f"{code} {INDICATORS[code][0]}:{enterprise.name}({GROUP_LABELS[group]})",
                    evidence=_evidence(code, value, group, party,
                                       processes=[processes[o] for o in ocids if o in processes]),
                    value=value, enterprises=[enterprise], now=now)
                created += new
    return created


def _flagged_here(code: str, facts: dict[str, Any], tenderers: dict[str, dict[str, float]]) -> list[str]:
    """The tenderers of this process that the indicator flagged because of it (R028: those sharing a price)."""
    bids = facts.get("bids", [])
    bidders = list(dict.fromkeys(b["tenderer"] for b in bids if b["tenderer"]))
    if code == "R028":
        by_price: dict[Any, set[str]] = {}
        for b in bids:
            if b["amount"] is not None and b["status"] not in ("invited", "withdrawn"):
                by_price.setdefault(b["amount"], set()).add(b["tenderer"])
        shared = set().union(*(ids for ids in by_price.values() if len(ids) > 1))
        return [p for p in bidders if p in shared]
    return [p for p in bidders if code in tenderers.get(p, {})]


def _tenderers(result: dict[str, Any]) -> set[str]:
    return set(result.get("Tenderer", {}))


def _evidence(code: str, value: float, group: str, subject: str, **facts: Any) -> dict[str, Any]:
    name_zh, name_en, definition = INDICATORS[code]
    return {"indicator": code, "name": name_zh, "name_en": name_en, "definition": definition, "value": value,
            "group": group, "group_label": GROUP_LABELS[group], "subject": subject, "source": "cardinal-rs 0.0.8",
            **facts}
