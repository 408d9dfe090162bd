"""Personas of the project services tests: a center administrator (manages), two window clerks (agents), a
township's staff, an enterprise user of project A's investor, another enterprise's user, a citizen."""

from __future__ import annotations

import pytest

from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.projectservice.testing import make_investor, make_project


@pytest.fixture
def world(db):
    tree = make_region_tree(townships=2, villages_per_township=1)
    dept = make_department()
    investor_a, investor_b = make_investor(name="甲投资有限公司"), make_investor(name="乙投资有限公司")
    project_a = make_project(township=tree["townships"][0], investor=investor_a, name="甲公司厂房项目")
    project_b = make_project(township=tree["townships"][1], investor=investor_b, name="乙公司仓储项目")
    return {
        "tree": tree, "dept": dept, "investor_a": investor_a, "investor_b": investor_b,
        "project_a": project_a, "project_b": project_b,
        "admin": make_user(role=Role.CENTER_ADMIN),
        "agent": make_user(role=Role.WINDOW_CLERK, department=dept),
        "agent2": make_user(role=Role.WINDOW_CLERK, department=dept),
        "township_a": make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][0]),
        "ent_a": make_user(role=Role.ENTERPRISE_USER, enterprise=investor_a),
        "ent_b": make_user(role=Role.ENTERPRISE_USER, enterprise=investor_b),
        "citizen": make_user(role=Role.CITIZEN),
        "leader": make_user(role=Role.LEADER),
    }
