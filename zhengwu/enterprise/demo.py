"""Demo data of the enterprise service center: a year (2023) of demands across the nine sections and the five
channels, through the real services with the clock of each step.

* every enterprise-related service item entered into a section except a handful (the coverage shows a
  realistic figure and its list of missing items is not empty);
* most demands answered on time and rated; a few answered late (escalated by the sweep run at that moment),
  a few left unrated (closed by the rating window as "default satisfied"), a few unsatisfied and reopened;
* two or three joint consultations on complex demands, with follow-up tasks;
* three liaison officers with their enterprises and visits, some visits collecting demands;
* a few demands of December still open, and several for the demo "enterprise" login's own enterprise.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

from zhengwu.core import audit, calendar
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.enterprise import services
from zhengwu.enterprise.choices import Channel, DemandClass
from zhengwu.enterprise.models import SectionItem, ServiceSection
from zhengwu.enterprise.testing import SHANGHAI
from zhengwu.org import services as org_services
from zhengwu.org.models import Enterprise, ServiceNode
from zhengwu.org.roles import Role

ACTOR = "demo"
YEAR = 2023
DEMANDS = 300
UNENTERED = 6
PASSWORD = "Zhengwu-Demo-2023"
SECTION_WORDS = [
    ("talent", r"人才|职业|社会保险|社保|就业|劳动|技能"),
    ("finance", r"融资|金融|担保|贷款|保险|税"),
    ("project", r"项目|建设|施工|规划|用地|环评|环境影响|竣工|消防|排水"),
    ("innovation", r"专利|科技|高新|商标|研发"),
    ("opening", r"进出口|外资|外商|口岸|对外"),
    ("legal", r"法律|公证|仲裁|调解|行政复议"),
]
TOPICS = {
    "policy": ["惠企政策兑现咨询", "稳岗补贴申领", "技改补助政策解读", "小微企业减免政策"],
    "project": ["厂房扩建审批进度", "施工许可办理", "用地指标协调", "竣工验收联合办理"],
    "demand": ["周边道路破损影响运输", "园区用电容量不足", "企业门口公交站设置", "排水管网堵塞"],
    "finance": ["流动资金贷款对接", "电子保函办理", "应收账款融资", "首贷续贷需求"],
    "talent": ["技术工人招聘", "人才公寓申请", "高层次人才认定", "员工子女入学"],
    "legal": ["合同纠纷法律咨询", "知识产权侵权维权", "劳动争议调解", "涉企信用修复"],
    "innovation": ["高新技术企业认定辅导", "研发费用加计扣除", "科技项目申报", "专利质押融资"],
    "opening": ["出口退税加速", "外贸订单融资", "境外展会补助", "外资企业设立咨询"],
    "qingqing": ["政企恳谈会建议", "反映办事人员作风", "营商环境意见", "涉企检查过多"],
}
CHANNELS = [(Channel.HALL, 30), (Channel.ONLINE, 30), (Channel.HOTLINE, 15), (Channel.TRANSFERRED_12345, 15)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def working_day(rng: random.Random, *, start: dt.date, end: dt.date) -> dt.date:
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def enter_items(rng: random.Random) -> tuple[int, int]:
    """Every enterprise-related item into a section by its name, except a handful left for the coverage list."""
    from zhengwu.enterprise.selectors import enterprise_items

    sections = {s.code: s for s in ServiceSection.objects.all()}
    items = list(enterprise_items().exclude(pk__in=SectionItem.objects.values("item_id")).order_by("code"))
    left = set(rng.sample(range(len(items)), min(UNENTERED, len(items))))
    rows = []
    for n, item in enumerate(items):
        if n in left:
            continue
        code = next((c for c, words in SECTION_WORDS if re.search(words, item.name)), None)
        code = code or rng.choice(["policy", "demand", "qingqing", "project"])
        rows.append(SectionItem(item=item, section=sections[code]))
    SectionItem.objects.bulk_create(rows)
    audit.record(actor=ACTOR, action="demo.section_items", obj=("enterprise.demo", "section_items"),
                 payload={"entered": len(rows), "left": len(left)})
    return len(rows), len(left)


class Year:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng_for("enterprise")
        made = ctx.made
        self.departments = list(made["departments"])
        self.sections = list(ServiceSection.objects.filter(active=True))
        own = list(made.get("enterprises", []))
        extra_ids = [pk for pk, _name in made.get("applicant_enterprises", [])[:150]]
        self.enterprises = own + list(Enterprise.objects.filter(pk__in=extra_ids).order_by("pk"))
        if not self.enterprises:
            self.enterprises = list(Enterprise.objects.order_by("pk")[:50])
        self.nodes = list(ServiceNode.objects.order_by("kind", "name"))
        self.counts = {"demands": 0, "late": 0, "unrated": 0, "reopened": 0, "consultations": 0, "visits": 0}

    # --- one demand through its life -----------------------------------------------------------------------

    def contact(self) -> tuple[str, str]:
        rng = self.rng
        return rng.choice(SURNAMES) + rng.choice(["经理", "总", "会计", "主任"]), f"13{rng.randrange(10**9):09d}"

    def node(self, channel: str) -> Any:
        if channel != Channel.HALL or not self.nodes:
            return None
        return self.nodes[0] if self.rng.random() < 0.6 else self.rng.choice(self.nodes)

    def raise_one(self, day: dt.date, *, enterprise: Any = None, channel: str | None = None,
                  section: Any = None) -> Any:
        rng = self.rng
        section = section or rng.choice(self.sections)
        enterprise = enterprise or rng.choice(self.enterprises)
        name, mobile = self.contact()
        channel = channel or rng.choices([c for c, _ in CHANNELS], weights=[w for _, w in CHANNELS])[0]
        received = at(day, rng.randrange(9, 16), rng.randrange(60))
        demand = services.demand_raise(
            actor=ACTOR, credit_code=enterprise.credit_code, title=rng.choice(TOPICS[section.code]),
            content=f"{enterprise.name}反映:{rng.choice(TOPICS[section.code])},请协调解决。", contact_name=name,
            contact_mobile=mobile, channel=channel, node=self.node(channel),
            ticket_12345=f"GD{day:%Y%m%d}{rng.randrange(10**4):04d}" if channel == Channel.TRANSFERRED_12345 else "",
            now=received)
        return demand, section, received

    def handle(self, demand: Any, section: Any, received: dt.datetime, *, stop: str = "") -> Any:
        """Classify, route, answer (on time or late) and rate or let the window run out; ``stop`` earlier."""
        rng = self.rng
        if stop == "received":
            return demand
        klass = DemandClass.COMPLEX if rng.random() < 0.12 else DemandClass.ROUTINE
        services.demand_classify(actor=ACTOR, demand=demand.pk, section=section, demand_class=klass,
                                 now=received + dt.timedelta(hours=1))
        if stop == "classified":
            return demand
        routed_at = received + dt.timedelta(hours=2)
        lead = rng.choice(self.departments)
        assisting = ([{"department": rng.choice([d for d in self.departments if d != lead]), "part": "配合核实"}]
                     if rng.random() < 0.2 else [])
        demand = services.demand_route(actor=ACTOR, demand=demand.pk, lead_department=lead,
                                       lead_part="牵头办理并答复企业", assisting=assisting, demand_class=klass,
                                       now=routed_at)
        if stop == "routed":
            return demand
        if klass == DemandClass.COMPLEX and self.counts["consultations"] < 3:
            self.consult(demand, lead, routed_at)
        limit = services._limit_days(klass)
        late = rng.random() < 0.06
        day = calendar.add_working_days(routed_at.date(), limit + rng.randint(1, 6) if late else
                                        rng.randint(0, limit))
        answer_at = at(day, rng.randrange(9, 17))
        if answer_at <= routed_at:
            answer_at = routed_at + dt.timedelta(hours=3)
        if late:
            self.counts["late"] += 1
            services.demands_escalate(now=answer_at - dt.timedelta(minutes=5))
        for a in demand.assignments.filter(round=demand.round, role="assist"):
            a_at = answer_at - dt.timedelta(hours=1)
            services.assignment_answer(actor=ACTOR, assignment=a, answer="已核实,无异议。", now=a_at)
        demand = services.demand_answer(actor=ACTOR, demand=demand.pk, content="经核实,已协调解决,具体如下……",
                                        now=answer_at)
        if stop == "answered":
            return demand
        if rng.random() < 0.25:
            self.counts["unrated"] += 1
            services.demands_close_unrated(now=demand.rating_due + dt.timedelta(minutes=1))
            return demand
        rate_at = at(calendar.add_working_days(answer_at.date(), rng.randint(1, 3)), 10)
        roll = rng.random()
        if roll < 0.04:
            self.counts["reopened"] += 1
            services.demand_rate(actor=ACTOR, demand=demand.pk, rating="unsatisfied", comment="问题未彻底解决",
                                 now=rate_at)
            demand = services.demand_reopen(actor=ACTOR, demand=demand.pk, reason="企业不满意", now=rate_at)
            again = at(calendar.add_working_days(rate_at.date(), 2), 11)
            # the assisting parts of the new round: the center waives them (given in the first round)
            for a in demand.assignments.filter(round=demand.round, role="assist"):
                services.assignment_waive(actor=ACTOR, assignment=a, reason="首轮已反馈")
            services.demand_answer(actor=ACTOR, demand=demand.pk, content="再次协调后已解决。", now=again)
            rate_at = at(calendar.add_working_days(again.date(), 1), 10)
            roll = 0.5
        services.demand_rate(actor=ACTOR, demand=demand.pk, rating="basic" if roll > 0.85 else "satisfied",
                             now=rate_at)
        return demand

    def consult(self, demand: Any, lead: Any, routed_at: dt.datetime) -> None:
        others = [d for d in self.departments if d != lead]
        attending = [lead, *self.rng.sample(others, 2)]
        held_on = calendar.add_working_days(routed_at.date(), 1)
        meeting = services.consultation_convene(
            actor=ACTOR, demand=demand, held_on=held_on, attendees="中心分管领导、各部门业务科室负责人",
            record="企业诉求涉及多部门职责,会商明确分工。", decisions=f"由{lead.name}牵头,相关部门限期反馈意见。",
            departments=attending,
            tasks=[{"department": d.pk, "description": f"{d.name}出具书面意见", "working_days": 3}
                   for d in attending[1:]])
        for task in meeting.tasks.all():
            done = at(calendar.add_working_days(held_on, 2), 16)
            services.task_done(actor=ACTOR, task=task, note="已出具意见", now=done)
        self.counts["consultations"] += 1

    # --- the year ------------------------------------------------------------------------------------------

    def run(self) -> None:
        ctx, rng = self.ctx, self.rng
        n = ctx.scaled(DEMANDS, minimum=30)
        days = sorted(working_day(rng, start=dt.date(YEAR, 1, 3), end=dt.date(YEAR, 12, 10)) for _ in range(n))
        own = ctx.made.get("enterprises", [None])[0]
        for i, day in enumerate(days):
            demand, section, received = self.raise_one(day, enterprise=own if own and i % 40 == 7 else None)
            self.handle(demand, section, received)
            self.counts["demands"] += 1
        self.liaison()
        # a few of December still open
        for stop in ("received", "received", "classified", "routed", "answered"):
            day = working_day(rng, start=dt.date(YEAR, 12, 25), end=dt.date(YEAR, 12, 29))
            demand, section, received = self.raise_one(day, enterprise=own)
            self.handle(demand, section, received, stop=stop)
            self.counts["demands"] += 1

    def liaison(self) -> None:
        ctx, rng = self.ctx, self.rng
        by_code = {d.code: d for d in self.departments}
        officers = []
        for n, code in enumerate(("SCJ", "RSJ", "JSJ"), start=1):
            dept = by_code.get(code) or self.departments[n]
            officers.append(org_services.user_create(
                actor=ACTOR, username=f"liaison{n}", password=PASSWORD, role=Role.WINDOW_CLERK,
                display_name=f"驻企员{'甲乙丙'[n - 1]}", department=dept))
        ctx.logins.append((str(Role(Role.WINDOW_CLERK).label), "liaison1", PASSWORD, "驻企员(走访企业、收集诉求)"))
        pool = self.enterprises[:]
        rng.shuffle(pool)
        for k, officer in enumerate(officers):
            mine = list({pool[(k * 8 + j) % len(pool)].pk: pool[(k * 8 + j) % len(pool)]
                         for j in range(min(8, len(pool)))}.values())
            for enterprise in mine:
                services.liaison_assign(actor=ACTOR, officer=officer, enterprise=enterprise, start=dt.date(YEAR, 1, 1))
            visited = mine[:-2] or mine  # two enterprises of each officer never visited
            for _ in range(ctx.scaled(20, minimum=4)):
                enterprise = rng.choice(visited)
                day = working_day(rng, start=dt.date(YEAR, 1, 9), end=dt.date(YEAR, 12, 15))
                name, mobile = self.contact()
                collected = ([{"title": rng.choice(TOPICS["demand"]), "content": "走访时企业反映,请协调。",
                               "contact_name": name, "contact_mobile": mobile}] if rng.random() < 0.35 else [])
                visit = services.visit_log(actor=officer, enterprise=enterprise, visited_on=day,
                                           content="了解生产经营情况,宣传惠企政策。", demands=collected,
                                           now=at(day, 17))
                self.counts["visits"] += 1
                for demand in visit.demands.all():
                    section = next(s for s in self.sections if s.code == "demand")
                    self.handle(demand, section, at(day, 17))
                    self.counts["demands"] += 1


@demo_step("enterprise.year2023", order=90)
def make_year_2023(ctx: DemoContext) -> None:
    entered, left = enter_items(ctx.rng_for("enterprise.items"))
    year = Year(ctx)
    year.run()
    ctx.made["enterprise_demo"] = {**year.counts, "items_entered": entered, "items_left": left}
