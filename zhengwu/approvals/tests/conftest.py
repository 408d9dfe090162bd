from __future__ import annotations

import pytest

from zhengwu.approvals.testing import make_bundle, make_item, make_project
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.roles import Role


@pytest.fixture
def world(db):
    """Three departments (construction, fire, civil air defence) with a clerk each, a bundle of their three
    items (limits 3, 5 and 2 working days), one low-risk project of enterprise 1 and personas."""
    tree = make_region_tree(townships=2, villages_per_township=0)
    departments = [make_department(name=n) for n in ("住房和城乡建设局", "消防救援大队", "人防办")]
    items = [make_item(department=departments[0], code="SG-1", name="建筑工程施工许可证核发", promised=3),
             make_item(department=departments[1], code="XF-1", name="建设工程消防设计审查", promised=5),
             make_item(department=departments[2], code="RF-1", name="结合民用建筑修建防空地下室审批", promised=2)]
    bundle = make_bundle(items=items)
    project = make_project(township=tree["townships"][0])
    from zhengwu.approvals.testing import credit
    from zhengwu.org.models import Enterprise

    ent_x = project.investor
    other = make_project(township=tree["townships"][1], investor=2, code="2024-330702-47-01-000002",
                         name="乙公司仓库")
    ent_y = Enterprise.objects.get(credit_code=credit(2))
    return {
        "tree": tree, "departments": departments, "items": items, "bundle": bundle, "project": project,
        "other_project": other,
        "clerks": [make_user(role=Role.WINDOW_CLERK, department=d) for d in departments],
        "admin": make_user(role=Role.CENTER_ADMIN),
        "leader": make_user(role=Role.LEADER),
        "ent_x": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_x),
        "ent_y": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_y),
    }
