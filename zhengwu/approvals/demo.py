"""Demo data of investment project approvals: a year (2023, with a smaller 2022 before it for the
year-on-year change) of projects in the demo district, low-risk construction included, calibrated to the seed
(DOMAIN.md §13): low-risk construction permits within 3 working days, over half the sequential time saved.

Everything goes through the services: projects are registered, the catalog's items are mapped to the stages,
four bundles (多合一) are defined, combined applications are filed (one case per item in the cases app), the
departments accept and approve the cases (the fan-in marks the application ready) and the combined approval
documents are issued. One application is stopped by a refused item (不予受理) and two of late December are
still open. The demo ``enterprise`` login (``org.demo``: enterprises[0]) invests in three of the projects.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from zhengwu.approvals import services
from zhengwu.approvals.choices import ProjectType, RiskClass, Stage
from zhengwu.approvals.models import Bundle
from zhengwu.cases import services as case_services
from zhengwu.cases.models import ServiceItem
from zhengwu.core.calendar import add_working_days, is_working_day
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.core.identifiers import make_credit_code
from zhengwu.org import services as org_services

ACTOR = "demo"
SHANGHAI = ZoneInfo("Asia/Shanghai")

#: stage → (item name in the catalog, environmental?)
STAGE_ITEMS = {
    Stage.LAND_PLANNING: [("企业投资项目核准", False), ("建设用地规划许可证核发", False),
                          ("建设项目环境影响报告表审批", True)],
    Stage.CONSTRUCTION_PLANNING: [("建设工程规划许可证核发", False), ("建设工程消防设计审查", False),
                                  ("结合民用建筑修建防空地下室审批", False)],
    Stage.CONSTRUCTION_PERMIT: [("建筑工程施工许可证核发", False), ("建设工程消防设计审查", False),
                                ("结合民用建筑修建防空地下室审批", False)],
    Stage.COMPLETION: [("建设工程消防验收", False), ("人防工程竣工验收备案", False), ("建设工程规划核实", False)],
}
BUNDLES = {
    Stage.LAND_PLANNING: ("立项用地规划许可多合一(立项与环评并联)", True),
    Stage.CONSTRUCTION_PLANNING: ("工程建设许可多合一", False),
    Stage.CONSTRUCTION_PERMIT: ("施工许可多合一(施工+消防+人防)", False),
    Stage.COMPLETION: ("竣工联合验收", False),
}
WORDS = ("智能装备", "新材料", "食品加工", "物流仓储", "汽配", "电子元件", "纺织", "五金工具", "光伏组件", "医疗器械",
         "文旅综合体", "农产品冷链")
BUILDINGS = ("厂房", "仓库", "研发楼", "综合楼", "标准厂房", "生产车间")


def moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=SHANGHAI)


def working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


class Year:
    def __init__(self, ctx: DemoContext) -> None:
        self.rng = ctx.rng_for("approvals")
        self.ctx = ctx
        self.townships = ctx.made["townships"]
        self.own = (ctx.made.get("enterprises") or [None])[0]
        self.bundles: dict[str, Bundle] = {}
        self.counter = 0
        self.refused = False
        self.made = {"projects": 0, "applications": 0, "cases": 0}

    def setup(self) -> bool:
        by_name = {i.name: i for i in ServiceItem.objects.filter(
            name__in={n for rows in STAGE_ITEMS.values() for n, _ in rows})}
        missing = {n for rows in STAGE_ITEMS.values() for n, _ in rows} - set(by_name)
        if missing:
            self.ctx.log(f"  approvals: catalog items missing ({', '.join(sorted(missing))}); skipped")
            return False
        for stage, rows in STAGE_ITEMS.items():
            for order, (name, environmental) in enumerate(rows):
                services.stage_item_map(actor=ACTOR, stage=stage, item=by_name[name], is_environmental=environmental,
                                        order=order)
            bundle_name, parallel = BUNDLES[stage]
            self.bundles[stage] = services.bundle_create(
                actor=ACTOR, name=bundle_name, stage=stage, parallel_environmental=parallel,
                items=[{"item": by_name[n], "materials": by_name[n].materials[:2]} for n, _ in rows])
        return True

    def investor(self, n: int) -> tuple[str, str]:
        if self.own is not None and n % 13 == 0:
            return self.own.credit_code, self.own.name
        word = WORDS[n % len(WORDS)]
        ent = org_services.enterprise_register(actor=ACTOR, credit_code=make_credit_code(self.rng),
                                               name=f"金华{word}{n:02d}有限公司")
        return ent.credit_code, ent.name

    def project(self, *, year: int, n: int, low_risk: bool, registered: dt.date) -> Any:
        credit, name = self.investor(n)
        self.made["projects"] += 1
        project_type = ProjectType.FILING if low_risk else self.rng.choice(
            [ProjectType.FILING, ProjectType.APPROVAL, ProjectType.GOVERNMENT])
        risk = RiskClass.LOW_RISK if low_risk else self.rng.choice([RiskClass.GENERAL] * 4 + [RiskClass.MAJOR])
        amount = Decimal(self.rng.randint(200, 3000) if low_risk else self.rng.randint(3000, 80000))
        return services.project_register(
            actor=ACTOR, code=f"{year}-330702-{self.rng.choice(('13', '34', '47', '59'))}-03-{n:06d}",
            name=f"{name[2:-4]}{self.rng.choice(BUILDINGS)}{'(低风险)' if low_risk else '建设项目'}",
            investor_credit_code=credit, investor_name=name, project_type=project_type, total_investment=amount,
            township=self.rng.choice(self.townships), risk_class=risk, now=moment(registered, 9))

    def application(self, project: Any, stage: str, received: dt.date, *, elapsed: int, refuse: bool = False,
                    open_: bool = False) -> dt.date:
        """File, then move each item's case: accepted on the day, approved within ``elapsed`` working days (one
        item takes exactly ``elapsed``). Returns the day the combined document is issued."""
        bundle = self.bundles[stage]
        application = services.application_file(actor=ACTOR, project=project, bundle=bundle,
                                                materials=bundle.required_materials, received_at=moment(received, 9),
                                                channel="window")
        self.made["applications"] += 1
        links = list(application.items.select_related("item").order_by("id"))
        self.made["cases"] += len(links)
        slowest = self.rng.randrange(len(links))
        for i, link in enumerate(links):
            days = elapsed if i == slowest else self.rng.randint(0, elapsed)
            days = min(days, link.item.promised_limit) if i != slowest else days
            if refuse and i == 1:
                case_services.case_transition(actor=ACTOR, case=link.case_id, action="refuse",
                                              reason="消防设计文件不符合受理条件,请修改后重新申请。",
                                              now=moment(received, 11))
                continue
            if open_ and i == slowest:
                case_services.case_transition(actor=ACTOR, case=link.case_id, action="accept", now=moment(received, 10))
                continue
            case_services.case_transition(actor=ACTOR, case=link.case_id, action="accept", now=moment(received, 10))
            case_services.case_transition(actor=ACTOR, case=link.case_id, action="approve",
                                          now=moment(add_working_days(received, days), 15 if days else 16))
        done = add_working_days(received, elapsed)
        if refuse or open_:
            return done
        issue_on = add_working_days(done, 1) if self.rng.random() < 0.5 else done
        services.application_issue(actor=ACTOR, application=application.pk, now=moment(issue_on, 17))
        return issue_on

    def run(self, year: int, *, projects: int, low_share: float, speed: float) -> None:
        """``speed`` scales the elapsed days (1.0 for 2023; slower for 2022)."""
        rng = self.rng
        for n in range(projects):
            self.counter += 1
            low = rng.random() < low_share
            registered = working_day_on_or_after(dt.date(year, 1, 3) + dt.timedelta(days=rng.randint(0, 240)))
            project = self.project(year=year, n=self.counter, low_risk=low, registered=registered)
            day = add_working_days(registered, rng.randint(2, 10))
            stages = [Stage.CONSTRUCTION_PERMIT, Stage.COMPLETION] if low else list(BUNDLES)
            for stage in stages:
                if day.year != year:
                    break
                if low and stage == Stage.CONSTRUCTION_PERMIT:
                    elapsed = rng.choice((1, 2, 2, 3, 3)) if speed == 1.0 else rng.choice((4, 5, 6))
                else:
                    limits = [i.item.promised_limit for i in self.bundles[stage].items.all()]
                    elapsed = max(1, round(max(limits) * rng.uniform(0.45, 0.75) * speed))
                refuse = year == 2023 and not self.refused and n >= 5 and stage == Stage.LAND_PLANNING
                self.refused = self.refused or refuse
                issued = self.application(project, stage, day, elapsed=elapsed, refuse=refuse)
                if refuse:
                    break
                day = add_working_days(issued, rng.randint(15, 60) if stage != Stage.CONSTRUCTION_PERMIT
                                       else rng.randint(40, 90))
        if year == 2023:  # two applications of late December still running
            for n in range(2):
                self.counter += 1
                project = self.project(year=year, n=self.counter, low_risk=False, registered=dt.date(2023, 12, 1))
                self.application(project, Stage.CONSTRUCTION_PLANNING if n == 0 else Stage.LAND_PLANNING,
                                 dt.date(2023, 12, 27), elapsed=2, open_=True)


@demo_step("approvals.year2023", order=95)
def approvals_year(ctx: DemoContext) -> None:
    year = Year(ctx)
    if not year.setup():
        return
    year.run(2022, projects=ctx.scaled(8, minimum=2), low_share=0.4, speed=1.45)
    year.run(2023, projects=ctx.scaled(40, minimum=6), low_share=0.6, speed=1.0)
    ctx.made["approvals_counts"] = dict(year.made)
    ctx.log(f"  approvals: {year.made['projects']} projects, {year.made['applications']} combined applications, "
            f"{year.made['cases']} cases")
