"""Demo data of small projects below the limit: a year (2023) of village and township projects in the demo
district, with one of each alert pattern planted, and the alerts run.

Planted (all in the township of the demo ``township`` login, so that account sees them):

* a road split in three (three contracts of 1.38–1.5 million for one road, within four months);
* an overpayment (payments 80,000 above the contract);
* change orders of 15 % of the contract;
* a final payment without a passed acceptance;
* one contractor with four projects in one village within the year.

The ordinary projects are spread so that none of them trips a rule (one or two per village, distinct roads,
distinct contractors per village, payments within the contract, acceptance before the final payment).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.core.identifiers import make_credit_code
from zhengwu.org import services as org_services
from zhengwu.smallprojects import services
from zhengwu.smallprojects.alerts import alerts_run
from zhengwu.smallprojects.choices import Category, ContractingWay, Funding

ACTOR = "demo"
SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2023
#: the township of the demo "township" login (org.demo: townships[12])
PLANTED_TOWNSHIP = 12
WORKS = {
    Category.ROAD: ["道路硬化", "机耕路改造", "村道拓宽", "桥梁维修"],
    Category.WATER: ["山塘清淤", "沟渠修复", "农田水利", "堰坝加固"],
    Category.BUILDING: ["文化礼堂修缮", "村委办公楼维修", "老年活动中心改造"],
    Category.LANDSCAPE: ["村庄环境整治", "公园绿化", "立面改造"],
    Category.UTILITY: ["污水管网", "路灯安装", "饮水管网改造"],
}
ROADS = "东西南北中前后上下新"
BUILDERS = ("婺州", "金兰", "双溪", "八婺", "兰江", "武义江", "东阳江", "义乌江", "白沙", "梅溪", "赤松", "九峰",
            "尖峰", "北山", "通济", "燕尾洲")


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI)


class Year:
    """Registers and records the projects of the year through the services."""

    def __init__(self, ctx: DemoContext) -> None:
        self.rng = ctx.rng_for("smallprojects")
        self.contractors = [
            org_services.enterprise_register(actor=ACTOR, credit_code=make_credit_code(self.rng),
                                             name=f"金华{name}建设工程有限公司")
            for name in BUILDERS]
        self.made: list[Any] = []

    def project(self, *, village: Any, name: str, keyword: str, category: str, amount: Decimal, signed: dt.date,
                contractor: Any, way: str = ContractingWay.DIRECT, approved: dt.date | None = None) -> Any:
        approved = approved or signed - dt.timedelta(days=self.rng.randint(15, 60))
        project = services.small_project_register(
            actor=ACTOR, name=name, owner_region=village, owner_name=f"{village.name}股份经济合作社",
            category=category, estimate=amount + Decimal(self.rng.randrange(0, 50_000, 1000)),
            funding=self.rng.choice(Funding.values), scope_keyword=keyword, location=f"{village.name}{keyword}",
            approval_date=approved, approval_number=f"{village.parent.name[:2]}政〔{YEAR}〕{self.rng.randint(1, 150)}号",
            planned_completion=signed + dt.timedelta(days=120), now=at(approved))
        services.contract_record(actor=ACTOR, project=project, contract_amount=amount, contract_date=signed,
                                 contractor=contractor, contracting_way=way, now=at(signed))
        self.made.append(project)
        return project

    def pay(self, project: Any, amount: Decimal, day: dt.date, kind: str) -> None:
        services.payment_record(actor=ACTOR, project=project, amount=amount, paid_on=day, kind=kind, now=at(day))

    def accept(self, project: Any, day: dt.date, result: str = "pass") -> None:
        services.acceptance_record(actor=ACTOR, project=project, accepted_on=day, result=result,
                                   participants="乡镇建设办、村务监督委员会、施工单位", now=at(day))

    def complete(self, project: Any, amount: Decimal, signed: dt.date, *, finish: bool) -> None:
        """An ordinary life: 30 % advance, then (if finished in the year) acceptance and the final payment."""
        advance = (amount * Decimal("0.3")).quantize(Decimal("0.01"))
        self.pay(project, advance, signed + dt.timedelta(days=10), "advance")
        if finish:
            accepted = signed + dt.timedelta(days=self.rng.randint(60, 120))
            self.accept(project, accepted)
            self.pay(project, amount - advance, accepted + dt.timedelta(days=20), "final")


def ordinary(year: Year, townships: list[Any], villages: list[Any], *, count: int) -> None:
    rng = year.rng
    by_township = {t.pk: [v for v in villages if v.parent_id == t.pk] for t in townships}
    slots = [v for t in townships for v in by_township[t.pk][:4]]
    rng.shuffle(slots)
    for i in range(min(count, len(slots))):
        village = slots[i]
        category = rng.choice(list(WORKS))
        work = rng.choice(WORKS[category])
        keyword = f"{village.name}{ROADS[i % len(ROADS)]}{'路' if category == Category.ROAD else '片'}{i}"
        amount = Decimal(rng.randrange(150_000, 2_500_000, 10_000))
        signed = dt.date(YEAR, 1, 15) + dt.timedelta(days=rng.randint(0, 250))
        project = year.project(village=village, name=f"{village.name}{work}工程", keyword=keyword,
                               category=category, amount=amount, signed=signed,
                               contractor=year.contractors[i % (len(year.contractors) - 2)],
                               way=rng.choice(ContractingWay.values))
        year.complete(project, amount, signed, finish=signed.month <= 8)


def planted(year: Year, township: Any, villages: list[Any]) -> None:
    v1, v2, v3, v4, v5 = (villages * 5)[:5]
    # 1. one road in three contracts, each below 4,000,000, together 4,330,000, within four months
    for n, (amount, signed, who) in enumerate(((Decimal("1450000"), dt.date(YEAR, 3, 6), 0),
                                               (Decimal("1380000"), dt.date(YEAR, 4, 20), 1),
                                               (Decimal("1500000"), dt.date(YEAR, 6, 28), 2)), start=1):
        project = year.project(village=v1, name=f"{v1.name}环村北路硬化工程({n}期)", keyword="环村北路",
                               category=Category.ROAD, amount=amount, signed=signed, contractor=year.contractors[who])
        year.complete(project, amount, signed, finish=n < 3)
    # 2. paid 80,000 above the contract
    over = year.project(village=v2, name=f"{v2.name}文化礼堂修缮工程", keyword="文化礼堂", category=Category.BUILDING,
                        amount=Decimal("800000"), signed=dt.date(YEAR, 4, 3), contractor=year.contractors[3])
    year.pay(over, Decimal("500000"), dt.date(YEAR, 4, 20), "advance")
    year.accept(over, dt.date(YEAR, 7, 10))
    year.pay(over, Decimal("380000"), dt.date(YEAR, 7, 30), "final")
    # 3. change orders of 15 % of the contract
    grown = year.project(village=v3, name=f"{v3.name}山塘清淤及护岸工程", keyword="大塘", category=Category.WATER,
                         amount=Decimal("1200000"), signed=dt.date(YEAR, 5, 8), contractor=year.contractors[4])
    year.pay(grown, Decimal("360000"), dt.date(YEAR, 5, 20), "advance")
    for amount, day in ((Decimal("110000"), dt.date(YEAR, 6, 15)), (Decimal("70000"), dt.date(YEAR, 7, 20))):
        services.change_order_record(actor=ACTOR, project=grown, amount=amount, reason="护岸加长、增加排水涵管",
                                     approved_on=day, approver="镇建设办", now=at(day))
    # 4. the final payment without a passed acceptance (the acceptance failed; paid anyway)
    unaccepted = year.project(village=v4, name=f"{v4.name}污水管网改造工程", keyword="污水管网", category=Category.UTILITY,
                              amount=Decimal("650000"), signed=dt.date(YEAR, 3, 15), contractor=year.contractors[5])
    year.pay(unaccepted, Decimal("200000"), dt.date(YEAR, 3, 30), "advance")
    year.accept(unaccepted, dt.date(YEAR, 8, 1), result="fail")
    year.pay(unaccepted, Decimal("450000"), dt.date(YEAR, 8, 20), "final")
    # 5. one contractor, four projects in one village within the year (different works: no split)
    favourite = year.contractors[-1]
    for n, (work, keyword, category) in enumerate((("机耕路改造", "田畈机耕路", Category.ROAD),
                                                   ("路灯安装", "主街路灯", Category.UTILITY),
                                                   ("公园绿化", "村口公园", Category.LANDSCAPE),
                                                   ("沟渠修复", "西干渠", Category.WATER))):
        amount = Decimal(300_000 + 70_000 * n)
        signed = dt.date(YEAR, 2 + 2 * n, 10)
        project = year.project(village=v5, name=f"{v5.name}{work}工程", keyword=keyword, category=category,
                               amount=amount, signed=signed, contractor=favourite, way=ContractingWay.DIRECT)
        year.complete(project, amount, signed, finish=True)


def build(ctx: DemoContext, *, townships: list[Any], villages: list[Any], planted_township: Any,
          ordinary_count: int) -> dict[str, int]:
    year = Year(ctx)
    planted_villages = [v for v in villages if v.parent_id == planted_township.pk]
    rest = [v for v in villages if v.parent_id != planted_township.pk]
    planted(year, planted_township, planted_villages)
    ordinary(year, [t for t in townships if t.pk != planted_township.pk], rest, count=ordinary_count)
    created = alerts_run(actor=ACTOR, now=at(dt.date(YEAR, 12, 31)))
    ctx.made["small_projects"] = year.made
    return created


@demo_step("smallprojects.year2023", order=76)
def make_year(ctx: DemoContext) -> None:
    townships, villages = ctx.made["townships"], ctx.made["villages"]
    planted_township = townships[PLANTED_TOWNSHIP] if len(townships) > PLANTED_TOWNSHIP else townships[0]
    created = build(ctx, townships=townships, villages=villages, planted_township=planted_township,
                    ordinary_count=ctx.scaled(48, minimum=6))
    ctx.log(f"    small projects: {len(ctx.made['small_projects'])}, alerts: "
            + ", ".join(f"{rule} {n}" for rule, n in created.items()))
