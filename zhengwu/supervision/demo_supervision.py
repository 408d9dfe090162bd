"""Demo step ``supervision.inspections`` (order 80): the supervisor's 2023 over the demo trading year.

DOMAIN.md §13: 314 projects inspected, 27 violation clues, all rectified (100 %). Two inspection campaigns
(spring and autumn) check 314 of the year's trading projects (scaled with the demo, as the trading year is);
a few inspections find problems that become clues; flags raised by the detection steps (70–76) are turned into
clues, the rest of the open flags are decided with a reason, and a complaint or a referral from another
department makes up the rest. Every clue runs registered → investigated → concluded (substantiated) →
rectification → verified within 2023. Cases whose flags are all decided are closed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Min

from zhengwu.core import audit, calendar
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.org.models import User
from zhengwu.org.roles import Role
from zhengwu.supervision import services
from zhengwu.supervision.choices import CaseStatus, ClueSource, FlagFamily, FlagStatus, InspectionResult
from zhengwu.supervision.models import Flag, SupervisionCase
from zhengwu.trading.models import Project

YEAR = 2023
INSPECTED = 314
CLUES = 27
FROM_FLAGS = 8
FROM_INSPECTIONS = 12
FROM_DEPARTMENTS = 2
SHANGHAI = ZoneInfo("Asia/Shanghai")
CAMPAIGNS = (
    ("2023年上半年工程建设项目招投标专项排查", dt.date(YEAR, 4, 3), dt.date(YEAR, 6, 30),
     "2022年以来进场交易的房屋建筑和市政基础设施、水利、交通工程项目,重点查围标串标、转包违法分包。"),
    ("2023年下半年公共资源交易领域突出问题专项排查", dt.date(YEAR, 9, 4), dt.date(YEAR, 12, 15),
     "本年度已完成和正在进行的交易项目,重点查评标专家履职、招标文件设置不合理条件、合同履约。"),
)
FINDINGS = (
    "两家投标人投标文件的编制机器码一致,疑似同一人制作。",
    "中标人项目经理未到岗履职,现场由他人代管。",
    "招标文件设置与项目规模不相适应的业绩要求。",
    "评标委员会个别成员未按评分标准打分,分值畸高。",
    "中标后将主体工程分包给不具备资质的单位。",
    "合同签订超过中标通知书发出之日起三十日。",
)
COMPLAINTS = (
    "实名举报:投标人之间事先约定报价,轮流中标。",
    "举报:中标单位项目负责人同时在其他在建项目任职。",
    "举报:招标代理机构泄露潜在投标人名单。",
    "举报:中标人以他人名义投标。",
)
DISMISS = {
    FlagFamily.INTERNATIONAL: "经核查,该指标异常系项目自身特点(专业性强、潜在投标人少)所致,未发现违规。",
    FlagFamily.COLLUSION: "经调取投标文件电子数据并约谈相关投标人,属集团内共用办公网络等正常情形,不构成串通投标。",
    FlagFamily.SMALL_PROJECT: "经乡镇核实,相关情形有合理说明并已补齐材料,予以排除。",
}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _working(day: dt.date) -> dt.date:
    return day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)


def _started(projects: list[Project]) -> dict[int, dt.date]:
    """The day each project's first tender was published (a project is inspectable once it started)."""
    first = dict(Project.objects.filter(pk__in=[p.pk for p in projects]).exclude(tenders__published_at=None)
                 .annotate(first=Min("tenders__published_at")).values_list("pk", "first"))
    return {pk: moment.astimezone(SHANGHAI).date() for pk, moment in first.items() if moment is not None}


def run_clue(*, actor: Any, clue: Any, start: dt.date, rng: random.Random) -> None:
    """One clue through every stage, each within its deadline, ending verified."""
    day = calendar.add_working_days(start, rng.randint(3, 7))
    services.clue_transition(actor=actor, clue=clue.pk, action="investigate", now=at(day, 15),
                             reason="调取交易档案和投标文件电子数据,约谈相关当事人,形成调查报告。")
    day = calendar.add_working_days(day, rng.randint(2, 6))
    services.clue_conclude(actor=actor, clue=clue.pk, substantiated=True, now=at(day, 11),
                           decision="经调查,问题属实。依据《招标投标法实施条例》作出处理,并责令相关单位限期整改。")
    day = calendar.add_working_days(day, rng.randint(1, 3))
    days = rng.choice((10, 15, 20))
    services.clue_transition(actor=actor, clue=clue.pk, action="require_rectification", days=days, now=at(day, 9),
                             reason="限期整改并报送整改报告;完善内部控制制度,举一反三开展自查。")
    day = calendar.add_working_days(day, days - rng.randint(0, 3))
    services.clue_transition(actor=actor, clue=clue.pk, action="verify", now=at(day, 16),
                             reason="整改报告及佐证材料齐全,经现场复核整改到位,予以验收。")


def make_inspections(ctx: DemoContext, actor: Any, rng: random.Random) -> tuple[list[Any], list[Any]]:
    projects = list(Project.objects.order_by("pk"))
    started = _started(projects)
    last = CAMPAIGNS[-1][2]
    candidates = [p for p in projects if p.pk in started and started[p.pk] <= last]
    n = min(ctx.scaled(INSPECTED), len(candidates))
    chosen = sorted(rng.sample(candidates, n), key=lambda p: (started[p.pk], p.pk))
    campaigns = [services.campaign_create(actor=actor, name=name, period_start=start, period_end=end, scope=scope)
                 for name, start, end, scope in CAMPAIGNS]
    first_share = n // 2
    problems = set(rng.sample(range(n), min(ctx.scaled(FROM_INSPECTIONS), n)))
    inspections, found = [], []
    for i, project in enumerate(chosen):
        campaign = campaigns[0] if i < first_share and started[project.pk] <= campaigns[0].period_end else campaigns[1]
        earliest = max(campaign.period_start, started[project.pk] + dt.timedelta(days=7))
        day = _working(min(earliest + dt.timedelta(days=rng.randint(0, 40)), campaign.period_end))
        if day > campaign.period_end:
            day = calendar.add_working_days(campaign.period_end, -1)
        day = max(day, campaign.period_start)
        problem = i in problems
        inspection = services.inspection_record(
            actor=actor, campaign=campaign, project=project, inspected_on=day,
            result=InspectionResult.PROBLEMS_FOUND if problem else InspectionResult.NO_PROBLEM,
            findings=rng.choice(FINDINGS) if problem else "")
        inspections.append(inspection)
        if problem:
            found.append(inspection)
    return inspections, found


@demo_step("supervision.inspections", order=80)
def make_supervision_year(ctx: DemoContext) -> None:
    rng = ctx.rng_for("supervision.inspections")
    actor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("id").first() or "demo"
    inspections, found = make_inspections(ctx, actor, rng)
    total = ctx.scaled(CLUES)
    clues: list[tuple[Any, dt.date]] = []

    # clues from inspection findings, registered a few working days after the inspection
    for inspection in found[:total]:
        start = calendar.add_working_days(inspection.inspected_on, rng.randint(1, 3))
        start = min(start, dt.date(YEAR, 10, 31))
        clues.append((services.inspection_to_clue(actor=actor, inspection=inspection, now=at(start, 9)), start))

    # flags raised by the detection steps: a few become clues (the collusion signs first)
    open_flags = list(Flag.objects.filter(status=FlagStatus.OPEN).order_by("family", "detected_at", "pk"))
    preferred = sorted(open_flags, key=lambda f: (f.family != FlagFamily.COLLUSION, f.detected_at, f.pk))
    for flag in preferred[:min(ctx.scaled(FROM_FLAGS), max(0, total - len(clues)))]:
        local = flag.detected_at.astimezone(SHANGHAI).date()
        start = _working(local + dt.timedelta(days=3)) if local.year == YEAR else _working(
            dt.date(YEAR, rng.randint(3, 10), rng.randint(1, 25)))
        start = min(start, dt.date(YEAR, 10, 31))
        clue = services.flag_to_clue(actor=actor, flag=flag, now=at(start, 9),
                                     reason="预警反映的情形需进一步调查核实,转为违规线索。")
        clues.append((clue, start))

    # the rest: complaints, and referrals from other departments
    projects = [i.project for i in inspections] or list(Project.objects.order_by("pk")[:50])
    remaining = max(0, total - len(clues))
    for n in range(remaining):
        department = n < min(FROM_DEPARTMENTS, remaining)
        start = _working(dt.date(YEAR, rng.randint(2, 10), rng.randint(1, 28)))
        source = ClueSource.DEPARTMENT if department else ClueSource.COMPLAINT
        reference = (f"婺建函〔{YEAR}〕{rng.randint(10, 99)}号" if department
                     else f"TS{YEAR}{rng.randint(1000, 9999)}")
        description = ("住建部门移送:中标人施工现场项目管理机构人员与投标承诺不一致。" if department
                       else rng.choice(COMPLAINTS))
        clue = services.clue_register(actor=actor, source=source, source_reference=reference,
                                      description=description, project=rng.choice(projects) if projects else None,
                                      now=at(start, 9))
        clues.append((clue, start))

    for clue, start in clues:
        run_clue(actor=actor, clue=clue, start=start, rng=rng)

    # every other open flag is decided with a reason; cases with no open flag are closed
    dismissed = 0
    for flag in Flag.objects.filter(status=FlagStatus.OPEN).order_by("pk").iterator():
        local = flag.detected_at.astimezone(SHANGHAI).date()
        day = _working(local + dt.timedelta(days=5)) if local.year == YEAR else None
        services.flag_decide(actor=actor, flag=flag.pk, action="dismiss", reason=DISMISS[flag.family],
                             now=at(day, 14) if day else None)
        dismissed += 1
    closed = 0
    for case in SupervisionCase.objects.filter(status=CaseStatus.OPEN).exclude(flags__status=FlagStatus.OPEN):
        services.case_close(actor=actor, case=case.pk, conclusion="案件所涉预警均已处理完毕,予以办结。")
        closed += 1

    summary = {"campaigns": len(CAMPAIGNS), "inspected": len(inspections), "with_problems": len(found),
               "clues": len(clues), "clues_by_source": {s: sum(1 for c, _ in clues if c.source == s)
                                                        for s in ClueSource.values},
               "verified": len(clues), "flags_dismissed": dismissed, "cases_closed": closed}
    ctx.made["supervision.inspections"] = summary
    audit.record(actor="demo", action="demo.supervision", obj=("supervision.demo", YEAR), payload=summary)
    ctx.log(f"专项排查:{summary['inspected']} 个项目(发现问题 {summary['with_problems']} 个);"
            f"线索 {summary['clues']} 条(" + ",".join(f"{ClueSource(s).label} {n}"
                                                  for s, n in summary["clues_by_source"].items() if n)
            + f"),整改验收 {summary['verified']} 条(100%);其余预警排除 {dismissed} 条,办结案件 {closed} 件。")
