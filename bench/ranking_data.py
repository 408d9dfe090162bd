"""Synthetic district-years for bench/ranking.py, COPYed straight into a migrated PostgreSQL database.

Every district gets the demo's shape (zhengwu.org.demo, zhengwu.cases.catalog, zhengwu.cases.demo,
zhengwu.reviews.demo): a district region with 18 townships and 275 villages, its own 30 departments
and its own copy of the 300-item catalog (codes suffixed by the district), and a year of cases with
the demo's calibration: the demo's item volumes, ~10.9 % village-agent cases, 99.4 % online,
0.28 % overdue acceptance (of accepted), 0.03 % overdue completion (of completed), the catalog's
instant items, 3 % supplements, 0.4 % refused, 0.3 % withdrawn, a few hundred cases still open at
the year's end; one review on ~50 % of the completed cases (88/10/2 % very satisfied / satisfied /
basically satisfied), ~106 bad reviews per district-year (5 % of them excluded by an upheld appeal)
each with its handling (96 % rectified on time), and ~3,950 deadline reminders (~94 % answered
within one working day). Each department has its own quality factors (overdue, review coverage,
bad reviews, answered reminders), so a ranking has something to rank.

Rows are generated in Python (no ``deadlines.derive`` per case: the derived columns follow the
same calendar rules, computed with memoized ``core.calendar`` calls) and written with
``COPY … FROM STDIN (FREEZE)`` right after a TRUNCATE in the same transaction, with the tables'
secondary indexes and unique constraints dropped and their triggers (the foreign-key checks)
disabled; the indexes are rebuilt from their saved definitions afterwards.

On PostgreSQL the migrations partition ``cases_case`` by year of ``received_at`` (docs/partitioning.md).
PostgreSQL refuses FREEZE on a partitioned table, so the cases are COPYed ``FREEZE`` straight into the
partition of ``YEAR`` (every generated case is received in ``YEAR``, Asia/Shanghai; the TRUNCATE of the
parent in the same transaction truncates the partition too): ``copy_cases="partition"``, the default.
COPY into the parent without FREEZE (``copy_cases="parent"``, PostgreSQL routing each row) COPYs as fast
(200,000 cases: 2.13 s vs 2.18 s, medians of 4), but leaves the rows unfrozen: the later VACUUM FREEZE
took 0.25 s against 0.01 s, and the first reads set hint bits (docs/partitioning.md). The indexes and
unique constraints dropped and rebuilt are the parent's (partitioned) ones: dropping one drops it on
every partition, creating it builds it on every partition.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable

LOADED_TABLES = ("cases_case", "reviews_review", "reviews_badreviewhandling", "core_reminder")
COPY_CASES = "partition"  # or "parent": see the module's docstring
ROLLUP_TABLE = "evaluation_dailyrollup"
YEAR = 2023
CASES_PER_DISTRICT = 613_000
AGENT_RATE = 61_500 / 562_000
ONLINE_RATE = 0.994
OFFLINE_ITEMS_SHARE = 0.0015
OVERDUE_ACCEPTANCE = 0.0028
OVERDUE_COMPLETION = 0.0003
SUPPLEMENT_RATE = 0.03
REFUSED_RATE = 0.004
WITHDRAWN_RATE = 0.003
DENIED_RATE = 0.012
ON_DEADLINE_DAY = 0.08
OPEN_CASES = 400
REVIEW_SHARE = 0.5
BAD_REVIEWS = 106  # 101 counted + 5 upheld appeals per district-year (reviews demo, 2023)
UPHELD_SHARE = 5 / 106
RECTIFIED_ON_TIME = 0.96
REMINDERS = 3_946
ANSWERED_IN_TIME = 0.94
PERSONS = 20_000
ENTERPRISES = 3_000
TZ_SUFFIX = "+08"  # Asia/Shanghai, no daylight saving since 1991
END_OF_DAY = " 23:59:59.999999+08"


# --- organization ------------------------------------------------------------------------

@dataclass
class District:
    index: int
    code: str
    region_id: int
    townships: list[int]
    villages: list[tuple[int, int]]  # (village id, township id)
    departments: list[int]
    items: list[Any]  # ServiceItem rows of this district


def district_code(index: int) -> str:
    return "330702" if index == 0 else f"39{index // 100:02d}{index % 100:02d}"


def make_org(n: int, log: Callable[[str], None]) -> list[District]:
    """N districts (regions, departments, catalogs) through the ORM, plus a shared pool of applicants."""
    from zhengwu.cases.catalog import catalog_records
    from zhengwu.cases.models import ServiceItem
    from zhengwu.org.demo import DEPARTMENTS, TOWNSHIPS
    from zhengwu.org.models import Department, Region, RegionKind

    started = time.perf_counter()
    rng = random.Random(7)
    catalog = list(catalog_records())
    villages_per = [max(5, round(275 * w / sum(8 if k == RegionKind.SUBDISTRICT else 22 for _, k in TOWNSHIPS)))
                    for w in (8 if k == RegionKind.SUBDISTRICT else 22 for _, k in TOWNSHIPS)]
    villages_per[-1] += 275 - sum(villages_per)
    districts = []
    for d in range(n):
        code = district_code(d)
        label = "婺城区" if d == 0 else f"第{d}区"
        region = Region.objects.create(code=code, name=label, level="district", kind=RegionKind.DISTRICT)
        towns = Region.objects.bulk_create([
            Region(code=f"{code}{t:03d}", name=name, level="township", kind=kind, parent=region, sort=t)
            for t, (name, kind) in enumerate(TOWNSHIPS, start=1)])
        vills = Region.objects.bulk_create([
            Region(code=f"{town.code}{v:03d}", name=f"{town.name}{v}村", level="village",
                   kind=RegionKind.VILLAGE, parent=town, sort=v)
            for town, count in zip(towns, villages_per) for v in range(1, count + 1)])
        suffix = "" if d == 0 else f"-{d:02d}"
        depts = Department.objects.bulk_create([
            Department(code=f"{c}{suffix}", name=f"{label}{name}" if d else name, short_name=short, sort=i)
            for i, (c, name, short) in enumerate(DEPARTMENTS, start=1)])
        by_code = {dept.code: dept for dept in depts}
        items = ServiceItem.objects.bulk_create([
            ServiceItem(code=f"{r['code']}{suffix}", name=r["name"], department=by_code[r["department_code"] + suffix],
                        item_type=r["item_type"], statutory_limit=r["statutory_limit"],
                        promised_limit=r["promised_limit"], acceptance_limit=r["acceptance_limit"],
                        level_district="district" in r["levels"], level_township="township" in r["levels"],
                        level_village="village" in r["levels"], online_capable=r["online_capable"],
                        village_assisted=r["village_assisted"], enterprise_related=r["enterprise_related"],
                        applicant_kinds=r["applicant_kinds"], materials=[])
            for r in catalog])
        districts.append(District(d, code, region.pk, [t.pk for t in towns],
                                  [(v.pk, v.parent_id) for v in vills], [x.pk for x in depts], items))
    _make_applicants(rng)
    log(f"org: {n} districts, {n * 30} departments, {n * len(catalog)} items in {time.perf_counter() - started:.1f}s")
    return districts


def _make_applicants(rng: random.Random) -> None:
    from zhengwu.cases.demo import _make_enterprises, _make_persons

    _make_persons(rng, PERSONS)
    _make_enterprises(rng, ENTERPRISES)


def applicant_pools() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    from zhengwu.org.models import Enterprise, Person

    return (list(Person.objects.order_by("pk").values_list("pk", "name")),
            list(Enterprise.objects.order_by("pk").values_list("pk", "name")))


# --- the calendar, by day index --------------------------------------------------------------

class Days:
    """Days from 1 December of the year before, as indexes; working-day arithmetic memoized on the
    platform's own calendar (``zhengwu.core.calendar``)."""

    def __init__(self, year: int) -> None:
        from zhengwu.core import calendar

        self.cal = calendar
        self.first = date(year - 1, 12, 1)
        self.count = (date(year + 1, 6, 30) - self.first).days + 1
        self.dates = [self.first + timedelta(days=k) for k in range(self.count)]
        self.text = [f"{d:%Y-%m-%d}" for d in self.dates]
        self.working = [calendar.is_working_day(d) for d in self.dates]
        self._add: dict[tuple[int, int], int] = {}
        self._between: dict[tuple[int, int], int] = {}
        nxt = [0] * self.count
        following = self.count - 1
        for k in range(self.count - 1, -1, -1):
            if self.working[k]:
                following = k
            nxt[k] = following
        self.next_working = nxt

    def index(self, d: date) -> int:
        return (d - self.first).days

    def add(self, k: int, n: int) -> int:
        key = (k, n)
        found = self._add.get(key)
        if found is None:
            found = self._add[key] = self.index(self.cal.add_working_days(self.dates[k], n))
        return found

    def between(self, a: int, b: int) -> int:
        key = (a, b)
        found = self._between.get(key)
        if found is None:
            found = self._between[key] = self.cal.working_days_between(self.dates[a], self.dates[b])
        return found

    def office_day(self, k: int) -> int:
        """A working day for a counter: the day itself, else the next one within its month, else the previous."""
        after = self.next_working[k]
        if after == k or self.dates[after].month == self.dates[k].month:
            return after
        before = self.add(k, -1)
        return before if self.dates[before].month == self.dates[k].month else after


MINUTES = [f" {m // 60:02d}:{m % 60:02d}:00{TZ_SUFFIX}" for m in range(1440)]


def moment(days: Days, k: int, minute: int) -> str:
    """Timestamp text; minutes past midnight may run into the next days."""
    while minute >= 1440:
        k, minute = k + 1, minute - 1440
    return days.text[k] + MINUTES[minute]


def daily_counts(days: Days, year: int, total: int) -> list[tuple[int, int]]:
    from zhengwu.cases.demo import MONTH_FACTOR

    ks = [days.index(date(year, 1, 1)) + j for j in range((date(year, 12, 31) - date(year, 1, 1)).days + 1)]
    weights = [MONTH_FACTOR[days.dates[k].month - 1] * (1.0 if days.working[k] else 0.22) for k in ks]
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [math.floor(x) for x in exact]
    for j in sorted(range(len(ks)), key=lambda j: exact[j] - counts[j], reverse=True)[:total - sum(counts)]:
        counts[j] += 1
    return list(zip(ks, counts))


# --- one district-year ----------------------------------------------------------------------

CASE_COLUMNS = ("id", "status", "version", "status_changed_at", "number", "tracking_digest", "level", "channel",
                "applicant_kind", "applicant_name", "received_at", "acceptance_clock_on", "supplement_requested_at",
                "supplement_items", "supplement_received_at", "decided_at", "accepted_on", "acceptance_deemed",
                "suspended_since", "suspended_working_days", "completed_at", "result", "decision_reason",
                "acceptance_deadline", "acceptance_overdue", "completion_deadline", "warning_at", "outcome",
                "agent_id", "applicant_enterprise_id", "applicant_person_id", "department_id", "handler_id",
                "received_by_id", "township_id", "village_id", "item_id")
REVIEW_COLUMNS = ("id", "channel", "level", "comment", "created_at", "is_default", "excluded", "case_id",
                  "department_id", "submitted_by_id", "township_id")
HANDLING_COLUMNS = ("id", "version", "status_changed_at", "status", "visit_deadline", "rectify_deadline",
                    "visited_at", "visit_note", "rectified_at", "rectify_note", "rectified_on_time", "feedback_at",
                    "feedback_note", "appealed_at", "appeal_reason", "appeal_decided_at", "appeal_upheld",
                    "appeal_decision", "created_at", "department_id", "township_id", "review_id")
REMINDER_COLUMNS = ("id", "object_type", "object_id", "kind", "stage", "level", "message", "url", "due_at",
                    "created_at", "answered_at", "department_id", "sent_by_id", "answered_in_time")
N = "\\N"


class Ids:
    def __init__(self) -> None:
        self.case = itertools.count(1)
        self.review = itertools.count(1)
        self.handling = itertools.count(1)
        self.reminder = itertools.count(1)


def district_year(district: District, *, cases: int, days: Days, pools: tuple[list, list], ids: Ids,
                  seed: int, write_cases: Callable[[str], None]) -> tuple[list[str], list[str], list[str], dict]:
    """Generate one district-year: case lines go to ``write_cases`` in blocks; returns the lines of
    reviews, handlings and reminders, and counts."""
    from zhengwu.cases.demo import HIGH_VOLUME, HOUR_WEIGHTS, TYPE_WEIGHT

    rng = random.Random(seed * 1000 + district.index)
    r = rng.random
    randrange = rng.randrange
    persons, enterprises = pools
    # items and their weights, as the demo draws them
    wrng = random.Random(seed)
    items = sorted(district.items, key=lambda i: i.code)
    weights = [HIGH_VOLUME.get(i.name, TYPE_WEIGHT.get(i.item_type, 1.0) * wrng.lognormvariate(0, 0.8)) for i in items]
    online_total = sum(w for i, w in zip(items, weights) if i.online_capable)
    offline_items = [i for i in items if not i.online_capable]
    for k, i in enumerate(items):
        if not i.online_capable:
            weights[k] = online_total * OFFLINE_ITEMS_SHARE / max(1, len(offline_items))
    # (id, dept, promised, acceptance, district, township, village, online, kinds)
    rows = [(i.pk, i.department_id, i.promised_limit, i.acceptance_limit, i.level_district, i.level_township,
             i.level_village, i.online_capable, i.applicant_kinds) for i in items]
    cum = list(itertools.accumulate(weights))
    assisted = [(row, w) for row, i, w in zip(rows, items, weights) if i.village_assisted and i.level_village]
    acum = list(itertools.accumulate(w for _, w in assisted))
    arows = [row for row, _ in assisted]
    eligible_share = sum(w for row, w in zip(rows, weights) if row[2] >= row[3] + 3) / cum[-1]
    p_offline_extra = max(0.0, (1 - ONLINE_RATE) - OFFLINE_ITEMS_SHARE)
    # per-department quality
    quality = {}
    for dept in district.departments:
        quality[dept] = (
            min(1.0, OVERDUE_ACCEPTANCE / eligible_share * rng.lognormvariate(-0.3, 0.8)),
            min(1.0, OVERDUE_COMPLETION * rng.lognormvariate(-0.3, 0.8)),
            min(0.95, REVIEW_SHARE * rng.lognormvariate(0, 0.15)),
            min(1.0, BAD_REVIEWS / (REVIEW_SHARE * CASES_PER_DISTRICT * 0.97) * rng.lognormvariate(-0.2, 0.6)),
            min(1.0, max(0.5, rng.gauss(ANSWERED_IN_TIME, 0.03))),
        )
    hours = list(itertools.accumulate(HOUR_WEIGHTS))
    hours_total = hours[-1]
    townships = district.townships
    villages = district.villages
    text, add, between, office_day = days.text, days.add, days.between, days.office_day
    next_working, working = days.next_working, days.working
    dl_text: dict[int, str] = {}

    def end_of(k: int) -> str:
        found = dl_text.get(k)
        if found is None:
            found = dl_text[k] = text[k] + END_OF_DAY
        return found

    p_reminder = REMINDERS / CASES_PER_DISTRICT
    open_from = days.index(date(YEAR, 12, 18))
    open_rate = OPEN_CASES * cases / CASES_PER_DISTRICT / max(1, sum(n for k, n in daily_counts(days, YEAR, cases) if k >= open_from))
    reviews: list[str] = []
    handlings: list[str] = []
    reminders: list[str] = []
    out: list[str] = []
    seq = itertools.count(1)
    counts = {"cases": 0, "completed": 0, "open": 0, "reviews": 0, "bad": 0, "reminders": 0}
    dcode = district.code
    person_n, enterprise_n = len(persons), len(enterprises)
    from zhengwu.reviews import deadlines as review_deadlines

    from django.utils import timezone as dj_timezone

    tz = dj_timezone.get_default_timezone()
    for day, n in daily_counts(days, YEAR, cases):
        yymmdd = text[day][2:].replace("-", "")
        for _ in range(n):
            case_id = next(ids.case)
            agent = r() < AGENT_RATE
            item = arows[bisect.bisect_left(acum, r() * acum[-1])] if agent else rows[
                bisect.bisect_left(cum, r() * cum[-1])]
            item_id, dept, promised, acceptance, lv_d, lv_t, lv_v, online, kinds = item
            village = township = N
            if agent:
                v, t = villages[randrange(len(villages))]
                level, village, township = "village", str(v), str(t)
            elif lv_t and (not lv_d or r() < 0.25):
                level, township = "township", str(townships[randrange(len(townships))])
            elif lv_d:
                level = "district"
            else:
                v, t = villages[randrange(len(villages))]
                level, village, township = "village", str(v), str(t)
            if not online or r() < p_offline_extra:
                channel = "agent" if agent else ("window" if r() < 0.75 else "self_service")
                rday = office_day(day)
                rmin = 510 + randrange(510)
            else:
                channel = ("mobile" if r() < 0.9 else "pc") if agent else ("mobile" if r() < 0.62 else "pc")
                rday = day
                rmin = bisect.bisect_left(hours, r() * hours_total) * 60 + randrange(60)
            q_late, q_over, q_review, q_bad, q_answer = quality[dept]
            instant = promised == 0
            received = text[rday] + MINUTES[rmin]
            sup_req = sup_in = N
            sup_items = "[]"
            start_day, start_min = rday, rmin
            if not instant and r() < SUPPLEMENT_RATE:
                wd = next_working[rday]
                sup_req = moment(days, wd, max(510 + randrange(510), rmin + 30 if wd == rday else 0))
                start_day, start_min = add(wd, 1 + randrange(8)), 510 + randrange(510)
                sup_in = text[start_day] + MINUTES[start_min]
                sup_items = '["申请表签字页"]'
            clock_on = start_day
            acc_deadline = end_of(add(clock_on, acceptance))
            status = "completed"
            decided = accepted_on = completed = comp_deadline = warning = N
            result = outcome = reason = ""
            overdue_acc = "f"
            deemed = "f"
            changed = received
            completed_day = -1
            roll = r()
            if roll < WITHDRAWN_RATE:
                status, reason = "withdrawn", "申请人主动撤回"
                changed = moment(days, start_day, start_min + 10 + randrange(2870))
            elif roll < WITHDRAWN_RATE + REFUSED_RATE:
                status, reason = "not_accepted", "申请事项不属于本机关职权范围"
                dday = add(start_day, 1)
                decided = changed = text[dday] + MINUTES[510 + randrange(510)]
            else:
                late = promised >= acceptance + 3 and r() < q_late
                if late:
                    dday = add(start_day, acceptance + (1 if r() < 0.67 else 2))
                    dmin = 510 + randrange(510)
                    acc_day = start_day
                    overdue_acc = deemed = "t"
                    used = between(acc_day, dday)
                elif working[start_day] and start_min < 960 and r() < 0.6:
                    dday = start_day
                    dmin = min(max(start_min, 510) + 3 + randrange(117), 1065)
                    acc_day, used = dday, 0
                else:
                    dday = add(start_day, 1 if r() < 0.67 else 2)
                    dmin = 510 + randrange(510)
                    acc_day, used = dday, 0
                decided = text[dday] + MINUTES[dmin]
                accepted_on = text[acc_day]
                deadline_day = add(acc_day, promised)
                comp_deadline = end_of(deadline_day)
                warning = end_of(add(acc_day, math.floor(promised * 0.75)))
                if day >= open_from and r() < open_rate:
                    status = "accepted"
                    changed = decided
                    counts["open"] += 1
                else:
                    if r() < q_over:
                        cday = add(deadline_day, (1, 1, 2, 3)[randrange(4)])
                        cmin = 510 + randrange(510)
                    elif instant:
                        cday, cmin = dday, dmin + 2 + randrange(88)
                    else:
                        k = promised if r() < ON_DEADLINE_DAY else used + int((promised - used) * r() ** 2)
                        if k > used:
                            cday, cmin = add(acc_day, k), 510 + randrange(510)
                            if cday == dday and cmin <= dmin:
                                cmin = dmin + 2 + randrange(60)
                        else:
                            cday, cmin = dday, dmin + 2 + randrange(238)
                    while cmin >= 1440:
                        cday, cmin = cday + 1, cmin - 1440
                    completed = changed = text[cday] + MINUTES[cmin]
                    completed_day = cday
                    if cday > deadline_day:
                        outcome = "overdue"
                    elif instant and cday == acc_day:
                        outcome = "instant"
                    elif cday < deadline_day:
                        outcome = "early"
                    else:
                        outcome = "on_time"
                    if r() < DENIED_RATE:
                        result, reason = "denied", "不符合法定条件"
                    else:
                        result = "approved"
                    counts["completed"] += 1
            if kinds == "person" or (kinds == "both" and r() < 0.7):
                pk, name = persons[randrange(person_n)]
                kind, person, enterprise = "person", str(pk), N
            else:
                pk, name = enterprises[randrange(enterprise_n)]
                kind, person, enterprise = "enterprise", N, str(pk)
            out.append("\t".join((
                str(case_id), status, "0", changed, f"{dcode}{yymmdd}{next(seq):07d}", "", level, channel, kind,
                name, received, text[clock_on], sup_req, sup_items, sup_in, decided, accepted_on, deemed, N, "0",
                completed, result, reason, acc_deadline, overdue_acc, comp_deadline, warning, outcome, N,
                enterprise, person, str(dept), N, N, township, village, str(item_id))))
            out.append("\n")
            # a review of the completed case
            if completed_day >= 0 and r() < q_review:
                review_id = next(ids.review)
                rmins = cmin + 5 + randrange(60 * 24 * 3)
                created_text = moment(days, completed_day, rmins)
                bad = r() < q_bad
                excluded = bad and r() < UPHELD_SHARE
                level_ = (1 if r() < 0.5 else 2) if bad else (5 if (x := r()) < 0.88 else 4 if x < 0.98 else 3)
                reviews.append("\t".join((str(review_id), "online" if r() < 0.5 else "on_site", str(level_),
                                          "等候时间太长" if bad else "", created_text, "f", "t" if excluded else "f",
                                          str(case_id), str(dept), N, township)))
                counts["reviews"] += 1
                if bad:
                    counts["bad"] += 1
                    handlings.append(_handling(next(ids.handling), review_id, created_text, dept, township,
                                               excluded, r() < RECTIFIED_ON_TIME, rng, review_deadlines, tz))
            if r() < p_reminder:
                k0 = rday + 1 + randrange(4)
                m0 = rmin + randrange(7) * 60
                while m0 >= 1440:
                    k0, m0 = k0 + 1, m0 - 1440
                in_time = r() < q_answer
                if in_time:
                    m1 = m0 + 60 * (1 + randrange(20))
                    k1 = k0
                    while m1 >= 1440:
                        k1, m1 = k1 + 1, m1 - 1440
                else:
                    k1, m1 = k0 + 3 + randrange(4), m0
                answered = "t" if k1 <= add(k0, 1) else "f"
                reminders.append("\t".join((str(next(ids.reminder)), "cases.case", str(case_id), "case_deadline",
                                            "yellow" if r() < 0.5 else "red", "yellow", "办件临近或超过期限", "", N,
                                            text[k0] + MINUTES[m0], text[k1] + MINUTES[m1], str(dept), N,
                                            answered)))
                counts["reminders"] += 1
            if len(out) >= 20_000:
                write_cases("".join(out))
                out.clear()
        counts["cases"] += n
    if out:
        write_cases("".join(out))
    return reviews, handlings, reminders, counts


def _handling(pk: int, review_id: int, created_text: str, dept: int, township: str, upheld: bool, on_time: bool,
              rng: random.Random, review_deadlines: Any, tz: Any) -> str:
    created = datetime.fromisoformat(created_text[:19]).replace(tzinfo=tz)
    visit_due = review_deadlines.visit_deadline(created)
    rectify_due = review_deadlines.rectify_deadline(created)
    visited = created + timedelta(hours=rng.randint(2, 20))

    def ts(moment_: datetime | None) -> str:
        return N if moment_ is None else moment_.isoformat(" ")

    if upheld:
        return "\t".join((str(pk), "1", ts(visited), "appeal_upheld", ts(visit_due), ts(rectify_due), ts(visited),
                          "已回访核实", N, "", N, N, "", ts(visited + timedelta(hours=2)), "评价与办件无关,属误评",
                          ts(visited + timedelta(days=1)), "t", "复核属实,申诉成立", ts(created), str(dept), township,
                          str(review_id)))
    rectified = (rectify_due - timedelta(days=rng.randint(1, 5), hours=6) if on_time
                 else rectify_due + timedelta(days=rng.randint(1, 4)))
    return "\t".join((str(pk), "1", ts(rectified + timedelta(hours=3)), "closed", ts(visit_due), ts(rectify_due),
                      ts(visited), "已电话回访,情况属实", ts(rectified), "已组织窗口整改并完善一次性告知",
                      "t" if rectified <= rectify_due else "f", ts(rectified + timedelta(hours=3)),
                      "已向评价人反馈整改情况", N, "", N, N, "", ts(created), str(dept), township, str(review_id)))


# --- loading ------------------------------------------------------------------------------------

def secondary_indexes(cur: Any, tables: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    """(table, name, drop statement, create statement) of every index but the primary keys."""
    cur.execute("""
        SELECT t.relname, i.relname, pg_get_indexdef(i.oid), c.conname, pg_get_constraintdef(c.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.contype IN ('u', 'p')
        WHERE t.relname = ANY(%s) AND NOT x.indisprimary ORDER BY t.relname, i.relname""", [list(tables)])
    out = []
    for table, index, indexdef, conname, condef in cur.fetchall():
        if conname:
            out.append((table, index, f'ALTER TABLE {table} DROP CONSTRAINT "{conname}"',
                        f'ALTER TABLE {table} ADD CONSTRAINT "{conname}" {condef}'))
        else:
            out.append((table, index, f'DROP INDEX "{index}"', indexdef))
    return out


def cases_copy(cur: Any, how: str = COPY_CASES) -> str:
    """The COPY statement for the cases: FREEZE into the table, or into its partition of ``YEAR`` when it is
    partitioned (``how="partition"``), or into the partitioned parent without FREEZE (``how="parent"``)."""
    if how not in ("partition", "parent"):
        raise ValueError(f"copy_cases must be 'partition' or 'parent', not {how!r}")
    cur.execute("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'cases_case'::regclass)")
    columns = ", ".join(CASE_COLUMNS)
    if not cur.fetchone()[0]:
        return f"COPY cases_case ({columns}) FROM STDIN (FREEZE)"
    if how == "parent":
        return f"COPY cases_case ({columns}) FROM STDIN"
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", [f"cases_case_y{YEAR}"])
    if not cur.fetchone()[0]:
        raise RuntimeError(f"cases_case has no partition for {YEAR}: run `zhengwu partitions ensure`")
    return f"COPY cases_case_y{YEAR} ({columns}) FROM STDIN (FREEZE)"


def load(dsn: str, districts: list[District], *, cases_per_district: int, seed: int,
         log: Callable[[str], None], copy_cases: str = COPY_CASES) -> dict[str, Any]:
    """TRUNCATE the four tables and COPY the district-years into them; rebuild the indexes. Returns timings."""
    import psycopg

    days = Days(YEAR)
    ids = Ids()
    timings: dict[str, Any] = {"cases": 0, "reviews": 0, "bad_reviews": 0, "reminders": 0, "open": 0,
                               "completed": 0}
    with psycopg.connect(dsn, autocommit=True) as admin:
        with admin.cursor() as cur:
            indexes = secondary_indexes(cur, LOADED_TABLES)
            copy_cases_sql = cases_copy(cur, copy_cases)
    pools = None
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            cur.execute("SET synchronous_commit = off")
            cur.execute("TRUNCATE cases_case, reviews_review, reviews_badreviewhandling, core_reminder, "
                        "cases_casesuspension, core_notification")
            for table in LOADED_TABLES:
                cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            for _, _, drop, _ in indexes:
                cur.execute(drop)
        if pools is None:
            pools = applicant_pools()
        for d in districts:
            t0 = time.perf_counter()
            with conn.cursor() as cur:
                with cur.copy(copy_cases_sql) as copy:
                    reviews, handlings, reminders, counts = district_year(
                        d, cases=cases_per_district, days=days, pools=pools, ids=ids, seed=seed,
                        write_cases=copy.write)
                for table, columns, lines in (("reviews_review", REVIEW_COLUMNS, reviews),
                                              ("reviews_badreviewhandling", HANDLING_COLUMNS, handlings),
                                              ("core_reminder", REMINDER_COLUMNS, reminders)):
                    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FREEZE)") as copy:
                        for start in range(0, len(lines), 20_000):
                            copy.write("\n".join(lines[start:start + 20_000]) + "\n")
            timings.setdefault("district_last_ids", []).append(timings["cases"] + counts["cases"])
            for key, name in (("cases", "cases"), ("reviews", "reviews"), ("bad_reviews", "bad"),
                              ("reminders", "reminders"), ("open", "open"), ("completed", "completed")):
                timings[key] += counts[name]
            elapsed = time.perf_counter() - started
            log(f"  district {d.index + 1}/{len(districts)}: {counts['cases']:,} cases, {counts['reviews']:,} "
                f"reviews in {time.perf_counter() - t0:.1f}s (total {timings['cases']:,} cases, {elapsed:.0f}s)")
        with conn.cursor() as cur:
            for table in LOADED_TABLES:
                cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
        conn.commit()
    timings["copy_seconds"] = time.perf_counter() - started
    log(f"copied {timings['cases']:,} cases in {timings['copy_seconds']:.0f}s; rebuilding {len(indexes)} indexes")
    started = time.perf_counter()
    rebuild_indexes(dsn, [create for _, _, _, create in indexes])
    timings["index_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in LOADED_TABLES:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
            conn.execute(f"ANALYZE {table}")
    timings["analyze_seconds"] = time.perf_counter() - started
    log(f"indexes in {timings['index_seconds']:.0f}s, analyze in {timings['analyze_seconds']:.0f}s")
    return timings


def rebuild_indexes(dsn: str, statements: list[str], workers: int = 2) -> None:
    """CREATE INDEX / ADD CONSTRAINT, two at a time (two connections), largest tables first."""
    import threading

    import psycopg

    todo = list(statements)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '2GB'")
                conn.execute("SET max_parallel_maintenance_workers = 0")
                while True:
                    with lock:
                        if not todo:
                            return
                        sql = todo.pop(0)
                    conn.execute(sql)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


# --- rollups in one statement ---------------------------------------------------------------------

COUNTERS = ("received", "received_online", "accepted", "accepted_overdue", "completed", "completed_overdue",
            "completed_instant", "completed_reviewed", "reviews", "bad_reviews", "rectify_due", "rectified_on_time",
            "reminders", "reminders_answered")


def _select(day: str, values: dict[str, str], source: str, case: str = "c") -> str:
    cols = ", ".join(f"{values.get(name, '0')} AS {name}" for name in COUNTERS)
    return (f"SELECT {day} AS day, {case}.department_id AS dept, coalesce({case}.township_id, 0) AS town, "
            f"{case}.item_id AS itm, {case}.channel AS chan, {cols} {source}")


def rollup_sql(table: str = ROLLUP_TABLE, ids: tuple[int, int] | None = None) -> str:
    """The daily rollups of every counter, straight from the raw tables (the definitions of
    zhengwu.evaluation.counters / raw.SOURCES, written once as SQL); ``ids``: only the cases with
    ids in that range (and their reviews, handlings and reminders)."""
    local = "({} AT TIME ZONE 'Asia/Shanghai')::date"
    lo, hi = ids if ids else (None, None)
    cases = f" AND c.id BETWEEN {lo} AND {hi}" if ids else ""
    reviews = f" AND r.case_id BETWEEN {lo} AND {hi}" if ids else ""
    reminders = f" AND m.object_id::bigint BETWEEN {lo} AND {hi}" if ids else ""
    parts = [
        _select(local.format("c.received_at"), {"received": "1", "received_online": "(c.channel IN ('pc', 'mobile'))::int"},
                f"FROM cases_case c WHERE TRUE{cases}"),
        _select("c.accepted_on", {"accepted": "1", "accepted_overdue": "c.acceptance_overdue::int"},
                f"FROM cases_case c WHERE c.accepted_on IS NOT NULL{cases}"),
        _select(local.format("c.completed_at"), {
            "completed": "1", "completed_overdue": "(c.outcome = 'overdue')::int",
            "completed_instant": "(c.outcome = 'instant')::int",
            "completed_reviewed": "(EXISTS (SELECT 1 FROM reviews_review r WHERE r.case_id = c.id "
                                  "AND NOT r.excluded))::int"},
            f"FROM cases_case c WHERE c.status = 'completed' AND c.completed_at IS NOT NULL{cases}"),
        _select(local.format("r.created_at"), {"reviews": "1", "bad_reviews": "(r.level <= 2)::int"},
                f"FROM reviews_review r JOIN cases_case c ON c.id = r.case_id WHERE NOT r.excluded{reviews}"),
        _select(local.format("h.rectify_deadline"), {"rectify_due": "1",
                                                     "rectified_on_time": "(h.rectified_on_time IS TRUE)::int"},
                "FROM reviews_badreviewhandling h JOIN reviews_review r ON r.id = h.review_id "
                f"JOIN cases_case c ON c.id = r.case_id WHERE NOT r.excluded{reviews}"),
        _select(local.format("m.created_at"), {"reminders": "1", "reminders_answered": "m.answered_in_time::int"},
                "FROM core_reminder m JOIN cases_case c ON c.id = m.object_id::bigint "
                f"WHERE m.kind = 'case_deadline' AND m.object_type = 'cases.case'{reminders}"),
    ]
    sums = ", ".join(f"sum({name})" for name in COUNTERS)
    return (f"INSERT INTO {table} (day, department_id, township_id, item_id, channel, {', '.join(COUNTERS)}) "
            f"SELECT day, dept, town, itm, chan, {sums} FROM ("
            + " UNION ALL ".join(parts) + ") u GROUP BY day, dept, town, itm, chan")


def build_rollups(dsn: str, *, table: str = ROLLUP_TABLE, chunks: list[tuple[int, int]] | None = None,
                  log: Callable[[str], None] | None = None) -> float:
    """TRUNCATE the rollups (and the unfolded live deltas) and fill them with ``INSERT … SELECT … GROUP BY``,
    one statement per chunk of case ids. Chunks must not split a department's cases (here: whole districts),
    so their keys are disjoint; re-adding the unique key ``rollup_key`` afterwards proves it. The rollup
    table's indexes are dropped first and rebuilt after. Returns seconds."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        with conn.cursor() as cur:
            indexes = secondary_indexes(cur, (table,))
        conn.execute(f"TRUNCATE {table}")
        conn.execute("TRUNCATE evaluation_rollupdelta")
        for _, _, drop, _ in indexes:
            conn.execute(drop)
        conn.execute("SET work_mem = '1GB'")
        conn.execute("SET synchronous_commit = off")
        for n, ids in enumerate(chunks or [None], start=1):
            conn.execute(rollup_sql(table, ids))
            if log and chunks:
                log(f"  rollups: chunk {n}/{len(chunks)} (cases {ids[0]:,}–{ids[1]:,}) "
                    f"after {time.perf_counter() - started:.0f}s")
    rebuild_indexes(dsn, [create for _, _, _, create in indexes])
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def district_chunks(last_ids: list[int], cases_per_chunk: int = 5_000_000) -> list[tuple[int, int]]:
    """Case id ranges of whole districts, about ``cases_per_chunk`` cases each."""
    chunks, lo = [], 1
    for hi in last_ids:
        if hi - lo + 1 >= cases_per_chunk or hi == last_ids[-1]:
            chunks.append((lo, hi))
            lo = hi + 1
    return chunks
