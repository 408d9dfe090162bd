"""Demo data of the financial services supermarket: the catalog and the 2023 applications, calibrated to
DOMAIN.md §13 (guarantees: 5,707 services, 11.74 亿元 freed).

* Institutions: the six issuers of the electronic guarantees the trading demo records (three insurers, three
  banks: ``trading.demo.GUARANTORS``, and any other issuer found on a 2023 guarantee deposit), a bank lending
  without guarantees and a guarantee company; products: an electronic bid guarantee from each, loans from the
  banks, policies from the insurers.
* One issued guarantee application for every 2023 guarantee deposit of the trading demo, linked to it, so the
  money freed is the deposits' sum. The first ``SAMPLE`` go through the services (submit → accept → approve →
  issue, linking the recorded deposit); the rest are bulk-written in one pass after the same checks
  (``services.check_guarantee_link`` per row, the product's amount range, one check that no deposit or
  registration is already taken) and one audit event per chunk of ``CHUNK`` applications naming each of them and
  its deposit — the services would take minutes, an audit event per row ~15 s more.
* A few dozen loans and policies through the services: most approved (and the loans disbursed), some declined,
  some still open.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.core.errors import InvalidInput
from zhengwu.core.identifiers import make_credit_code
from zhengwu.finance import services
from zhengwu.finance.choices import ApplicationStatus, InstitutionKind, ProductKind
from zhengwu.finance.models import Application, Institution, Product

ACTOR = "demo"
YEAR = 2023
#: guarantee applications walked through the services before the bulk write
SAMPLE = 40
#: applications per audit event of the bulk write
CHUNK = 200
LOANS, POLICIES = 45, 20
PHONES = ("0579-82301234", "0579-82316688", "0579-82459900", "0579-83125577", "0579-82238866", "0579-82667788",
          "0579-82991100", "0579-82183355")
CONTACTS = ("王敏", "李强", "张丽", "陈杰", "刘洋", "周婷", "吴斌", "郑雪")
EXTRA = (("中国工商银行股份有限公司金华分行", InstitutionKind.BANK), ("金华市融资担保有限公司", InstitutionKind.GUARANTOR))
LOAN_PRODUCTS = (("政采贷", "100000", "5000000", "3.65", 12, "中标政府采购项目的供应商,凭中标通知书和政府采购合同申请。"),
                 ("科技贷", "200000", "10000000", "3.85", 36, "科技型中小企业,有发明专利或省级以上科技企业认定。"),
                 ("流动资金贷款", "50000", "3000000", "4.35", 12, "依法注册满两年、纳税信用 B 级以上的企业。"))
POLICY_PRODUCTS = (("建设工程质量潜在缺陷保险", "100000", "20000000", "1.2", 120, "房屋建筑工程的建设单位。"),
                   ("安全生产责任保险", "50000", "5000000", "0.8", 12, "矿山、危化品、建筑施工等高危行业企业。"))


def _kind_of(name: str) -> str:
    if "保险" in name:
        return InstitutionKind.INSURER
    if "担保" in name:
        return InstitutionKind.GUARANTOR
    return InstitutionKind.BANK


def make_catalog(ctx: DemoContext, *, issuers: list[str], actor: Any = ACTOR) -> dict[str, dict[str, Any]]:
    """Institutions (the given guarantee issuers first) and their products; name → {institution, products}."""
    rng = ctx.rng_for("finance.catalog")
    names = list(dict.fromkeys([*issuers, *(n for n, _ in EXTRA)]))
    kinds = dict(EXTRA)
    catalog: dict[str, dict[str, Any]] = {}
    for i, name in enumerate(names):
        institution = Institution.objects.filter(name=name).first() or services.institution_create(
            actor=actor, name=name, credit_code=make_credit_code(rng, authority="9"), kind=kinds.get(name) or _kind_of(name),
            contact_name=CONTACTS[i % len(CONTACTS)], contact_phone=PHONES[i % len(PHONES)],
            address="浙江省金华市婺城区")
        products: dict[str, Product] = {}
        rate = Decimal("0.3") + Decimal(i % 4) / 10

        def add(kind: str, pname: str, low: str, high: str, prate: Any, term: int, conditions: str) -> None:
            products[kind] = Product.objects.filter(institution=institution, name=pname).first() or \
                services.product_create(actor=actor, institution=institution, kind=kind, name=pname, amount_min=low,
                                        amount_max=high, rate=prate, term_months=term, conditions=conditions)

        add(ProductKind.BID_GUARANTEE, "电子投标保函", "1000", "1000000", rate, 6,
            "在本中心交易平台报名的投标人;保函有效期覆盖投标有效期;见索即付。")
        if institution.kind == InstitutionKind.BANK:
            add(ProductKind.LOAN, *LOAN_PRODUCTS[i % len(LOAN_PRODUCTS)])
        if institution.kind == InstitutionKind.INSURER:
            add(ProductKind.INSURANCE, *POLICY_PRODUCTS[i % len(POLICY_PRODUCTS)])
        catalog[name] = {"institution": institution, "products": products}
    return catalog


def guarantee_deposits(year: int = YEAR) -> Any:
    from zhengwu.trading.choices import DepositForm
    from zhengwu.trading.models import Deposit

    return (Deposit.objects.filter(form=DepositForm.GUARANTEE, received_at__year=year, finance_application__isnull=True)
            .select_related("registration").order_by("received_at", "id"))


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def link_through_services(deposit: Any, *, product: Product, actor: Any, number: str) -> Application:
    """One guarantee deposit's application walked through the services: submitted the day before, accepted,
    approved and issued on the day the guarantee was submitted to the trading center, linked to the deposit."""
    received = deposit.received_at
    day = _local_day(received)
    application = services.application_submit(
        actor=actor, product=product, amount_requested=deposit.amount, purpose="投标保证金(电子保函)",
        credit_code=deposit.registration.enterprise.credit_code, registration=deposit.registration,
        now=received - dt.timedelta(days=1), number=number)
    application = services.application_accept(actor=actor, application=application,
                                              now=received - dt.timedelta(hours=20))
    application = services.application_approve(actor=actor, application=application, amount_approved=deposit.amount,
                                               approved_on=day, now=received - dt.timedelta(hours=2))
    return services.guarantee_issue(actor=actor, application=application, guarantee_number=deposit.guarantee_number,
                                    deposit=deposit, issued_on=day, now=received)


def link_in_bulk(deposits: list[Any], *, products: dict[str, Product], start: int) -> list[Application]:
    """The same applications for many deposits, written with bulk_create after the same checks."""
    taken_registrations = set(Application.objects.filter(registration_id__in=[d.registration_id for d in deposits])
                              .exclude(status=ApplicationStatus.DECLINED).values_list("registration_id", flat=True))
    if taken_registrations:
        raise InvalidInput(f"{len(taken_registrations)} 个投标报名已有保函申请。", field="registration_id",
                           code="duplicate")
    rows = []
    for n, deposit in enumerate(deposits, start=start):
        product = products[deposit.guarantee_issuer]
        if not product.amount_min <= deposit.amount <= product.amount_max:
            raise InvalidInput(f"保证金 {deposit.pk} 的金额超出产品范围。", field="amount_requested",
                               code="amount_out_of_range")
        day = _local_day(deposit.received_at)
        application = Application(
            status=ApplicationStatus.ISSUED, status_changed_at=deposit.received_at, number=f"JR{YEAR}G{n:06d}",
            enterprise_id=deposit.registration.enterprise_id, product=product, institution=product.institution,
            kind=product.kind, amount_requested=deposit.amount, purpose="投标保证金(电子保函)",
            registration_id=deposit.registration_id, submitted_at=deposit.received_at - dt.timedelta(days=1),
            amount_approved=deposit.amount, rate_approved=product.rate, term_months_approved=product.term_months,
            approved_on=day, guarantee_number=deposit.guarantee_number,
            guarantee_valid_from=deposit.guarantee_valid_from, guarantee_valid_until=deposit.guarantee_valid_until,
            issued_on=day, deposit=deposit)
        services.check_guarantee_link(application, deposit, guarantee_number=deposit.guarantee_number,
                                      check_unlinked=False)
        rows.append(application)
    made = Application.objects.bulk_create(rows, batch_size=1000)
    for i in range(0, len(made), CHUNK):  # one audit event per chunk, naming every application and deposit in it
        chunk = made[i:i + CHUNK]
        audit.record(actor=ACTOR, action="application.import", obj=("finance.application", chunk[0].number),
                     to_state=ApplicationStatus.ISSUED, payload={
                         "count": len(chunk), "source": "trading guarantee deposits",
                         "total": str(sum(a.amount_approved for a in chunk)),
                         "rows": [[a.pk, a.number, a.deposit_id, a.guarantee_number] for a in chunk]})
    return made


def make_loans_and_policies(ctx: DemoContext, *, catalog: dict[str, dict[str, Any]], enterprises: list[Any],
                            actor: Any, loans: int = LOANS, policies: int = POLICIES) -> list[Application]:
    """Loans (most disbursed, some declined or open) and policies (most approved) through the services."""
    rng = ctx.rng_for("finance.loans")
    offers = {kind: [c["products"][kind] for c in catalog.values() if kind in c["products"]]
              for kind in (ProductKind.LOAN, ProductKind.INSURANCE)}
    made = []
    plan = [(ProductKind.LOAN, i) for i in range(loans)] + [(ProductKind.INSURANCE, i) for i in range(policies)]
    for n, (kind, i) in enumerate(plan, start=1):
        if not offers[kind] or not enterprises:
            break
        product = rng.choice(offers[kind])
        enterprise = rng.choice(enterprises)
        low, high = int(product.amount_min), int(min(product.amount_max, Decimal(3_000_000)))
        amount = Decimal(rng.randrange(low, high + 1, 10_000) if high - low >= 10_000 else low)
        day = dt.date(YEAR, 1, 3) + dt.timedelta(days=rng.randrange(0, 330))
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
        a = services.application_submit(actor=actor, product=product, amount_requested=amount,
                                        purpose="采购原材料、支付工程款" if kind == ProductKind.LOAN else "投保",
                                        credit_code=enterprise.credit_code, now=moment, number=f"JR{YEAR}L{n:06d}")
        fate = rng.random()
        if fate < 0.06:
            continue  # still waiting for the institution
        if fate < 0.15:
            services.application_decline(actor=actor, application=a, reason="企业近两年纳税信用等级为 C,不符合准入条件。",
                                         now=moment + dt.timedelta(days=2))
            continue
        a = services.application_accept(actor=actor, application=a, now=moment + dt.timedelta(days=1))
        approved = (amount * Decimal(rng.choice(("1", "1", "0.8", "0.6")))).quantize(Decimal("1"))
        approved = max(approved, product.amount_min)
        a = services.application_approve(actor=actor, application=a, amount_approved=approved,
                                         approved_on=day + dt.timedelta(days=5), now=moment + dt.timedelta(days=5))
        if kind == ProductKind.LOAN and fate > 0.25:
            a = services.loan_disburse(actor=actor, application=a, disbursed_on=day + dt.timedelta(days=8),
                                       now=moment + dt.timedelta(days=8))
        made.append(a)
    return made


def build(ctx: DemoContext, *, actor: Any = ACTOR, sample: int = SAMPLE, year: int = YEAR,
          loans: int = LOANS, policies: int = POLICIES) -> dict[str, Any]:
    from zhengwu.trading.demo import GUARANTORS

    deposits = list(guarantee_deposits(year).select_related("registration__enterprise"))
    issuers = list(dict.fromkeys([*GUARANTORS, *sorted({d.guarantee_issuer for d in deposits})]))
    catalog = make_catalog(ctx, issuers=issuers, actor=actor)
    guarantee_products = {name: c["products"][ProductKind.BID_GUARANTEE] for name, c in catalog.items()}
    for n, deposit in enumerate(deposits[:sample], start=1):
        link_through_services(deposit, product=guarantee_products[deposit.guarantee_issuer], actor=actor,
                              number=f"JR{YEAR}G{n:06d}")
    link_in_bulk(deposits[sample:], products=guarantee_products, start=sample + 1)
    enterprises = list(dict.fromkeys(d.registration.enterprise for d in deposits))
    if not enterprises:
        from zhengwu.org.models import Enterprise

        enterprises = list(Enterprise.objects.order_by("id")[:50])
    others = make_loans_and_policies(ctx, catalog=catalog, enterprises=enterprises, actor=actor, loans=loans,
                                     policies=policies)
    linked = Application.objects.filter(status=ApplicationStatus.ISSUED, issued_on__year=year)
    return {"institutions": len(catalog), "guarantees": linked.count(),
            "money_freed": linked.aggregate(total=Sum("deposit__amount"))["total"] or Decimal(0),
            "loans_and_policies": len(others)}


@demo_step("finance.year2023", order=64)
def make_finance_year(ctx: DemoContext) -> None:
    from zhengwu.org.models import User
    from zhengwu.org.roles import Role

    actor = User.objects.filter(username="admin", role=Role.CENTER_ADMIN).first() or ACTOR
    summary = build(ctx, actor=actor)
    ctx.made["finance"] = summary
    ctx.log(f"    finance: {summary['guarantees']} guarantees linked, money freed {summary['money_freed']} yuan, "
            f"{summary['loans_and_policies']} loans and policies")
