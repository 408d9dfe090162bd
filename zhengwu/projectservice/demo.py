"""Demo data of project services for 2023, calibrated to the seed (DOMAIN.md §13): agents on a share of the
investment projects whose actions add up to 70+ items handled and 180+ trips saved; a project service team whose
visits reach 13 units and 27 projects, with issues (most followed up, a few overdue); factor needs for a share of
the projects (most connected, a few past their promised date).

It runs after the approvals demo (``approvals.year2023``, order 95), which registers the projects. When no
investment project exists (the approvals step was skipped), a few are created through the model's fields with
the org demo's enterprises and townships. Everything else goes through the services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from zhengwu.approvals.choices import ProjectType, RiskClass
from zhengwu.approvals.models import InvestmentProject
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.org import services as org_services
from zhengwu.org.models import Department
from zhengwu.org.roles import Role
from zhengwu.projectservice import services
from zhengwu.projectservice.choices import DEFAULT_UNITS, FactorKind

ACTOR = "demo"
SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2023
AGENTS = (("daiban1", "陈晓燕"), ("daiban2", "叶建军"), ("daiban3", "方丽娟"), ("daiban4", "吴志强"))
#: items handled and trips saved by the agents in the year (seed: 70+ items, 180+ trips)
ITEMS, TRIPS = 74, 186
#: units visited by the service team: departments (by code) and investor enterprises (seed: 13 units)
TEAM_DEPARTMENTS = ("FGJ", "ZGJ", "JSJ", "HBJ", "XFJ", "GDJ", "GSJ")
TEAM_ENTERPRISES = 6
PROJECTS_SERVED = 27
FREE_ITEMS = ("项目赋码代办", "施工图审查代办", "水电气报装代办", "不动产首次登记代办", "规划方案联审协调",
              "能评备案代办")
DONE = ("代企业准备并提交申请材料,全程跟踪至办结", "协调审批部门提前介入、容缺受理", "代为领取证照并送达企业",
        "组织部门联合踏勘,当场明确整改要求")
ISSUES = ("临时用电接入方案未明确", "用地红线内存在管线需迁改", "施工图审查意见反复", "消防设计与人防设计冲突",
          "排水接口位置待市政确认", "融资需要项目批复文件", "土地出让金缴纳进度滞后", "周边道路施工影响进场")
PROVIDERS = {FactorKind.WATER: "婺城供水公司", FactorKind.ELECTRICITY: "国网婺城供电公司",
             FactorKind.GAS: "金华市天然气有限公司", FactorKind.TELECOM: "中国电信金华分公司"}


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(16, 0), tzinfo=SHANGHAI)


def fallback_projects(ctx: DemoContext, n: int) -> list[InvestmentProject]:
    """A few projects through the model's fields, when the approvals demo made none."""
    rng = ctx.rng_for("projectservice.projects")
    enterprises, townships = ctx.made["enterprises"], ctx.made["townships"]
    names = ("智能制造产业园", "物流仓储中心", "农产品加工厂", "文旅综合体", "新能源汽配厂房", "标准厂房")
    return [InvestmentProject.objects.create(
        code=f"{YEAR}-330702-{i:06d}", name=f"{enterprises[i % len(enterprises)].name[2:6]}{names[i % len(names)]}项目",
        investor=enterprises[i % len(enterprises)], project_type=rng.choice(ProjectType.values),
        total_investment=Decimal(rng.randrange(2_000, 80_000)), township=townships[i % len(townships)],
        risk_class=RiskClass.LOW_RISK if i % 3 == 0 else RiskClass.GENERAL,
        registered_at=at(dt.date(YEAR, 1, 10) + dt.timedelta(days=9 * i))) for i in range(1, n + 1)]


def registered_on(project: InvestmentProject) -> dt.date:
    return timezone.localtime(project.registered_at, SHANGHAI).date()


class Year:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng_for("projectservice")
        projects = list(InvestmentProject.objects.select_related("investor").order_by("registered_at", "id"))
        if not projects:
            projects = fallback_projects(ctx, max(PROJECTS_SERVED + 3, 6))
        this_year = [p for p in projects if registered_on(p).year == YEAR and registered_on(p).month <= 11]
        self.projects = this_year or projects
        self.departments = {d.code: d for d in Department.objects.filter(code__in=TEAM_DEPARTMENTS)}
        self.agents = self.make_agents()
        self.items = [i for i in ctx.made.get("items", []) if getattr(i, "enterprise_related", False)][:40]
        self.counts = {"agents_projects": 0, "items": 0, "trips": 0, "visits": 0, "issues": 0, "needs": 0}

    def make_agents(self) -> list[Any]:
        from zhengwu.org.demo import DEMO_PASSWORD

        department = self.departments.get("FGJ") or Department.objects.order_by("sort", "code").first()
        agents = [org_services.user_create(actor=ACTOR, username=username, password=DEMO_PASSWORD,
                                           role=Role.WINDOW_CLERK, display_name=name, department=department)
                  for username, name in AGENTS]
        self.ctx.logins.append((str(Role(Role.WINDOW_CLERK).label), AGENTS[0][0], DEMO_PASSWORD,
                                f"{AGENTS[0][1]}(投资项目帮办代办员)"))
        return agents

    # -- assisted handling ---------------------------------------------------------------------------------------
    def assisted(self) -> None:
        rng = self.rng
        served = self.projects[: max(1, round(len(self.projects) * 0.45))]
        assignments = []
        for n, project in enumerate(served):
            start = min(registered_on(project) + dt.timedelta(days=rng.randint(1, 10)), dt.date(YEAR, 11, 30))
            agent = self.agents[n % len(self.agents)]
            assignments.append((project, services.agent_assign(actor=ACTOR, project=project, agent=agent,
                                                               started_on=start, now=at(start))))
        # one agent changed on the first project: the first ends, another takes over (history on its page)
        if len(assignments) > 1:
            project, first = assignments[0]
            end = first.started_on + dt.timedelta(days=20)
            services.agent_release(actor=ACTOR, assignment=first, ended_on=end, now=at(end))
            replacement = self.agents[(self.agents.index(first.agent) + 1) % len(self.agents)]
            assignments[0] = (project, services.agent_assign(actor=ACTOR, project=project, agent=replacement,
                                                             started_on=end, now=at(end)))
        items = max(len(assignments), self.ctx.scaled(ITEMS, minimum=len(assignments)))
        trips = round(items * TRIPS / ITEMS)
        plan = [2] * items
        for i in rng.sample(range(items), min(items, trips - 2 * items)):
            plan[i] = 3
        for n in range(items):
            project, assignment = assignments[n % len(assignments)]
            span = max(0, (dt.date(YEAR, 12, 28) - assignment.started_on).days)
            day = assignment.started_on + dt.timedelta(days=rng.randint(0, span))
            item = rng.choice(self.items) if self.items and rng.random() < 0.6 else None
            services.agent_action_record(actor=ACTOR, project=project, item=item,
                                         item_text="" if item else rng.choice(FREE_ITEMS), handled_on=day,
                                         what_done=rng.choice(DONE), trips_saved=plan[n], now=at(day))
        self.counts.update(agents_projects=len(assignments), items=items, trips=sum(plan))

    # -- the service team ----------------------------------------------------------------------------------------
    def team(self) -> None:
        rng = self.rng
        served = self.projects[:PROJECTS_SERVED]
        investors = list({p.investor_id: p.investor for p in served}.values())[:TEAM_ENTERPRISES]
        departments = [self.departments[c] for c in TEAM_DEPARTMENTS if c in self.departments]
        visits = 10
        per_visit = [served[i::visits] for i in range(visits)]
        for n in range(visits):
            day = dt.date(YEAR, 1 + n, 12 + n % 5)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            projects = per_visit[n]
            units_d = [departments[i % len(departments)] for i in (n, n + 3)] if departments else []
            units_e = [investors[n % len(investors)]] if investors else []
            issues = []
            for k in range(2 if n % 3 else 1):
                issues.append({"description": rng.choice(ISSUES), "owner": self.agents[(n + k) % len(self.agents)],
                               "follow_up_days": rng.choice((3, 5, 5, 10)),
                               "project": projects[k % len(projects)] if projects else None})
            visit = services.visit_record(
                actor=ACTOR, visited_on=day, team_lead=rng.choice(("区发改局副局长 王建平", "中心副主任 李红")),
                summary=f"走访{'、'.join(str(u) for u in units_d + units_e)},现场协调项目推进问题",
                departments=list({d.pk: d for d in units_d}), enterprises=[e.pk for e in units_e],
                projects=[p.pk for p in projects], issues=issues, now=at(day))
            self.counts["visits"] += 1
            for k, issue in enumerate(visit.issues.order_by("id")):
                self.counts["issues"] += 1
                if n >= visits - 2 and k == 0:
                    continue  # a few left open: overdue follow-ups
                follow = issue.due_on - dt.timedelta(days=rng.randint(0, 2))
                follow = max(follow, day)
                services.issue_follow_up(actor=ACTOR, issue=issue, followed_up_on=follow,
                                         note="已协调相关单位解决", now=at(follow))

    # -- factor guarantee library ----------------------------------------------------------------------------------
    def factors(self) -> None:
        rng = self.rng
        with_needs = self.projects[: max(1, round(len(self.projects) * 0.5))]
        overdue_left = 3
        for n, project in enumerate(with_needs):
            kinds = rng.sample(list(FactorKind), rng.randint(2, 4))
            start = registered_on(project) + dt.timedelta(days=rng.randint(5, 30))
            start = min(start, dt.date(YEAR, 12, 1))
            for kind in kinds:
                capacity = {FactorKind.WATER: rng.randrange(50, 800, 10), FactorKind.ELECTRICITY:
                            rng.choice((315, 630, 800, 1250, 2000)), FactorKind.GAS: rng.randrange(100, 3000, 50),
                            FactorKind.TELECOM: rng.choice((100, 200, 500, 1000))}[kind]
                need = services.factor_need_register(actor=ACTOR, project=project, kind=kind, capacity=capacity,
                                                     capacity_unit=DEFAULT_UNITS[kind], provider=PROVIDERS[kind],
                                                     requested_on=start, now=at(start))
                self.counts["needs"] += 1
                promised = start + dt.timedelta(days=rng.randint(10, 40))
                if n == len(with_needs) - 1:
                    continue  # the last project's needs are just requested
                need = services.factor_need_promise(actor=ACTOR, need=need, promised_on=promised, now=at(start))
                if overdue_left and n % 4 == 1:
                    overdue_left -= 1
                    if overdue_left == 0:
                        services.factor_need_report_problem(actor=ACTOR, need=need, note="外线通道受阻,需协调道路开挖许可",
                                                            now=at(promised))
                    continue  # past its promised date, not connected
                connected = promised - dt.timedelta(days=rng.randint(0, 5))
                services.factor_need_connect(actor=ACTOR, need=need, connected_on=max(connected, start),
                                             now=at(max(connected, start)))


@demo_step("projectservice.year2023", order=96)
def project_services_year(ctx: DemoContext) -> None:
    year = Year(ctx)
    year.assisted()
    year.team()
    year.factors()
    ctx.made["projectservice_counts"] = dict(year.counts)
    ctx.log(f"    project services: {year.counts['items']} items / {year.counts['trips']} trips saved on "
            f"{year.counts['agents_projects']} projects; {year.counts['visits']} visits, {year.counts['issues']} "
            f"issues; {year.counts['needs']} factor needs")
