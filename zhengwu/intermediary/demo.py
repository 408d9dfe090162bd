"""Demo data of the intermediary supermarket (DOMAIN.md §13): the service list, 40 agencies under 12
departments, a year (2023) of 198 deals through every selection method, ratings feeding credit, and the
clean-up review of 30 November that removes 2 agencies (their qualifications expired) and leaves the other
proposals open. The seed reports January–November, so every deal and both removals fall in that period.

Every write goes through the services, so the audit trail, statuses and credit scores are the real ones.
The demo login ``agency`` (an intermediary user) acts for agency 1; the login ``enterprise`` owns purchases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.core.identifiers import make_credit_code
from zhengwu.intermediary import services
from zhengwu.intermediary.choices import AgencyStatus, SelectionMethod
from zhengwu.intermediary.models import Agency, ServiceType

ACTOR = "demo"
SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2023
#: the seed's report covers 1 January – 30 November: deals are posted from 3 January over DEAL_SPAN_DAYS (a deal
#: follows its posting by 6–9 days, so the last one falls by 28 November) and the clean-up review runs on REVIEW_DAY
DEAL_SPAN_DAYS = 320
REVIEW_DAY = dt.date(YEAR, 11, 30)
TYPES = [("survey", "工程勘察"), ("design", "工程设计"), ("cost", "工程造价咨询"), ("eia", "环境影响评价"),
         ("mapping", "测绘服务"), ("safety", "安全评价"), ("energy", "节能评估"), ("supervision", "工程监理")]
LIST_ITEMS = [
    ("survey", "建设项目岩土工程勘察", 20), ("design", "建设工程方案设计", 30), ("design", "施工图设计", 30),
    ("cost", "工程量清单及招标控制价编制", 15), ("cost", "工程结算审核", 20), ("eia", "建设项目环境影响报告表编制", 30),
    ("mapping", "建设工程规划竣工测量", 10), ("mapping", "不动产测绘", 10), ("safety", "安全预评价", 20),
    ("energy", "固定资产投资项目节能报告编制", 20), ("supervision", "房屋建筑工程监理", 5),
    ("survey", "地质灾害危险性评估", 25),
]
NAMES = ("金诚", "婺信", "八咏", "双龙", "兰溪江", "尖峰", "通衢", "明远", "正方", "华建", "中和", "东方", "安达",
         "永信", "鼎盛", "弘远", "汇通", "同济", "求实", "博远")
KINDS = {"survey": "勘察", "design": "设计", "cost": "造价咨询", "eia": "环境科技", "mapping": "测绘",
         "safety": "安全技术", "energy": "节能技术", "supervision": "工程监理"}
PROJECTS = ("城东安置房", "人民路提升改造", "第二实验小学扩建", "污水处理厂提标", "城南新区道路", "文化中心",
            "体育公园", "老旧小区改造", "农贸市场改造", "江滨绿道", "社区卫生服务中心", "村级道路提升")
METHODS = [SelectionMethod.RANDOM] * 8 + [SelectionMethod.LOWEST_PRICE] * 5 + [SelectionMethod.SCORING] * 3 + \
          [SelectionMethod.DIRECT] * 4


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=SHANGHAI)


def build(ctx: DemoContext, *, departments: list[Any], owners: list[Any], agency_enterprise: Any = None,
          agencies: int = 40, deals: int = 198, open_purchases: int = 6, removed: int = 2,
          government_codes: list[str] | None = None) -> dict[str, int]:
    """Make the year; returns the counts. ``agency_enterprise`` becomes agency 1 (the demo login's)."""
    rng = ctx.rng_for("intermediary")
    types = {code: services.service_type_create(actor=ACTOR, code=code, name=name, sort=i)
             for i, (code, name) in enumerate(TYPES)}
    for code, name, days in LIST_ITEMS:
        services.service_list_item_create(
            actor=ACTOR, service_type=types[code], name=name, time_limit_days=days,
            department=departments[len(name) % len(departments)],
            workflow_text="业主在中介超市发布采购公告\n中介机构应答\n按选取方式确定中介机构并公示成交\n签订合同并提供服务\n业主评价",
            conditions=f"具有{types[code].name}相应资质,信用良好", fee_standard="市场调节价,不得高于采购预算")
    codes = list(types)
    made: list[Agency] = []
    #: agency id -> (service type codes, qualification valid until): the pool is read from memory
    known: dict[int, tuple[set[str], dt.date]] = {}
    for i in range(agencies):
        offered = [codes[i % len(codes)]] + rng.sample(codes, rng.choice((0, 1, 2)))
        primary = KINDS[offered[0]]
        if i == 0 and agency_enterprise is not None:
            credit_code, name = agency_enterprise.credit_code, agency_enterprise.name
        else:
            credit_code, name = make_credit_code(rng), f"金华{NAMES[i % len(NAMES)]}{primary}有限公司"
            if i >= len(NAMES):
                name = f"浙江{NAMES[i % len(NAMES)]}{primary}有限公司"
        agency = services.agency_register(actor=ACTOR, credit_code=credit_code, name=name,
                                          department=departments[i % len(departments)],
                                          service_types=[types[c] for c in dict.fromkeys(offered)],
                                          registered_on=dt.date(2021 + i % 2, 1 + i % 12, 1))
        # the last `removed` agencies let a qualification lapse in mid-2023: the clean-up proposes them
        lapsed = i >= agencies - removed
        valid = dt.date(YEAR, 6, 30) if lapsed else dt.date(2025 + i % 3, 12, 31)
        services.qualification_add(actor=ACTOR, agency=agency, name=f"{types[offered[0]].name}资质",
                                   number=f"ZZ{YEAR}{i + 1:04d}", valid_until=valid)
        made.append(agency)
        known[agency.pk] = (set(offered), valid)
    counts = {"agencies": len(made), "deals": 0, "open": 0, "ratings": 0, "removed": 0}
    gov_codes = list(government_codes or [])
    rng.shuffle(gov_codes)
    gov_used = gov_codes[: int(len(gov_codes) * 0.7)]
    days = [dt.date(YEAR, 1, 3) + dt.timedelta(days=round(k * DEAL_SPAN_DAYS / max(deals, 1))) for k in range(deals)]
    suspended_once = False
    for k, day in enumerate(days + [dt.date(YEAR, 12, 26)] * open_purchases):
        st_code = rng.choice(codes)
        budget = rng.choice((30000, 50000, 80000, 120000, 200000, 350000))
        gov = rng.random() < 0.35
        project_code = gov_used.pop() if gov and gov_used else ""
        posted = at(day, 9)
        purchase = services.purchase_post(
            actor=ACTOR, owner=owners[k % len(owners)], project_name=f"{rng.choice(PROJECTS)}项目{types[st_code].name}",
            service_type=types[st_code], budget=budget, answer_deadline=posted + dt.timedelta(days=5),
            selection_method=rng.choice(METHODS), government_invested=gov, investment_project_code=project_code,
            now=posted)
        if k >= deals:
            counts["open"] += 1
            continue
        today = posted.date()
        pool = [a for a in made if a.status == AgencyStatus.ACTIVE and st_code in known[a.pk][0]
                and known[a.pk][1] >= today]
        answering = rng.sample(pool, min(len(pool), rng.choice((2, 3, 3, 4))))
        if not answering:  # pragma: no cover - every service type has active agencies in the demo
            continue
        answers = []
        for n, agency in enumerate(answering):
            price = round(budget * rng.uniform(0.72, 0.98), -2)
            answers.append(services.answer_submit(actor=ACTOR, purchase=purchase, agency=agency, price=price,
                                                  plan="组建项目组,按规范和合同约定完成服务,按期提交成果。",
                                                  now=posted + dt.timedelta(days=1, hours=n)))
        if purchase.selection_method == SelectionMethod.SCORING:
            services.answers_score(actor=ACTOR, purchase=purchase,
                                   scores={a.pk: round(rng.uniform(70, 96), 1) for a in answers})
        deal_at = posted + dt.timedelta(days=rng.randint(6, 9))
        services.purchase_select(actor=ACTOR, purchase=purchase, answer=answers[0].pk,
                                 seed=rng.randrange(2 ** 32), now=deal_at)
        counts["deals"] += 1
        contract_day = deal_at.date() + dt.timedelta(days=rng.randint(2, 6))
        services.purchase_contract(actor=ACTOR, purchase=purchase, contract_date=contract_day, now=at(contract_day))
        done_day = contract_day + dt.timedelta(days=rng.randint(10, 45))
        if done_day >= dt.date(YEAR, 12, 28):
            continue
        services.purchase_complete(actor=ACTOR, purchase=purchase, completed_on=done_day, now=at(done_day))
        services.purchase_rate(actor=ACTOR, purchase=purchase, stars=rng.choice((5, 5, 4, 4, 4, 3, 2)),
                               comment="", now=at(done_day + dt.timedelta(days=2)))
        counts["ratings"] += 1
        if not suspended_once and k == deals // 2:
            services.agency_suspend(actor=ACTOR, agency=made[5].pk, reason="被投诉服务超期,暂停接单整改",
                                    now=at(day))
            made[5].refresh_from_db()
            suspended_once = True
    proposals = services.removal_review_run(actor=ACTOR, today=REVIEW_DAY)
    lapsed_ids = {a.pk for a in made[agencies - removed:]}
    for proposal in proposals:
        if proposal.agency_id in lapsed_ids:
            services.proposal_accept(actor=ACTOR, proposal=proposal, reason="资质过期未续期,予以清理出库",
                                     now=at(REVIEW_DAY, 15))
            counts["removed"] += 1
    counts["proposals_open"] = len(proposals) - counts["removed"]
    return counts


@demo_step("intermediary.year2023", order=97)
def year2023(ctx: DemoContext) -> None:
    departments = sorted(ctx.made["departments"], key=lambda d: d.code)[:12]
    enterprises = ctx.made["enterprises"]
    owners = [e for i, e in enumerate(enterprises) if i != 1] or enterprises
    try:
        from zhengwu.approvals.models import InvestmentProject

        codes = list(InvestmentProject.objects.filter(project_type="government").values_list("code", flat=True))
    except (ImportError, LookupError):
        codes = []
    counts = build(ctx, departments=departments, owners=owners,
                   agency_enterprise=enterprises[1] if len(enterprises) > 1 else None,
                   deals=ctx.scaled(198, minimum=10), government_codes=codes)
    ctx.made["intermediary"] = counts
    ctx.log(f"    intermediary: {counts}")


__all__ = ["build", "ServiceType"]
