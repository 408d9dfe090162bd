"""The Open Contracting Data Standard export (OCDS 1.1, compiled releases with the bids extension), DOMAIN.md §10.

One contracting process (one ``ocid``) is one section offered in one tender: a ``TenderSection``. Every row of
the domain after publication hangs off it (registrations, sealed bids, the opening record of the section, the
evaluation, the publicity, the award and its contract), one award and one contract at most, which is the shape
the red-flag indicators read (R024, R025 and R058 skip a process with several active awards). A tender with
several sections is several processes; a failed tender re-run as a new tender is a new process that names the
failed one in ``relatedProcesses`` (``unsuccessfulProcess``). See docs/ocds.md for the field mapping.

Compiled releases are built directly from the current state of the rows (we keep no history of releases to
merge). Everything here is a pure read: no writes, no audit.

Confidentiality (招标投标法 §22; 实施条例 §46; 电子招标投标办法):

* before a section's opening record is published nothing about registrations or bids is exported: no
  ``numberOfTenderers``, no ``tenderers``, no bids, no tenderer parties;
* the bids' evaluation (valid / disqualified) appears once the candidates' publicity is published; before,
  every decrypted bid is ``pending``;
* experts, score sheets and deposits are never exported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.org.roles import ScopeKind
from zhengwu.trading.choices import (
    BidStatus,
    EvaluationMethod,
    OpeningOutcome,
    Procedure,
    PublicityStatus,
    TenderStatus,
)
from zhengwu.trading.models import OpeningRecord, OpeningRow, Tender, TenderSection

SHANGHAI = ZoneInfo("Asia/Shanghai")
CURRENCY = "CNY"
OCDS_VERSION = "1.1"
BIDS_EXTENSION_URL = ("https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
                      "v1.1.5/extension.json")
BIDS_EXTENSION_FILE = Path(__file__).with_name("ocds_bids_extension.json")

DEFAULT_PREFIX = "ocds-zhengwu-"
DEFAULT_PUBLISHER = "区公共资源交易中心"
DEFAULT_PAGE_SIZE = 100

#: our procedure → OCDS ``procurementMethod`` (closed codelist method.csv); ``procurementMethodDetails``
#: carries our code, which is what the red-flag settings key on (per-method thresholds, NPC, EXC)
PROCUREMENT_METHOD = {
    Procedure.OPEN: "open",                         # 公开招标: any interested supplier may bid
    Procedure.INVITED: "selective",                 # 邀请招标: only the invited qualified suppliers
    Procedure.COMPETITIVE_NEGOTIATION: "limited",   # 竞争性谈判: suppliers the purchaser contacts
    Procedure.COMPETITIVE_CONSULTATION: "limited",  # 竞争性磋商
    Procedure.INQUIRY: "limited",                   # 询价
    Procedure.SINGLE_SOURCE: "direct",              # 单一来源采购
    Procedure.AUCTION: "open",                      # 拍卖 (a sale: anyone may bid)
    Procedure.LISTING: "open",                      # 挂牌 (a sale: anyone may bid)
}

#: our evaluation method → OCDS ``awardCriteria`` (open codelist awardCriteria.csv, non-deprecated codes)
AWARD_CRITERIA = {
    EvaluationMethod.COMPREHENSIVE: "ratedCriteria",  # 综合评估法: technical, business and price scores
    EvaluationMethod.LOWEST_PRICE: "priceOnly",       # 经评审的最低投标价法: the lowest qualified price
}

#: the bidder did not open its own bid (revoked) or the platform failed to (failed_other): 电子招标投标办法 §31
#: deems the first 撤销 and the second 撤回 of the bid; either way it was taken out of the competition
WITHDRAWN_AT_OPENING = (BidStatus.REVOKED, BidStatus.FAILED_OTHER)

#: the candidates' publicity has published the evaluation's outcome
PUBLICITY_PUBLIC = (PublicityStatus.PUBLISHED, PublicityStatus.CLOSED)


# --- settings -------------------------------------------------------------------------------------

def ocid_prefix() -> str:
    """``ZHENGWU_OCDS_PREFIX``: a real publisher registers its prefix (``ocds-`` + 6 characters) with the OCP."""
    return getattr(settings, "ZHENGWU_OCDS_PREFIX", None) or DEFAULT_PREFIX


def publisher_name() -> str:
    return getattr(settings, "ZHENGWU_OCDS_PUBLISHER", None) or DEFAULT_PUBLISHER


def page_size() -> int:
    return int(getattr(settings, "ZHENGWU_OCDS_PAGE_SIZE", None) or DEFAULT_PAGE_SIZE)


# --- small conversions ------------------------------------------------------------------------------

def moment(value: dt.datetime) -> str:
    """ISO 8601 in Beijing time to the second: ``2024-03-21T09:30:00+08:00``."""
    return timezone.localtime(value, SHANGHAI).replace(microsecond=0).isoformat()


def day_start(value: dt.date) -> str:
    """A date without a time (a contract's signing day) as the start of that day in Beijing time."""
    return dt.datetime.combine(value, dt.time.min, tzinfo=SHANGHAI).isoformat()


def amount(value: Decimal) -> int | float:
    """Yuan as a JSON number: an integer when there are no fen (exact), else a float (exact to the fen
    below 10^13 yuan, which a double holds to 15 significant digits)."""
    return int(value) if value == value.to_integral_value() else float(value)


def money(value: Decimal) -> dict[str, Any]:
    return {"amount": amount(value), "currency": CURRENCY}


def org_scheme(credit_code: str) -> str:
    """The org-id.guide list of a unified social credit code (统一社会信用代码, GB 32100-2015).

    The register has no list for the code itself. ``CN-SAIC`` (State Administration for Industry and Commerce,
    now SAMR) is the list of the market entities it registers, whose business licences carry the code since the
    2015 三证合一 reform; those codes start with ``9`` (the registration authority 工商). Codes of other
    authorities (``1`` 机构编制 for government bodies, ``5`` 民政, ``Y`` other) are published under ``CN-USCC``,
    which is not in the register: docs/ocds.md says so.
    """
    return "CN-SAIC" if credit_code.startswith("9") else "CN-USCC"


def party_id(credit_code: str) -> str:
    return f"{org_scheme(credit_code)}-{credit_code}"


def process_id(offer: TenderSection) -> str:
    """The local part of the ocid: the tender number and the section number (``GC2024000001-01-1``)."""
    return f"{offer.tender.number}-{offer.section.number}"


def ocid(offer: TenderSection) -> str:
    return f"{ocid_prefix()}{process_id(offer)}"


# --- the compiled release ---------------------------------------------------------------------------

class _Parties:
    """The parties of one release, keyed by id, roles merged in a stable order."""

    ROLE_ORDER = ("buyer", "procuringEntity", "tenderer", "supplier")

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def add(self, *, name: str, credit_code: str, role: str) -> dict[str, str]:
        pid = party_id(credit_code)
        row = self.rows.setdefault(pid, {"id": pid, "name": name,
                                         "identifier": {"scheme": org_scheme(credit_code), "id": credit_code,
                                                        "legalName": name},
                                         "roles": []})
        if role not in row["roles"]:
            row["roles"] = sorted([*row["roles"], role], key=self.ROLE_ORDER.index)
        return {"id": pid, "name": row["name"]}

    def as_list(self) -> list[dict[str, Any]]:
        return list(self.rows.values())


def _control_price(offer: TenderSection) -> Decimal | None:
    """The section's control price; the project's when the project has a single section (as the evaluation)."""
    if offer.section.control_price is not None:
        return offer.section.control_price
    project = offer.tender.project
    return project.control_price if len(project.sections.all()) == 1 else None


def _record_of(offer: TenderSection) -> OpeningRecord | None:
    return next((r for r in offer.tender.opening_records.all() if r.section_id == offer.section_id), None)


def _related(obj: Any, name: str) -> Any:
    """A reverse one-to-one that may be absent (select_related caches the absence)."""
    return getattr(obj, name, None) if obj is not None else None


def compiled_release(offer: TenderSection) -> dict[str, Any]:
    """The OCDS compiled release of one contracting process (one section of one published tender).

    Only JSON types (str, int, float, list, dict): ready for ``json.dumps`` and for a JSON Schema validator.
    """
    tender = offer.tender
    if tender.status == TenderStatus.DRAFT or tender.published_at is None:
        raise Conflict("草稿招标不导出 OCDS。", code="not_published", details={"state": tender.status})
    project, section = tender.project, offer.section
    the_ocid = ocid(offer)
    parties = _Parties()
    item = {"id": "1", "description": section.name}

    buyer = parties.add(name=project.tendering_party_name, credit_code=project.tendering_party_credit_code,
                        role="buyer")
    if project.agent_id is not None:
        procuring = parties.add(name=project.agent.name, credit_code=project.agent.credit_code,
                                role="procuringEntity")
    else:
        procuring = parties.add(name=project.tendering_party_name,
                                credit_code=project.tendering_party_credit_code, role="procuringEntity")

    record = _record_of(offer)
    rows: list[OpeningRow] = list(record.rows.all()) if record and record.outcome == OpeningOutcome.OPENED else []
    evaluation = _related(offer, "evaluation")
    publicity = _related(evaluation, "publicity")
    award = _related(evaluation, "award")
    evaluated = {b.bid_id: b for b in evaluation.bids.all()} if evaluation is not None else {}
    evaluation_public = publicity is not None and publicity.status in PUBLICITY_PUBLIC

    tender_block: dict[str, Any] = {
        "id": process_id(offer),
        "title": f"{project.name} {section}",
        "status": _tender_status(tender, record, award),
        "procuringEntity": procuring,
        "items": [item],
        "procurementMethod": PROCUREMENT_METHOD[project.procedure],
        "procurementMethodDetails": project.procedure,
        "mainProcurementCategory": section.contract_kind,
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": moment(tender.documents_issued_at), "endDate": moment(tender.bid_deadline)},
    }
    if project.description:
        tender_block["description"] = project.description
    control = _control_price(offer)
    if control is not None:
        tender_block["value"] = money(control)
    if evaluation is not None:
        tender_block["awardCriteria"] = AWARD_CRITERIA[evaluation.method]
        tender_block["awardCriteriaDetails"] = evaluation.method

    bids: list[dict[str, Any]] = []
    refs: dict[int, dict[str, str]] = {}
    if record is not None:  # the opening record is published: the number of bids is public
        tender_block["numberOfTenderers"] = record.bid_count
    for row in rows:
        ref = parties.add(name=row.bidder_name, credit_code=row.bidder_credit_code, role="tenderer")
        refs[row.bid_id] = ref
        bid: dict[str, Any] = {"id": str(row.bid.uid), "date": moment(row.bid.received_at),
                               "status": _bid_status(row, evaluated.get(row.bid_id), evaluation_public),
                               "tenderers": [ref]}
        if row.price is not None:
            bid["value"] = money(row.price)
        bids.append(bid)
    if rows:
        tender_block["tenderers"] = list({r["id"]: r for r in refs.values()}.values())

    awards: list[dict[str, Any]] = []
    contracts: list[dict[str, Any]] = []
    if award is not None:
        winner = award.winner
        row = next(r for r in rows if r.bid_id == winner.bid_id)
        supplier = parties.add(name=row.bidder_name, credit_code=row.bidder_credit_code, role="supplier")
        awards.append({"id": f"award-{award.pk}", "title": "中标通知书", "status": "active",
                       "date": moment(award.notice_issued_at), "value": money(award.price),
                       "suppliers": [supplier], "items": [item], "relatedBid": str(winner.bid.uid)})
        contract: dict[str, Any] = {"id": f"contract-{award.pk}", "awardID": f"award-{award.pk}",
                                    "status": "active" if award.contract_signed_on else "pending",
                                    "value": money(award.price), "items": [item]}
        if award.contract_signed_on is not None:
            contract["dateSigned"] = day_start(award.contract_signed_on)
        contracts.append(contract)
    elif evaluation_public:
        first = next((b for b in evaluated.values() if b.rank == 1), None)
        if first is not None:
            awards.append({"id": f"candidates-{publicity.pk}", "title": "第一中标候选人(公示)", "status": "pending",
                           "date": moment(publicity.published_at), "value": money(first.price),
                           "suppliers": [refs[first.bid_id]], "items": [item],
                           "relatedBid": str(first.bid.uid)})

    release: dict[str, Any] = {
        "ocid": the_ocid,
        "id": "",  # below, from the date
        "date": "",
        "tag": ["compiled"],
        "initiationType": "tender",
        "language": "zh",
        "parties": parties.as_list(),
        "buyer": buyer,
        "planning": {"budget": {"id": process_id(offer), "description": _label(project.get_funding_source_display),
                                "amount": money(section.estimate), "project": project.name,
                                "projectID": project.number}},
        "tender": tender_block,
    }
    if bids:
        release["bids"] = {"details": bids}
    if awards:
        release["awards"] = awards
    if contracts:
        release["contracts"] = contracts
    previous = tender.previous
    if previous is not None and any(o.section_id == section.pk for o in previous.tender_sections.all()):
        previous_ocid = f"{ocid_prefix()}{previous.number}-{section.number}"
        release["relatedProcesses"] = [{"id": "1", "relationship": ["unsuccessfulProcess"], "title": previous.title,
                                        "scheme": "ocid", "identifier": previous_ocid}]
    release["date"] = _last_change(tender, record, publicity, award)
    release["id"] = f"{the_ocid}-{release['date']}"
    return release


def _label(display: Any) -> str:
    """A choice's label in the platform's language, whatever language the request asked for."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(display())


def _tender_status(tender: Tender, record: OpeningRecord | None, award: Any) -> str:
    """active while running, complete once awarded, unsuccessful when it failed (流标) or the section had too few
    bids to open; tenderStatus ``cancelled`` is for a tender terminated by the buyer, which we do not model."""
    if award is not None:
        return "complete"
    if tender.status == TenderStatus.FAILED or (record is not None and record.outcome == OpeningOutcome.TOO_FEW_BIDS):
        return "unsuccessful"
    return "active"


def _bid_status(row: OpeningRow, evaluated: Any, evaluation_public: bool) -> str:
    if row.status in WITHDRAWN_AT_OPENING:
        return "withdrawn"
    if evaluated is None or not evaluation_public:
        return "pending"
    return "valid" if evaluated.valid else "disqualified"


def _last_change(tender: Tender, record: OpeningRecord | None, publicity: Any, award: Any) -> str:
    """The latest public moment of the process: publication, the tender's last status change (closing,
    opening, failure), amendments, the opening record, the publicity, the award, the contract."""
    moments = [tender.published_at, tender.status_changed_at]
    moments += [c.issued_at for c in tender.changes.all()]
    if record is not None:
        moments.append(record.published_at)
    if publicity is not None and publicity.status in PUBLICITY_PUBLIC:
        moments += [publicity.published_at, publicity.closed_at]
    if award is not None:
        moments.append(award.notice_issued_at)
    stamps = [moment(m) for m in moments if m is not None]
    if award is not None and award.contract_signed_on is not None:
        stamps.append(day_start(award.contract_signed_on))
    return max(stamps)  # all in +08:00 with the same layout: text order is time order


# --- many processes -----------------------------------------------------------------------------------

def _prefetched(queryset: QuerySet[TenderSection]) -> QuerySet[TenderSection]:
    rows = OpeningRow.objects.select_related("bid").order_by("id")
    records = OpeningRecord.objects.prefetch_related(Prefetch("rows", queryset=rows))
    return (queryset
            .select_related("tender", "tender__project", "tender__project__agent", "tender__previous", "section",
                            "evaluation", "evaluation__publicity", "evaluation__award",
                            "evaluation__award__winner", "evaluation__award__winner__bid")
            .prefetch_related(Prefetch("tender__opening_records", queryset=records), "tender__changes",
                              "tender__previous__tender_sections", "tender__project__sections",
                              "evaluation__bids__bid"))


def _order(queryset: QuerySet[TenderSection]) -> QuerySet[TenderSection]:
    return queryset.order_by("tender__published_at", "tender_id", "section__number")


def releases(queryset: QuerySet[TenderSection] | QuerySet[Tender]) -> Iterator[dict[str, Any]]:
    """The compiled release of every published process in ``queryset`` (sections offered in tenders, or tenders),
    in publication order, read in chunks with their related rows prefetched."""
    if queryset.model is Tender:
        queryset = TenderSection.objects.filter(tender__in=queryset)
    queryset = queryset.exclude(tender__status=TenderStatus.DRAFT).filter(tender__published_at__isnull=False)
    for offer in _prefetched(_order(queryset)).iterator(chunk_size=200):
        yield compiled_release(offer)


def release_package(items: Iterable[dict[str, Any]], *, uri: str, published_date: str | None = None,
                    links: dict[str, str] | None = None) -> dict[str, Any]:
    """A release package (OCDS 1.1, bids extension declared). ``publishedDate`` defaults to the latest release
    date: the package is generated on demand, so its date is that of the last change it contains."""
    listed = list(items)
    dates = [r["date"] for r in listed]
    package: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [BIDS_EXTENSION_URL],
        "publishedDate": published_date or (max(dates) if dates else moment(timezone.now())),
        "publisher": {"name": publisher_name()},
        "releases": listed,
    }
    if links:
        package["links"] = links
    return package


# --- who may export, and which processes --------------------------------------------------------------

def may_export(user: Any) -> bool:
    """The district-wide trading readers (staff, supervisors, the center): the export is public data, but the
    API is theirs for now; an enterprise user is refused (403)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm("trading.view")
                and user.scope == ScopeKind.ALL)


def exportable(*, user: Any = None, year: int | None = None) -> QuerySet[TenderSection]:
    """The processes to export, in publication order: every section of every published tender, optionally those
    published in ``year`` (Beijing time). ``user`` None is the system (the management command)."""
    if user is not None and not may_export(user):
        raise Forbidden("只有交易中心工作人员和监管人员可以导出 OCDS 数据。", code="permission_denied")
    qs = TenderSection.objects.exclude(tender__status=TenderStatus.DRAFT).filter(tender__published_at__isnull=False)
    if year is not None:
        if not 1900 <= year <= 9998:
            raise InvalidInput(f"年份不合法:{year}。", field="year", code="invalid")
        start = dt.datetime(year, 1, 1, tzinfo=SHANGHAI)
        qs = qs.filter(tender__published_at__gte=start, tender__published_at__lt=start.replace(year=year + 1))
    return _order(qs)


# --- validation helpers (pure: the validator itself is the caller's, e.g. jsonschema in the tests) -----------

def merge_patch(target: Any, patch: Any) -> Any:
    """JSON Merge Patch (RFC 7386): how an OCDS extension's release-schema.json applies to the core schema."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@cache
def bids_extension_patch() -> dict[str, Any]:
    """The bids extension's schema patch kept in the project, without its notes (keys starting with ``_``)."""
    data = json.loads(BIDS_EXTENSION_FILE.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def extended_release_schema(core: dict[str, Any]) -> dict[str, Any]:
    """The core release schema with the bids extension applied (a new ``id``, so both can share a registry)."""
    schema = merge_patch(core, bids_extension_patch())
    schema["id"] = "urn:zhengwu:ocds:release-schema+bids"
    return schema
