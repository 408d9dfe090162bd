"""Demo data of third-party information retrieval (step ``retrieval.year2023``, order 99).

The default catalog with the demo district's departments (公安分局, 司法局, 市场监管分局, 人社局, 卫健局), six
registered requesters of the four kinds, and about 150 requests of 2023 across the four scenarios, all through the
services: most consented and answered within their limits (a few late), some refused, some withdrawn after
delivery, some whose consent link ran out unused. The lawyer-status checks go through the 律师在线 adapter's
in-process simulator; the simulator checks the consent's validity against today's clock, so they are made in a
small batch of recent requests (the last days before the demo is generated), which also leaves open work for
the demo logins: an inbox item to answer and a consent to decide.

Logins: ``housekeeping`` (a user of the housekeeping company) and ``worker`` (a citizen who is the subject of
several of its requests).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.core.identifiers import make_credit_code, make_id_card
from zhengwu.org import services as org_services
from zhengwu.org.demo import DEMO_PASSWORD
from zhengwu.org.models import Department, Enterprise, User
from zhengwu.org.roles import Role
from zhengwu.retrieval import services, services_answers
from zhengwu.retrieval.choices import RequesterKind, SubjectKind
from zhengwu.retrieval.models import InfoType, RequestItem, RetrievalRequest

YEAR = 2023
REQUESTS = 150
TZ = dt.timezone(dt.timedelta(hours=8))
OWNERS = {"police": "GAJ", "justice": "SFJ", "market": "SCJ", "hrss": "RSJ", "health": "WJJ"}
REQUESTERS = [
    ("婺城安心家政服务有限公司", RequesterKind.HOUSEKEEPING),
    ("金华好帮手家政有限公司", RequesterKind.HOUSEKEEPING),
    ("八婺灵活用工平台(金华)有限公司", RequesterKind.PLATFORM),
    ("婺城区城市建设投资集团有限公司", RequesterKind.PROJECT_OWNER),
    ("金华江南新区开发建设有限公司", RequesterKind.PROJECT_OWNER),
    ("浙江双龙智造科技有限公司", RequesterKind.EMPLOYER),
]
#: what each kind asks for, by scenario: (scenario, [type sets to choose from])
ASKS = {
    RequesterKind.HOUSEKEEPING: [("housekeeping", [("no_criminal_record", "health_certificate"),
                                                   ("no_criminal_record", "social_insurance"),
                                                   ("no_criminal_record", "health_certificate", "social_insurance")])],
    RequesterKind.PLATFORM: [("gig_work", [("no_criminal_record",), ("social_insurance",),
                                           ("no_criminal_record", "social_insurance")]),
                             ("gig_work", [("enterprise_credit",)])],
    RequesterKind.PROJECT_OWNER: [("government_project", [("enterprise_credit",)]),
                                  ("government_project", [("social_insurance",)])],
    RequesterKind.EMPLOYER: [("recruitment", [("no_criminal_record",), ("no_criminal_record", "social_insurance"),
                                              ("health_certificate",)])],
}
PURPOSES = {
    "housekeeping": ["家政服务人员上岗前背景核查", "住家保姆雇佣前信息核验", "育婴员派单前资质核验"],
    "gig_work": ["平台骑手注册准入核验", "灵活用工人员接单资格核验", "合作商户准入信用核查"],
    "government_project": ["政府投资项目施工单位信用核查", "中标候选人信用记录核验", "项目管理人员社保核验"],
    "recruitment": ["拟录用人员背景核查", "新员工入职材料核验", "拟聘法律顾问执业状态核验"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅"
SUMMARIES = {
    "no_criminal_record": [(False, "经查询,未发现该人员有犯罪记录。", "")],
    "health_certificate": [(True, "持有有效健康证明,检查结论:合格。", "体检机构:婺城区疾病预防控制中心\n有效期:一年")],
    "social_insurance": [(True, "正常参保。", "险种:企业职工基本养老保险、工伤保险\n缴费状态:正常"),
                         (False, "未查询到参保记录。", "")],
    "enterprise_credit": [(False, "未列入经营异常名录和严重违法失信名单,近三年无行政处罚记录。", ""),
                          (True, "近三年有一条行政处罚记录。", "处罚事由:未按规定公示年度报告\n处罚结果:警告(已履行)")],
}


def _clerk(department: Department) -> User:
    user = User.objects.filter(department=department, role=Role.WINDOW_CLERK, is_active=True).order_by("pk").first()
    return user or org_services.user_create(actor="demo", username=f"retrieval_{department.code.lower()}",
                                            password=None, role=Role.WINDOW_CLERK, department=department,
                                            display_name=f"{department.short_name}窗口")


def _moment(rng: random.Random, day: dt.date, start_hour: int = 9, end_hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randrange(start_hour, end_hour), rng.randrange(60),
                       tzinfo=TZ)


def _person(rng: random.Random) -> tuple[str, str, str]:
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(365 * 38))
    return (rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]), make_id_card(birth=birth, rng=rng),
            f"1{rng.choice('3589')}{rng.randrange(10 ** 9):09d}")


def _answer(rng: random.Random, item: RequestItem, clerk: User, at: dt.datetime) -> None:
    found, summary, details = rng.choice(SUMMARIES[item.info_type.code])
    services_answers.item_answer(actor=clerk, item=item, found=found, summary=summary, details=details, now=at)


def run_requests(ctx: DemoContext, rng: random.Random, *, requesters: list, users: dict, clerks: dict,
                 subjects: list, enterprises: list, n: int, start: dt.date, end: dt.date,
                 worker: tuple[str, str, str] | None = None) -> dict[str, int]:
    counts = {"requests": 0, "granted": 0, "refused": 0, "withdrawn": 0, "expired": 0, "late": 0}
    days = (end - start).days
    for k in range(n):
        requester = requesters[k % len(requesters)] if k < len(requesters) else rng.choice(requesters)
        scenario, choices = rng.choice(ASKS[requester.kind])
        types = rng.choice(choices)
        asked = _moment(rng, start + dt.timedelta(days=rng.randrange(days + 1)))
        kind = InfoType.objects.get(code=types[0]).subject_kind
        if kind == SubjectKind.PERSON:
            name, id_number, phone = worker if (worker and requester.kind == RequesterKind.HOUSEKEEPING
                                                and k < 3) else rng.choice(subjects)
            subject = {"subject_name": name, "subject_id_number": id_number, "subject_phone": phone}
            identity = id_number[-4:]
        else:
            ent = rng.choice(enterprises)
            subject = {"subject_name": ent.name, "subject_credit_code": ent.credit_code,
                       "subject_phone": f"13{rng.randrange(10 ** 9):09d}"}
            identity = ent.credit_code[-4:]
        request = services.request_create(actor=users[requester.pk], scenario=scenario, info_types=list(types),
                                          purpose=rng.choice(PURPOSES[scenario]), subject_kind=kind, now=asked,
                                          notify_subject=False, **subject)
        counts["requests"] += 1
        # Outcomes spread evenly over the year: about 6% never decided, 8% refused, 7% withdrawn.
        if k % 17 == 5:
            counts["expired"] += 1  # never decided: the link runs out (the sweep below)
            continue
        decided = asked + dt.timedelta(minutes=rng.randrange(20, 60 * 30))
        if k % 12 == 3:
            services.consent_decide_by_code(code=request.issued_code, identity=identity, decision="refuse",
                                            now=decided)
            counts["refused"] += 1
            continue
        services.consent_decide_by_code(code=request.issued_code, identity=identity, decision="grant", now=decided,
                                        schedule_fetch=False)
        counts["granted"] += 1
        for item in request.items.select_related("info_type", "department").order_by("id"):
            if item.info_type.code == "lawyer_status":
                services_answers.item_fetch_external(item=item, now=decided + dt.timedelta(minutes=2))
                continue
            if rng.random() < 0.08:
                at = item.due_at + dt.timedelta(hours=rng.randrange(2, 40))  # late
                counts["late"] += 1
            else:
                span = max(1, int((item.due_at - decided).total_seconds() // 60) - 30)
                at = decided + dt.timedelta(minutes=rng.randrange(30, 30 + span))
            _answer(rng, item, clerks[item.department_id], at)
        request.refresh_from_db()
        if request.delivered_at:
            user = users[requester.pk]
            for item in request.items.filter(answer_number__gt="").order_by("id"):
                services_answers.answer_read(actor=user, item=item, now=request.delivered_at + dt.timedelta(hours=1))
            if k % 14 == 9:
                services.consent_withdraw(actor="demo", request=request, reason=rng.choice(
                    ["已不在该单位应聘", "雇佣关系未建立", "不再同意使用本人信息"]),
                    now=request.delivered_at + dt.timedelta(days=rng.randrange(1, 10)))
                counts["withdrawn"] += 1
    return counts


@demo_step("retrieval.year2023", order=99)
def make_year(ctx: DemoContext) -> None:
    rng = ctx.rng_for("retrieval.year2023")
    by_code = {d.code: d for d in Department.objects.filter(code__in=list(OWNERS.values()))}
    departments = {key: by_code[code] for key, code in OWNERS.items() if code in by_code}
    services.catalog_install_defaults(actor="demo", departments=departments)
    clerks = {d.pk: _clerk(d) for d in departments.values()}
    requesters, users = [], {}
    for i, (name, kind) in enumerate(REQUESTERS):
        requester = services.requester_register(actor="demo", credit_code=make_credit_code(rng), name=name, kind=kind,
                                                contact=rng.choice(SURNAMES) + rng.choice(GIVEN))
        requesters.append(requester)
        if i == 0:
            users[requester.pk] = org_services.user_create(
                actor="demo", username="housekeeping", password=DEMO_PASSWORD, role=Role.ENTERPRISE_USER,
                display_name=name, enterprise=requester.enterprise)
            ctx.logins.append((str(Role(Role.ENTERPRISE_USER).label), "housekeeping", DEMO_PASSWORD,
                               f"{name}(信息调取申请单位)"))
        else:
            users[requester.pk] = org_services.user_create(
                actor="demo", username=f"retrieval_requester_{i}", password=None, role=Role.ENTERPRISE_USER,
                display_name=name, enterprise=requester.enterprise)
    worker = ("陈小梅", make_id_card(birth=dt.date(1986, 5, 20), rng=rng), "13957900001")
    person = org_services.person_register(actor="demo", name=worker[0], id_number=worker[1], phone=worker[2])
    org_services.user_create(actor="demo", username="worker", password=DEMO_PASSWORD, role=Role.CITIZEN,
                             display_name=worker[0], person=person)
    ctx.logins.append((str(Role(Role.CITIZEN).label), "worker", DEMO_PASSWORD, "陈小梅(家政服务人员,信息主体)"))
    subjects = [_person(rng) for _ in range(120)]
    enterprises = list(Enterprise.objects.exclude(pk__in=[r.enterprise_id for r in requesters]).order_by("pk")[:20])
    if not enterprises:
        enterprises = [org_services.enterprise_register(actor="demo", credit_code=make_credit_code(rng),
                                                        name=f"金华示范建设{i}有限公司") for i in range(1, 6)]
    counts = run_requests(ctx, rng, requesters=requesters, users=users, clerks=clerks, subjects=subjects,
                          enterprises=enterprises, n=ctx.scaled(REQUESTS, minimum=12), start=dt.date(YEAR, 1, 3),
                          end=dt.date(YEAR, 12, 20), worker=worker)
    expired = services.consent_codes_expire(now=dt.datetime(YEAR, 12, 31, 23, 0, tzinfo=TZ))
    recent = make_recent(rng, requesters=requesters, users=users, worker=worker, clerks=clerks)
    ctx.made.update(retrieval_requests=RetrievalRequest.objects.count())
    ctx.log(f"    retrieval: {counts['requests']} requests of {YEAR} ({counts['granted']} granted, "
            f"{counts['refused']} refused, {counts['withdrawn']} withdrawn, {expired} links expired, "
            f"{counts['late']} answers late); {recent} recent requests")


def make_recent(rng: random.Random, *, requesters: list, users: dict, worker: tuple[str, str, str],
                clerks: dict) -> int:
    """A few requests of the last days (real time): lawyer checks answered by the 律师在线 simulator, an open
    inbox item, and a consent for the demo worker to decide."""
    now = timezone.now()
    employer = next(r for r in requesters if r.kind == RequesterKind.EMPLOYER)
    owner = next(r for r in requesters if r.kind == RequesterKind.PROJECT_OWNER)
    made = 0
    for requester, scenario in ((employer, "recruitment"), (owner, "government_project"), (employer, "recruitment")):
        name, id_number, phone = _person(rng)
        asked = now - dt.timedelta(days=2, hours=rng.randrange(1, 20))
        request = services.request_create(actor=users[requester.pk], scenario=scenario, info_types=["lawyer_status"],
                                          purpose=PURPOSES["recruitment"][2] if scenario == "recruitment"
                                          else "项目法律服务机构人员执业状态核验", subject_kind=SubjectKind.PERSON,
                                          subject_name=name, subject_id_number=id_number, subject_phone=phone,
                                          now=asked, notify_subject=False)
        services.consent_decide_by_code(code=request.issued_code, identity=id_number[-4:], decision="grant",
                                        now=asked + dt.timedelta(hours=1), schedule_fetch=False)
        for item in request.items.all():
            services_answers.item_fetch_external(item=item, now=asked + dt.timedelta(hours=1, minutes=1))
        made += 1
    housekeeping = requesters[0]
    open_request = services.request_create(
        actor=users[housekeeping.pk], scenario="housekeeping", info_types=["no_criminal_record", "social_insurance"],
        purpose="住家保姆雇佣前信息核验", subject_kind=SubjectKind.PERSON, subject_name=_person(rng)[0],
        subject_id_number=make_id_card(birth=dt.date(1979, 3, 8), rng=rng), subject_phone="13957900002",
        now=now - dt.timedelta(hours=5), notify_subject=False)
    granted = services.consent_decide_by_code(code=open_request.issued_code,
                                              identity=open_request.subject_person.id_number[-4:], decision="grant",
                                              now=now - dt.timedelta(hours=4))
    hrss = granted.items.filter(info_type__code="social_insurance").first()
    if hrss is not None:
        _answer(rng, hrss, clerks[hrss.department_id], now - dt.timedelta(hours=1))
    services.request_create(actor=users[housekeeping.pk], scenario="housekeeping",
                            info_types=["no_criminal_record", "health_certificate"], purpose="家政服务人员上岗前背景核查",
                            subject_kind=SubjectKind.PERSON, subject_name=worker[0], subject_id_number=worker[1],
                            subject_phone=worker[2], now=now - dt.timedelta(hours=2), notify_subject=False)
    return made + 2
