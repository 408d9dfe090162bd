"""Factories for the trading domain's tests (plain functions, explicit arguments, fixed seeds)."""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from zhengwu.core.identifiers import make_credit_code
from zhengwu.trading import services, services_deposits
from zhengwu.trading.choices import DepositForm, FundingSource, Procedure, ProjectType
from zhengwu.trading.models import BidderRegistration, Deposit, Project, Tender

SHANGHAI = ZoneInfo("Asia/Shanghai")
ACTOR = "test"


def at(text: str) -> datetime:
    """An aware Asia/Shanghai moment from 'YYYY-MM-DD HH:MM'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def day(text: str) -> date:
    return date.fromisoformat(text)


def credit(n: int) -> str:
    """The same valid unified social credit code for the same ``n``."""
    return make_credit_code(random.Random(n))


TENDERING_PARTY = credit(900)


def make_project(*, sections: list[tuple[str, str]] | None = None, estimate: str = "20000000",
                 project_type: str = ProjectType.CONSTRUCTION, procedure: str = Procedure.OPEN,
                 funding_source: str = FundingSource.GOVERNMENT_INVESTED, actor: Any = ACTOR,
                 **extra: Any) -> Project:
    """A project with one section per ``(contract_kind, estimate)``; by default one works section of 400 万."""
    rows = sections if sections is not None else [("works", "4000000")]
    fields = {"name": "城区道路改造工程", "tendering_party_name": "区交通运输局",
              "tendering_party_credit_code": TENDERING_PARTY, **extra}
    return services.project_register(
        actor=actor, project_type=project_type, procedure=procedure, funding_source=funding_source,
        estimate=estimate, sections=[{"name": f"第{i}标段", "contract_kind": kind, "estimate": amount}
                                     for i, (kind, amount) in enumerate(rows, start=1)],
        **fields)


def make_tender(*, project: Project, issued: str = "2024-03-01 09:00", deadline: str = "2024-03-21 09:30",
                sale: tuple[str, str] = ("2024-03-01", "2024-03-05"), actor: Any = ACTOR,
                deposits: dict[int, Any] | None = None, **extra: Any) -> Tender:
    """A draft tender: documents out on 1 March, deadline 21 March (20 days), on sale 1–5 March (5 days)."""
    fields = {"title": f"{project.name}招标公告", **extra}
    return services.tender_create(actor=actor, project=project, documents_issued_at=at(issued),
                                  on_sale_from=day(sale[0]), on_sale_to=day(sale[1]), bid_deadline=at(deadline),
                                  deposits=deposits, **fields)


def publish(tender: Tender, *, when: str = "2024-03-01 09:00", actor: Any = ACTOR) -> Tender:
    return services.tender_publish(actor=actor, tender=tender, now=at(when))


def published_tender(*, deposit: str = "80000", **project_extra: Any) -> Tender:
    """A published tender for one works section of 400 万 with a deposit of 8 万 (the 2 % cap)."""
    project = make_project(**project_extra)
    section = project.sections.get()
    return publish(make_tender(project=project, deposits={section.pk: deposit}))


def register(tender: Tender, *, code: str, name: str = "", when: str = "2024-03-02 10:00", actor: Any = ACTOR,
             section=None) -> BidderRegistration:
    section = section or tender.sections.order_by("number").first()
    return services.bidder_register(actor=actor, tender=tender, section=section, credit_code=code,
                                    name=name or f"投标企业{code[-4:]}", now=at(when))


def pay(registration: BidderRegistration, *, amount: str = "80000", when: str = "2024-03-10 10:00",
        payer_name: str | None = None, account: str = "6222 0200 1234 5678", bank: str = "中国工商银行城区支行",
        actor: Any = ACTOR) -> Deposit:
    """A transfer deposit from the bidder's own account (unless another payer is named)."""
    return services_deposits.deposit_record(
        actor=actor, registration=registration, form=DepositForm.TRANSFER, amount=amount, received_at=at(when),
        payer_account_name=payer_name if payer_name is not None else registration.enterprise.name,
        payer_account_number=account, payer_bank=bank)


def move(tender: Tender, action: str, *, when: str, actor: Any = ACTOR, reason: str = "", **payload: Any) -> Tender:
    """Run one tender transition at ``when``. For ``open``, tests that only need an opened tender (deposits,
    the state table) stand in for the opening: an opening record per offered section with 3 bids, as
    ``services_bids.tender_open`` writes before it runs the transition (whose guard wants them)."""
    if action == "open":
        from zhengwu.trading.choices import OpeningOutcome
        from zhengwu.trading.models import OpeningRecord

        for offer in tender.tender_sections.all():
            OpeningRecord.objects.get_or_create(
                tender=tender, section_id=offer.section_id,
                defaults={"outcome": OpeningOutcome.OPENED, "bid_count": 3, "min_bids": 3, "opened_at": at(when),
                          "published_at": at(when)})
    return services.tender_transition(actor=actor, tender=tender, action=action, reason=reason,
                                      payload=payload or None, now=at(when))


def make_expert(*, name: str = "专家", specialties: tuple[str, ...] = ("building",), source: str = "provincial",
                actor: Any = ACTOR, **extra: Any):
    """An active expert through the service (``extra``: employer, department, credit_score, declared_conflicts…)."""
    from zhengwu.trading import services_experts

    return services_experts.expert_register(actor=actor, name=name, specialties=specialties, source=source, **extra)


def draw(tender: Tender, *, when: str = "2024-03-20 09:00", committee_size: int = 5, representatives: int = 1,
         requirements: dict[str, int] | None = None, actor: Any = ACTOR, seed: int | None = None, section=None):
    """The experts of a committee of 5 (1 representative, 4 building experts) drawn on 20 March."""
    from zhengwu.trading import services_experts

    section = section or tender.sections.order_by("number").first()
    return services_experts.expert_draw_create(actor=actor, tender=tender, section=section,
                                               committee_size=committee_size, representatives=representatives,
                                               requirements=requirements or {"building": 4}, now=at(when), seed=seed)
