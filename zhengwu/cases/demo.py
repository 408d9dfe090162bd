"""Demo data of the cases domain: the catalog, the village agents, the applicants and
two district-years of cases calibrated to DOMAIN.md §13.

Steps (after org's 10 and 11):

* ``cases.catalog`` (20): the default catalog (``catalog.py``, 300 items) through the item import.
* ``cases.people`` (21): the village agents up to 329 (one per village, the rest in the
  largest villages; org.demo's ``agent`` login is one of them; the others have unusable
  passwords), a pool of persons (60,000 at scale 1) with valid, encrypted ID numbers, and
  a pool of enterprises (9,000).
* ``cases.year2022`` (22), ``cases.year2023`` (23): every case of the year, born in its final
  state with :class:`~zhengwu.cases.importing.CaseWriter`; status and every derived column come
  from :func:`zhengwu.cases.deadlines.derive`, as for an import. One audit event
  ``case.import`` per year; each batch of 5,000 publishes ``cases.case.imported`` as an
  import does, so the evaluation rollups follow (their handling is timed separately:
  ``ctx.timings["cases.year2023: of which event subscribers"]``).

Calibration at scale 1 (the figures of §13; ``--scale`` multiplies the volumes):
2023 has 562,000 cases received January–November and 51,100 in December (the seed's
figures stop at November; December makes the full year), 99.4 % received online, an
overdue acceptance rate of 0.28 % and an overdue completion rate of 0.03 %; 2022 has
530,000 + 48,000 cases, 98.9 % online, 1.07 % and 0.17 %. Rates are met by error
diffusion (:class:`_Quota`), so they hold at small scales too.

Village agent cases (≥ 60,000 in 2023): the agent submits through the mobile app for
the villager, so these cases carry ``agent`` and ``level = village`` and count as
online; a few go through the agent channel itself (part of the 0.6 % not online). The
seed's 99.4 % online rate and 60,000 agent cases cannot both hold if every agent case
had ``channel = agent`` (60,000 is 10.7 % of the year).

The demo's clock: every case is closed except a few hundred received in the weeks
before ``DEMO_NOW`` (2023-11-30 17:00, the seed report's cut-off), which stand as they
stood at that moment (waiting for acceptance, for a supplement, in progress, suspended;
some past their warning or deadline), so the clerks' inboxes have work. December 2023
is generated closed for the full-year figures even though it lies after that clock.

For the reviews demo (``zhengwu.reviews``): ``ctx.made["cases_2022_completed_ids"]`` and
``ctx.made["cases_2023_completed_ids"]`` hold the ids of the year's completed cases
(also :func:`completed_case_ids`); ``ctx.made["cases_demo_counts"]`` the figures per year.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhengwu.cases import deadlines
from zhengwu.cases.catalog import catalog_records
from zhengwu.cases.choices import ApplicantKind, CaseStatus, Channel, Level, Result
from zhengwu.cases.importing import CaseWriter, bulk_session, derived_columns, items_import
from zhengwu.cases.models import Case, CaseSuspension, ServiceItem
from zhengwu.core import audit, calendar, events
from zhengwu.core.crypto import blind_index
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.core.identifiers import make_credit_code, make_id_card
from zhengwu.org.models import Enterprise, Person, User
from zhengwu.org.roles import Role
from zhengwu.org.services import ID_PURPOSE, PHONE_PURPOSE

AGENTS_TOTAL = 329
PERSONS = 60_000
ENTERPRISES = 9_000
CHUNK = 5_000
DISTRICT_CODE = "330702"


@dataclass(frozen=True)
class YearPlan:
    year: int
    jan_nov: int
    december: int
    online_rate: float
    overdue_acceptance: float  # of accepted cases
    overdue_completion: float  # of completed cases
    agent_cases: int  # received January–November through village agents
    open_cases: int = 0  # still open at DEMO_NOW (part of jan_nov)


YEARS = {
    2022: YearPlan(2022, 530_000, 48_000, 0.989, 0.0107, 0.0017, 52_000),
    2023: YearPlan(2023, 562_000, 51_100, 0.994, 0.0028, 0.0003, 61_500, open_cases=400),
}
SUPPLEMENT_RATE = 0.03
SUSPENSION_RATE = 0.006
REFUSED_RATE = 0.004
WITHDRAWN_RATE = 0.003
DENIED_RATE = 0.012
ON_DEADLINE_DAY = 0.08
OFFLINE_ITEMS_SHARE = 0.0015  # cases of items that cannot be handled online (identity cards, marriage)

# Cases per item and year differ by two orders of magnitude; these carry the volume.
HIGH_VOLUME = {
    "社会保障卡申领": 60, "城乡居民基本医疗保险参保登记": 60, "城乡居民社会保险费缴纳": 50, "不动产转移登记": 30,
    "不动产抵押权登记": 25, "个体工商户设立登记": 25, "代开增值税发票": 20, "异地就医备案": 20,
    "个人权益记录查询打印": 20, "参保缴费证明打印": 20, "就业登记": 15, "灵活就业人员参保登记": 15,
    "不动产抵押权注销登记": 15, "完税证明开具": 15, "发票领用": 15, "企业设立登记": 12, "失业登记": 12,
    "个体工商户变更登记": 12, "个体工商户注销登记": 10, "户籍证明开具": 10, "无犯罪记录证明开具": 10,
    "企业年度报告公示": 10, "城乡居民基本养老保险参保登记": 10, "医疗费用手工(零星)报销": 8, "居住证申领": 8,
    "食品经营许可证核发": 6, "生育登记": 6, "低压居民用电报装": 6, "社会保障卡补换": 6, "用水过户": 4,
}
TYPE_WEIGHT = {"public_service": 3.0, "confirmation": 3.0, "levy": 3.0, "benefit": 2.0, "other_power": 1.5,
               "license": 1.0, "ruling": 0.3, "reward": 0.3}
MONTH_FACTOR = (0.9, 0.95, 1.1, 1.0, 1.0, 1.05, 1.0, 1.0, 1.0, 0.95, 1.05, 1.1)
HOUR_WEIGHTS = (0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 1, 6, 8, 8, 7, 4, 5, 7, 7, 7, 5, 3, 3, 3, 2, 1, 0.5)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严赖覃洪武莫孔"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰梅琳晨宇浩然子涵欣怡思雨嘉俊佳琪雪婷晓东海燕丹凤春林文斌辉鹏飞"
COMPANY_WORDS = ("婺江", "双龙", "八咏", "古子城", "金兰", "汤溪", "白龙桥", "雅畈", "罗店", "琅琊", "蒋堂", "安地",
                 "兰溪门", "通济", "燕尾洲", "尖峰", "北山", "三江", "秋滨", "江南", "新狮", "洋埠", "罗埠", "莘畈")
COMPANY_TRADES = ("建设", "科技", "物流", "文旅", "食品", "米业", "机械", "汽配", "商贸", "电子", "五金", "纺织", "家居",
                  "农业", "茶业", "餐饮", "医药", "印务", "环保", "新材料", "建材", "服饰", "信息技术", "劳务")
SUPPLEMENTS = ("申请表签字页", "经营场所证明", "身份证明复印件", "授权委托书", "房屋产权证明", "相关许可证明")
COMPANY_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "工贸有限公司", "个体工商户")


def demo_now() -> datetime:
    """The moment the open demo cases stand at: 2023-11-30 17:00 in the center's time zone."""
    return datetime(2023, 11, 30, 17, 0, tzinfo=timezone.get_default_timezone())


# --- steps ----------------------------------------------------------------------------

@demo_step("cases.catalog", order=20)
def make_catalog(ctx: DemoContext) -> None:
    report = items_import(actor="demo", records=enumerate(catalog_records(), start=1),
                          source="zhengwu/cases/catalog.py", fmt="catalog")
    if report.rejected:
        raise RuntimeError(f"the default catalog has bad rows: {report.errors[:3]}")
    ctx.made["items"] = list(ServiceItem.objects.order_by("code"))


@demo_step("cases.people", order=21)
def make_people(ctx: DemoContext) -> None:
    rng = ctx.rng_for("cases.people")
    villages = ctx.made["villages"]
    agents = _make_agents(rng, villages)
    persons = _make_persons(rng, ctx.scaled(PERSONS, minimum=300))
    enterprises = _make_enterprises(rng, ctx.scaled(ENTERPRISES, minimum=100))
    ctx.made.update(agents=agents, applicant_persons=persons, applicant_enterprises=enterprises)
    audit.record(actor="demo", action="demo.people", obj=("cases.demo", "people"),
                 payload={"village_agents": sum(len(a) for a in agents.values()), "persons": len(persons),
                          "enterprises": len(enterprises)})


@demo_step("cases.year2022", order=22)
def make_year_2022(ctx: DemoContext) -> None:
    _make_year(ctx, YEARS[2022])


@demo_step("cases.year2023", order=23)
def make_year_2023(ctx: DemoContext) -> None:
    _make_year(ctx, YEARS[2023])


def completed_case_ids(ctx: DemoContext, year: int) -> list[int]:
    """The ids of the demo year's completed cases (for the reviews demo)."""
    return ctx.made[f"cases_{year}_completed_ids"]


def year_cases(ctx: DemoContext, year: int) -> QuerySet[Case]:
    low, high = ctx.made["case_id_ranges"][year]
    return Case.objects.filter(pk__range=(low, high))


# --- people -----------------------------------------------------------------------------

def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _make_agents(rng: random.Random, villages: list[Any]) -> dict[int, list[int]]:
    """Village agents: one per village and the rest in the villages drawn first; returns village id -> user ids."""
    have: dict[int, list[int]] = {}
    for pk, region in User.objects.filter(role=Role.VILLAGE_AGENT).values_list("pk", "region_id"):
        have.setdefault(region, []).append(pk)
    wanted = [v for v in villages if v.pk not in have]
    extra = AGENTS_TOTAL - sum(len(x) for x in have.values()) - len(wanted)
    wanted += rng.sample(villages, max(0, extra))
    people = []
    taken = set(Person.objects.values_list("id_number_index", flat=True))
    for _ in wanted:
        index = ""
        while not index or index in taken:
            number = make_id_card(birth=date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40)), rng=rng)
            index = blind_index(number, purpose=ID_PURPOSE)
        taken.add(index)
        people.append(Person(name=_name(rng), id_number=number, id_number_index=index))
    people = Person.objects.bulk_create(people, batch_size=500)
    users = []
    counts = {pk: len(ids) for pk, ids in have.items()}
    for village, person in zip(wanted, people):
        counts[village.pk] = n = counts.get(village.pk, 0) + 1
        suffix = "" if n == 1 else f"_{n}"
        user = User(username=f"agent_{village.code}{suffix}", display_name=person.name, role=Role.VILLAGE_AGENT,
                    region=village, person=person, is_staff=False)
        user.set_unusable_password()
        users.append(user)
    for user in User.objects.bulk_create(users, batch_size=500):
        have.setdefault(user.region_id, []).append(user.pk)
    return have


def _make_persons(rng: random.Random, n: int) -> list[tuple[int, str]]:
    taken = set(Person.objects.values_list("id_number_index", flat=True))
    regions = (DISTRICT_CODE,) * 8 + ("330703", "330781", "330782", "330723", "330726", "330727", "330784")
    people = []
    while len(people) < n:
        number = make_id_card(region=rng.choice(regions), rng=rng)
        index = blind_index(number, purpose=ID_PURPOSE)
        if index in taken:
            continue
        taken.add(index)
        phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}" if rng.random() < 0.7 else ""
        people.append(Person(name=_name(rng), id_number=number, id_number_index=index, phone=phone,
                             phone_index=blind_index(phone, purpose=PHONE_PURPOSE) if phone else ""))
    made = Person.objects.bulk_create(people, batch_size=1000)
    return [(p.pk, p.name) for p in made]


def _make_enterprises(rng: random.Random, n: int) -> list[tuple[int, str]]:
    taken = set(Enterprise.objects.values_list("credit_code", flat=True))
    rows = []
    while len(rows) < n:
        form = rng.choice(COMPANY_FORMS)
        code = make_credit_code(rng, kind="2" if form == "个体工商户" else "1")
        if code in taken:
            continue
        taken.add(code)
        name = (f"婺城区{rng.choice(COMPANY_WORDS)}{_name(rng)}{rng.choice(COMPANY_TRADES)}店" if form == "个体工商户"
                else f"金华{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_TRADES)}{form}")
        rows.append(Enterprise(credit_code=code, name=name,
                               legal_representative=_name(rng)))
    made = Enterprise.objects.bulk_create(rows, batch_size=1000)
    return [(e.pk, e.name) for e in made]


# --- cases ----------------------------------------------------------------------------------

class _Quota:
    """Error diffusion: ``take`` says yes for ``rate`` of the calls, spread evenly from a random phase.

    A call that is not ``eligible`` keeps its share for the next eligible one.
    """

    def __init__(self, rate: float, rng: random.Random) -> None:
        self.rate = rate
        self.level = rng.random()

    def take(self, *, eligible: bool = True, forced: bool = False) -> bool:
        """``forced``: the answer is yes whatever the rate (it counts against the rate)."""
        self.level = min(self.level + self.rate, 50.0)
        if forced or (self.level >= 1.0 and eligible):
            self.level -= 1.0
            return True
        return False


@dataclass
class _Item:
    id: int
    department_id: int
    name: str
    promised: int
    acceptance: int
    district: bool
    township: bool
    village: bool
    online: bool
    assisted: bool
    kinds: str


class _Picker:
    def __init__(self, entries: list[Any], weights: list[float]) -> None:
        self.entries = entries
        self.cum = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> Any:
        return self.entries[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]


class _YearGenerator:
    def __init__(self, ctx: DemoContext, plan: YearPlan) -> None:
        self.ctx, self.plan = ctx, plan
        self.rng = rng = ctx.rng_for(f"cases.year{plan.year}")
        self.tz = timezone.get_default_timezone()
        self.memo = deadlines.DeadlineMemo()
        self.now = timezone.now()
        self.seq = itertools.count(1)
        items = [_Item(i.pk, i.department_id, i.name, i.promised_limit, i.acceptance_limit, i.level_district,
                       i.level_township, i.level_village, i.online_capable, i.village_assisted, i.applicant_kinds)
                 for i in ServiceItem.objects.order_by("code")]
        weight_rng = ctx.rng_for("cases.item_weights")  # the same volumes in both years
        weights = [HIGH_VOLUME.get(i.name, TYPE_WEIGHT.get(t, 1.0) * weight_rng.lognormvariate(0, 0.8))
                   for i, t in zip(items, ServiceItem.objects.order_by("code").values_list("item_type", flat=True))]
        online_total = sum(w for i, w in zip(items, weights) if i.online)
        offline = [i for i in items if not i.online]
        for k, i in enumerate(items):
            if not i.online:
                weights[k] = online_total * OFFLINE_ITEMS_SHARE / len(offline)
        self.items = _Picker(items, weights)
        assisted = [(i, w) for i, w in zip(items, weights) if i.assisted and i.village]
        self.assisted = _Picker([i for i, _ in assisted], [w for _, w in assisted])
        open_items = [(i, w) for i, w in zip(items, weights) if i.promised >= 1 and i.online]
        self.open_items = _Picker([i for i, _ in open_items], [w for _, w in open_items])
        self.townships = [(t.pk, t.code) for t in ctx.made["townships"]]
        self.villages = [(v.pk, v.parent_id) for v in ctx.made["villages"] if v.pk in ctx.made["agents"]]
        self.agents = ctx.made["agents"]
        self.persons = ctx.made["applicant_persons"]
        self.enterprises = ctx.made["applicant_enterprises"]
        self.hours = list(itertools.accumulate(HOUR_WEIGHTS))
        agent_rate = plan.agent_cases / plan.jan_nov
        self.q_agent = _Quota(agent_rate, rng)
        self.q_offline = _Quota(1 - plan.online_rate, rng)
        self.q_late = _Quota(plan.overdue_acceptance, rng)
        self.q_overdue = _Quota(plan.overdue_completion, rng)
        self.q_supplement = _Quota(SUPPLEMENT_RATE, rng)
        self.q_suspension = _Quota(SUSPENSION_RATE, rng)
        self.q_refused = _Quota(REFUSED_RATE, rng)
        self.q_withdrawn = _Quota(WITHDRAWN_RATE, rng)
        self.q_denied = _Quota(DENIED_RATE, rng)
        self.q_on_deadline = _Quota(ON_DEADLINE_DAY, rng)
        self._next_wd: dict[date, date] = {}
        self._add: dict[tuple[date, int], date] = {}

    # -- calendar -------------------------------------------------------------------------
    def add(self, day: date, n: int) -> date:
        key = (day, n)
        found = self._add.get(key)
        if found is None:
            found = self._add[key] = calendar.add_working_days(day, n)
        return found

    def working(self, day: date) -> date:
        """The day itself if it is a working day, else the next working day."""
        found = self._next_wd.get(day)
        if found is None:
            found = self._next_wd[day] = day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)
        return found

    def office_day(self, day: date) -> date:
        """A working day for a counter: the day itself, else the next or previous one within its month
        (so a weekend at the end of December does not move a case into the next year)."""
        after = self.working(day)
        if after == day or after.month == day.month:
            return after
        before = self.add(day, -1)
        return before if before.month == day.month else after

    def at(self, day: date, minutes: int) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.tz) + timedelta(minutes=minutes)

    def office(self, day: date) -> datetime:
        return self.at(day, self.rng.randrange(510, 1020))  # 08:30–17:00

    def daily_counts(self, first: date, last: date, total: int) -> list[tuple[date, int]]:
        days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
        weights = [MONTH_FACTOR[d.month - 1] * (1.0 if calendar.is_working_day(d) else 0.22) for d in days]
        scale = total / sum(weights)
        exact = [w * scale for w in weights]
        counts = [math.floor(x) for x in exact]
        short = total - sum(counts)
        for k in sorted(range(len(days)), key=lambda k: exact[k] - counts[k], reverse=True)[:short]:
            counts[k] += 1
        return list(zip(days, counts))

    # -- one closed case ---------------------------------------------------------------------
    def closed_case(self, day: date) -> tuple[dict[str, Any], list]:
        rng = self.rng
        agent = self.q_agent.take()
        item = self.assisted.pick(rng) if agent else self.items.pick(rng)
        values = self.place(item, agent)
        offline = self.q_offline.take(forced=not item.online)
        if offline:
            channel = Channel.AGENT if agent else (Channel.WINDOW if rng.random() < 0.75 else Channel.SELF_SERVICE)
        elif agent:
            channel = Channel.MOBILE if rng.random() < 0.9 else Channel.ONLINE_PC
        else:
            channel = Channel.MOBILE if rng.random() < 0.62 else Channel.ONLINE_PC
        values["channel"] = channel
        if channel in (Channel.WINDOW, Channel.SELF_SERVICE, Channel.AGENT):
            received = self.office(self.office_day(day))
        else:
            hour = bisect.bisect_left(self.hours, rng.random() * self.hours[-1])
            received = self.at(day, hour * 60 + rng.randrange(60))
        events = self.closed_events(item, received)
        return self.finish(item, values, events, now=self.now)

    def place(self, item: _Item, agent: bool) -> dict[str, Any]:
        rng = self.rng
        if agent:
            village, township = rng.choice(self.villages)
            return {"level": Level.VILLAGE, "village_id": village, "township_id": township,
                    "agent_id": rng.choice(self.agents[village])}
        if item.township and (not item.district or rng.random() < 0.25):
            return {"level": Level.TOWNSHIP, "township_id": rng.choice(self.townships)[0]}
        if item.district:
            return {"level": Level.DISTRICT}
        village, township = rng.choice(self.villages)
        return {"level": Level.VILLAGE, "village_id": village, "township_id": township}

    def decide(self, item: _Item, start: datetime, *, late: bool) -> datetime:
        """The acceptance decision after the clock started at ``start``."""
        rng = self.rng
        start_day = start.astimezone(self.tz).date()
        if late:
            return self.office(self.add(start_day, item.acceptance + rng.choice((1, 1, 2))))
        first = self.working(start_day)
        if first == start_day and start.astimezone(self.tz).hour < 16 and rng.random() < 0.6:
            base = max(start, self.at(start_day, 510))
            return min(base + timedelta(minutes=rng.randrange(3, 120)), self.at(start_day, 17 * 60 + 45))
        return self.office(self.add(start_day, rng.choice((1, 1, 2))))

    def closed_events(self, item: _Item, received: datetime) -> deadlines.CaseEvents:
        rng = self.rng
        instant = item.promised == 0
        supplement_at = supplement_in = None
        start = received
        if not instant and self.q_supplement.take():
            day = self.working(received.astimezone(self.tz).date())
            supplement_at = max(self.office(day), received + timedelta(minutes=30))
            supplement_in = self.office(self.add(day, rng.randrange(1, 9)))
            start = supplement_in
        if self.q_withdrawn.take():
            return deadlines.CaseEvents(received_at=received, supplement_requested_at=supplement_at,
                                        supplement_received_at=supplement_in,
                                        withdrawn_at=start + timedelta(minutes=rng.randrange(10, 2880)))
        if self.q_refused.take():
            return deadlines.CaseEvents(received_at=received, supplement_requested_at=supplement_at,
                                        supplement_received_at=supplement_in,
                                        refused_at=self.decide(item, start, late=False))
        # Late acceptance only where the completion can still be on time (the case counts as
        # accepted on the first day, so its completion clock has run meanwhile).
        late = self.q_late.take(eligible=item.promised >= item.acceptance + 3)
        accepted = self.decide(item, start, late=late)
        start_day = start.astimezone(self.tz).date()
        accepted_on = start_day if late else accepted.astimezone(self.tz).date()
        accepted_day = accepted.astimezone(self.tz).date()
        suspensions: tuple = ()
        used = calendar.working_days_between(accepted_on, accepted_day) if late else 0
        after, after_day, budget = accepted, accepted_day, item.promised
        if item.promised >= 5 and self.q_suspension.take():
            a = rng.randint(used, max(used, item.promised // 2))
            stop_day = self.add(accepted_on, a) if a > used else accepted_day
            stop = max(self.office(stop_day), accepted + timedelta(minutes=5))
            length = rng.randint(1, 10)
            resume_day = self.add(stop_day, length)
            resume = self.office(resume_day)
            suspensions = ((stop, resume),)
            after, after_day = resume, resume_day
            used, budget = a + length, item.promised + length
        overdue = self.q_overdue.take()
        if overdue:
            deadline_day = self.add(accepted_on, budget) if budget else accepted_on
            done_day = self.add(deadline_day, rng.choice((1, 1, 2, 3)))
        elif instant:
            done_day = accepted_day
        else:
            k = budget if self.q_on_deadline.take() else used + int((budget - used) * rng.random() ** 2)
            done_day = self.add(accepted_on, k) if k > used else after_day
        if done_day == after_day:
            done = after + timedelta(minutes=rng.randrange(2, 90 if instant else 240))
        else:
            done = self.office(done_day)
        return deadlines.CaseEvents(received_at=received, supplement_requested_at=supplement_at,
                                    supplement_received_at=supplement_in, accepted_at=accepted,
                                    suspensions=suspensions, completed_at=done)

    # -- open cases at DEMO_NOW -----------------------------------------------------------------
    def open_case(self, demo_departments: set[int]) -> tuple[dict[str, Any], list]:
        rng = self.rng
        now = demo_now()
        today = now.date()
        while True:
            item = self.open_items.pick(rng)
            if item.department_id in demo_departments or rng.random() < 0.5:
                break
        values = self.place(item, agent=False)
        values["channel"] = Channel.MOBILE if rng.random() < 0.6 else Channel.ONLINE_PC
        state = rng.choices(("received", "supplement", "accepted", "suspended"), (25, 10, 50, 15))[0]

        def before_now(day: date) -> datetime:
            return self.at(day, rng.randrange(510, 1000)) if day < today else self.at(day, rng.randrange(510, 990))

        if state == "received":
            events = deadlines.CaseEvents(received_at=before_now(self.add(today, -rng.randrange(0, 9))))
        elif state == "supplement":
            day = self.add(today, -rng.randrange(1, 8))
            received = before_now(day)
            events = deadlines.CaseEvents(received_at=received,
                                          supplement_requested_at=received + timedelta(minutes=rng.randrange(30, 300)))
        else:
            accepted_day = self.add(today, -rng.randrange(0, item.promised + 4))
            received = before_now(self.add(accepted_day, -rng.choice((0, 0, 1))))
            accepted = max(received + timedelta(minutes=rng.randrange(5, 25)), before_now(accepted_day))
            suspensions: tuple = ()
            if state == "suspended":
                stop = min(accepted + timedelta(hours=rng.randrange(1, 30)), now - timedelta(minutes=1))
                suspensions = ((stop, None),)
            events = deadlines.CaseEvents(received_at=received, accepted_at=accepted, suspensions=suspensions)
        return self.finish(item, values, events, now=now)

    # -- into a row ------------------------------------------------------------------------------
    def finish(self, item: _Item, values: dict[str, Any], events: deadlines.CaseEvents, *,
               now: datetime) -> tuple[dict[str, Any], list]:
        rng = self.rng
        derived = deadlines.derive(events, acceptance_limit=item.acceptance, promised_limit=item.promised, now=now,
                                   memo=self.memo)
        kind = item.kinds if item.kinds != "both" else (
            ApplicantKind.PERSON if rng.random() < 0.7 else ApplicantKind.ENTERPRISE)
        if kind == ApplicantKind.PERSON:
            pk, name = rng.choice(self.persons)
            values.update(applicant_kind=ApplicantKind.PERSON, applicant_person_id=pk, applicant_name=name)
        else:
            pk, name = rng.choice(self.enterprises)
            values.update(applicant_kind=ApplicantKind.ENTERPRISE, applicant_enterprise_id=pk, applicant_name=name)
        received_day = events.received_at.astimezone(self.tz).date()
        values.update(
            number=f"{DISTRICT_CODE}{received_day:%y%m%d}{next(self.seq):07d}", item_id=item.id,
            department_id=item.department_id, received_at=events.received_at,
            supplement_requested_at=events.supplement_requested_at,
            supplement_items=[rng.choice(SUPPLEMENTS)] if events.supplement_requested_at else [],
            supplement_received_at=events.supplement_received_at, completed_at=events.completed_at,
            **derived_columns(derived))
        if derived.status == CaseStatus.COMPLETED:
            values["result"] = Result.DENIED if self.q_denied.take() else Result.APPROVED
            if values["result"] == Result.DENIED:
                values["decision_reason"] = "不符合法定条件"
        elif derived.status == CaseStatus.NOT_ACCEPTED:
            values["decision_reason"] = "申请事项不属于本机关职权范围"
        elif derived.status == CaseStatus.WITHDRAWN:
            values["decision_reason"] = "申请人主动撤回"
        periods = [(start, end, days) for (start, end), days in zip(events.suspensions,
                                                                    (*derived.suspension_days, 0))]
        return values, periods


def _make_year(ctx: DemoContext, plan: YearPlan) -> None:
    gen = _YearGenerator(ctx, plan)
    writer = CaseWriter()
    first_id = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    demo_departments = {d.pk for d in ctx.made["departments"] if d.code in ("SCJ", "RSJ", "JSJ")}
    open_n = ctx.scaled(plan.open_cases, minimum=20) if plan.open_cases else 0
    jan_nov = gen.daily_counts(date(plan.year, 1, 1), date(plan.year, 11, 30), ctx.scaled(plan.jan_nov) - open_n)
    december = gen.daily_counts(date(plan.year, 12, 1), date(plan.year, 12, 31), ctx.scaled(plan.december))
    counts = {"cases": 0, "completed": 0, "open": open_n, "agent_cases": 0}
    subscribers = [0.0]  # seconds spent in other apps' handlers of cases.case.imported
    batch: list[tuple[dict[str, Any], list]] = []
    with bulk_session(cache_mib=512):
        for day, n in jan_nov + december:
            for _ in range(n):
                batch.append(gen.closed_case(day))
            if len(batch) >= CHUNK:
                _write(writer, batch, counts, subscribers)
                batch = []
        for _ in range(open_n):
            batch.append(gen.open_case(demo_departments))
        _write(writer, batch, counts, subscribers)
    last_id = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or first_id
    completed = list(Case.objects.filter(pk__range=(first_id, last_id), status=CaseStatus.COMPLETED)
                     .values_list("pk", flat=True))
    ctx.made.setdefault("case_id_ranges", {})[plan.year] = (first_id, last_id)
    ctx.made[f"cases_{plan.year}_completed_ids"] = completed
    ctx.made.setdefault("cases_demo_counts", {})[plan.year] = counts
    ctx.timings[f"cases.year{plan.year}: of which event subscribers"] = subscribers[0]
    audit.record(actor="demo", action="case.import", obj=("cases.demo_year", str(plan.year)),
                 payload={"source": "demo", "year": plan.year, "scale": ctx.scale, "seed": ctx.seed, **counts})


def _write(writer: CaseWriter, batch: list[tuple[dict[str, Any], list]], counts: dict[str, int],
           subscribers: list[float]) -> None:
    if not batch:
        return
    counts["cases"] += len(batch)
    counts["completed"] += sum(1 for values, _ in batch if values["status"] == CaseStatus.COMPLETED)
    counts["agent_cases"] += sum(1 for values, _ in batch if values.get("agent_id"))
    writer.insert([writer.row(values) for values, _ in batch])
    ids = dict(Case.objects.filter(number__in=[values["number"] for values, _ in batch])
               .values_list("number", "pk"))
    started = clock.perf_counter()
    events.publish("cases.case.imported", ids=list(ids.values()))  # as an import does (the rollups follow)
    subscribers[0] += clock.perf_counter() - started
    suspended = {values["number"]: periods for values, periods in batch if periods}
    if suspended:
        CaseSuspension.objects.bulk_create(
            [CaseSuspension(case_id=ids[number], started_at=start, ended_at=end, working_days=days,
                            reason="组织专家评审")
             for number, periods in suspended.items() for start, end, days in periods], batch_size=1000)
