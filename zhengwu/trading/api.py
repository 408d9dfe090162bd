"""The trading API: projects, sections, tenders and their changes and objections, bidders, deposits, rules.

Each endpoint parses, calls one service or selector, and renders; refusals are AppErrors in the
platform's one error format ({code, message, field, details}).
"""

import base64
import binascii

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhengwu.core.errors import InvalidInput
from zhengwu.core.paging import mapped
from zhengwu.core.permissions import require
from zhengwu.core.middleware import client_ip, received_at
from zhengwu.core.schemas import ErrorOut
from zhengwu.org.models import Department
from zhengwu.org.selectors import enterprises_visible_to
from zhengwu.trading import selectors, services, services_bids, services_deposits
from zhengwu.trading.api_award import router as award_router
from zhengwu.trading.api_evaluation import router as evaluation_router
from zhengwu.trading.api_experts import router as experts_router
from zhengwu.trading.api_sessions import router as sessions_router
from zhengwu.trading.api_ocds import router as ocds_router
from zhengwu.trading.models import (
    Bid,
    BidderRegistration,
    CustodianKey,
    Deposit,
    Objection,
    OpeningRecord,
    Project,
    Tender,
)
from zhengwu.trading.rules import CATALOG
from zhengwu.trading.schemas import (
    AmendmentIn,
    AnswerIn,
    BatchOut,
    BidContentIn,
    BidOut,
    BidUploadIn,
    BidWithdrawIn,
    ChangeOut,
    CleanupIn,
    ClarificationIn,
    ContractSignedIn,
    CustodianIn,
    CustodianOut,
    DepositFilter,
    DepositIn,
    DepositOut,
    ObjectionIn,
    ObjectionOut,
    OpeningIn,
    OpeningRecordOut,
    OpeningRowOut,
    ProjectFilter,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ReceiptOut,
    RefundIn,
    RegistrationIn,
    RegistrationOut,
    RuleIn,
    RuleOut,
    SectionIn,
    SectionOut,
    SectionPatch,
    TenderFilter,
    TenderIn,
    TenderOut,
    TenderPatch,
    TransitionIn,
    VersionIn,
)
from zhengwu.trading.workflow import TENDER_WORKFLOW

#: the optional fields of a bid upload the bid-preparation client reports (collusion evidence)
BID_EVIDENCE_INPUTS = ("machine_code", "file_creator_id", "pricing_key", "project_manager_name",
                       "project_manager_certificate", "agent_name", "agent_id_number", "document_text")

router = Router(tags=["trading"])
router.add_router("", experts_router)
router.add_router("", evaluation_router)
router.add_router("", award_router)
router.add_router("", sessions_router)
router.add_router("", ocds_router)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
#: the generic transition endpoint runs these; publish, amend and the opening (which decrypts the bids)
#: have their own endpoints, close is the system's
GENERIC_ACTIONS = ("fail",)


# --- rendering ---------------------------------------------------------------------------------------

def project_out(project: Project) -> ProjectOut:
    data = {f: getattr(project, f) for f in ProjectOut.model_fields if f != "sections"}
    sections = sorted(project.sections.all(), key=lambda s: s.number)  # the prefetched rows on a list
    return ProjectOut(**data, sections=[SectionOut.model_validate(s, from_attributes=True) for s in sections])


def tender_out(tender: Tender, user=None) -> TenderOut:
    data = {f: getattr(tender, f) for f in TenderOut.model_fields
            if f not in ("status_label", "sections", "actions")}
    sections = [dict(section_id=o.section_id, number=o.section.number, name=o.section.name,
                     contract_kind=o.section.contract_kind, estimate=o.section.estimate,
                     deposit_required=o.deposit_required, contract_signed_on=o.contract_signed_on)
                for o in sorted(tender.tender_sections.all(), key=lambda o: o.section.number)]
    return TenderOut(**data, status_label=tender.get_status_display(), sections=sections,
                     actions=[t.name for t in TENDER_WORKFLOW.available(tender, user)] if user is not None else [])


def objection_out(objection: Objection) -> ObjectionOut:
    return ObjectionOut(**{f: getattr(objection, f) for f in ObjectionOut.model_fields})


def registration_out(r: BidderRegistration) -> RegistrationOut:
    offer = r.tender_section
    return RegistrationOut(id=r.pk, tender_id=offer.tender_id, tender_number=offer.tender.number,
                           section_id=offer.section_id, section_number=offer.section.number,
                           enterprise_id=r.enterprise_id, enterprise_name=r.enterprise.name,
                           credit_code=r.enterprise.credit_code, registered_at=r.registered_at,
                           has_deposit=hasattr(r, "deposit"))


def deposit_out(d: Deposit) -> DepositOut:
    r = d.registration
    plain = {f: getattr(d, f) for f in DepositOut.model_fields
             if f not in ("tender_id", "tender_number", "section_number", "enterprise_id", "enterprise_name",
                          "refund_state")}
    return DepositOut(**plain, tender_id=r.tender_section.tender_id, tender_number=r.tender_section.tender.number,
                      section_number=r.tender_section.section.number, enterprise_id=r.enterprise_id,
                      enterprise_name=r.enterprise.name, refund_state=d.refund_state())


def _enterprise(user, pk: int | None, field: str):
    if pk is None:
        return None
    ent = enterprises_visible_to(user).filter(pk=pk).first()
    if ent is None:
        raise InvalidInput(f"企业不存在:{pk}。", field=field, code="unknown_reference")
    return ent


def _department(pk: int | None):
    if pk is None:
        return None
    department = Department.objects.filter(pk=pk).first()
    if department is None:
        raise InvalidInput(f"部门不存在:{pk}。", field="supervising_department_id", code="unknown_reference")
    return department


def _section_of(tender: Tender, section_id: int):
    offer = tender.tender_sections.select_related("section").filter(section_id=section_id).first()
    if offer is None:
        raise InvalidInput(f"本次招标不包含标段 {section_id}。", field="section_id", code="section_not_in_tender")
    return offer.section


# --- rules -------------------------------------------------------------------------------------------

@router.get("/rules", response={200: list[RuleOut], **ERRORS})
def rule_list(request: HttpRequest, project_type: str = "", procedure: str = ""):
    """The rules as they apply to a project type × procedure (blank: the default set)."""
    require(request.user, "trading.view_rules")
    entries = selectors.rules_for(project_type=project_type, procedure=procedure)
    return [RuleOut(code=e.code, label=CATALOG[e.code].label, kind=CATALOG[e.code].kind, value=e.text,
                    counting=e.counting, source=e.source, basis=CATALOG[e.code].basis,
                    used_by=CATALOG[e.code].used_by) for e in entries.values()]


@router.put("/rules", response={200: RuleOut, **ERRORS})
def rule_set(request: HttpRequest, data: RuleIn):
    row = services.rule_value_set(actor=request.user, project_type=data.project_type, procedure=data.procedure,
                                  code=data.code, value=data.value, counting=data.counting, note=data.note)
    d = CATALOG[row.code]
    return RuleOut(code=row.code, label=d.label, kind=d.kind, value=row.value, counting=row.counting,
                   source=row.rule_set.name, basis=d.basis, used_by=d.used_by)


# --- projects and sections ---------------------------------------------------------------------------

@router.get("/projects", response={200: list[ProjectOut], **ERRORS})
@paginate(LimitOffsetPagination)
def project_list(request: HttpRequest, filters: Query[ProjectFilter]):
    require(request.user, "trading.view")
    return [project_out(p) for p in selectors.project_list(user=request.user, filters=filters)
            .prefetch_related("sections")]


@router.post("/projects", response={201: ProjectOut, **ERRORS})
def project_register(request: HttpRequest, data: ProjectIn):
    project = services.project_register(
        actor=request.user, name=data.name, project_type=data.project_type, procedure=data.procedure,
        funding_source=data.funding_source, estimate=data.estimate, control_price=data.control_price,
        tendering_enterprise=_enterprise(request.user, data.tendering_enterprise_id, "tendering_enterprise_id"),
        tendering_party_name=data.tendering_party_name, tendering_party_credit_code=data.tendering_party_credit_code,
        agent=_enterprise(request.user, data.agent_id, "agent_id"), agent_credit_code=data.agent_credit_code,
        agent_name=data.agent_name, description=data.description, sections=[s.dict() for s in data.sections],
        supervising_department=_department(data.supervising_department_id))
    return Status(201, project_out(project))


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS})
def project_detail(request: HttpRequest, project_id: int):
    return project_out(selectors.project_get(user=request.user, pk=project_id))


@router.patch("/projects/{project_id}", response={200: ProjectOut, **ERRORS})
def project_update(request: HttpRequest, project_id: int, data: ProjectPatch):
    project = selectors.project_get(user=request.user, pk=project_id)
    changes = data.dict(exclude_unset=True)
    return project_out(services.project_update(actor=request.user, project=project, **changes))


@router.post("/projects/{project_id}/sections", response={201: SectionOut, **ERRORS})
def section_add(request: HttpRequest, project_id: int, data: SectionIn):
    project = selectors.project_get(user=request.user, pk=project_id)
    section = services.section_add(actor=request.user, project=project, **data.dict())
    return Status(201, SectionOut.model_validate(section, from_attributes=True))


@router.patch("/sections/{section_id}", response={200: SectionOut, **ERRORS})
def section_update(request: HttpRequest, section_id: int, data: SectionPatch):
    section = selectors.section_get(user=request.user, pk=section_id)
    section = services.section_update(actor=request.user, section=section, **data.dict(exclude_unset=True))
    return SectionOut.model_validate(section, from_attributes=True)


# --- tenders -----------------------------------------------------------------------------------------

@router.get("/tenders", response={200: list[TenderOut], **ERRORS})
@paginate(LimitOffsetPagination)
def tender_list(request: HttpRequest, filters: Query[TenderFilter]):
    require(request.user, "trading.view")
    return [tender_out(t) for t in selectors.tender_list(user=request.user, filters=filters)
            .prefetch_related("tender_sections__section")]


@router.post("/tenders", response={201: TenderOut, **ERRORS})
def tender_create(request: HttpRequest, data: TenderIn):
    project = selectors.project_get(user=request.user, pk=data.project_id)
    previous = selectors.tender_get(user=request.user, pk=data.previous_id) if data.previous_id else None
    tender = services.tender_create(
        actor=request.user, project=project, title=data.title, announcement=data.announcement,
        documents_issued_at=data.documents_issued_at, on_sale_from=data.on_sale_from, on_sale_to=data.on_sale_to,
        bid_deadline=data.bid_deadline, opening_at=data.opening_at, bid_validity_days=data.bid_validity_days,
        deposits={s.section_id: s.deposit_required for s in data.sections} if data.sections is not None else None,
        previous=previous, sealing_mode=data.sealing_mode, award_mode=data.award_mode,
        decision_method=data.decision_method)
    return Status(201, tender_out(tender, request.user))


@router.get("/tenders/{tender_id}", response={200: TenderOut, **ERRORS})
def tender_detail(request: HttpRequest, tender_id: int):
    return tender_out(selectors.tender_get(user=request.user, pk=tender_id), request.user)


@router.patch("/tenders/{tender_id}", response={200: TenderOut, **ERRORS})
def tender_update(request: HttpRequest, tender_id: int, data: TenderPatch):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    changes = data.dict(exclude_unset=True)
    sections = changes.pop("sections", None)
    deposits = {s["section_id"]: s["deposit_required"] for s in sections} if sections is not None else None
    return tender_out(services.tender_update(actor=request.user, tender=tender, deposits=deposits, **changes),
                      request.user)


@router.post("/tenders/{tender_id}/publish", response={200: TenderOut, **ERRORS})
def tender_publish(request: HttpRequest, tender_id: int, data: VersionIn):
    tender = services.tender_publish(actor=request.user, tender=tender_id, expected_version=data.version)
    return tender_out(tender, request.user)


@router.post("/tenders/{tender_id}/amendments", response={200: TenderOut, **ERRORS})
def tender_amend(request: HttpRequest, tender_id: int, data: AmendmentIn):
    tender = services.tender_amend(actor=request.user, tender=tender_id, title=data.title, content=data.content,
                                   affects_bids=data.affects_bids, new_bid_deadline=data.new_bid_deadline,
                                   expected_version=data.version)
    return tender_out(tender, request.user)


@router.post("/tenders/{tender_id}/clarifications", response={201: ChangeOut, **ERRORS})
def tender_clarify(request: HttpRequest, tender_id: int, data: ClarificationIn):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    change = services.tender_clarify(actor=request.user, tender=tender, title=data.title, content=data.content)
    return Status(201, ChangeOut.model_validate(change, from_attributes=True))


@router.get("/tenders/{tender_id}/changes", response={200: list[ChangeOut], **ERRORS})
def tender_changes(request: HttpRequest, tender_id: int):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    return [ChangeOut.model_validate(c, from_attributes=True) for c in selectors.tender_changes(tender)]


@router.post("/tenders/{tender_id}/transitions", response={200: TenderOut, **ERRORS})
def tender_transition(request: HttpRequest, tender_id: int, data: TransitionIn):
    if data.action not in GENERIC_ACTIONS:
        raise InvalidInput(f"此处只能执行:{', '.join(GENERIC_ACTIONS)}。", field="action", code="unknown_transition")
    tender = services.tender_transition(actor=request.user, tender=tender_id, action=data.action,
                                        reason=data.reason, expected_version=data.version)
    return tender_out(tender, request.user)


@router.post("/tenders/{tender_id}/sections/{section_id}/contract-signed", response={200: TenderOut, **ERRORS})
def tender_section_contract_signed(request: HttpRequest, tender_id: int, section_id: int, data: ContractSignedIn):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    services_deposits.tender_section_contract_signed(actor=request.user, tender=tender,
                                                     section=_section_of(tender, section_id),
                                                     signed_on=data.signed_on)
    return tender_out(tender, request.user)


# --- objections -----------------------------------------------------------------------------------

@router.post("/tenders/{tender_id}/objections", response={201: ObjectionOut, **ERRORS})
def objection_submit(request: HttpRequest, tender_id: int, data: ObjectionIn):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    objection = services.objection_submit(actor=request.user, tender=tender, content=data.content,
                                          objector_name=data.objector_name,
                                          objector_credit_code=data.objector_credit_code)
    return Status(201, objection_out(objection))


@router.get("/objections", response={200: list[ObjectionOut], **ERRORS})
@paginate(LimitOffsetPagination)
def objection_list(request: HttpRequest, tender_id: int | None = None):
    require(request.user, "trading.view")
    qs = selectors.objections_visible_to(request.user)
    if tender_id is not None:
        qs = qs.filter(tender_id=tender_id)
    return [objection_out(o) for o in qs]


@router.post("/objections/{objection_id}/answer", response={200: ObjectionOut, **ERRORS})
def objection_answer(request: HttpRequest, objection_id: int, data: AnswerIn):
    objection = services.objection_answer(actor=request.user, objection=objection_id, answer=data.answer,
                                          expected_version=data.version)
    return objection_out(objection)


# --- registrations and deposits ---------------------------------------------------------------------

@router.post("/tenders/{tender_id}/registrations", response={201: RegistrationOut, **ERRORS})
def bidder_register(request: HttpRequest, tender_id: int, data: RegistrationIn):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    registration = services.bidder_register(actor=request.user, tender=tender,
                                            section=_section_of(tender, data.section_id),
                                            credit_code=data.credit_code, name=data.name)
    return Status(201, registration_out(selectors.registration_get(user=request.user, pk=registration.pk)))


@router.get("/registrations", response={200: list[RegistrationOut], **ERRORS})
@paginate(LimitOffsetPagination)
def registration_list(request: HttpRequest, tender_id: int | None = None):
    require(request.user, "trading.view")
    return [registration_out(r) for r in selectors.registration_list(user=request.user, tender_id=tender_id)]


@router.post("/registrations/{registration_id}/deposit", response={201: DepositOut, **ERRORS})
def deposit_record(request: HttpRequest, registration_id: int, data: DepositIn):
    registration = selectors.registration_get(user=request.user, pk=registration_id)
    deposit = services_deposits.deposit_record(actor=request.user, registration=registration, **data.dict())
    return Status(201, deposit_out(selectors.deposit_get(user=request.user, pk=deposit.pk)))


@router.get("/deposits", response={200: list[DepositOut], **ERRORS})
@paginate(LimitOffsetPagination)
def deposit_list(request: HttpRequest, filters: Query[DepositFilter]):
    require(request.user, "trading.view")
    return [deposit_out(d) for d in selectors.deposit_list(user=request.user, filters=filters)]


@router.get("/deposits/overdue", response={200: list[DepositOut], **ERRORS})
@paginate(LimitOffsetPagination)
def deposit_overdue(request: HttpRequest):
    require(request.user, "trading.view")
    return [deposit_out(d) for d in selectors.deposits_overdue(user=request.user)]


@router.get("/deposits/unrefunded-old", response={200: list[DepositOut], **ERRORS})
@paginate(LimitOffsetPagination)
def deposit_unrefunded_old(request: HttpRequest, years: int = 3):
    require(request.user, "trading.view")
    if years < 1:
        raise InvalidInput("年限至少为 1 年。", field="years", code="bad_years")
    return [deposit_out(d) for d in selectors.deposits_unrefunded_old(user=request.user, years=years)]


@router.post("/deposits/cleanup", response={201: BatchOut, **ERRORS})
def deposit_cleanup(request: HttpRequest, data: CleanupIn):
    batch = services_deposits.deposits_refund_old(actor=request.user, deposit_ids=data.deposit_ids, years=data.years,
                                                  refunded_on=data.refunded_on, reference=data.reference,
                                                  reason=data.reason)
    return Status(201, BatchOut.model_validate(batch, from_attributes=True))


@router.get("/deposits/{deposit_id}", response={200: DepositOut, **ERRORS})
def deposit_detail(request: HttpRequest, deposit_id: int):
    return deposit_out(selectors.deposit_get(user=request.user, pk=deposit_id))


@router.post("/deposits/{deposit_id}/refund", response={200: DepositOut, **ERRORS})
def deposit_refund(request: HttpRequest, deposit_id: int, data: RefundIn):
    deposit = selectors.deposit_get(user=request.user, pk=deposit_id)
    services_deposits.deposit_refund(actor=request.user, deposit=deposit, refunded_on=data.refunded_on,
                                     interest=data.interest, reference=data.reference)
    return deposit_out(selectors.deposit_get(user=request.user, pk=deposit_id))



# --- sealed bids and the opening -----------------------------------------------------------------------

def bid_out(bid: Bid) -> BidOut:
    offer = bid.registration.tender_section
    return BidOut(id=bid.pk, uid=str(bid.uid), tender_id=offer.tender_id, section_id=offer.section_id,
                  enterprise_id=bid.registration.enterprise_id, sequence=bid.sequence, status=bid.status,
                  status_label=bid.get_status_display(), sealing_mode=bid.sealing_mode, digest=bid.digest,
                  received_at=bid.received_at, replaces_id=bid.replaces_id)


def opening_record_out(record: OpeningRecord) -> OpeningRecordOut:
    rows = [OpeningRowOut.model_validate(r, from_attributes=True) for r in record.rows.all()]
    return OpeningRecordOut(id=record.pk, tender_id=record.tender_id, section_id=record.section_id,
                            section_number=record.section.number, outcome=record.outcome, bid_count=record.bid_count,
                            min_bids=record.min_bids, opened_at=record.opened_at, published_at=record.published_at,
                            rows=rows)


def _bid_file(data: BidContentIn) -> bytes:
    """The decoded file; an oversized upload is refused before it is decoded."""
    limit = services_bids.max_bid_bytes()
    if len(data.file_base64) > (limit + 2) // 3 * 4:
        raise InvalidInput(f"投标文件不能超过 {limit} 字节。", field="file_base64", code="too_large",
                           details={"max_bytes": limit})
    try:
        return base64.b64decode(data.file_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("投标文件不是有效的 base64。", field="file_base64", code="invalid") from None


def _content(data: BidContentIn, request: HttpRequest) -> dict:
    """The service's arguments: the bid, the bid client's evidence and the upload IP (REMOTE_ADDR)."""
    return {"file": _bid_file(data), "file_name": data.file_name, "price": data.price,
            "duration_days": data.duration_days, "quality": data.quality, "passphrase": data.passphrase,
            "upload_ip": client_ip(request),
            **{name: getattr(data, name) for name in BID_EVIDENCE_INPUTS}}


@router.post("/tenders/{tender_id}/custodians", response={201: CustodianOut, **ERRORS})
def custodian_enroll(request: HttpRequest, tender_id: int, data: CustodianIn):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    key: CustodianKey = services_bids.custodian_enroll(actor=request.user, tender=tender, passphrase=data.passphrase)
    return Status(201, CustodianOut(id=key.pk, tender_id=key.tender_id, user_id=key.user_id, position=key.position,
                                    enrolled_at=key.enrolled_at))


@router.post("/tenders/{tender_id}/bids", response={201: ReceiptOut, **ERRORS})
def bid_upload(request: HttpRequest, tender_id: int, data: BidUploadIn):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    # received when the request arrived (core.middleware.ReceivedAtMiddleware), not when a worker got to it
    _, receipt = services_bids.bid_upload(actor=request.user, tender=tender,
                                          section=_section_of(tender, data.section_id), **_content(data, request),
                                          now=received_at(request))
    return Status(201, ReceiptOut(**receipt.as_dict()))


@router.get("/bids", response={200: list[BidOut], **ERRORS})
@paginate(LimitOffsetPagination)
def bid_list(request: HttpRequest, tender_id: int | None = None):
    require(request.user, "trading.view")
    qs = selectors.bids_visible_to(request.user).select_related(*selectors.BID_RELATED)
    if tender_id is not None:
        qs = qs.filter(registration__tender_section__tender_id=tender_id)
    return mapped(qs.order_by("pk"), bid_out)


@router.get("/bids/{bid_id}/receipt", response={200: ReceiptOut, **ERRORS})
def bid_receipt(request: HttpRequest, bid_id: int):
    bid = selectors.bid_get(user=request.user, pk=bid_id)
    return ReceiptOut(**services_bids.bid_receipt(bid).as_dict())


@router.post("/bids/{bid_id}/withdraw", response={200: BidOut, **ERRORS})
def bid_withdraw(request: HttpRequest, bid_id: int, data: BidWithdrawIn):
    bid = services_bids.bid_withdraw(actor=request.user, bid=bid_id, reason=data.reason, now=received_at(request))
    return bid_out(selectors.bid_get(user=request.user, pk=bid.pk))


@router.post("/bids/{bid_id}/replace", response={201: ReceiptOut, **ERRORS})
def bid_replace(request: HttpRequest, bid_id: int, data: BidContentIn):
    bid = selectors.bid_get(user=request.user, pk=bid_id)
    _, receipt = services_bids.bid_replace(actor=request.user, bid=bid, **_content(data, request), now=received_at(request))
    return Status(201, ReceiptOut(**receipt.as_dict()))


@router.post("/tenders/{tender_id}/opening", response={201: list[OpeningRecordOut], **ERRORS})
def tender_open(request: HttpRequest, tender_id: int, data: OpeningIn):
    tender = selectors.tender_get(user=request.user, pk=tender_id)
    records = services_bids.tender_open(actor=request.user, tender=tender, passphrases=data.passphrases,
                                        custodian_passphrases=data.custodian_passphrases)
    return Status(201, [opening_record_out(r) for r in
                        selectors.opening_record_list(user=request.user, tender_id=tender.pk)
                        .filter(pk__in=[r.pk for r in records])])


@router.get("/tenders/{tender_id}/opening", response={200: list[OpeningRecordOut], **ERRORS})
def opening_record_list(request: HttpRequest, tender_id: int):
    require(request.user, "trading.view")
    tender = selectors.tender_get(user=request.user, pk=tender_id)  # a tender the user cannot see is a 404
    return [opening_record_out(r) for r in selectors.opening_record_list(user=request.user, tender_id=tender.pk)]
