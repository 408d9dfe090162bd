"""Every write of investment project approvals: register a project, map items to stages, define bundles, file a
combined application (fan-out to one case per item) and issue its combined approval document (批件)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from django.db import transaction
from django.utils import timezone

from zhengwu.approvals.choices import ApplicationStatus, ProjectType, RiskClass, Stage
from zhengwu.approvals.models import (
    ApplicationItem,
    Bundle,
    BundleItem,
    CombinedApplication,
    InvestmentProject,
    StageItem,
)
from zhengwu.approvals.workflow import APPLICATION_WORKFLOW
from zhengwu.cases import services as case_services
from zhengwu.cases.choices import ApplicantKind, Channel
from zhengwu.cases.models import ServiceItem
from zhengwu.core import audit
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.identifiers import validate_credit_code
from zhengwu.core.inputs import acting_user, clean_text
from zhengwu.core.inputs import choice as _choice
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.org import services as org_services
from zhengwu.org.models import Region, RegionLevel

MAX_INVESTMENT = Decimal("999999999999")



def _township(value: Any) -> Region:
    region = value if isinstance(value, Region) else Region.objects.filter(pk=value).first() if value else None
    if region is None or region.level != RegionLevel.TOWNSHIP:
        raise InvalidInput("建设地点须为一个乡镇(街道)。", field="township", code="bad_region")
    return region


def _investment(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput("总投资须为数字(万元)。", field="total_investment", code="bad_number") from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput("总投资须大于 0。", field="total_investment", code="not_positive")
    if amount > MAX_INVESTMENT:
        raise InvalidInput("总投资过大。", field="total_investment", code="too_large")
    return amount.quantize(Decimal("0.01"))


def project_register(*, actor: Any, code: str, name: str, investor_credit_code: str, investor_name: str = "",
                     project_type: str, total_investment: Any, township: Any, risk_class: str,
                     description: str = "", now: dt.datetime | None = None) -> InvestmentProject:
    """Register an investment project (项目登记). An enterprise user registers only their own enterprise's."""
    require(actor, "approvals.register")
    code = clean_text(code, field="code", label="项目代码", max_length=40)
    name = clean_text(name, field="name", label="项目名称", max_length=200)
    credit_code = validate_credit_code(investor_credit_code, field="investor_credit_code")
    _choice(project_type, ProjectType, field="project_type", label="项目类型")
    _choice(risk_class, RiskClass, field="risk_class", label="风险等级")
    amount = _investment(total_investment)
    region = _township(township)
    user = acting_user(actor)
    if user is not None and user.role == "enterprise_user":
        own = getattr(user.enterprise, "credit_code", None)
        if own != credit_code:
            raise Forbidden("企业用户只能登记本企业投资的项目。", code="not_own_enterprise")
    if InvestmentProject.objects.filter(code=code).exists():
        raise Conflict(f"项目代码 {code} 已登记。", field="code", code="duplicate")
    with transaction.atomic():
        investor = org_services.enterprise_register(actor=actor, credit_code=credit_code,
                                                    name=investor_name or f"企业{credit_code[-6:]}")
        project = InvestmentProject.objects.create(
            code=code, name=name, investor=investor, project_type=project_type, total_investment=amount,
            township=region, risk_class=risk_class, description=str(description or "").strip(),
            registered_at=now or timezone.now(), registered_by=user)
        audit.record(actor=actor, action="investment_project.register", obj=project,
                     payload={"code": code, "investor": investor.pk, "type": project_type, "risk": risk_class})
    return project


def stage_item_map(*, actor: Any, stage: str, item: ServiceItem, is_environmental: bool = False,
                   order: int = 0) -> StageItem:
    """Map a catalog item to a stage (idempotent)."""
    require(actor, "approvals.manage_bundles")
    _choice(stage, Stage, field="stage", label="阶段")
    with transaction.atomic():
        row, created = StageItem.objects.get_or_create(
            stage=stage, item=item, defaults={"is_environmental": is_environmental, "order": order})
        if created:
            audit.record(actor=actor, action="stage_item.map", obj=row, payload={"stage": stage, "item": item.code})
    return row


def _materials(value: Any, *, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(m, str) for m in value):
        raise InvalidInput("材料须为文字的列表。", field=field, code="bad_materials")
    names = [m.strip() for m in value if m.strip()]
    return list(dict.fromkeys(names))


def bundle_create(*, actor: Any, name: str, stage: str, items: Iterable[dict[str, Any]],
                  parallel_environmental: bool = False) -> Bundle:
    """Define a bundle (多合一套餐): ``items`` is a list of ``{"item": ServiceItem or pk, "materials": [...]}``.
    Each item must belong to the bundle's stage (or be an environmental item when the bundle runs 立项 and 环评 in
    parallel) and appear once."""
    require(actor, "approvals.manage_bundles")
    name = clean_text(name, field="name", label="套餐名称", max_length=120)
    _choice(stage, Stage, field="stage", label="阶段")
    rows = list(items or [])
    if not rows:
        raise InvalidInput("套餐至少包含一个事项。", field="items", code="required")
    resolved: list[tuple[ServiceItem, list[str]]] = []
    seen: set[int] = set()
    for row in rows:
        raw = row.get("item") if isinstance(row, dict) else None
        item = raw if isinstance(raw, ServiceItem) else ServiceItem.objects.filter(pk=raw).first() if raw else None
        if item is None:
            raise InvalidInput("套餐中有不存在的事项。", field="items", code="unknown_item")
        if item.pk in seen:
            raise InvalidInput(f"事项“{item.name}”在套餐中重复出现。", field="items", code="duplicate_item")
        seen.add(item.pk)
        mapped = StageItem.objects.filter(item=item)
        in_stage = mapped.filter(stage=stage).exists()
        environmental = parallel_environmental and mapped.filter(is_environmental=True).exists()
        if not (in_stage or environmental):
            raise InvalidInput(f"事项“{item.name}”不属于{Stage(stage).label}阶段。", field="items",
                               code="item_not_in_stage")
        resolved.append((item, _materials(row.get("materials"), field="items")))
    if Bundle.objects.filter(name=name).exists():
        raise Conflict(f"套餐“{name}”已存在。", field="name", code="duplicate")
    with transaction.atomic():
        bundle = Bundle.objects.create(name=name, stage=stage, parallel_environmental=parallel_environmental)
        BundleItem.objects.bulk_create([BundleItem(bundle=bundle, item=item, required_materials=materials, order=i)
                                        for i, (item, materials) in enumerate(resolved)])
        audit.record(actor=actor, action="bundle.create", obj=bundle,
                     payload={"stage": stage, "items": [item.code for item, _ in resolved]})
    return bundle


def _can_file_for(actor: Any, project: InvestmentProject) -> None:
    user = acting_user(actor)
    if user is not None and user.role == "enterprise_user" and user.enterprise_id != project.investor_id:
        raise Forbidden("企业用户只能为本企业的项目申请。", code="not_own_enterprise")


def application_file(*, actor: Any, project: InvestmentProject, bundle: Bundle, materials: Any,
                     received_at: dt.datetime | None = None, channel: str | None = None) -> CombinedApplication:
    """File a combined application (一次申请、一套材料): one case per item of the bundle is received in the cases
    app at once (parallel), the investor as the applicant, each with the item's own limit. A required material
    missing is a 422 naming ``materials`` and nothing is created."""
    require(actor, "approvals.file")
    _can_file_for(actor, project)
    if not bundle.is_active:
        raise InvalidInput(f"套餐“{bundle.name}”已停用。", field="bundle", code="bundle_inactive")
    given = _materials(materials, field="materials")
    bundle_items = list(bundle.items.select_related("item").order_by("order", "id"))
    missing = [m for m in bundle.required_materials if m not in given]
    if missing:
        raise InvalidInput("缺少必需材料:" + "、".join(missing) + "。", field="materials", code="missing_materials",
                           details={"missing": missing})
    received_at = received_at or timezone.now()
    user = acting_user(actor)
    if channel is None:
        channel = Channel.ONLINE_PC if user is not None and user.role == "enterprise_user" else Channel.WINDOW
    investor = project.investor
    with transaction.atomic():
        application = create_with_status(
            CombinedApplication, actor=actor, initial=ApplicationStatus.IN_PROGRESS,
            audit_action="combined_application.file",
            audit_payload={"project": project.pk, "bundle": bundle.pk, "materials": given},
            number=f"tmp-{secrets.token_hex(12)}", project=project, bundle=bundle, stage=bundle.stage,
            materials=given, received_at=received_at, filed_by=user)
        application.number = f"DHY{timezone.localtime(received_at):%Y%m%d}{application.pk:06d}"
        CombinedApplication.objects.filter(pk=application.pk).update(number=application.number)
        # The cases are received by the combined window for the enterprise (code acting: "approvals").
        for bundle_item in bundle_items:
            case, _code = case_services.case_receive(
                actor="approvals", item=bundle_item.item, channel=channel, applicant_kind=ApplicantKind.ENTERPRISE,
                applicant_name=investor.name, credit_code=investor.credit_code, received_at=received_at)
            ApplicationItem.objects.create(application=application, item=bundle_item.item, case=case,
                                           promised_limit=bundle_item.item.promised_limit)
    return application


def application_issue(*, actor: Any, application: CombinedApplication | int,
                      now: dt.datetime | None = None) -> CombinedApplication:
    """Issue the combined approval document (出具批件): only when every item's case is approved (else 409)."""
    return APPLICATION_WORKFLOW.run(application, "issue", actor=actor, now=now)
