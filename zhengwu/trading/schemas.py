"""Input, output and filter schemas of the trading API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema, Schema

from zhengwu.trading.choices import Counting, DepositForm, Procedure, ProjectType, TenderStatus

# --- rules -------------------------------------------------------------------------------------------


class RuleOut(Schema):
    code: str
    label: str
    kind: str
    value: str
    counting: str
    source: str = Field(..., description="the rule set the value comes from (most specific wins)")
    basis: str
    used_by: str


class RuleIn(Schema):
    project_type: str = Field("", description="blank = every type")
    procedure: str = Field("", description="blank = every procedure")
    code: str
    value: str = Field(..., description="exact: 20, 0.02 or 2/3")
    counting: Counting = Counting.NATURAL
    note: str = ""


# --- projects and sections ---------------------------------------------------------------------------


class SectionIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    contract_kind: str = Field(..., description="works / goods / services")
    estimate: Decimal
    control_price: Decimal | None = None


class SectionPatch(Schema):
    name: str | None = None
    contract_kind: str | None = None
    estimate: Decimal | None = None
    control_price: Decimal | None = None


class SectionOut(Schema):
    id: int
    project_id: int
    number: int
    name: str
    contract_kind: str
    estimate: Decimal
    control_price: Decimal | None
    above_limit: bool


class ProjectIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    project_type: str = Field(..., description=" / ".join(ProjectType.values))
    procedure: str = Field(..., description=" / ".join(Procedure.values))
    funding_source: str
    estimate: Decimal
    control_price: Decimal | None = None
    tendering_enterprise_id: int | None = Field(None, description="a registered enterprise, or give name + code")
    tendering_party_name: str = ""
    tendering_party_credit_code: str = ""
    agent_id: int | None = None
    agent_credit_code: str = Field("", description="registers the agent enterprise if it is new")
    agent_name: str = ""
    description: str = ""
    supervising_department_id: int | None = Field(None, description="its staff may not sit on the committee")
    sections: list[SectionIn] = []


class ProjectPatch(Schema):
    name: str | None = None
    procedure: str | None = None
    funding_source: str | None = None
    estimate: Decimal | None = None
    control_price: Decimal | None = None
    description: str | None = None


class ProjectOut(Schema):
    id: int
    number: str
    name: str
    project_type: str
    procedure: str
    funding_source: str
    state_funded: bool
    tendering_enterprise_id: int | None
    tendering_party_name: str
    tendering_party_credit_code: str
    agent_id: int | None
    estimate: Decimal
    control_price: Decimal | None
    above_limit: bool
    description: str
    supervising_department_id: int | None = None
    created_at: datetime
    sections: list[SectionOut] = []


class ProjectFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["number__startswith", "name__icontains"])] = None
    project_type: Annotated[ProjectType | None, FilterLookup("project_type")] = None
    procedure: Annotated[Procedure | None, FilterLookup("procedure")] = None
    funding_source: Annotated[str | None, FilterLookup("funding_source")] = None
    above_limit: Annotated[bool | None, FilterLookup("above_limit")] = None


# --- tenders ---------------------------------------------------------------------------------------


class TenderSectionIn(Schema):
    section_id: int
    deposit_required: Decimal = Decimal(0)


class TenderIn(Schema):
    project_id: int
    title: str = Field(..., min_length=1, max_length=200)
    announcement: str = ""
    documents_issued_at: datetime
    on_sale_from: date
    on_sale_to: date
    bid_deadline: datetime
    opening_at: datetime | None = Field(None, description="defaults to the bid deadline")
    bid_validity_days: int = Field(90, ge=1, le=365)
    sections: list[TenderSectionIn] | None = Field(None, description="default: every free section, no deposit")
    previous_id: int | None = Field(None, description="the failed tender this one re-runs")
    sealing_mode: str = Field("bidder", description="bidder (the bidder's passphrase) or custodians (k-of-n)")
    award_mode: str = Field("ranked", description="ranked, or separated (评定分离; construction only)")
    decision_method: str = Field("", description="separated only: vote, lottery, vote_lottery, deliberation, "
                                 "price_competition")


class TenderPatch(Schema):
    title: str | None = None
    announcement: str | None = None
    documents_issued_at: datetime | None = None
    on_sale_from: date | None = None
    on_sale_to: date | None = None
    bid_deadline: datetime | None = None
    opening_at: datetime | None = None
    bid_validity_days: int | None = Field(None, ge=1, le=365)
    sections: list[TenderSectionIn] | None = None
    award_mode: str | None = None
    decision_method: str | None = None


class TenderSectionOut(Schema):
    section_id: int
    number: int
    name: str
    contract_kind: str
    estimate: Decimal
    deposit_required: Decimal
    contract_signed_on: date | None


class TenderOut(Schema):
    id: int
    number: str
    project_id: int
    run_number: int
    previous_id: int | None
    status: str
    status_label: str
    version: int
    title: str
    announcement: str
    documents_issued_at: datetime
    on_sale_from: date
    on_sale_to: date
    bid_deadline: datetime
    opening_at: datetime
    bid_validity_days: int
    published_at: datetime | None
    sealing_mode: str
    award_mode: str
    decision_method: str
    sections: list[TenderSectionOut] = []
    actions: list[str] = []


class TenderFilter(FilterSchema):
    status: Annotated[list[TenderStatus] | None, FilterLookup("status__in")] = None
    project_id: Annotated[int | None, FilterLookup("project_id")] = None


class VersionIn(Schema):
    version: int | None = Field(None, description="the version the client saw; a newer one gives 409")


class TransitionIn(Schema):
    action: str = Field(..., description="open / fail")
    reason: str = ""
    version: int | None = None


class AmendmentIn(Schema):
    title: str
    content: str
    affects_bids: bool = True
    new_bid_deadline: datetime | None = None
    version: int | None = None


class ClarificationIn(Schema):
    title: str
    content: str


class ChangeOut(Schema):
    id: int
    sequence: int
    kind: str
    title: str
    content: str
    affects_bids: bool
    issued_at: datetime
    previous_bid_deadline: datetime
    new_bid_deadline: datetime | None


# --- objections -----------------------------------------------------------------------------------


class ObjectionIn(Schema):
    content: str
    objector_name: str = Field("", description="staff recording for someone else")
    objector_credit_code: str = ""


class ObjectionOut(Schema):
    id: int
    tender_id: int
    status: str
    version: int
    objector_name: str
    content: str
    submitted_at: datetime
    answer_due_on: date
    answer: str
    answered_at: datetime | None
    answered_late: bool


class AnswerIn(Schema):
    answer: str
    version: int | None = None


# --- registrations and deposits ---------------------------------------------------------------------


class RegistrationIn(Schema):
    section_id: int
    credit_code: str = Field("", description="the bidder's unified social credit code (staff)")
    name: str = ""


class RegistrationOut(Schema):
    id: int
    tender_id: int
    tender_number: str
    section_id: int
    section_number: int
    enterprise_id: int
    enterprise_name: str
    credit_code: str
    registered_at: datetime
    has_deposit: bool


class DepositIn(Schema):
    form: DepositForm
    amount: Decimal
    received_at: datetime | None = None
    payer_account_name: str = ""
    payer_account_number: str = ""
    payer_bank: str = ""
    guarantee_issuer: str = ""
    guarantee_number: str = ""
    guarantee_valid_from: date | None = None
    guarantee_valid_until: date | None = None


class DepositOut(Schema):
    id: int
    registration_id: int
    tender_id: int
    tender_number: str
    section_number: int
    enterprise_id: int
    enterprise_name: str
    form: str
    amount: Decimal
    received_at: datetime
    payer_account_name: str
    payer_account_number: str
    payer_bank: str
    payer_matches_bidder: bool
    guarantee_issuer: str
    guarantee_number: str
    guarantee_valid_from: date | None
    guarantee_valid_until: date | None
    refund_due_on: date | None
    refunded_on: date | None
    refund_amount: Decimal | None
    refund_interest: Decimal | None
    refund_reference: str
    refund_batch_id: int | None
    refund_state: str


class DepositFilter(FilterSchema):
    tender_id: Annotated[int | None, FilterLookup("registration__tender_section__tender_id")] = None
    form: Annotated[DepositForm | None, FilterLookup("form")] = None
    refunded: bool | None = None

    def filter_refunded(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        return Q(refunded_on__isnull=not value)


class RefundIn(Schema):
    refunded_on: date
    interest: Decimal = Decimal(0)
    reference: str = ""


class ContractSignedIn(Schema):
    signed_on: date


class CleanupIn(Schema):
    deposit_ids: list[int]
    years: int = Field(3, ge=1, le=50)
    refunded_on: date
    reference: str
    reason: str


class BatchOut(Schema):
    id: int
    refunded_on: date
    reference: str
    reason: str
    older_than_years: int
    deposit_count: int
    total: Decimal
    created_at: datetime


# --- sealed bids and the opening -----------------------------------------------------------------------


class CustodianIn(Schema):
    passphrase: str = Field(..., description="the custodian's own passphrase; never stored")


class CustodianOut(Schema):
    id: int
    tender_id: int
    user_id: int
    position: int
    enrolled_at: datetime


class BidContentIn(Schema):
    file_base64: str = Field(..., description="the bid file, standard base64")
    file_name: str = ""
    price: Decimal
    duration_days: int | None = None
    quality: str = ""
    passphrase: str | None = Field(None, description="the bidder's opening passphrase (bidder mode); never stored")
    # reported by the bid-preparation client (evidence for supervision, 实施条例 §40); all optional
    machine_code: str = Field("", description="the machine code of the computer the file was made on (≤ 64)")
    file_creator_id: str = Field("", description="the file creator id the bid client recorded (≤ 64)")
    pricing_key: str = Field("", description="the pricing software's dongle (key) number (≤ 64)")
    project_manager_name: str = Field("", description="sealed with the bid, written at the opening")
    project_manager_certificate: str = Field("", description="sealed with the bid, written at the opening")
    agent_name: str = Field("", description="the authorized agent; sealed with the bid")
    agent_id_number: str = Field("", description="the agent's ID card number; sealed, stored encrypted")
    document_text: str = Field("", description="the bid's text as the client extracted it; sealed, only its "
                                               "MinHash signature is kept after the opening")


class BidUploadIn(BidContentIn):
    section_id: int


class BidWithdrawIn(Schema):
    reason: str = ""
    version: int | None = None


class ReceiptOut(Schema):
    bid_id: int
    bid_uid: str
    digest: str = Field(..., description="SM3 of the stored ciphertext, hex")
    received_at: datetime
    size: int


class BidOut(Schema):
    id: int
    uid: str
    tender_id: int
    section_id: int
    enterprise_id: int
    sequence: int
    status: str
    status_label: str
    sealing_mode: str
    digest: str
    received_at: datetime
    replaces_id: int | None


class OpeningIn(Schema):
    passphrases: dict[int, str] = Field(default_factory=dict, description="bid id → the bidder's passphrase")
    custodian_passphrases: dict[int, str] = Field(default_factory=dict,
                                                  description="custodian user id → the custodian's passphrase")


class OpeningRowOut(Schema):
    bidder_name: str
    bidder_credit_code: str
    status: str
    price: Decimal | None
    duration_days: int | None
    quality: str
    deposit_form: str
    deposit_amount: Decimal | None
    guarantee_number: str
    digest: str


class OpeningRecordOut(Schema):
    id: int
    tender_id: int
    section_id: int
    section_number: int
    outcome: str
    bid_count: int
    min_bids: int
    opened_at: datetime
    published_at: datetime
    rows: list[OpeningRowOut]
