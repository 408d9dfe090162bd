"""An awarded section built row by row, for the read-side tests of part 5 (fees, figures).

The full path (sealed bids, opening, scoring, publicity) is tested in test_evaluation and
test_award_separated; here only the facts the figures read are made: the project (through the service,
so ``above_limit`` is computed), the tender's award mode, one bid, the evaluation's control price, and
the award itself through ``services_evaluation.award_issue`` (so the service fee is assessed as in a real
award).
"""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal
from typing import Any

from zhengwu.core.testing import make_enterprise
from zhengwu.trading import services_evaluation
from zhengwu.trading.choices import (
    AwardMode,
    BidStatus,
    DecisionMethod,
    DepositForm,
    EvaluationMethod,
    EvaluationStatus,
    TenderStatus,
)
from zhengwu.trading.models import (
    Award,
    Bid,
    BidderRegistration,
    Deposit,
    EvaluatedBid,
    Evaluation,
    Project,
    Tender,
    TenderSection,
)
from zhengwu.trading.testing import at, credit, make_project, make_tender

_codes = itertools.count(700)


def registration_on(offer: TenderSection) -> BidderRegistration:
    enterprise = make_enterprise(credit_code=credit(next(_codes)), name=f"中标企业{offer.pk}")
    return BidderRegistration.objects.create(tender_section=offer, enterprise=enterprise,
                                             registered_at=at("2020-01-01 09:00"))


def tender_of(project: Project, *, award_mode: str = AwardMode.RANKED) -> Tender:
    method = DecisionMethod.VOTE if award_mode == AwardMode.SEPARATED else ""
    tender = make_tender(project=project, award_mode=award_mode, decision_method=method)
    Tender.objects.filter(pk=tender.pk).update(status=TenderStatus.OPENED)
    return tender


def award_section(tender: Tender, *, section_number: int = 1, price: str, control: str | None,
                  notice: str) -> Award:
    """The award of one section of ``tender`` at ``price`` (yuan) with the notice at ``notice`` ('YYYY-MM-DD HH:MM')."""
    offer = tender.tender_sections.get(section__number=section_number)
    registration = registration_on(offer)
    bid = Bid.objects.create(status=BidStatus.OPENED, uid=uuid.uuid4(), registration=registration,
                             sealing_mode=tender.sealing_mode, ciphertext=b"-", size=1, digest="0" * 64,
                             received_at=at("2020-01-01 09:00"), price=Decimal(price))
    evaluation = Evaluation.objects.create(tender_section=offer, method=EvaluationMethod.LOWEST_PRICE, params={},
                                           control_price=Decimal(control) if control is not None else None,
                                           status=EvaluationStatus.REPORTED, created_at=at(notice),
                                           reported_at=at(notice))
    separated = tender.award_mode == AwardMode.SEPARATED
    chosen = EvaluatedBid.objects.create(evaluation=evaluation, bid=bid, bidder_name=registration.enterprise.name,
                                         price=Decimal(price), valid=True, rank=None if separated else 1,
                                         recommended=True)
    award, _ = services_evaluation.award_issue(actor="test", evaluation=evaluation, chosen=chosen,
                                               price=Decimal(price), reason="", now=at(notice))
    return award


def awarded_project(*, price: str, control: str | None, notice: str, sections: list[tuple[str, str]] | None = None,
                    award_mode: str = AwardMode.RANKED, **project: Any) -> Award:
    """A project with one tender and the award of its first section."""
    tender = tender_of(make_project(sections=sections, **project), award_mode=award_mode)
    return award_section(tender, price=price, control=control, notice=notice)


def guarantee(registration: BidderRegistration, *, amount: str, received: str, number: str) -> Deposit:
    return Deposit.objects.create(registration=registration, form=DepositForm.GUARANTEE, amount=Decimal(amount),
                                  received_at=at(received), guarantee_issuer="某担保有限公司", guarantee_number=number,
                                  guarantee_valid_from=at(received).date(), guarantee_valid_until=at(received).date())


def transfer(registration: BidderRegistration, *, amount: str, received: str) -> Deposit:
    return Deposit.objects.create(registration=registration, form=DepositForm.TRANSFER, amount=Decimal(amount),
                                  received_at=at(received), payer_account_name=registration.enterprise.name,
                                  payer_account_number="6222000011112222", payer_bank="某银行")
