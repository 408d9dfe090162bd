"""The plan of the demo trading year (``zhengwu.trading.demo``): what happens to whom and when, drawn at
random and fitted to the figures of DOMAIN.md §13, before anything is written.

The planner writes nothing; ``demo.Year`` runs the plan through the services. Its amounts are drawn
at random and then fitted, so the sums come out exactly (to the yuan) at any ``--scale``:

* award prices by category, each category adding up to its total (``spread``): 18 separated-award
  projects over 330 亿元, the other above-limit construction projects up to 369.7 亿元, below-limit
  construction 1.7 亿元 and government procurement the rest of 372.3 亿元;
* savings of above-limit construction: a random rate per section, scaled so that they add up to
  10.8 亿元; control price = award + savings, estimate ≥ control price (the rule ``control_price_max_ratio``);
* deposits: a construction section asks min(2 % of its estimate, 80 万元) × β, one β for the year, so
  that the 5,707 guarantees (exactly that many registrations give a guarantee) add up to 11.74 亿元;
  government procurement asks none (Zhejiang waived procurement bid deposits);
* bids: the planned winner bids the award price; the committee's scores are made to rank it first
  (or, for 评定分离, among the recommended candidates, and the tendering party's decision picks it:
  by the votes, the minutes, the final offers, or a lottery whose seed is drawn first and whose
  result then says which candidate the award price belongs to).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils import timezone

from zhengwu.core import calendar
from zhengwu.core.demo import DemoContext
from zhengwu.trading.choices import ContractKind, DecisionMethod, DepositForm, EvaluationMethod, FundingSource, ProjectType
from zhengwu.trading.services_award import draw_lot

YEAR = 2023
#: DOMAIN.md §13 at scale 1
PROJECTS = 451
ABOVE_LIMIT_CONSTRUCTION = 190
SEPARATED = 18
BELOW_LIMIT_CONSTRUCTION = 121  # the rest (140 at scale 1) are government procurement
TOTAL = Decimal("37230000000")  # 372.3 亿元, the award prices of the year
ABOVE_TOTAL = Decimal("36970000000")  # 369.7 亿元
ABOVE_SAVINGS = Decimal("1080000000")  # 10.8 亿元
SEPARATED_TOTAL = Decimal("33420000000")  # "over 330 亿元"
BELOW_TOTAL = Decimal("170000000")  # of the 2.6 亿 outside above-limit construction; procurement has the rest
GUARANTEES = 5707
GUARANTEE_TOTAL = Decimal("1174000000")  # 11.74 亿元
OLD_DEPOSITS = 23
OLD_DEPOSIT_TOTAL = Decimal("642000")  # 64.2 万元
REMOTE_MAIN, REMOTE_SUB = 2, 50
#: demo choices (not in the seed)
FAILED_RUNS = 24  # tenders with fewer than 3 bids, re-run
UNSIGNED = 3  # awards of late December whose contract is still missing
CUSTODIAN_TENDERS = 5  # tenders whose bid keys are split among the opening custodians
GUARANTEE_SHARE = 0.9  # of the deposits given, the share given as an electronic guarantee
DEPOSIT_CAP = Decimal("800000")  # 工程建设项目施工招标投标办法 §37: at most 80 万元 (and at most 2 %)
#: the decision methods of the separated-award projects, by weight
DECISION_METHODS = {DecisionMethod.VOTE: 6, DecisionMethod.VOTE_LOTTERY: 4, DecisionMethod.LOTTERY: 3,
                    DecisionMethod.DELIBERATION: 3, DecisionMethod.PRICE_COMPETITION: 2}
SEPARATED_CANDIDATES = 3  # the default of the rule separated_candidates_max

FIRST_DAY = dt.date(YEAR, 1, 3)  # the first working day of the year: no tender is published before it
YUAN, HUNDRED = Decimal("1"), Decimal("100")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁沈姚卢傅钟"
GIVEN = "伟芳敏静丽强磊军洋勇杰涛明超霞平刚华建国志红玉兰梅林文斌辉鹏飞俊峰云海春晖立新卫东"
SPECIALTY_WORKS = {"building": ("中心小学改扩建工程", "卫生院迁建工程", "文化中心新建工程", "安置小区配套工程",
                                "幼儿园新建工程", "养老服务中心建设工程", "党群服务中心建设工程", "体育馆改造工程"),
                   "municipal": ("道路提升改造工程", "雨污分流改造工程", "老旧小区改造工程", "路网完善工程",
                                 "绿道建设工程", "排水管网改造工程", "桥梁新建工程"),
                   "water": ("防洪堤加固工程", "山塘水库除险加固工程", "农村饮用水达标提标工程", "河道综合整治工程"),
                   "highway": ("公路提升改造工程", "美丽公路建设工程", "县道大中修工程", "四好农村路提升工程")}
SPECIALTY_SHARE = {"building": 0.4, "municipal": 0.3, "water": 0.18, "highway": 0.12}
SUPERVISOR_OF = {"building": "JSJ", "municipal": "JSJ", "water": "SWJ", "highway": "JTJ"}
PARTY_OF = {"building": ("JSJ", "JYJ", "WJJ"), "municipal": ("JSJ",), "water": ("SWJ",), "highway": ("JTJ",)}
MEGA_PROJECTS = (
    ("金义东市域轨道交通婺城段土建工程", "highway"), ("婺城新城区安置房建设工程(一期)", "building"),
    ("金华高铁西站综合交通枢纽工程", "municipal"), ("环城南路快速化改造工程", "municipal"),
    ("婺江流域综合治理工程", "water"), ("金西经济开发区基础设施提升工程", "municipal"),
    ("婺城区城中村改造安置房工程", "building"), ("金华市第二人民医院新院区建设工程", "building"),
    ("白沙溪水库扩容工程", "water"), ("乾西未来社区建设工程", "building"), ("婺城区教育新城学校群建设工程", "building"),
    ("二环西路改建工程", "highway"), ("婺城区国际物流园建设工程", "building"), ("湖海塘片区开发建设工程", "municipal"),
    ("燕尾洲公园二期工程", "municipal"), ("婺城区地下综合管廊建设工程", "municipal"),
    ("临江工业园区标准厂房建设工程", "building"), ("金华山旅游集散中心建设工程", "building"),
)
PLACES = ("婺江", "三江口", "双龙", "湖海塘", "白沙溪", "梅溪", "厚大溪", "武义江", "环城南路", "宾虹路", "八一南街",
          "李渔路", "丹溪路", "迎宾大道", "二环西路", "婺城新城区", "金西开发区", "乾西", "临江", "罗店", "汤溪")
VILLAGE_WORKS = ("村道硬化工程", "文化礼堂修缮工程", "污水管网修复工程", "机耕路改造工程", "公厕改造工程",
                 "山塘清淤工程", "路灯亮化工程", "游步道建设工程")
GOODS = ("办公设备采购项目", "信息化设备采购项目", "执法记录仪采购项目", "教学设备采购项目", "医疗设备采购项目",
         "图书采购项目", "应急物资采购项目", "课桌椅采购项目")
SERVICES = ("物业管理服务采购项目", "保洁服务采购项目", "审计服务采购项目", "软件运维服务采购项目",
            "法律顾问服务采购项目", "安保服务采购项目")
BUYERS = ("JYJ", "WJJ", "ZFJ", "MZJ", "SCJ", "RSJ", "NYJ", "GAJ", "WGL", "CZJ", "YJJ")
#: final openings per month (the weight of a working day in that month)
MONTH_WEIGHT = (0.5, 0.8, 1.1, 1.1, 1.1, 1.2, 1.0, 1.0, 1.1, 0.8, 1.2, 1.0)


# --- the plan's rows ---------------------------------------------------------------------------------

@dataclass
class Bidder:
    enterprise: Any
    user: Any
    account: str
    bank: str


@dataclass
class Reg:
    """One planned registration: its deposit (guarantee, transfer or none) and whether and what it bids."""

    bidder: Bidder
    form: str | None = None
    bids: bool = False
    price: Decimal | None = None
    offer: Decimal | None = None  # the final offer of a price competition (评定分离)
    winner: bool = False
    candidate: bool = False  # recommended by the committee (评定分离)
    finalist: bool = False  # goes into the lottery of vote-then-lottery (评定分离)
    revoke: bool = False  # gives no passphrase at the opening
    other_payer: bool = False  # a transfer from another company's account
    registered_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    bid_at: dt.datetime | None = None
    #: the bid's evidence where the plan sets it (planted collusion): machine code, upload IP, document text ...
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class SectionPlan:
    number: int
    kind: str
    name: str
    specialty: str
    award: Decimal = Decimal(0)
    control: Decimal = Decimal(0)
    estimate: Decimal = Decimal(0)
    deposit: Decimal = Decimal(0)
    lottery_seed: int | None = None
    obj: Any = None


@dataclass
class Run:
    """One tender of a project: a failed run comes before the run that is awarded."""

    project: ProjectPlan
    number: int
    fails: bool
    published: dt.date
    deadline: dt.datetime
    first_deadline: dt.datetime
    amend_at: dt.datetime | None = None
    clarify: bool = False
    objection: bool = False
    custodians: bool = False
    unsigned: bool = False
    regs: list[list[Reg]] = field(default_factory=list)
    obj: Any = None


@dataclass
class ProjectPlan:
    category: str  # separated, above, below, procurement
    name: str
    specialty: str
    funding: str
    party: dict[str, Any]
    agent: Any
    supervisor: Any
    sections: list[SectionPlan]
    runs: list[Run] = field(default_factory=list)
    decision_method: str = ""
    remote_main: bool = False
    obj: Any = None

    @property
    def project_type(self) -> str:
        return ProjectType.PROCUREMENT if self.category == "procurement" else ProjectType.CONSTRUCTION

    @property
    def method(self) -> str:
        return (EvaluationMethod.COMPREHENSIVE if self.category in ("separated", "above")
                else EvaluationMethod.LOWEST_PRICE)

    @property
    def separated(self) -> bool:
        return self.category == "separated"


def committee(plan: ProjectPlan) -> tuple[int, int, dict[str, int]]:
    """(committee size, representatives of the tendering party, experts per specialty)."""
    if plan.separated:
        return 9, 2, {plan.specialty: 4, "cost": 2, "installation": 1}
    if plan.category == "procurement":
        return 5, 1, ({"installation": 2, "finance": 1, "law": 1} if plan.specialty == "installation"
                      else {"finance": 2, "law": 1, "cost": 1})
    return 5, 1, {plan.specialty: 3, "cost": 1}


# --- small helpers ----------------------------------------------------------------------------------------

def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def workday_on_or_after(day: dt.date) -> dt.date:
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def workday_on_or_before(day: dt.date) -> dt.date:
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def between(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A moment in [start, end), to the minute (``start`` when the span is shorter)."""
    minutes = max(1, int((end - start).total_seconds() // 60))
    return start + dt.timedelta(minutes=rng.randrange(minutes))


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def spread(rng: random.Random, total: Decimal, n: int, *, low: Decimal, high: Decimal | None = None,
           sigma: float = 0.8, unit: Decimal = YUAN) -> list[Decimal]:
    """``n`` amounts in [low, high], lognormally spread, adding up to exactly ``total`` (in ``unit``s)."""
    if n == 0:
        return []
    if low * n > total or (high is not None and high * n < total):
        raise ValueError(f"cannot spread {total} over {n} amounts in [{low}, {high}]")
    weights = [rng.lognormvariate(0, sigma) for _ in range(n)]
    fixed: dict[int, Decimal] = {}
    while True:  # water-filling: amounts over ``high`` are fixed at it and the rest shared again
        free = [i for i in range(n) if i not in fixed]
        rest = float(total - sum(fixed.values()) - low * len(free))
        share = sum(weights[i] for i in free)
        over = [i for i in free if high is not None and float(low) + rest * weights[i] / share > float(high)]
        if not over:
            break
        fixed.update((i, high) for i in over)
    amounts = [fixed.get(i) or (low + Decimal(rest * weights[i] / share)).quantize(unit, ROUND_DOWN)
               for i in range(n)]
    free = sorted((i for i in range(n) if i not in fixed), key=lambda i: -amounts[i])
    amounts[free[0]] += total - sum(amounts)  # the rounding rest goes to the largest free amount
    return amounts


# --- the planner ------------------------------------------------------------------------------------------

class Planner:
    """Draws the year's projects, tenders and registrations, then fits the sums of §13 exactly.

    ``world`` (``demo.World``) provides the parties: departments, organs, state companies, developers,
    agents, villages, bidders."""

    def __init__(self, ctx: DemoContext, world: Any) -> None:
        self.ctx, self.world = ctx, world
        self.rng = ctx.rng_for("trading.plan")
        self.scale = Decimal(str(ctx.scale))
        self.n_total = ctx.scaled(PROJECTS, minimum=4)
        self.n_above = ctx.scaled(ABOVE_LIMIT_CONSTRUCTION, minimum=2)
        self.n_separated = min(ctx.scaled(SEPARATED), self.n_above - 1)
        self.n_below = ctx.scaled(BELOW_LIMIT_CONSTRUCTION)
        self.n_procurement = self.n_total - self.n_above - self.n_below
        if self.n_procurement < 1:
            raise ValueError(f"scale {ctx.scale} leaves no procurement project")
        self.opening_days = [d for d in (dt.date(YEAR, 1, 30) + dt.timedelta(days=i) for i in range(320))
                             if d <= dt.date(YEAR, 12, 15) and calendar.is_working_day(d)]

    def money(self, amount: Decimal) -> Decimal:
        return (amount * self.scale).quantize(YUAN)

    def plan(self) -> tuple[list[ProjectPlan], list[Run]]:
        plans = self.projects()
        runs = self.runs(plans)
        self.deposits(runs)
        self.schedule(runs)
        return plans, runs

    # -- projects and amounts --

    def projects(self) -> list[ProjectPlan]:
        rng = self.rng
        plans = [self._project("separated", i) for i in range(self.n_separated)]
        plans += [self._project("above", i) for i in range(self.n_above - self.n_separated)]
        plans += [self._project("below", i) for i in range(self.n_below)]
        plans += [self._project("procurement", i) for i in range(self.n_procurement)]
        by = {c: [p for p in plans if p.category == c] for c in ("separated", "above", "below", "procurement")}
        above_total, separated_total = self.money(ABOVE_TOTAL), self.money(SEPARATED_TOTAL)
        below_total = self.money(BELOW_TOTAL)
        self._awards(by["separated"], separated_total, low=Decimal("300000000"), high=None, sigma=0.5)
        self._awards(by["above"], above_total - separated_total, low=Decimal("4500000"), high=None, sigma=0.9)
        self._awards(by["below"], below_total, low=Decimal("300000"), high=Decimal("3400000"), sigma=0.6)
        self._awards(by["procurement"], self.money(TOTAL) - above_total - below_total, low=Decimal("80000"),
                     high=Decimal("1700000"), sigma=0.7)
        for plan in by["procurement"]:
            self._procurement_kind(plan)
        # savings of above-limit construction: random rates, scaled to the total of §13
        above = [s for p in by["separated"] + by["above"] for s in p.sections]
        rates = [rng.uniform(0.012, 0.035) if p.separated else rng.uniform(0.01, 0.07)
                 for p in by["separated"] + by["above"] for _ in p.sections]
        raw = [float(s.award) * r for s, r in zip(above, rates)]
        factor = float(self.money(ABOVE_SAVINGS)) / sum(raw)
        savings = [Decimal(x * factor).quantize(YUAN, ROUND_DOWN) for x in raw]
        savings[max(range(len(above)), key=lambda i: above[i].award)] += self.money(ABOVE_SAVINGS) - sum(savings)
        for section, saving in zip(above, savings):
            section.control = section.award + saving
        for plan in by["below"] + by["procurement"]:
            for section in plan.sections:
                section.control = (section.award / Decimal(1 - rng.uniform(0.01, 0.09))).quantize(HUNDRED)
        limit = {ContractKind.WORKS: Decimal("3990000"), ContractKind.GOODS: Decimal("1990000"),
                 ContractKind.SERVICES: Decimal("990000")}
        for plan in plans:
            for section in plan.sections:
                estimate = (section.control / Decimal(rng.uniform(0.93, 1.0))).quantize(HUNDRED)
                if plan.category in ("below", "procurement"):
                    estimate = min(estimate, limit[section.kind])
                section.estimate = max(estimate, section.control)
        methods = list(DECISION_METHODS)
        for plan in by["separated"]:
            plan.decision_method = rng.choices(methods, weights=list(DECISION_METHODS.values()))[0]
        rng.shuffle(plans)
        for plan in rng.sample(by["separated"], min(len(by["separated"]), self.ctx.scaled(REMOTE_MAIN))):
            plan.remote_main = True
        return plans

    def _awards(self, plans: list[ProjectPlan], total: Decimal, *, low: Decimal, high: Decimal | None,
                sigma: float) -> None:
        for plan, amount in zip(plans, spread(self.rng, total, len(plans), low=low, high=high, sigma=sigma)):
            n = len(plan.sections)
            parts = spread(self.rng, amount, n, low=(amount / n / 2).quantize(YUAN), sigma=0.3) if n > 1 else [amount]
            for section, part in zip(plan.sections, parts):
                section.award = part

    def _procurement_kind(self, plan: ProjectPlan) -> None:
        """Goods (below 200 万) or services (below 100 万, so awards up to 85 万), named after it."""
        rng, section = self.rng, plan.sections[0]
        goods = section.award > Decimal("850000") or rng.random() < 0.6
        section.kind = ContractKind.GOODS if goods else ContractKind.SERVICES
        section.specialty = plan.specialty = "installation" if goods else "finance"
        item = rng.choice(GOODS if goods else SERVICES)
        section.name = item.removesuffix("项目")
        plan.name = f"{YEAR}年{plan.name}{item}"

    def _project(self, category: str, i: int) -> ProjectPlan:
        rng, world = self.rng, self.world
        if category == "procurement":  # named once its amount says goods or services (_procurement_kind)
            dept = world.department(rng.choice(BUYERS))
            return ProjectPlan(category, dept.short_name, "installation", FundingSource.GOVERNMENT_INVESTED,
                               world.organ(dept.name), rng.choice(world.agents), world.department("CZJ"),
                               [SectionPlan(1, ContractKind.GOODS, "", "installation")])
        specialty = rng.choices(list(SPECIALTY_SHARE), weights=list(SPECIALTY_SHARE.values()))[0]
        funding = FundingSource.GOVERNMENT_INVESTED
        if category == "separated":
            name, specialty = MEGA_PROJECTS[i % len(MEGA_PROJECTS)]
            name = name if i < len(MEGA_PROJECTS) else f"{name}(续建{i // len(MEGA_PROJECTS) + 1})"
            party = world.state_party(rng)
            sections = [SectionPlan(n, ContractKind.WORKS, f"施工第{n}标段", specialty)
                        for n in range(1, rng.choice((2, 2, 3)) + 1)]
        elif category == "above":
            name = f"{rng.choice(PLACES + world.township_names)}{rng.choice(SPECIALTY_WORKS[specialty])}"
            roll = rng.random()
            if roll < 0.55:
                party = world.organ(world.department(rng.choice(PARTY_OF[specialty])).name)
            elif roll < 0.9:
                party, funding = world.state_party(rng), FundingSource.STATE_FUNDED
            else:
                party, funding = world.developer(rng), FundingSource.PRIVATE
            count = 2 if rng.random() < 0.12 else 1
            sections = [SectionPlan(n, ContractKind.WORKS, f"施工第{n}标段" if count > 1 else "施工", specialty)
                        for n in range(1, count + 1)]
        else:
            village = rng.choice(world.villages)
            township = village.parent
            name = f"{township.name}{village.name}{rng.choice(VILLAGE_WORKS)}"
            party = world.organ(f"金华市婺城区{township.name}{'办事处' if '街道' in township.name else '人民政府'}")
            specialty = rng.choice(("building", "municipal", "water"))
            sections = [SectionPlan(1, ContractKind.WORKS, "施工", specialty)]
        return ProjectPlan(category, name, specialty, funding, party, rng.choice(world.agents),
                           world.department(SUPERVISOR_OF[specialty]), sections)

    # -- tenders and registrations --

    def runs(self, plans: list[ProjectPlan]) -> list[Run]:
        rng, ctx = self.rng, self.ctx
        single = [p for p in plans if not p.separated and len(p.sections) == 1]
        failing = set(map(id, rng.sample(single, min(len(single), ctx.scaled(FAILED_RUNS)))))
        weights = [MONTH_WEIGHT[d.month - 1] for d in self.opening_days]
        runs: list[Run] = []
        for plan in plans:
            # a failed run comes 4–9 days before the re-run is published: both within the year
            earliest = dt.date(YEAR, 4, 10) if id(plan) in failing else self.opening_days[0]
            opening = dt.date(YEAR, 1, 1)
            while opening < earliest:
                opening = rng.choices(self.opening_days, weights=weights)[0]
            final = self._run(plan, opening, fails=False)
            if id(plan) in failing:
                failed_opening = workday_on_or_before(final.published - dt.timedelta(days=rng.randint(4, 9)))
                plan.runs.append(self._run(plan, failed_opening, fails=True))
            plan.runs.append(final)
            for number, run in enumerate(plan.runs, start=1):
                run.number = number
            runs.extend(plan.runs)
        awarded = sorted((r for r in runs if not r.fails), key=lambda r: r.deadline)
        for run in awarded[-ctx.scaled(UNSIGNED):]:
            run.unsigned = True
        candidates = [r for r in awarded if r.project.category == "above"]
        for run in rng.sample(candidates, min(len(candidates), ctx.scaled(CUSTODIAN_TENDERS, minimum=0))):
            run.custodians = True
        self._registrations(runs)
        return runs

    def _run(self, plan: ProjectPlan, opening: dt.date, *, fails: bool) -> Run:
        rng = self.rng
        deadline = at(opening, 9, 30)
        amended = not fails and rng.random() < 0.05 and opening - dt.timedelta(days=34) >= FIRST_DAY
        published = workday_on_or_before(opening - dt.timedelta(days=rng.randint(30, 34) if amended
                                                                 else rng.randint(21, 27)))
        first_deadline, amend_at = deadline, None
        if amended:
            first_deadline = at(workday_on_or_after(published + dt.timedelta(days=21)), 9, 30)
            amend_at = at(published + dt.timedelta(days=8), 15)
            if first_deadline >= deadline:
                first_deadline, amend_at = deadline, None
        if published < FIRST_DAY:
            raise ValueError(f"a tender of {plan.name} would be published on {published}, before the year")
        return Run(plan, 0, fails, published, deadline, first_deadline, amend_at=amend_at,
                   clarify=rng.random() < 0.25, objection=not fails and rng.random() < 0.04)

    def _registrations(self, runs: list[Run]) -> None:
        rng, world = self.rng, self.world
        # bidders per section: 3 to 6 in an awarded run (one more for 评定分离), 0 to 2 in a failed one
        deposit_sections: list[tuple[Run, int, int, float]] = []  # run, section index, bidders, weight
        for run in runs:
            plan = run.project
            for i, section in enumerate(plan.sections):
                bidders = (rng.choices((0, 1, 2), weights=(1, 2, 3))[0] if run.fails
                           else rng.choices((3, 4, 5, 6), weights=(60, 25, 11, 4))[0] + (1 if plan.separated else 0))
                if plan.category == "procurement":
                    count = bidders + rng.randint(1, 5)
                    run.regs.append(self._pick(run, section, count, bidders, world.suppliers, forms=[None] * count))
                else:
                    weight = {"separated": 3.0, "above": 1.6, "below": 0.8}[plan.category] * (0.4 if run.fails else 1)
                    deposit_sections.append((run, i, bidders, weight * rng.uniform(0.6, 1.4)))
                    run.regs.append([])
        # the construction registrations: exactly GUARANTEES guarantees among the deposits given
        guarantees = self.ctx.scaled(GUARANTEES)
        depositing = round(guarantees / GUARANTEE_SHARE)
        counts = [max(b + 1, 2) for _, _, b, _ in deposit_sections]
        rest = depositing - sum(counts)
        if rest < 0:
            raise ValueError("too few guarantees for the bidders of this scale")
        share = sum(w for *_, w in deposit_sections)
        extra = [int(rest * w / share) for *_, w in deposit_sections]
        for k in sorted(range(len(extra)), key=lambda k: -deposit_sections[k][3])[:rest - sum(extra)]:
            extra[k] += 1
        forms = [DepositForm.GUARANTEE] * guarantees + [DepositForm.TRANSFER] * (depositing - guarantees)
        rng.shuffle(forms)
        position = 0
        for (run, i, bidders, _), count, more in zip(deposit_sections, counts, extra):
            n = count + more
            unpaid = 1 if rng.random() < 0.15 else 0  # registered, never gave a deposit (and does not bid)
            run.regs[i] = self._pick(run, run.project.sections[i], n + unpaid, bidders, world.builders,
                                     forms=forms[position:position + n] + [None] * unpaid)
            position += n

    def _pick(self, run: Run, section: SectionPlan, count: int, bidders: int, pool: list[Bidder], *,
              forms: list[str | None]) -> list[Reg]:
        rng = self.rng
        regs = [Reg(bidder, form) for bidder, form in zip(rng.sample(pool, count), forms)]
        for reg in regs:
            if reg.form == DepositForm.TRANSFER and rng.random() < 0.01:
                reg.other_payer = True
        able = [r for r in regs if r.form is not None or run.project.category == "procurement"]
        for reg in rng.sample(able, min(bidders, len(able))):
            reg.bids = True
        if run.fails:
            return regs
        bidding = [r for r in regs if r.bids]
        eligible = [r for r in bidding if not r.other_payer] or bidding
        if run.project.separated:
            eligible = eligible if len(eligible) >= SEPARATED_CANDIDATES else bidding
            chosen = set(map(id, rng.sample(eligible, SEPARATED_CANDIDATES)))
            self._candidates(run.project, section, [r for r in regs if id(r) in chosen])
        else:
            winner = rng.choice(eligible)
            winner.winner, winner.other_payer = True, False
        return regs

    def _candidates(self, plan: ProjectPlan, section: SectionPlan, candidates: list[Reg]) -> None:
        """评定分离: the committee's candidates (in upload order, i.e. in the order of their bid ids) and the one
        the tendering party's method picks. A lottery's seed is drawn first; the candidate it falls on wins."""
        rng = self.rng
        for reg in candidates:
            reg.candidate, reg.other_payer = True, False
        method = plan.decision_method
        if method == DecisionMethod.LOTTERY:
            section.lottery_seed = rng.randrange(2 ** 63)
            candidates[draw_lot(section.lottery_seed, list(range(len(candidates))))].winner = True
        elif method == DecisionMethod.VOTE_LOTTERY:
            chosen = set(map(id, rng.sample(candidates, 2)))
            finalists = [r for r in candidates if id(r) in chosen]
            for reg in finalists:
                reg.finalist = True
            section.lottery_seed = rng.randrange(2 ** 63)
            finalists[draw_lot(section.lottery_seed, list(range(len(finalists))))].winner = True
        else:
            rng.choice(candidates).winner = True

    def expert_needs(self, runs: list[Run]) -> dict[str, int]:
        """Per specialty, the most experts the committees draw within any ``cooldown_days`` (30) natural days:
        an expert drawn is out of the pool that long, so the database needs at least that many (and more, for
        replacements and the ones excluded for a conflict: ``World.experts`` adds a margin)."""
        draws: dict[str, list[tuple[dt.date, int]]] = {}
        for run in runs:
            if run.fails:
                continue
            for _ in run.project.sections:
                for specialty, n in committee(run.project)[2].items():
                    draws.setdefault(specialty, []).append((run.deadline.date(), n))
        most: dict[str, int] = {}
        for specialty, rows in draws.items():
            rows.sort()
            most[specialty] = max(sum(n for d, n in rows if day <= d < day + dt.timedelta(days=30))
                                  for day, _ in rows)
        return most

    # -- deposits: the guarantees' total of §13 --

    def deposits(self, runs: list[Run]) -> None:
        """Every construction section asks min(2 % of the estimate, 80 万) × β; β fits the guarantees' total.

        A section keeps its deposit across a failed run and its re-run, so the fit is per section."""
        target = self.money(GUARANTEE_TOTAL)
        per_section: dict[int, list[Any]] = {}  # id → [section, cap, guarantees in all its runs]
        for run in runs:
            if run.project.category == "procurement":
                continue
            for section, regs in zip(run.project.sections, run.regs):
                cap = min((section.estimate * Decimal("0.02")).quantize(HUNDRED, ROUND_DOWN), DEPOSIT_CAP)
                entry = per_section.setdefault(id(section), [section, cap, 0])
                entry[2] += sum(r.form == DepositForm.GUARANTEE for r in regs)
        raw = sum(cap * g for _, cap, g in per_section.values())
        beta = target / raw
        if beta > 1:
            raise ValueError(f"the guarantees cannot reach {target} yuan under the deposit caps ({raw})")
        for section, cap, _ in per_section.values():
            section.deposit = (cap * beta).quantize(HUNDRED, ROUND_DOWN)
        rest = target - sum(s.deposit * g for s, _, g in per_section.values())
        for section, cap, g in sorted(per_section.values(), key=lambda e: -e[2]):
            if g == 0:
                continue
            steps = min(int(rest // (g * HUNDRED)), int((cap - section.deposit) // HUNDRED))
            section.deposit += steps * HUNDRED
            rest -= steps * g * HUNDRED
        for section, cap, g in per_section.values():  # the last yuan where a section has one guarantee
            if g == 1 and 0 < rest and section.deposit + rest <= cap:
                section.deposit, rest = section.deposit + rest, Decimal(0)

    # -- bid prices and moments --

    def schedule(self, runs: list[Run]) -> None:
        rng = self.rng
        for run in runs:
            plan = run.project
            sale_end = at(run.published + dt.timedelta(days=6), 17)
            for section, regs in zip(plan.sections, run.regs):
                for reg in regs:
                    reg.registered_at = between(rng, at(run.published, 9, 5), sale_end)
                    if reg.form is not None:
                        reg.paid_at = between(rng, reg.registered_at + dt.timedelta(hours=2),
                                              run.first_deadline - dt.timedelta(days=1))
                    earliest = max(reg.paid_at or reg.registered_at, run.amend_at or reg.registered_at)
                    reg.bid_at = between(rng, earliest + dt.timedelta(hours=1), run.deadline - dt.timedelta(minutes=10))
                self._prices(plan, section, [r for r in regs if r.bids], fails=run.fails)

    def _prices(self, plan: ProjectPlan, section: SectionPlan, bidding: list[Reg], *, fails: bool) -> None:
        """The winner bids the award price (in a price competition a little more, then offers it); the others
        around it: most between it and the control price, some above the control price (rejected), some
        cheaper but scored lower. Committee candidates stay valid."""
        rng = self.rng
        a, c = section.award, section.control
        lowest = plan.method == EvaluationMethod.LOWEST_PRICE
        competition = plan.decision_method == DecisionMethod.PRICE_COMPETITION
        for reg in bidding:
            if reg.winner:
                reg.price = min(c, (a * Decimal(1 + rng.uniform(0.003, 0.015))).quantize(HUNDRED)) if competition else a
                reg.offer = a if competition else None
                continue
            roll = rng.random()
            if fails or roll < 0.8 or (reg.candidate and (competition or roll < 0.9)):
                up, share = rng.uniform(0.004, 0.03), rng.random()
                if c > a + 2 * HUNDRED:  # between the winner's price and the control price, as most bids are
                    reg.price = (a + (c - a) * Decimal(0.02 + 0.97 * share)).quantize(HUNDRED)
                else:  # no room under the control price: a little above the winner
                    reg.price = (a * Decimal(1 + up) + (c - a) * Decimal(share)).quantize(HUNDRED)
                reg.price = min(reg.price, c) if reg.candidate else reg.price
            elif roll < 0.9:  # above the control price: rejected
                reg.price = (c * Decimal(1 + rng.uniform(0.002, 0.02))).quantize(HUNDRED)
            elif not lowest:  # cheaper, but scored lower
                reg.price = (a * Decimal(1 - rng.uniform(0.003, 0.02))).quantize(HUNDRED)
            else:
                reg.price = (a * Decimal(1 + rng.uniform(0.01, 0.05))).quantize(HUNDRED)
            if lowest or competition:
                reg.price = max(reg.price, a + HUNDRED)
            if competition and reg.candidate and reg.price - a >= 2 * HUNDRED and rng.random() < 0.7:
                reg.offer = (reg.price - (reg.price - a) / 2).quantize(HUNDRED)
            reg.revoke = not reg.candidate and len(bidding) > 3 and rng.random() < 0.04


# --- planted collusion signs (evidence for supervision, 实施条例 §40) ------------------------------------------
#
# Drawn with their own generator after the plan, so the year's figures are untouched: planting changes who
# bids (never how many), the evidence of a few bids, and the prices of losing bidders in one lowest-price
# section (still above the winner's, at or below the control price). Sections too few at a small scale: the
# pattern is left out.

SHARED_MACHINE_SECTIONS = 3


def _awarded_sections(runs: list[Run], *, categories: tuple[str, ...]) -> list[tuple[Run, int, SectionPlan]]:
    return [(run, i, section) for run in runs if not run.fails and run.project.category in categories
            for i, section in enumerate(run.project.sections) if i < len(run.regs)]


def plant_collusion(runs: list[Run], builders: list[Bidder], rng: random.Random) -> dict[str, Any]:
    """Plant the collusion patterns the supervision demo finds; returns what was planted (plan objects)."""
    planted: dict[str, Any] = {"rotation": [], "machine": [], "prices": [], "related": []}
    used: set[int] = set()  # id() of the sections already given a pattern
    candidates = _awarded_sections(runs, categories=("above", "below"))
    rng.shuffle(candidates)

    # a group of three builders who bid together in four sections and win in turn
    group = rng.sample(builders, 3) if len(builders) >= 6 else []
    chosen = []
    for run, i, section in candidates:
        regs = run.regs[i]
        bidding = [r for r in regs if r.bids]
        winner = next((r for r in bidding if r.winner), None)
        others = [r for r in bidding if not r.winner]
        if (winner is None or len(others) < 2 or any(r.bidder in group for r in regs)
                or any(c[0] is run for c in chosen)):
            continue
        chosen.append((run, i, section))
        if len(chosen) == 4:
            break
    if group and len(chosen) == 4:
        for k, (run, i, section) in enumerate(chosen):
            bidding = [r for r in run.regs[i] if r.bids]
            winner = next(r for r in bidding if r.winner)
            losers = [r for r in bidding if not r.winner][:2]
            winner.bidder = group[k % 3]
            for reg, member in zip(losers, [m for m in group if m is not winner.bidder]):
                reg.bidder = member
            for reg in [winner, *losers]:
                reg.revoke = False
                reg.other_payer = False
            used.add(id(section))
        planted["rotation"] = [{"group": group, "sections": [c[2] for c in chosen]}]

    # bids of two bidders made on one machine (one pair also uploaded from one IP, one with near-identical texts)
    for run, i, section in candidates:
        if len(planted["machine"]) == SHARED_MACHINE_SECTIONS:
            break
        bidding = [r for r in run.regs[i] if r.bids]
        if id(section) in used or len(bidding) < 3:
            continue
        first, second = rng.sample(bidding, 2)
        code = f"MC-{rng.randrange(16 ** 12):012X}"
        first.evidence["machine_code"] = second.evidence["machine_code"] = code
        first.revoke = second.revoke = False
        n = len(planted["machine"])
        if n == 0:
            ip = f"115.{rng.randrange(192, 224)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            first.evidence["upload_ip"] = second.evidence["upload_ip"] = ip
        if n == 1:
            text = similar_text(rng, section.name)
            first.evidence["document_text"] = text
            second.evidence["document_text"] = text.replace("第一节", "第1节", 1)
        used.add(id(section))
        planted["machine"].append({"section": section, "bidders": [first.bidder, second.bidder], "code": code})

    # prices of one lowest-price section in an arithmetic progression above the winner's
    for run, i, section in _awarded_sections(runs, categories=("below", "procurement")):
        bidding = [r for r in run.regs[i] if r.bids]
        winner = next((r for r in bidding if r.winner), None)
        losers = [r for r in bidding if not r.winner]
        step = ((section.control - section.award) / (len(losers) + 1)).quantize(HUNDRED, ROUND_DOWN)
        if id(section) in used or winner is None or len(losers) < 2 or step < HUNDRED:
            continue
        for k, reg in enumerate(losers, start=1):
            reg.price = section.award + step * k
            reg.revoke = False
        used.add(id(section))
        planted["prices"].append({"section": section, "step": step})
        break

    # two bidders of one section with the same legal representative (recorded by the year, org.services)
    for run, i, section in candidates:
        bidding = [r for r in run.regs[i] if r.bids]
        if id(section) in used or len(bidding) < 3:
            continue
        pair = rng.sample(bidding, 2)
        used.add(id(section))
        planted["related"].append({"section": section, "bidders": [r.bidder for r in pair]})
        break
    return planted


def similar_text(rng: random.Random, name: str) -> str:
    """A bid's technical part, long enough that a one-word edit keeps it near-identical."""
    parts = ["第一节 施工组织设计", "第二节 项目管理机构", "第三节 质量保证措施", "第四节 安全文明施工",
             "第五节 进度计划及保证措施", "第六节 劳动力及机械设备安排"]
    body = "。".join(f"{p}:本标段{name}按设计图纸和规范组织施工,{rng.choice(('分段流水', '平行作业', '交叉施工'))},"
                    f"配备专职管理人员{rng.randint(5, 30)}名" for p in parts)
    return body * 3
