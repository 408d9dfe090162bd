"""The demo year on a tiny district: low-risk permits within 3 working days, over half the sequential time
saved, 2023 faster than 2022, one application stopped by a refused item and two still open."""

from __future__ import annotations

import pytest

from zhengwu.approvals import demo, timing
from zhengwu.approvals.choices import ApplicationStatus
from zhengwu.approvals.models import CombinedApplication
from zhengwu.approvals.testing import make_item
from zhengwu.core.demo import DemoContext
from zhengwu.core.testing import make_department, make_region_tree

pytestmark = pytest.mark.django_db


def test_the_demo_year_is_calibrated_to_the_seed():
    tree = make_region_tree(townships=3, villages_per_township=0)
    department = make_department()
    limits = {"企业投资项目核准": 10, "建设用地规划许可证核发": 7, "建设项目环境影响报告表审批": 10,
              "建设工程规划许可证核发": 7, "建设工程消防设计审查": 10, "结合民用建筑修建防空地下室审批": 5,
              "建筑工程施工许可证核发": 3, "建设工程消防验收": 10, "人防工程竣工验收备案": 5, "建设工程规划核实": 5}
    for n, (name, promised) in enumerate(limits.items()):
        make_item(department=department, code=f"DEMO-{n}", name=name, promised=promised)
    ctx = DemoContext(seed=7, scale=0.3, log=lambda _: None)
    ctx.made["townships"] = tree["townships"]
    demo.approvals_year(ctx)
    applications = CombinedApplication.objects.select_related("project", "project__township", "bundle") \
        .prefetch_related("items__case__department", "items__item")
    figures = timing.figures(applications, year=2023)
    assert figures["low_risk"]["applications"] >= 3
    assert figures["low_risk"]["breaches"] == []
    assert figures["total"]["saved_percent"] > 50
    yoy = {row["year"]: row for row in figures["year_on_year"]}
    assert yoy[2023]["faster_percent"] >= 20
    assert CombinedApplication.objects.filter(status=ApplicationStatus.STOPPED).count() == 1
    assert CombinedApplication.objects.filter(status=ApplicationStatus.IN_PROGRESS).count() == 2
