"""The demo year on a tiny district (scale 0.1): demands across sections and channels, mostly on time, a few
late and escalated, consultations, liaison visits, and a coverage below 100 % with its missing items listed."""

from __future__ import annotations

import pytest

from zhengwu.cases.testing import make_item
from zhengwu.core.demo import DemoContext
from zhengwu.core.testing import make_department
from zhengwu.enterprise import demo, selectors
from zhengwu.enterprise.models import Consultation, Demand, Escalation, LiaisonVisit
from zhengwu.enterprise.testing import credit
from zhengwu.org import services as org_services

pytestmark = pytest.mark.django_db


def test_the_demo_year_runs_through_the_services_on_a_small_scale():
    departments = [make_department(code=code, name=f"{code}局") for code in ("SCJ", "RSJ", "JSJ", "ZJJ", "FGJ")]
    for n in range(12):
        make_item(department=departments[n % 5], code=f"E{n:02d}", enterprise_related=True,
                  name=["人才认定", "项目用地", "专利资助", "融资担保"][n % 4])
    enterprises = [org_services.enterprise_register(actor="demo", credit_code=credit(100 + n), name=f"企业{n}")
                   for n in range(30)]
    ctx = DemoContext(seed=7, scale=0.1, log=lambda _: None)
    ctx.made.update(departments=departments, enterprises=enterprises)
    demo.make_year_2023(ctx)
    counts = ctx.made["enterprise_demo"]
    assert counts["demands"] == Demand.objects.count() >= 35
    assert set(Demand.objects.values_list("channel", flat=True)) >= {"hall", "online", "liaison_visit"}
    assert Demand.objects.values("section").distinct().count() >= 5
    assert Escalation.objects.values("demand").distinct().count() == counts["late"]
    assert Consultation.objects.count() == counts["consultations"]
    assert LiaisonVisit.objects.count() == counts["visits"] > 0
    coverage = selectors.coverage()
    assert (coverage["total"], coverage["assigned"]) == (12, 6)
    assert len(coverage["missing"]) == 6
    assert Demand.objects.filter(close_reason="default_satisfied").count() == counts["unrated"]
