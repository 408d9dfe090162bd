"""Factories for the approvals tests and the demo (plain functions, explicit arguments)."""

from __future__ import annotations

import random
from typing import Any

from zhengwu.approvals import services
from zhengwu.approvals.choices import ProjectType, RiskClass, Stage
from zhengwu.approvals.models import Bundle, CombinedApplication, InvestmentProject
from zhengwu.cases.choices import ItemType
from zhengwu.cases.models import ServiceItem
from zhengwu.cases.testing import at
from zhengwu.core.identifiers import make_credit_code

ACTOR = "test"


def credit(n: int) -> str:
    """The same valid unified social credit code for the same ``n``."""
    return make_credit_code(random.Random(f"approvals:{n}"))


def make_item(*, department: Any, code: str, name: str, promised: int = 3) -> ServiceItem:
    from zhengwu.cases import services as case_services

    return case_services.item_create(actor=ACTOR, code=code, department=department, name=name,
                                     item_type=ItemType.LICENSE, statutory_limit=max(promised, 20),
                                     promised_limit=promised, applicant_kinds="both")


def make_project(*, township: Any, investor: int = 1, code: str = "2024-330702-47-01-000001",
                 name: str = "年产十万件五金配件厂房", risk: str = RiskClass.LOW_RISK,
                 project_type: str = ProjectType.FILING, actor: Any = ACTOR, **extra: Any) -> InvestmentProject:
    return services.project_register(actor=actor, code=code, name=name, investor_credit_code=credit(investor),
                                     investor_name=f"投资企业{investor}有限公司", project_type=project_type,
                                     total_investment="1200", township=township, risk_class=risk, **extra)


def make_bundle(*, items: list[ServiceItem], stage: str = Stage.CONSTRUCTION_PERMIT, name: str = "施工许可多合一",
                materials: dict[str, list[str]] | None = None) -> Bundle:
    materials = materials or {}
    for item in items:
        services.stage_item_map(actor=ACTOR, stage=stage, item=item)
    return services.bundle_create(actor=ACTOR, name=name, stage=stage,
                                  items=[{"item": i, "materials": materials.get(i.code, [f"{i.name}申请表"])}
                                         for i in items])


def file(*, project: InvestmentProject, bundle: Bundle, when: str, actor: Any = ACTOR,
         materials: list[str] | None = None) -> CombinedApplication:
    return services.application_file(actor=actor, project=project, bundle=bundle,
                                     materials=bundle.required_materials if materials is None else materials,
                                     received_at=at(when))
