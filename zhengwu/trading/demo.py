"""Demo data of public resource trading: the 2023 trading year of the demo district (DOMAIN.md §10, §13).

Step ``trading.year2023`` (60), after the organization (it needs the departments, the townships and the
staff logins ``trading`` and ``expert``). Every row is written by the trading services themselves, in
the order of the year, so the states, the audit chain and every figure are those the platform holds:

* the parties: tendering parties (bureaus and township governments by name and credit code, the
  district's state-owned companies and a few developers as enterprises), ten tendering agents, a pool
  of bidders (construction companies and suppliers, each with an enterprise user account without a
  usable password; ``org.demo``'s ``enterprise`` login is one of them), three opening key custodians;
* the expert database (about 700 experts at scale 1, provincial and local, one or two specialties; some
  employed by a bidder, declaring a relation, working for a supervising bureau or with a low credit
  score; two suspended for half a year; ``org.demo``'s ``expert`` login is one of them and scores its
  own sheets);
* the old deposits: transfers left on the books by tenders of 2013–2019 (opened and awarded offline,
  before electronic bidding; the tenders stand closed) and refunded on 20 November 2023 as one
  clean-up batch (``deposits_refund_old``) of 64.2 万元;
* the year (``demo_plan`` draws it): for every project its tender, published with the legal periods;
  clarifications, some amendments and objections; registrations in the sale period by the bidders'
  own accounts; deposits (mostly electronic guarantees, the rest transfers from the bidder's basic
  account); sealed bids uploaded before the deadline; the opening at the deadline; the committee
  drawn from the expert database (a few members decline and are replaced); the evaluation (score
  sheets for comprehensive scoring, none for the lowest evaluated price); the report; the candidates'
  publicity (a few objections, answered); the award (the first candidate, or for the 18 评定分离
  projects the tendering party's decision by the documents' method) with its service fee (waived from
  30 October); the contract; the deposit refunds. Some tenders get fewer than 3 bids, fail at the
  opening and are re-run. Remote cross-region evaluation: 2 sessions with this center as the main
  venue (projects of ours), 50 as a sub-venue (other cities' projects).

Calibration at scale 1 (DOMAIN.md §13), exact to the yuan: 451 projects awarded in 2023 with award prices
adding up to 372.3 亿元; 190 above-limit construction projects, 369.7 亿元, savings 10.8 亿元, 2.84 % of
their control prices; 18 government-invested projects, 334.2 亿元, in 评定分离; 5,707 electronic guarantees
received in 2023 for 11.74 亿元; old deposits refunded 64.2 万元; 2 + 50 remote sessions. ``--scale``
multiplies counts and amounts (``trading.figures.trading_figures`` reads them back).

Cost: a sealed bid costs two scrypt derivations (sealing and opening; ``sealing.py`` fixes n=2^14 and has
no cheaper setting), about 0.1 s per bid on the reference machine. So most registrants register and give a
guarantee but do not bid (3 to 7 bids per section), and the time spent sealing and opening is reported in
``ctx.timings["trading.year2023: of which sealing and opening (scrypt)"]``.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import random
import time as clock
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

from zhengwu.core import audit
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.core.identifiers import make_credit_code, make_id_card
from zhengwu.org import services as org_services
from zhengwu.org.models import Department, Enterprise, User
from zhengwu.org.roles import Role
from zhengwu.trading import (
    sealing,
    services,
    services_award,
    services_bids,
    services_deposits,
    services_evaluation,
    services_experts,
    services_sessions,
)
from zhengwu.trading.choices import (
    AwardMode,
    ContractKind,
    DecisionMethod,
    DepositForm,
    EvaluationMethod,
    ExpertSource,
    FundingSource,
    Procedure,
    ProjectType,
    SealingMode,
    SessionEventKind,
    SessionMemberRole,
    TenderStatus,
    VenueKind,
)
from zhengwu.trading.demo_plan import (
    OLD_DEPOSIT_TOTAL,
    OLD_DEPOSITS,
    PLACES,
    REMOTE_SUB,
    SPECIALTY_WORKS,
    YEAR,
    Bidder,
    Planner,
    ProjectPlan,
    Reg,
    Run,
    SectionPlan,
    at,
    committee,
    person_name,
    plant_collusion,
    spread,
    workday_on_or_after,
)
from zhengwu.trading.models import (
    BidderRegistration,
    Deposit,
    EvaluatedBid,
    Evaluation,
    Expert,
    ExpertDraw,
    ExpertDrawMember,
    Project,
    RemoteSession,
    Section,
    Tender,
)

CLEANUP_DAY = dt.date(YEAR, 11, 20)
CENT, HUNDRED = Decimal("0.01"), Decimal("100")
STAFF_USERNAME, EXPERT_USERNAME = "trading", "expert"
PASSPHRASE_WORDS = ("婺江", "双龙", "八咏", "金华山", "燕尾洲", "古子城", "黄大仙", "通济桥")
OUR_CENTER = "婺城区公共资源交易中心"
OTHER_CENTERS = (("衢州市公共资源交易中心", "衢州市"), ("丽水市公共资源交易中心", "丽水市"),
                 ("台州市公共资源交易中心", "台州市"), ("温州市公共资源交易中心", "温州市"),
                 ("湖州市公共资源交易中心", "湖州市"), ("舟山市公共资源交易中心", "舟山市"))
DECISION_GROUP = ("招标人法定代表人", "分管负责人", "项目负责人", "财务负责人", "纪检监督人员")
GUARANTORS = ("中国人民财产保险股份有限公司金华市分公司", "中国平安财产保险股份有限公司金华中心支公司",
              "中国太平洋财产保险股份有限公司金华中心支公司", "浙商银行股份有限公司金华分行",
              "金华银行股份有限公司城西支行", "浙江金华成泰农村商业银行股份有限公司")
BANKS = ("中国工商银行金华分行营业部", "中国农业银行金华婺城支行", "中国建设银行金华分行", "中国银行金华市分行",
         "金华银行城西支行", "浙江金华成泰农村商业银行")
COMPANY_PLACES = ("浙江", "金华", "金华市婺城区", "兰溪", "义乌", "东阳", "永康", "浦江", "武义", "杭州", "绍兴", "衢州")
COMPANY_WORDS = ("宏达", "恒信", "中天", "广厦", "金恒", "华昌", "新世纪", "通和", "盛业", "鼎盛", "宏润", "方正", "立信",
                 "天宇", "长城", "鑫源", "金诚", "百川", "欣和", "润泽", "八达", "顺通", "华锦", "精工", "永盛", "嘉禾",
                 "海通", "众成", "卓越", "信达", "永固", "兴业", "和创", "伟业", "东方", "南湖", "泰宁", "汇邦")
BUILDER_TRADES = ("建设", "建筑工程", "市政园林", "水利水电", "交通工程", "路桥", "建工集团", "城建", "土木工程")
SUPPLIER_TRADES = ("科技", "信息技术", "电子", "设备", "办公用品", "医疗器械", "物业服务", "教学设备", "智能科技")
AGENCY_NAMES = ("浙江中诚工程咨询有限公司", "金华市建信招标代理有限公司", "浙江省成套招标代理有限公司金华分公司",
                "金华宏泰工程管理有限公司", "浙江求是工程咨询监理有限公司", "金华市八咏招标代理有限公司",
                "浙江华诚工程管理有限公司", "金华天信工程造价咨询有限公司", "浙江万邦工程管理咨询有限公司",
                "金华市婺州项目管理有限公司")
STATE_COMPANIES = ("金华市婺城区城市建设投资集团有限公司", "金华市婺城区交通投资集团有限公司",
                   "金华市婺城区水务投资有限公司", "金华市婺城新城区开发建设有限公司",
                   "金华市婺城区国有资产投资控股有限公司")
DEVELOPERS = ("金华金地置业有限公司", "金华绿城婺江房地产开发有限公司", "金华宏远置业有限公司")
EXPERT_EMPLOYERS = ("浙江师范大学", "金华职业技术学院", "金华市建筑设计研究院有限公司", "浙江省交通规划设计研究院",
                    "浙江省水利水电勘测设计院", "浙江大学建筑设计研究院有限公司", "金华市市政设计院有限公司",
                    "浙江金诚会计师事务所", "浙江婺江律师事务所", "杭州市城建设计研究院有限公司")
EXPERT_REGIONS = ("浙江省金华市", "浙江省杭州市", "浙江省宁波市", "浙江省绍兴市", "浙江省衢州市", "浙江省台州市")
#: specialty → experts at scale 1 (a quarter hold a second specialty); at least MIN_PER_SPECIALTY at any scale
EXPERTS = {"building": 110, "municipal": 90, "water": 60, "highway": 50, "installation": 60, "cost": 110,
           "law": 35, "finance": 45}
SECOND_SPECIALTY = {"building": "cost", "municipal": "highway", "water": "cost", "cost": "finance", "law": "finance"}
MIN_PER_SPECIALTY = 10


# --- the world: parties, bidders, experts --------------------------------------------------------------

class World:
    """The people and organizations of the year, made through the org and trading services."""

    def __init__(self, ctx: DemoContext, staff: Any) -> None:
        self.ctx, self.staff = ctx, staff
        self.rng = ctx.rng_for("trading.world")
        self.departments = {d.code: d for d in Department.objects.all()}
        townships = ctx.made.get("townships") or []
        self.township_names = tuple(t.name for t in townships)
        by_pk = {t.pk: t for t in townships}
        self.villages = list(ctx.made.get("villages") or [])
        for village in self.villages:
            village.parent = by_pk[village.parent_id]
        self.codes: set[str] = set(Enterprise.objects.values_list("credit_code", flat=True))
        self.organs: dict[str, dict[str, Any]] = {}
        self.usernames = (f"bidder_{n:04d}" for n in itertools.count(1))

    def department(self, code: str) -> Department:
        return self.departments[code]

    def _code(self, *, authority: str = "9", kind: str = "1", region: str = "330702") -> str:
        while True:
            code = make_credit_code(self.rng, region=region, authority=authority, kind=kind)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _enterprise(self, name: str, *, region: str = "330702") -> Enterprise:
        return org_services.enterprise_register(actor=self.staff, credit_code=self._code(region=region), name=name,
                                                legal_representative=person_name(self.rng))

    def organ(self, name: str) -> dict[str, Any]:
        """A government organ as tendering party: its name and an 11… credit code (机关)."""
        if name not in self.organs:
            self.organs[name] = {"tendering_party_name": name,
                                 "tendering_party_credit_code": self._code(authority="1", kind="1")}
        return self.organs[name]

    def state_party(self, rng: random.Random) -> dict[str, Any]:
        return {"tendering_enterprise": rng.choice(self.state_companies)}

    def developer(self, rng: random.Random) -> dict[str, Any]:
        return {"tendering_enterprise": rng.choice(self.developers)}

    def make(self, *, builders: int, suppliers: int) -> None:
        rng = self.rng
        self.agents = [self._enterprise(name) for name in AGENCY_NAMES]
        self.state_companies = [self._enterprise(name) for name in STATE_COMPANIES]
        self.developers = [self._enterprise(name) for name in DEVELOPERS]
        names: set[str] = set(Enterprise.objects.values_list("name", flat=True))

        def company(trades: tuple[str, ...]) -> str:
            while True:
                name = f"{rng.choice(COMPANY_PLACES)}{rng.choice(COMPANY_WORDS)}{rng.choice(trades)}有限公司"
                if name not in names:
                    names.add(name)
                    return name

        self.builders = [self._bidder(company(BUILDER_TRADES)) for _ in range(builders)]
        own = (self.ctx.made.get("enterprises") or [None])[0]  # org.demo's "enterprise" login bids too
        user = User.objects.filter(role=Role.ENTERPRISE_USER, enterprise=own).first() if own else None
        if user is not None:
            self.builders.append(Bidder(own, user, f"{rng.randrange(10 ** 18, 10 ** 19)}", rng.choice(BANKS)))
        self.suppliers = [self._bidder(company(SUPPLIER_TRADES)) for _ in range(suppliers)]
        self.keepers = [org_services.user_create(actor=self.staff, username=f"trading_keeper_{n}", password=None,
                                                 role=Role.TRADING_STAFF, display_name=f"开标密钥托管人{n}")
                        for n in (1, 2, 3)]

    def _bidder(self, name: str) -> Bidder:
        rng = self.rng
        region = rng.choice(("330702",) * 4 + ("330703", "330781", "330782", "330783", "330784", "330106"))
        enterprise = self._enterprise(name, region=region)
        user = org_services.user_create(actor=self.staff, username=next(self.usernames), password=None,
                                        role=Role.ENTERPRISE_USER, display_name=name[:30], enterprise=enterprise)
        return Bidder(enterprise, user, f"{rng.randrange(10 ** 18, 10 ** 19)}", rng.choice(BANKS))

    def experts(self, needs: dict[str, int]) -> list[Expert]:
        """The expert database: per specialty the number of EXPERTS at this scale, and at least enough for the
        busiest 30 days of the plan (``needs``) from the provincial database (80 % of the experts), with 30 % to
        spare for replacements, conflicts and experts cooling down after a draw for their other specialty."""
        rng = self.rng
        made = []
        for specialty, count in EXPERTS.items():
            enough = math.ceil(needs.get(specialty, 0) * 1.3 / 0.8) + 4
            for _ in range(max(MIN_PER_SPECIALTY, round(count * self.ctx.scale), enough)):
                second = SECOND_SPECIALTY.get(specialty)
                extra: dict[str, Any] = {}
                roll = rng.random()
                if roll < 0.04:
                    extra["employer"] = rng.choice(self.builders).enterprise
                elif roll < 0.07:
                    extra["department"] = self.department(rng.choice(("JSJ", "SWJ", "JTJ", "CZJ")))
                    extra["employer_name"] = extra["department"].name
                else:
                    extra["employer_name"] = rng.choice(EXPERT_EMPLOYERS)
                if rng.random() < 0.03:
                    extra["declared_conflicts"] = [rng.choice(self.builders).enterprise]
                born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 30))
                made.append(services_experts.expert_register(
                    actor=self.staff, name=person_name(rng),
                    specialties=(specialty, second) if second and rng.random() < 0.25 else (specialty,),
                    source=ExpertSource.PROVINCIAL if rng.random() < 0.8 else ExpertSource.LOCAL,
                    region=rng.choice(EXPERT_REGIONS),
                    title=rng.choice(("高级工程师", "正高级工程师", "高级经济师", "高级会计师", "律师", "工程师")),
                    credit_score=rng.randint(52, 59) if rng.random() < 0.02 else rng.randint(80, 100),
                    id_number=make_id_card(region="330702", birth=born, rng=rng),
                    phone=f"13{rng.randrange(10 ** 9):09d}", **extra))
        login = User.objects.filter(username=EXPERT_USERNAME, role=Role.EXPERT).first()
        if login is not None:  # org.demo's "expert" login is a provincial building expert
            expert = next(e for e in made if e.source == ExpertSource.PROVINCIAL and e.credit_score >= 60
                          and not e.employer_id and not e.department_id)
            services_experts.expert_account_link(actor=self.staff, expert=expert, user=login)
        return made


# --- the year -------------------------------------------------------------------------------------------

class Year:
    """Runs the plan through the services, one job at a time in the order of the year."""

    def __init__(self, ctx: DemoContext, world: World, staff: Any) -> None:
        self.ctx, self.world, self.staff = ctx, world, staff
        self.rng = ctx.rng_for("trading.year")
        self.sealing = 0.0  # seconds spent in custodian_enroll, bid_upload and tender_open (scrypt)
        self.guarantee_numbers = itertools.count(1)
        self.jobs: list[tuple[dt.datetime, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.awards: list[Any] = []
        self.sessions: list[RemoteSession] = []

    def add(self, moment: dt.datetime, job: Callable[[], None]) -> None:
        heapq.heappush(self.jobs, (moment, next(self.order), job))

    def run(self) -> None:
        while self.jobs:
            _, _, job = heapq.heappop(self.jobs)
            job()

    # -- a tender, from its publication to the opening --

    def tender(self, run: Run) -> None:
        rng, staff, plan = self.rng, self.staff, run.project
        if plan.obj is None:
            plan.obj = self._register_project(plan, when=at(run.published, 8))
        previous = plan.runs[run.number - 2].obj if run.number > 1 else None
        published = at(run.published, 9)
        tender = services.tender_create(
            actor=staff, project=plan.obj, title=f"{plan.name}{'(重新招标)' if previous else ''}招标公告",
            announcement=f"{plan.name}已具备招标条件,现进行公开招标,欢迎符合资格条件的投标人参加投标。",
            documents_issued_at=published, on_sale_from=run.published, on_sale_to=run.published + dt.timedelta(days=6),
            bid_deadline=run.first_deadline, deposits={s.obj.pk: s.deposit for s in plan.sections}, previous=previous,
            sealing_mode=SealingMode.CUSTODIANS if run.custodians else SealingMode.BIDDER,
            award_mode=AwardMode.SEPARATED if plan.separated else AwardMode.RANKED,
            decision_method=plan.decision_method)
        keepers = {}
        if run.custodians:
            for keeper in self.world.keepers:
                keepers[keeper.pk] = f"keeper-{keeper.pk}-{rng.randrange(10 ** 8):08d}"
                started = clock.perf_counter()
                services_bids.custodian_enroll(actor=keeper, tender=tender, passphrase=keepers[keeper.pk],
                                               now=published - dt.timedelta(minutes=30))
                self.sealing += clock.perf_counter() - started
        tender = services.tender_publish(actor=staff, tender=tender, now=published)
        registrations = self._register(run, tender)
        self._documents_events(run, tender)  # objections, clarifications, an amendment that moves the deadline
        fresh = BidderRegistration.objects.select_related("enterprise", "tender_section__tender__project",
                                                          "tender_section__section").in_bulk(
            [r.pk for r in registrations.values()])
        registrations = {key: fresh[r.pk] for key, r in registrations.items()}
        self._deposits(run, registrations)
        passphrases = self._bids(run, tender)
        started = clock.perf_counter()
        services_bids.tender_open(actor=staff, tender=tender, passphrases=passphrases,
                                  custodian_passphrases=dict(list(keepers.items())[:2]) or None, now=run.deadline)
        self.sealing += clock.perf_counter() - started
        tender = Tender.objects.select_related("project").get(pk=tender.pk)
        run.obj = tender
        if run.fails:
            if tender.status != TenderStatus.FAILED:
                raise RuntimeError(f"{tender.number} was planned to fail at the opening but is {tender.status}")
            self._refund(Deposit.objects.filter(registration__tender_section__tender=tender), after=run.deadline.date())
            return
        for section, regs in zip(plan.sections, run.regs):
            self._award(run, tender, section, regs, registrations)

    def _register_project(self, plan: ProjectPlan, *, when: dt.datetime) -> Project:
        sections = [{"name": s.name, "contract_kind": s.kind, "estimate": s.estimate, "control_price": s.control}
                    for s in plan.sections]
        project = services.project_register(
            actor=self.staff, name=plan.name, project_type=plan.project_type,
            procedure=Procedure.OPEN, funding_source=plan.funding,
            estimate=sum((s.estimate for s in plan.sections), Decimal(0)),
            control_price=sum((s.control for s in plan.sections), Decimal(0)), agent=plan.agent,
            description=f"{plan.name}。资金来源:{FundingSource(plan.funding).label}。",
            sections=sections, supervising_department=plan.supervisor, now=when, **plan.party)
        if project.above_limit != (plan.category in ("separated", "above")):
            raise RuntimeError(f"{project.number} classified above_limit={project.above_limit} for {plan.category}")
        for s, obj in zip(plan.sections, project.sections.order_by("number")):
            s.obj = obj
        return project

    def _register(self, run: Run, tender: Tender) -> dict[int, BidderRegistration]:
        """Registrations in the sale period, by the bidders' own accounts; id of the planned reg → registration."""
        return {id(reg): services.bidder_register(actor=reg.bidder.user, tender=tender, section=section.obj,
                                                  now=reg.registered_at)
                for section, regs in zip(run.project.sections, run.regs) for reg in regs}

    def _deposits(self, run: Run, registrations: dict[int, BidderRegistration]) -> None:
        """Deposits as the bank and the guarantee platform report them, recorded by staff."""
        rng = self.rng
        for section, regs in zip(run.project.sections, run.regs):
            for reg in regs:
                registration = registrations[id(reg)]
                if reg.form == DepositForm.GUARANTEE:
                    services_deposits.deposit_record(
                        actor=self.staff, registration=registration, form=DepositForm.GUARANTEE,
                        amount=section.deposit, received_at=reg.paid_at, guarantee_issuer=rng.choice(GUARANTORS),
                        guarantee_number=f"DZBH{YEAR}{next(self.guarantee_numbers):07d}",
                        guarantee_valid_from=reg.paid_at.date(),
                        guarantee_valid_until=run.deadline.date() + dt.timedelta(days=120))
                elif reg.form == DepositForm.TRANSFER:
                    other = reg.other_payer
                    services_deposits.deposit_record(
                        actor=self.staff, registration=registration, form=DepositForm.TRANSFER,
                        amount=section.deposit, received_at=reg.paid_at,
                        payer_account_name=(rng.choice(self.world.builders).enterprise.name if other
                                            else reg.bidder.enterprise.name),
                        payer_account_number=f"{rng.randrange(10 ** 18, 10 ** 19)}" if other else reg.bidder.account,
                        payer_bank=reg.bidder.bank)

    def _documents_events(self, run: Run, tender: Tender) -> None:
        rng, staff = self.rng, self.staff
        if run.objection:
            objector = next(r for regs in run.regs for r in regs)
            objection = services.objection_submit(
                actor=objector.bidder.user, tender=tender, now=at(run.published + dt.timedelta(days=3), 14),
                content=rng.choice(("资格条件中“近三年同类业绩两项”要求过高,请予澄清。",
                                    "评分办法中企业荣誉加分项与项目无关,建议删除。")))
            services.objection_answer(actor=staff, objection=objection, now=at(run.published + dt.timedelta(days=5), 10),
                                      answer="经核查,已在招标文件澄清中予以明确,异议部分成立。")
        if run.clarify:
            services.tender_clarify(actor=staff, tender=tender, title="招标文件澄清(一)",
                                    content="工程量清单第3章个别项目特征描述更正,不影响投标文件编制。",
                                    now=at(run.published + dt.timedelta(days=4), 15))
        if run.amend_at is not None:
            services.tender_amend(actor=staff, tender=tender, title="招标文件修改(一)",
                                  content="调整部分技术参数及工程量清单,投标截止时间相应顺延。",
                                  new_bid_deadline=run.deadline, now=run.amend_at)

    def _bids(self, run: Run, tender: Tender) -> dict[int, str]:
        """Every planned bid sealed and uploaded by its bidder; bid id → the passphrase given at the opening."""
        rng, passphrases = self.rng, {}
        for section, regs in zip(run.project.sections, run.regs):
            for reg in (r for r in regs if r.bids):
                passphrase = None
                if not run.custodians:
                    passphrase = f"{rng.choice(PASSPHRASE_WORDS)}-{rng.randrange(10 ** 8):08d}"
                started = clock.perf_counter()
                bid, _ = services_bids.bid_upload(
                    actor=reg.bidder.user, tender=tender, section=section.obj, file=bid_file(reg, section),
                    price=reg.price, duration_days=rng.choice((180, 240, 300, 365, 540)),
                    quality="合格", file_name=f"{reg.bidder.enterprise.name}投标文件.zbj", passphrase=passphrase,
                    now=reg.bid_at, **bid_evidence(reg))
                self.sealing += clock.perf_counter() - started
                if passphrase and not reg.revoke:
                    passphrases[bid.pk] = passphrase
        return passphrases

    def _refund(self, deposits: Any, *, after: dt.date) -> None:
        """Refund the transfers among ``deposits`` 1–5 days after ``after`` (a few later), with the bank's interest."""
        rng = self.rng
        for deposit in deposits.filter(form=DepositForm.TRANSFER, refunded_on__isnull=True).order_by("id"):
            refunded_on = after + dt.timedelta(days=rng.randint(6, 9) if rng.random() < 0.03 else rng.randint(1, 5))
            held = (refunded_on - deposit.received_at.date()).days
            interest = (deposit.amount * Decimal("0.0035") * held / 360).quantize(CENT, ROUND_HALF_UP)
            services_deposits.deposit_refund(actor=self.staff, deposit=deposit, refunded_on=refunded_on,
                                             interest=interest, reference=f"TK{refunded_on:%Y%m%d}{deposit.pk:06d}",
                                             today=refunded_on)

    # -- after the opening: committee, evaluation, publicity, award, contract, refunds --

    def _award(self, run: Run, tender: Tender, section: SectionPlan, regs: list[Reg],
               registrations: dict[int, BidderRegistration]) -> None:
        rng, staff, plan = self.rng, self.staff, run.project
        day = run.deadline.date()
        size, representatives, needs = committee(plan)
        draw = services_experts.expert_draw_create(
            actor=staff, tender=tender, section=section.obj, committee_size=size, representatives=representatives,
            requirements=needs, now=at(day, 9, 45), seed=rng.randrange(2 ** 63))
        if rng.random() < 0.06:
            services_experts.expert_draw_replace(actor=staff, member=draw.members.order_by("position").first(),
                                                 cause="declined", reason="专家因病无法按时到场,申请回避。",
                                                 now=at(day, 10, 5), seed=rng.randrange(2 ** 63))
        remote = plan.remote_main and section.number == 1
        session = self._main_session(tender, section, draw, day) if remote else None
        params = {"drop_extremes": True} if plan.separated else None
        evaluation = services_evaluation.evaluation_create(actor=staff, tender=tender, section=section.obj,
                                                           method=plan.method, params=params, now=at(day, 10, 30))
        planned = {registrations[id(r)].pk: r for r in regs if r.bids}
        winner = next(pk for pk, r in planned.items() if r.winner)
        candidates = [pk for pk, r in planned.items() if r.candidate]
        if plan.method == EvaluationMethod.COMPREHENSIVE:
            self._score(evaluation, [winner] + [pk for pk in candidates if pk != winner], at(day, 11))
        if session is not None:
            self._session_event(session, SessionEventKind.SCORING_FINISHED, at(day, 16))
        reported = (at(day, 16, 30) if not plan.separated or remote
                    else at(workday_on_or_after(day + dt.timedelta(days=1)), 11))
        evaluation = services_evaluation.evaluation_report(actor=staff, evaluation=evaluation, now=reported)
        self._check_report(evaluation, winner=winner, candidates=candidates)
        if session is not None:
            self._session_event(session, SessionEventKind.REPORT_SIGNED, reported + dt.timedelta(minutes=10))
            services_sessions.remote_session_transition(actor=staff, session=session, action="close",
                                                        now=reported + dt.timedelta(minutes=15))
        published = at(reported.date() + dt.timedelta(days=1), 9)
        publicity = services_evaluation.publicity_transition(actor=staff, publicity=evaluation.publicity,
                                                             action="publish", now=published)
        loser = next((r for r in regs if r.bids and not r.winner), None)
        if loser is not None and rng.random() < 0.03:
            objection = services_evaluation.candidate_objection_submit(
                actor=staff, publicity=publicity, objector_name=loser.bidder.enterprise.name,
                content="中标候选人的项目经理有在建项目尚未完工,请核查。", now=published + dt.timedelta(days=1, hours=1))
            services_evaluation.candidate_objection_answer(
                actor=staff, objection=objection, now=published + dt.timedelta(days=2, hours=6),
                answer="经核查,该项目经理原在建项目已竣工验收,异议不成立。")
        closed = at(published.date() + dt.timedelta(days=3), 17, 30)
        services_evaluation.publicity_transition(actor=staff, publicity=publicity, action="close", now=closed)
        notice = at(workday_on_or_after(closed.date() + dt.timedelta(days=1)), 10)
        if plan.separated:
            award = _separated_award(self, plan, section, evaluation, planned, now=notice)
        else:
            award = services_evaluation.award_decide(actor=staff, evaluation=evaluation, now=notice)
        if award.price != section.award:
            raise RuntimeError(f"{tender.number}/{section.number}: awarded {award.price}, planned {section.award}")
        self.awards.append(award)
        if run.unsigned:
            return
        signed = notice.date() + dt.timedelta(days=rng.randint(31, 40) if rng.random() < 0.03 else rng.randint(5, 25))
        services_evaluation.award_contract_signed(actor=staff, award=award, signed_on=signed)
        self._refund(Deposit.objects.filter(registration__tender_section__tender=tender,
                                            registration__tender_section__section=section.obj), after=signed)

    def _check_report(self, evaluation: Evaluation, *, winner: int, candidates: list[int]) -> None:
        """The committee's report must say what the plan says, or the figures would not be the plan's."""
        bids = evaluation.bids.select_related("bid")
        found = ({b.bid.registration_id for b in bids if b.recommended} if candidates
                 else {b.bid.registration_id for b in bids if b.rank == 1})
        expected = set(candidates) if candidates else {winner}
        if found != expected:
            raise RuntimeError(f"evaluation {evaluation.pk}: the report puts forward {found}, planned {expected}")

    def _score(self, evaluation: Evaluation, favoured: list[int], when: dt.datetime) -> None:
        """Score sheets that put the ``favoured`` registrations first, in that order: their prices score what
        they score, the experts' technical and business marks do the rest."""
        rng = self.rng
        members = list(ExpertDrawMember.objects.filter(draw__tender_section_id=evaluation.tender_section_id,
                                                       replaced_at__isnull=True).select_related("expert__user")
                       .order_by("position"))
        bids = list(EvaluatedBid.objects.filter(evaluation=evaluation, valid=True).select_related("bid"))
        order = {pk: i for i, pk in enumerate(favoured)}
        bids.sort(key=lambda b: order.get(b.bid.registration_id, len(order)))
        price = {b.pk: services_evaluation.price_score(b.price, evaluation.base_price, evaluation.params) for b in bids}
        bands = [((86, 98), (32, 39)), ((76, 88), (28, 34))]

        def marks(i: int) -> list[list[Decimal]]:
            (t0, t1), (b0, b1) = bands[min(i, 1)] if i < len(favoured) else ((60, 84), (22, 31))
            return [[Decimal(rng.randint(t0, t1)) / 2, Decimal(rng.randint(b0, b1)) / 2] for _ in members]

        sheets = {b.pk: marks(i) for i, b in enumerate(bids)}

        def total(b: EvaluatedBid) -> Decimal:
            rows = sheets[b.pk]
            return sum(t + s for t, s in rows) / len(rows) + price[b.pk]

        for i in range(min(len(favoured), len(bids))):
            for _ in range(200):
                behind = [b for b in bids[i + 1:] if total(b) + 1 > total(bids[i])]
                if not behind:
                    break
                for b in behind:
                    sheets[b.pk] = [[max(Decimal(0), t - 1), max(Decimal(0), s - Decimal("0.5"))] for t, s in sheets[b.pk]]
            else:
                raise RuntimeError(f"evaluation {evaluation.pk}: cannot score the favoured bids first")
        for n, b in enumerate(bids):
            for m, (member, (technical, business)) in enumerate(zip(members, sheets[b.pk])):
                services_evaluation.score_sheet_submit(
                    actor=member.expert.user or self.staff, evaluation=evaluation, member=member, evaluated_bid=b,
                    technical=technical, business=business, now=when + dt.timedelta(minutes=3 * n + m))

    # -- remote cross-region evaluation --

    def _main_session(self, tender: Tender, section: SectionPlan, draw: ExpertDraw, day: dt.date) -> RemoteSession:
        """Our evaluation with experts at other cities' venues: seated, checked in, started before the scoring."""
        return _remote_sessions(self, venue=VenueKind.MAIN, day=day, tender=tender, section=section.obj, draw=draw)

    def _session_event(self, session: RemoteSession, kind: str, now: dt.datetime, **extra: Any) -> None:
        services_sessions.remote_session_event(actor=self.staff, session=session, kind=kind, now=now, **extra)


def bid_evidence(reg: Reg) -> dict[str, Any]:
    """What the bidder's bid client reports with the upload and what its bid names (collusion evidence): each
    bidder its own machine, dongle, IP, project manager and agent, drawn from its credit code (not from the
    year's generator, so the year's draws are unchanged), unless the plan planted a shared value."""
    code = reg.bidder.enterprise.credit_code
    rng = random.Random(f"bid-client:{code}")
    facts = {"machine_code": f"MC-{rng.randrange(16 ** 12):012X}", "file_creator_id": f"U{rng.randrange(10 ** 9):09d}",
             "pricing_key": f"GLD-{rng.randrange(10 ** 10):010d}",
             "upload_ip": f"{rng.choice((60, 115, 122, 183, 218))}.{rng.randrange(256)}.{rng.randrange(256)}."
                          f"{rng.randrange(1, 255)}",
             "project_manager_name": person_name(rng),
             "project_manager_certificate": f"浙1{rng.randrange(33, 34)}{rng.randrange(10 ** 9):09d}",
             "agent_name": person_name(rng),
             "agent_id_number": make_id_card(birth=dt.date(rng.randint(1965, 1998), rng.randint(1, 12),
                                                           rng.randint(1, 28)), seq=rng.randrange(1, 999))}
    return {**facts, **reg.evidence}


def bid_file(reg: Reg, section: SectionPlan) -> bytes:
    """The bid document (a stand-in): it exists in clear only here and inside the sealed ciphertext."""
    return (f"投标文件 BID-DOCUMENT {reg.bidder.enterprise.credit_code} {section.name}\n"
            f"技术标:施工组织设计、项目管理机构;商务标:已标价工程量清单,投标总价 {reg.price} 元。\n").encode()


# --- 评定分离 and remote sessions ------------------------------------------------------------------------

def _separated_award(year: Year, plan: ProjectPlan, section: SectionPlan, evaluation: Evaluation,
                     planned: dict[int, Reg], *, now: dt.datetime) -> Any:
    """评定分离: the tendering party's decision group decides among the committee's unranked candidates by the
    method of the documents (``services_award.award_decide_separated``), and the planned candidate wins."""
    rng = year.rng
    candidates = services_evaluation.candidates(evaluation)
    bid_of = {c.bid.registration_id: c.bid_id for c in EvaluatedBid.objects.filter(pk__in=[c.pk for c in candidates])
              .select_related("bid")}
    regs = {pk: planned[pk] for pk in bid_of}
    winner = next(pk for pk, r in regs.items() if r.winner)
    names: list[str] = []
    while len(names) < len(DECISION_GROUP):
        name = person_name(rng)
        names += [name] if name not in names else []
    group = [{"name": name, "role": role} for name, role in zip(names, DECISION_GROUP)]
    others = [pk for pk in regs if pk != winner]
    method, inputs = plan.decision_method, {}
    if method == DecisionMethod.VOTE:
        inputs["votes"] = [{name: bid_of[winner] if i < 3 else bid_of[rng.choice(others)] for i, name in enumerate(names)}]
    elif method == DecisionMethod.VOTE_LOTTERY:  # two votes each for the finalists, one for the third candidate
        finalists = [pk for pk, r in regs.items() if r.finalist]
        third = [pk for pk in regs if pk not in finalists]
        ballots = [bid_of[finalists[0]]] * 2 + [bid_of[finalists[1]]] * 2 + [bid_of[third[0]]]
        rng.shuffle(ballots)
        inputs["votes"] = [dict(zip(names, ballots))]
    elif method == DecisionMethod.DELIBERATION:
        inputs.update(minutes="定标委员会集体议事:综合比较各候选人的履约能力、类似工程业绩与项目班子配备,"
                              "一致同意确定中标人。", bid_id=bid_of[winner])
    elif method == DecisionMethod.PRICE_COMPETITION:
        inputs["offers"] = {bid_of[pk]: r.offer for pk, r in regs.items() if r.offer is not None}
    reasons = {DecisionMethod.VOTE: "按票决结果,得票最多者为中标人。",
               DecisionMethod.VOTE_LOTTERY: "票决得票前两名进入抽签,抽中者为中标人。",
               DecisionMethod.LOTTERY: "在全部中标候选人中公开抽签,抽中者为中标人。",
               DecisionMethod.DELIBERATION: "经集体议事,该候选人综合实力最优。",
               DecisionMethod.PRICE_COMPETITION: "最终报价最低者为中标人。"}[method]
    return services_award.award_decide_separated(actor=year.staff, evaluation=evaluation, group=group,
                                                 reasons=reasons, now=now, seed=section.lottery_seed, **inputs)


def _remote_sessions(year: Year, *, venue: str, day: dt.date, tender: Tender | None = None,
                     section: Section | None = None, draw: ExpertDraw | None = None) -> RemoteSession:
    """A remote cross-region evaluation session (远程异地评标) scheduled, seated, checked in and started.

    ``venue="main"``: our ``tender``'s section, our drawn experts seated at our venue and at other cities'
    sub-venues; it is closed by ``Year._award`` once the report is signed. ``venue="sub"``: another city's
    evaluation with some of our experts seated here, held and closed the same afternoon."""
    rng, staff = year.rng, year.staff
    if venue == VenueKind.MAIN:
        venues = ([{"name": f"{OUR_CENTER}评标室", "city": "金华市", "kind": VenueKind.MAIN, "ours": True}]
                  + [{"name": f"{name}远程异地评标室", "city": city, "kind": VenueKind.SUB}
                     for name, city in rng.sample(OTHER_CENTERS, 2)])
        session = services_sessions.remote_session_create(actor=staff, our_role=VenueKind.MAIN,
                                                          scheduled_start=at(day, 10, 20), venues=venues,
                                                          tender=tender, section=section, now=at(day, 9, 50))
        rows = list(session.venues.order_by("position"))
        serving = draw.members.filter(replaced_at__isnull=True).select_related("expert").order_by("position")
        seats = [services_sessions.remote_session_member_assign(actor=staff, session=session, venue=rows[i % len(rows)],
                                                                draw_member=m, now=at(day, 9, 55))
                 for i, m in enumerate(serving)]
        seats += [services_sessions.remote_session_member_assign(
            actor=staff, session=session, venue=rows[0], name=person_name(rng), role=SessionMemberRole.REPRESENTATIVE,
            now=at(day, 9, 55)) for _ in range(draw.representatives)]
        start = at(day, 10, 20)
    else:
        host, city = rng.choice(OTHER_CENTERS)
        venues = [{"name": f"{host}评标室", "city": city, "kind": VenueKind.MAIN},
                  {"name": f"{OUR_CENTER}远程异地评标室", "city": "金华市", "kind": VenueKind.SUB, "ours": True}]
        works = rng.choice(SPECIALTY_WORKS[rng.choice(list(SPECIALTY_WORKS))])
        session = services_sessions.remote_session_create(
            actor=staff, our_role=VenueKind.SUB, scheduled_start=at(day, 13, 30), venues=venues,
            project_name=f"{city}{rng.choice(('城东', '城西', '开发区', '新区'))}{works}",
            project_number=f"{city[:2]}GC{YEAR}{rng.randrange(10 ** 4):04d}", host_center=host, now=at(day, 9))
        ours = session.venues.get(ours=True)
        experts = list(Expert.objects.filter(source=ExpertSource.PROVINCIAL).order_by("id").values_list("name", flat=True))
        seats = [services_sessions.remote_session_member_assign(actor=staff, session=session, venue=ours, name=name,
                                                                now=at(day, 12, 30))
                 for name in rng.sample(experts, rng.randint(2, 3))]
        start = at(day, 13, 30)
    for n, seat in enumerate(seats):
        services_sessions.remote_session_event(actor=staff, session=session, kind=SessionEventKind.CHECK_IN,
                                               member=seat, now=start - dt.timedelta(minutes=20 - n))
    for row in session.venues.order_by("position"):
        services_sessions.remote_session_event(actor=staff, session=session, kind=SessionEventKind.VIDEO_UP,
                                               venue=row, now=start - dt.timedelta(minutes=5))
    session = services_sessions.remote_session_transition(actor=staff, session=session, action="start", now=start)
    for minutes, kind in ((5, SessionEventKind.BIDS_OPENED), (10, SessionEventKind.SCORING_STARTED)):
        services_sessions.remote_session_event(actor=staff, session=session, kind=kind,
                                               now=start + dt.timedelta(minutes=minutes))
    if venue == VenueKind.SUB:
        for hours, kind in ((2, SessionEventKind.SCORING_FINISHED), (3, SessionEventKind.REPORT_SIGNED)):
            services_sessions.remote_session_event(actor=staff, session=session, kind=kind,
                                                   now=start + dt.timedelta(hours=hours))
        session = services_sessions.remote_session_transition(actor=staff, session=session, action="close",
                                                              now=start + dt.timedelta(hours=3, minutes=5))
    year.sessions.append(session)
    return session


# --- the old deposits ------------------------------------------------------------------------------------

def old_deposits(ctx: DemoContext, world: World, staff: Any) -> list[Deposit]:
    """Transfers left by tenders of 2013–2019: opened and awarded offline before electronic bidding, their
    deposits stayed on the books (the tenders stand closed). 64.2 万元 at scale 1."""
    rng = ctx.rng_for("trading.old")
    count = ctx.scaled(OLD_DEPOSITS, minimum=2)
    total = (OLD_DEPOSIT_TOTAL * Decimal(str(ctx.scale))).quantize(HUNDRED)
    low = max(HUNDRED, min(Decimal("5000"), (total / count / 2).quantize(HUNDRED)))
    amounts = spread(rng, total, count, low=low, sigma=0.7, unit=HUNDRED)
    deposits, i = [], 0
    for year in itertools.cycle(range(2013, 2020)):
        if i >= count:
            break
        take = amounts[i:i + rng.randint(1, 4)]
        i += len(take)
        estimate = max(take) * 60
        project = services.project_register(
            actor=staff, name=f"{rng.choice(PLACES)}{rng.choice(SPECIALTY_WORKS['municipal'])}({year}年)",
            project_type=ProjectType.CONSTRUCTION, procedure=Procedure.OPEN,
            funding_source=FundingSource.GOVERNMENT_INVESTED, estimate=estimate,
            description="平台电子化之前的项目:开标、评标、定标在线下完成,平台登记了其投标保证金。",
            sections=[{"name": "施工", "contract_kind": ContractKind.WORKS, "estimate": estimate}],
            now=at(dt.date(year, 3, 1), 9), **world.organ("金华市婺城区住房和城乡建设局"))
        section = project.sections.get()
        published = workday_on_or_after(dt.date(year, rng.randint(3, 10), rng.randint(1, 20)))
        deadline = at(workday_on_or_after(published + dt.timedelta(days=22)), 9, 30)
        tender = services.tender_create(
            actor=staff, project=project, title=f"{project.name}招标公告", documents_issued_at=at(published, 9),
            on_sale_from=published, on_sale_to=published + dt.timedelta(days=6), bid_deadline=deadline,
            deposits={section.pk: max(take)})
        tender = services.tender_publish(actor=staff, tender=tender, now=at(published, 9))
        for amount, bidder in zip(take, rng.sample(world.builders, len(take))):
            registration = services.bidder_register(actor=staff, tender=tender, section=section,
                                                    credit_code=bidder.enterprise.credit_code,
                                                    name=bidder.enterprise.name, now=at(published + dt.timedelta(days=2), 10))
            deposits.append(services_deposits.deposit_record(
                actor=staff, registration=registration, form=DepositForm.TRANSFER, amount=amount,
                received_at=at(published + dt.timedelta(days=10), 11), payer_account_name=bidder.enterprise.name,
                payer_account_number=bidder.account, payer_bank=bidder.bank))
        services.tender_transition(actor=None, tender=tender, action="close", now=deadline)
    return deposits


# --- the step -------------------------------------------------------------------------------------------

#: the scrypt cost of the demo's bid keys (see ``sealing.kdf_cost``)
DEMO_SCRYPT_N = 2 ** 10


@demo_step("trading.year2023", order=60)
def make_trading_year(ctx: DemoContext) -> None:
    started = clock.perf_counter()
    staff = User.objects.filter(username=STAFF_USERNAME, role=Role.TRADING_STAFF).first() or "demo"
    world = World(ctx, staff)
    world.make(builders=max(60, ctx.scaled(330)), suppliers=max(25, ctx.scaled(120)))
    planner = Planner(ctx, world)
    plans, runs = planner.plan()
    planted = plant_collusion(runs, world.builders, ctx.rng_for("trading.collusion"))
    for pattern in planted["related"]:
        boss = ctx.rng_for("trading.collusion.related")
        person = {"name": person_name(boss), "id_number": make_id_card(birth=dt.date(1968, 5, 17), seq=boss.randrange(1, 999))}
        for bidder in pattern["bidders"]:
            org_services.enterprise_relation_add(actor=staff, enterprise=bidder.enterprise, role="legal_representative",
                                                 person=person, source="国家企业信用信息公示系统")
    experts = world.experts(planner.expert_needs(runs))
    legacy = old_deposits(ctx, world, staff)
    ctx.timings["trading.year2023: of which parties, bidders, experts, old deposits"] = clock.perf_counter() - started

    year = Year(ctx, world, staff)
    for run in runs:
        year.add(run.deadline, lambda run=run: year.tender(run))
    rng = ctx.rng_for("trading.events")
    for expert in rng.sample(experts, 2):
        for day, action, reason in ((dt.date(YEAR, 5, 8), "suspend", "年度考核不合格,暂停评标资格六个月。"),
                                    (dt.date(YEAR, 11, 8), "reinstate", "暂停期满,经考核恢复评标资格。")):
            year.add(at(day, 8), lambda e=expert, day=day, action=action, reason=reason:
                     services_experts.expert_transition(actor=staff, expert=e.pk, action=action, reason=reason,
                                                        now=at(day, 8)))
    year.add(at(CLEANUP_DAY, 10), lambda: services_deposits.deposits_refund_old(
        actor=staff, deposit_ids=[d.pk for d in legacy], years=3, refunded_on=CLEANUP_DAY,
        reference="婺公资交〔2023〕17号", reason="历史沉淀保证金经第三方逐笔核查,原路退还。",
        today=CLEANUP_DAY + dt.timedelta(days=9)))
    for day in sorted(rng.sample(planner.opening_days, ctx.scaled(REMOTE_SUB))):
        year.add(at(day, 13), lambda day=day: _remote_sessions(year, venue=VenueKind.SUB, day=day))
    # The demo's bid keys are wrapped with scrypt n = 2^10 instead of 2^14 (recorded in each bid's kdf label,
    # honoured when opening): thousands of demo bids would otherwise spend minutes in scrypt. Real bids never.
    with sealing.kdf_cost(DEMO_SCRYPT_N):
        year.run()

    ctx.timings["trading.year2023: of which sealing and opening (scrypt)"] = year.sealing
    summary = {"projects": len(plans), "tenders": len(runs), "failed_tenders": sum(r.fails for r in runs),
               "awards": len(year.awards), "award_total": str(sum(a.price for a in year.awards)),
               "experts": len(experts), "old_deposits": len(legacy), "remote_sessions": len(year.sessions),
               "separated_projects": sum(p.separated for p in plans)}
    ctx.made["trading"] = {"plans": plans, "runs": runs, "awards": year.awards, "sessions": year.sessions,
                           "old_deposits": legacy, "summary": summary, "collusion": planted}
    audit.record(actor="demo", action="demo.trading", obj=("trading.demo", YEAR), payload=summary)
