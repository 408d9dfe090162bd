"""The demo year on a tiny district: every planted pattern is found once, and nothing else."""

from __future__ import annotations

import pytest

from zhengwu.core.demo import DemoContext
from zhengwu.core.testing import make_region_tree
from zhengwu.smallprojects import demo
from zhengwu.supervision.models import Flag

pytestmark = pytest.mark.django_db


def test_the_demo_year_plants_one_of_each_alert_and_nothing_more():
    tree = make_region_tree(townships=3, villages_per_township=5)
    ctx = DemoContext(seed=7, log=lambda _: None)
    created = demo.build(ctx, townships=tree["townships"], villages=tree["villages"],
                         planted_township=tree["townships"][0], ordinary_count=8)
    assert created == {"SP_SPLIT": 1, "SP_OVERPAID": 1, "SP_CHANGE_OVER": 1, "SP_NO_ACCEPTANCE": 1,
                       "SP_CONTRACTOR_CONCENTRATION": 1}
    assert len(ctx.made["small_projects"]) == 3 + 1 + 1 + 1 + 4 + 8
    split = Flag.objects.get(rule="SP_SPLIT")
    assert split.evidence["scope_keyword"] == "环村北路"
    assert split.evidence["total"] == "4330000.00"
