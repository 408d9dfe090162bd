"""The scope matrix's small world: two of everything (department A/B, township 1/2, enterprise X/Y) and one user per
persona, and for every object kind of ``kinds.py`` an A-side and a B-side object. See docs/scope-matrix.md."""

from __future__ import annotations

from typing import Any

import pytest

from zhengwu.cases.models import Case
from zhengwu.cases.testing import make_item, receive
from zhengwu.core.testing import make_department, make_enterprise, make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.projectservice.testing import make_project as make_investment_project
from zhengwu.smallprojects.testing import make_project as make_small_project
from zhengwu.trading.testing import credit

from .kinds import A, B, build_objects


def build_world() -> dict[str, Any]:
    dept_a, dept_b = make_department(code="SMA"), make_department(code="SMB")
    tree = make_region_tree(townships=2, villages_per_township=1)
    t1, t2 = tree["townships"]
    v1, v2 = tree["villages"]
    x = make_enterprise(credit_code=credit(501), name="企业X有限公司")
    y = make_enterprise(credit_code=credit(502), name="企业Y有限公司")
    z = make_enterprise(credit_code=credit(503), name="投标企业Z有限公司")
    personas = {
        "clerk_a": make_user(role=Role.WINDOW_CLERK, username="sm-clerk-a", department=dept_a),
        "clerk_b": make_user(role=Role.WINDOW_CLERK, username="sm-clerk-b", department=dept_b),
        "township_staff": make_user(role=Role.TOWNSHIP_STAFF, username="sm-township", region=t1),
        "village_agent": make_user(role=Role.VILLAGE_AGENT, username="sm-agent", region=v1),
        "enterprise_x": make_user(role=Role.ENTERPRISE_USER, username="sm-ent-x", enterprise=x),
        "enterprise_y": make_user(role=Role.ENTERPRISE_USER, username="sm-ent-y", enterprise=y),
        "bidder": make_user(role=Role.ENTERPRISE_USER, username="sm-bidder", enterprise=z),
        "expert": make_user(role=Role.EXPERT, username="sm-expert"),
        "supervisor": make_user(role=Role.SUPERVISOR, username="sm-supervisor"),
        "center_admin": make_user(role=Role.CENTER_ADMIN, username="sm-center"),
        "leader": make_user(role=Role.LEADER, username="sm-leader"),
        "system_admin": make_user(role=Role.SYSTEM_ADMIN, username="sm-sysadmin"),
        "security_admin": make_user(role=Role.SECURITY_ADMIN, username="sm-secadmin"),
        "audit_admin": make_user(role=Role.AUDIT_ADMIN, username="sm-auditadmin"),
        "citizen": make_user(role=Role.CITIZEN, username="sm-citizen"),
    }
    item_a = make_item(department=dept_a, code="SM-A")
    item_b = make_item(department=dept_b, code="SM-B")
    case_a = receive(actor=personas["clerk_a"], item=item_a, when="2024-09-23 09:00")
    case_b = receive(actor=personas["clerk_b"], item=item_b, when="2024-09-23 09:30")
    # Place the two cases in township 1 / village 1 and township 2 / village 2 (written through the fields).
    Case.objects.filter(pk=case_a.pk).update(township=t1, village=v1)
    Case.objects.filter(pk=case_b.pk).update(township=t2, village=v2)
    world: dict[str, Any] = {
        "personas": personas, "dept_a": dept_a, "dept_b": dept_b, "t1": t1, "t2": t2, "v1": v1, "v2": v2,
        "x": x, "y": y, "z": z,
        "cases": {A: Case.objects.get(pk=case_a.pk), B: Case.objects.get(pk=case_b.pk)},
        "small_projects": {A: make_small_project(region=v1, name="村道A"), B: make_small_project(region=v2, name="村道B")},
        "investment_projects": {A: make_investment_project(township=t1, investor=x),
                                B: make_investment_project(township=t2, investor=y)},
    }
    world["objects"] = build_objects(world)
    return world


@pytest.fixture
def world(db) -> dict[str, Any]:  # noqa: ANN001
    return build_world()
