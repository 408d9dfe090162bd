"""Every write of the trading domain: rules, projects and sections, tenders, changes, objections, registrations.

Deposits, refunds and the clean-up of old deposits are in ``services_deposits``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.crypto import sm3_hex
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.identifiers import validate_credit_code
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.core.inputs import acting_user as _user, clean_text as _text
from zhengwu.core.inputs import choice as _choice
from zhengwu.org import services as org_services
from zhengwu.org.models import Department, Enterprise
from zhengwu.trading import checks, hooks
from zhengwu.trading.choices import (
    LIVE_TENDER_STATUSES,
    OPEN_FOR_BIDS,
    PROJECT_NUMBER_PREFIX,
    AwardMode,
    ChangeKind,
    ContractKind,
    Counting,
    DecisionMethod,
    FundingSource,
    ObjectionStatus,
    OpeningOutcome,
    Procedure,
    ProjectType,
    RuleKind,
    SealingMode,
    TenderStatus,
)
from zhengwu.trading.models import (
    BidderRegistration,
    Objection,
    OpeningRecord,
    Project,
    RuleSet,
    RuleValue,
    Section,
    Tender,
    TenderChange,
    TenderSection,
)
from zhengwu.trading.rules import LIMIT_RULE, RuleEntry, add_days, definition, parse_value, violation
from zhengwu.trading.selectors import rules_for, tenders_due_to_close
from zhengwu.trading.workflow import OBJECTION_WORKFLOW, TENDER_WORKFLOW

MAX_MONEY = Decimal("99999999999999.99")


# --- helpers ----------------------------------------------------------------------------------------


def money(value: Any, *, field: str, required: bool = True, allow_zero: bool = False) -> Decimal | None:
    """Yuan with at most two decimals, positive (or zero where allowed), or InvalidInput naming the field."""
    if value is None or value == "":
        if required:
            raise InvalidInput("金额不能为空。", field=field, code="required")
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"金额“{value}”不是数字。", field=field, code="bad_amount") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput("金额最多保留两位小数(分)。", field=field, code="bad_amount")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidInput("金额必须大于零。", field=field, code="bad_amount")
    if amount > MAX_MONEY:
        raise InvalidInput("金额过大。", field=field, code="bad_amount")
    return amount.quantize(Decimal("0.01"))


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A moment without a zone is read in the server's zone (Asia/Shanghai), as the center's clocks are."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _acting_for(actor: Any, *, any_permission: str, own_permission: str) -> Enterprise | None:
    """``None`` when the actor may act for any enterprise (staff, or code); else the one enterprise it may act for."""
    if isinstance(actor, str) or (actor is not None and actor.has_perm(any_permission)):
        return None
    if actor is not None and actor.has_perm(own_permission) and actor.enterprise_id:
        return actor.enterprise
    raise Forbidden(f"您没有执行此操作的权限({own_permission})。", code="permission_denied")


def _rules(project: Project) -> dict[str, RuleEntry]:
    return rules_for(project_type=project.project_type, procedure=project.procedure)


# --- rules as data -----------------------------------------------------------------------------------

def rule_set_name(project_type: str, procedure: str) -> str:
    if not project_type and not procedure:
        return "默认规则"
    kind = ProjectType(project_type).label if project_type else "所有类型"
    way = Procedure(procedure).label if procedure else "所有方式"
    return f"{kind} × {way}"


def rule_set_save(*, actor: Any, rule_set: RuleSet) -> RuleSet:
    """Create a rule set, or rename it (its type × procedure never changes once created)."""
    require(actor, "trading.manage_rules")
    if rule_set.project_type:
        _choice(rule_set.project_type, ProjectType, "project_type")
    if rule_set.procedure:
        _choice(rule_set.procedure, Procedure, "procedure")
    rule_set.name = str(rule_set.name or "").strip() or rule_set_name(rule_set.project_type, rule_set.procedure)
    creating = rule_set.pk is None
    if creating and RuleSet.objects.filter(project_type=rule_set.project_type, procedure=rule_set.procedure).exists():
        raise Conflict("该项目类型 × 交易方式的规则集已存在。", field="procedure", code="duplicate")
    with transaction.atomic():
        rule_set.save()
        audit.record(actor=actor, action="rule_set.create" if creating else "rule_set.update", obj=rule_set,
                     payload={"project_type": rule_set.project_type, "procedure": rule_set.procedure,
                              "name": rule_set.name})
    return rule_set


def rule_value_validate(*, code: str, value: Any, counting: str) -> Fraction:
    parsed = parse_value(code, value)
    if counting not in Counting.values:
        raise InvalidInput(f"未知的计日方式:{counting}。", field="counting", code="bad_choice")
    if counting == Counting.WORKING and definition(code).kind != RuleKind.DAYS:
        raise InvalidInput(f"规则 {code} 不是天数,不能按工作日计。", field="counting", code="bad_counting")
    return parsed


def rule_value_set(*, actor: Any, code: str, value: Any, project_type: str = "", procedure: str = "",
                   counting: str = Counting.NATURAL, note: str = "") -> RuleValue:
    """Set one rule for a project type × procedure (blank = any); the default set has both blank."""
    require(actor, "trading.manage_rules")
    if project_type:
        _choice(project_type, ProjectType, "project_type")
    if procedure:
        _choice(procedure, Procedure, "procedure")
    rule_value_validate(code=code, value=value, counting=counting)
    text = str(value).strip()
    with transaction.atomic():
        rule_set, _ = RuleSet.objects.get_or_create(project_type=project_type, procedure=procedure,
                                                    defaults={"name": rule_set_name(project_type, procedure)})
        row = RuleValue.objects.filter(rule_set=rule_set, code=code).first()
        before = (row.value, row.counting) if row else None
        if row is None:
            row = RuleValue.objects.create(rule_set=rule_set, code=code, value=text, counting=counting, note=note)
        else:
            row.value, row.counting, row.note = text, counting, note or row.note
            row.save()
        audit.record(actor=actor, action="rule_value.set", obj=row,
                     payload={"rule_set": rule_set.name, "code": code, "value": text, "counting": counting,
                              "before": list(before) if before else None})
    return row


def rule_value_delete(*, actor: Any, row: RuleValue) -> None:
    """Remove an override; the default set keeps every rule (the catalog is its floor)."""
    require(actor, "trading.manage_rules")
    if row.rule_set.is_default:
        raise Conflict(f"默认规则集必须保留规则 {row.code},可以修改其值。", field="code", code="default_rule_required")
    with transaction.atomic():
        audit.record(actor=actor, action="rule_value.delete", obj=row,
                     payload={"rule_set": row.rule_set.name, "code": row.code, "value": row.value})
        row.delete()


# --- projects and sections --------------------------------------------------------------------------

def _check_control_price(entry: RuleEntry, *, control_price: Decimal | None, estimate: Decimal, field: str) -> None:
    if control_price is not None and Fraction(control_price) > Fraction(estimate) * entry.value:
        raise violation(entry, field=field,
                        message=f"最高投标限价 {control_price} 元超过估算价 {estimate} 元的 {entry.text} 倍",
                        control_price=control_price, estimate=estimate)


def classify(project: Project) -> dict[str, Any]:
    """Derive "above the mandatory-tendering limit" (限额以上) for the project and each section.

    A section is above the limit when the estimates of the project's sections of the same contract kind
    add up to at least that kind's threshold (必须招标的工程项目规定 §5: contracts of one project that can
    be procured together count together, so splitting a contract does not take it under the limit).
    The project is above the limit when any of its sections is.
    """
    rules = _rules(project)
    sections = list(project.sections.all())
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for section in sections:
        totals[section.contract_kind] += section.estimate
    above_kinds = {kind for kind, total in totals.items() if Fraction(total) >= rules[LIMIT_RULE[kind]].value}
    for section in sections:
        above = section.contract_kind in above_kinds
        if section.above_limit != above:
            Section.objects.filter(pk=section.pk).update(above_limit=above)
            section.above_limit = above
    project.above_limit = bool(above_kinds)
    Project.objects.filter(pk=project.pk).update(above_limit=project.above_limit)
    return {"above_limit": project.above_limit, "kind_totals": {k: str(v) for k, v in sorted(totals.items())},
            "thresholds": {k: rules[LIMIT_RULE[k]].text for k in sorted(totals)}}


def _tendering_party(*, enterprise: Enterprise | None, name: str, credit_code: str) -> dict[str, Any]:
    if enterprise is not None:
        return {"tendering_enterprise": enterprise, "tendering_party_name": enterprise.name,
                "tendering_party_credit_code": enterprise.credit_code}
    code = validate_credit_code(credit_code, field="tendering_party_credit_code")
    return {"tendering_enterprise": None,
            "tendering_party_name": _text(name, field="tendering_party_name", label="招标人名称", max_length=128),
            "tendering_party_credit_code": code}


def _agent(*, actor: Any, agent: Enterprise | None, credit_code: str, name: str,
           tendering_credit_code: str) -> Enterprise | None:
    if agent is None and credit_code:
        agent = org_services.enterprise_register(actor=actor, credit_code=credit_code, name=name)
    if agent is not None and agent.credit_code == tendering_credit_code:
        raise InvalidInput("招标代理机构不能是招标人自己。", field="agent_credit_code", code="agent_is_tendering_party")
    return agent


def _section_fields(*, name: Any, contract_kind: Any, estimate: Any, control_price: Any) -> dict[str, Any]:
    return {"name": _text(name, field="name", label="标段名称", max_length=200),
            "contract_kind": _choice(contract_kind, ContractKind, "contract_kind"),
            "estimate": money(estimate, field="estimate"),
            "control_price": money(control_price, field="control_price", required=False)}


def _check_sections_within_estimate(project: Project, *, estimate: Decimal, extra: Decimal = Decimal(0),
                                    excluding: int | None = None) -> None:
    qs = project.sections.all()
    if excluding is not None:
        qs = qs.exclude(pk=excluding)
    total = (qs.aggregate(total=Sum("estimate"))["total"] or Decimal(0)) + extra
    if total > estimate:
        raise InvalidInput(f"各标段估算价合计 {total} 元超过项目估算价 {estimate} 元。", field="estimate",
                           code="sections_exceed_estimate", details={"sections_total": str(total)})


def project_register(*, actor: Any, name: str, project_type: str, procedure: str, funding_source: str,
                     estimate: Any, control_price: Any = None, tendering_enterprise: Enterprise | None = None,
                     tendering_party_name: str = "", tendering_party_credit_code: str = "",
                     agent: Enterprise | None = None, agent_credit_code: str = "", agent_name: str = "",
                     description: str = "", sections: Iterable[dict[str, Any]] = (),
                     supervising_department: Department | None = None, now: dt.datetime | None = None) -> Project:
    """Register a project with its sections; classify it against the mandatory-tendering limits. The number
    carries the year of registration (``now``, server time by default)."""
    require(actor, "trading.manage_projects")
    fields = {
        "name": _text(name, field="name", label="项目名称", max_length=200),
        "project_type": _choice(project_type, ProjectType, "project_type"),
        "procedure": _choice(procedure, Procedure, "procedure"),
        "funding_source": _choice(funding_source, FundingSource, "funding_source"),
        "estimate": money(estimate, field="estimate"),
        "control_price": money(control_price, field="control_price", required=False),
        "description": str(description or "").strip(),
        "supervising_department": supervising_department,
    }
    rules = rules_for(project_type=fields["project_type"], procedure=fields["procedure"])
    _check_control_price(rules["control_price_max_ratio"], control_price=fields["control_price"],
                         estimate=fields["estimate"], field="control_price")
    party = _tendering_party(enterprise=tendering_enterprise, name=tendering_party_name,
                             credit_code=tendering_party_credit_code)
    section_rows = []
    for i, data in enumerate(sections):
        try:
            row = _section_fields(name=data.get("name"), contract_kind=data.get("contract_kind"),
                                  estimate=data.get("estimate"), control_price=data.get("control_price"))
            _check_control_price(rules["control_price_max_ratio"], control_price=row["control_price"],
                                 estimate=row["estimate"], field="control_price")
        except InvalidInput as exc:
            exc.field = f"sections.{i}.{exc.field}"
            raise
        section_rows.append(row)
    total = sum((r["estimate"] for r in section_rows), Decimal(0))
    if total > fields["estimate"]:
        raise InvalidInput(f"各标段估算价合计 {total} 元超过项目估算价 {fields['estimate']} 元。", field="estimate",
                           code="sections_exceed_estimate", details={"sections_total": str(total)})
    with transaction.atomic():
        agent = _agent(actor=actor, agent=agent, credit_code=agent_credit_code, name=agent_name,
                       tendering_credit_code=party["tendering_party_credit_code"])
        project = Project.objects.create(number=f"tmp-{secrets.token_hex(8)}", agent=agent,
                                         registered_by=_user(actor), **fields, **party)
        project.number = f"{PROJECT_NUMBER_PREFIX[project.project_type]}{timezone.localdate(now or timezone.now()):%Y}{project.pk:06d}"
        Project.objects.filter(pk=project.pk).update(number=project.number)
        for number, row in enumerate(section_rows, start=1):
            Section.objects.create(project=project, number=number, **row)
        classification = classify(project)
        audit.record(actor=actor, action="project.register", obj=project,
                     payload={"number": project.number, "type": project.project_type,
                              "procedure": project.procedure, "estimate": str(project.estimate),
                              "sections": len(section_rows),
                              "supervising_department": project.supervising_department_id, **classification})
    return project


def _project_in_tender(project: Project) -> bool:
    return project.tenders.exclude(status__in=[TenderStatus.DRAFT, TenderStatus.FAILED]).exists()


PROJECT_FIELDS = ("name", "procedure", "funding_source", "estimate", "control_price", "description")


def project_update(*, actor: Any, project: Project, **changes: Any) -> Project:
    """Change a project while no tender of it is out (a published tender's rules and prices are fixed)."""
    require(actor, "trading.manage_projects")
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise InvalidInput(f"不能修改字段:{', '.join(sorted(unknown))}。", field=sorted(unknown)[0], code="readonly")
    if _project_in_tender(project):
        raise Conflict("项目已有发布的招标,不能修改;如需变更请发布澄清修改。", code="project_in_tender")
    data = {f: getattr(project, f) for f in PROJECT_FIELDS}
    if "name" in changes:
        data["name"] = _text(changes["name"], field="name", label="项目名称", max_length=200)
    if "procedure" in changes:
        data["procedure"] = _choice(changes["procedure"], Procedure, "procedure")
    if "funding_source" in changes:
        data["funding_source"] = _choice(changes["funding_source"], FundingSource, "funding_source")
    if "estimate" in changes:
        data["estimate"] = money(changes["estimate"], field="estimate")
    if "control_price" in changes:
        data["control_price"] = money(changes["control_price"], field="control_price", required=False)
    if "description" in changes:
        data["description"] = str(changes["description"] or "").strip()
    rules = rules_for(project_type=project.project_type, procedure=data["procedure"])
    _check_control_price(rules["control_price_max_ratio"], control_price=data["control_price"],
                         estimate=data["estimate"], field="control_price")
    _check_sections_within_estimate(project, estimate=data["estimate"])
    changed = {f: v for f, v in data.items() if getattr(project, f) != v}
    with transaction.atomic():
        for f, v in changed.items():
            setattr(project, f, v)
        project.save()
        classification = classify(project)
        audit.record(actor=actor, action="project.update", obj=project,
                     payload={"changes": {f: str(v) if v is not None else None for f, v in changed.items()},
                              **classification})
    return project


def section_add(*, actor: Any, project: Project, name: str, contract_kind: str, estimate: Any,
                control_price: Any = None) -> Section:
    require(actor, "trading.manage_projects")
    row = _section_fields(name=name, contract_kind=contract_kind, estimate=estimate, control_price=control_price)
    _check_control_price(_rules(project)["control_price_max_ratio"], control_price=row["control_price"],
                         estimate=row["estimate"], field="control_price")
    _check_sections_within_estimate(project, estimate=project.estimate, extra=row["estimate"])
    with transaction.atomic():
        number = (project.sections.aggregate(n=Max("number"))["n"] or 0) + 1
        section = Section.objects.create(project=project, number=number, **row)
        classification = classify(project)
        section.refresh_from_db(fields=["above_limit"])
        audit.record(actor=actor, action="section.add", obj=section,
                     payload={"project": project.number, "number": number, "kind": section.contract_kind,
                              "estimate": str(section.estimate), **classification})
    return section


def section_update(*, actor: Any, section: Section, **changes: Any) -> Section:
    """Change a section that no published tender offers."""
    require(actor, "trading.manage_projects")
    unknown = set(changes) - {"name", "contract_kind", "estimate", "control_price"}
    if unknown:
        raise InvalidInput(f"不能修改字段:{', '.join(sorted(unknown))}。", field=sorted(unknown)[0], code="readonly")
    if section.tender_sections.exclude(tender__status__in=[TenderStatus.DRAFT, TenderStatus.FAILED]).exists():
        raise Conflict("标段已在发布的招标中,不能修改。", code="section_in_tender")
    merged = {"name": section.name, "contract_kind": section.contract_kind, "estimate": section.estimate,
              "control_price": section.control_price, **changes}
    row = _section_fields(**merged)
    project = section.project
    _check_control_price(_rules(project)["control_price_max_ratio"], control_price=row["control_price"],
                         estimate=row["estimate"], field="control_price")
    _check_sections_within_estimate(project, estimate=project.estimate, extra=row["estimate"], excluding=section.pk)
    changed = {f: v for f, v in row.items() if getattr(section, f) != v}
    with transaction.atomic():
        for f, v in changed.items():
            setattr(section, f, v)
        section.save()
        classification = classify(project)
        section.refresh_from_db(fields=["above_limit"])
        audit.record(actor=actor, action="section.update", obj=section,
                     payload={"changes": {f: str(v) if v is not None else None for f, v in changed.items()},
                              **classification})
    return section


# --- tenders -----------------------------------------------------------------------------------------

def _too_few_bids() -> Exists:
    """The offer's section was not opened in its tender for want of bids (its opening record says too_few_bids)."""
    return Exists(OpeningRecord.objects.filter(tender=OuterRef("tender"), section=OuterRef("section"),
                                               outcome=OpeningOutcome.TOO_FEW_BIDS))


def _holding(offers: QuerySet[TenderSection]) -> QuerySet[TenderSection]:
    """The offers that still hold their section: a live tender's, except a section of an opened tender that was
    not opened for want of bids (the tender goes on for its other sections; that section is re-run alone)."""
    return (offers.filter(tender__status__in=LIVE_TENDER_STATUSES)
            .exclude(Q(tender__status=TenderStatus.OPENED) & _too_few_bids()))


def _offers(project: Project, deposits: dict[int, Any] | None, *, rules: dict[str, RuleEntry],
            tender: Tender | None = None) -> list[tuple[Section, Decimal]]:
    """The sections a tender offers with their required deposits, checked against the project and the cap."""
    sections = {s.pk: s for s in project.sections.all()}
    if deposits is None:
        busy = set(_holding(TenderSection.objects.filter(section__project=project)).values_list("section_id", flat=True))
        deposits = {pk: 0 for pk in sections if pk not in busy}
    if not deposits:
        raise InvalidInput("招标至少要包含一个未在其他招标中的标段。", field="sections", code="no_sections")
    offers = []
    for section_id, amount in deposits.items():
        section = sections.get(int(section_id))
        if section is None:
            raise InvalidInput(f"标段 {section_id} 不属于本项目。", field="sections", code="foreign_section")
        required = money(amount, field="deposit_required", allow_zero=True)
        checks.check_deposit_cap(rules["deposit_max_ratio"], amount=required, estimate=section.estimate,
                                 field="deposit_required")
        offers.append((section, required))
    busy = (_holding(TenderSection.objects.filter(section__in=[s for s, _ in offers]))
            .exclude(tender=tender).values_list("section__number", flat=True))
    if busy:
        raise Conflict(f"标段 {', '.join(str(n) for n in sorted(busy))} 已在进行中的招标里。", field="sections",
                       code="section_in_live_tender")
    return offers


def award_mode_clean(project: Project, award_mode: Any, decision_method: Any) -> tuple[str, str]:
    """The award mode the documents fix: ``ranked`` with no decision method, or ``separated`` (评定分离) with
    one of the five methods. 评定分离 is a reform of construction tendering (the province's pilot); government
    procurement awards in the order of the report (政府采购法实施条例 §43), so it is construction only."""
    award_mode = _choice(award_mode or AwardMode.RANKED, AwardMode, "award_mode")
    decision_method = str(decision_method or "").strip()
    if award_mode == AwardMode.RANKED:
        if decision_method:
            raise InvalidInput("按排序定标时不设定标方法;定标方法只用于评定分离。", field="decision_method",
                               code="not_for_ranked")
        return award_mode, ""
    if project.project_type != ProjectType.CONSTRUCTION:
        raise InvalidInput("评定分离只适用于工程建设项目招标。", field="award_mode", code="separated_construction_only")
    if not decision_method:
        raise InvalidInput("评定分离须在招标文件中规定定标方法(票决、抽签、票决抽签、集体议事或价格竞争)。",
                           field="decision_method", code="required")
    return award_mode, _choice(decision_method, DecisionMethod, "decision_method")


def tender_create(*, actor: Any, project: Project, title: str, documents_issued_at: dt.datetime,
                  on_sale_from: dt.date, on_sale_to: dt.date, bid_deadline: dt.datetime,
                  opening_at: dt.datetime | None = None, bid_validity_days: int = 90, announcement: str = "",
                  deposits: dict[int, Any] | None = None, previous: Tender | None = None,
                  sealing_mode: str = SealingMode.BIDDER, award_mode: str = AwardMode.RANKED,
                  decision_method: str = "") -> Tender:
    """A draft tender for some sections of a project (``deposits``: section id → required deposit;
    by default every section not in a live tender, without a deposit). A re-run names the failed tender.
    ``sealing_mode``: bids' keys held by each bidder's passphrase, or split among opening custodians.
    ``award_mode``: ranked (default) or separated (评定分离) with its ``decision_method``."""
    require(actor, "trading.manage_tenders")
    sealing_mode = _choice(sealing_mode, SealingMode, "sealing_mode")
    award_mode, decision_method = award_mode_clean(project, award_mode, decision_method)
    title = _text(title, field="title", label="招标公告标题", max_length=200)
    documents_issued_at, bid_deadline = aware(documents_issued_at), aware(bid_deadline)
    opening_at = aware(opening_at) or bid_deadline
    checks.check_schedule(documents_issued_at=documents_issued_at, on_sale_from=on_sale_from, on_sale_to=on_sale_to,
                          bid_deadline=bid_deadline, opening_at=opening_at, bid_validity_days=bid_validity_days)
    if previous is not None and (previous.project_id != project.pk
                                 or previous.status not in (TenderStatus.FAILED, TenderStatus.OPENED)):
        raise InvalidInput("重新招标只能接续本项目已流标的招标。", field="previous_id", code="previous_not_failed")
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        offers = _offers(project, deposits, rules=_rules(project))
        if previous is not None and previous.status == TenderStatus.OPENED:
            # an opened tender is re-run only for its sections that failed for want of bids
            failed = set(OpeningRecord.objects.filter(tender=previous, outcome=OpeningOutcome.TOO_FEW_BIDS)
                         .values_list("section_id", flat=True))
            others = sorted(str(s.number) for s, _ in offers if s.pk not in failed)
            if others:
                raise InvalidInput(f"标段 {', '.join(others)} 在上一次招标中未流标,不能作为重新招标。",
                                   field="previous_id", code="previous_not_failed",
                                   details={"sections": others})
        run = (project.tenders.aggregate(n=Max("run_number"))["n"] or 0) + 1
        tender = create_with_status(
            Tender, actor=actor, initial=TenderStatus.DRAFT, audit_action="tender.create",
            audit_payload={"project": project.number, "run": run, "previous": previous.pk if previous else None,
                           "sections": {s.number: str(d) for s, d in offers}, "award_mode": award_mode,
                           "decision_method": decision_method},
            project=project, run_number=run, previous=previous, number=f"{project.number}-{run:02d}", title=title,
            announcement=str(announcement or "").strip(), documents_issued_at=documents_issued_at,
            on_sale_from=on_sale_from, on_sale_to=on_sale_to, bid_deadline=bid_deadline, opening_at=opening_at,
            bid_validity_days=bid_validity_days, created_by=_user(actor), sealing_mode=sealing_mode,
            award_mode=award_mode, decision_method=decision_method,
        )
        TenderSection.objects.bulk_create([TenderSection(tender=tender, section=s, deposit_required=d)
                                           for s, d in offers])
    return tender


TENDER_FIELDS = ("title", "announcement", "documents_issued_at", "on_sale_from", "on_sale_to", "bid_deadline",
                 "opening_at", "bid_validity_days")
#: the award mode of the documents (part 5), editable with the rest of a draft
AWARD_FIELDS = ("award_mode", "decision_method")


def tender_update(*, actor: Any, tender: Tender, deposits: dict[int, Any] | None = None, **changes: Any) -> Tender:
    """Edit a draft (after publication the documents change only by an amendment). Switching the award mode
    to ``ranked`` clears the decision method unless one is given (which is then refused)."""
    require(actor, "trading.manage_tenders")
    unknown = set(changes) - set(TENDER_FIELDS) - set(AWARD_FIELDS)
    if unknown:
        raise InvalidInput(f"不能修改字段:{', '.join(sorted(unknown))}。", field=sorted(unknown)[0], code="readonly")
    # the stored status, not the caller's copy (which may predate the publication)
    if Tender.objects.filter(pk=tender.pk).values_list("status", flat=True).first() != TenderStatus.DRAFT:
        raise Conflict("招标已发布,只能通过澄清或修改变更招标文件。", code="not_draft")
    for f in ("documents_issued_at", "bid_deadline", "opening_at"):
        if f in changes:
            changes[f] = aware(changes[f])
    data = {f: getattr(tender, f) for f in TENDER_FIELDS}
    if "bid_deadline" in changes and "opening_at" not in changes and tender.opening_at == tender.bid_deadline:
        changes["opening_at"] = changes["bid_deadline"]
    award = {f: changes.pop(f) for f in AWARD_FIELDS if f in changes}
    if award.get("award_mode") == AwardMode.RANKED and "decision_method" not in award:
        award["decision_method"] = ""
    mode = award_mode_clean(tender.project, award.get("award_mode", tender.award_mode),
                            award.get("decision_method", tender.decision_method))
    data.update(changes)
    data["title"] = _text(data["title"], field="title", label="招标公告标题", max_length=200)
    checks.check_schedule(**{f: data[f] for f in TENDER_FIELDS if f not in ("title", "announcement")})
    data["award_mode"], data["decision_method"] = mode
    with transaction.atomic():
        offers = _offers(tender.project, deposits, rules=_rules(tender.project), tender=tender) \
            if deposits is not None else None
        changed = {f: v for f, v in data.items() if getattr(tender, f) != v}
        Tender.objects.filter(pk=tender.pk).update(**changed)
        for f, v in changed.items():
            setattr(tender, f, v)
        if offers is not None:
            tender.tender_sections.all().delete()
            TenderSection.objects.bulk_create([TenderSection(tender=tender, section=s, deposit_required=d)
                                               for s, d in offers])
        audit.record(actor=actor, action="tender.update", obj=tender,
                     payload={"changes": sorted(changed),
                              "sections": {s.number: str(d) for s, d in offers} if offers is not None else None})
    return tender


def tender_documents_update(*, actor: Any, tender: Tender, documents_text: str) -> Tender:
    """Replace the text of a draft's tender documents (招标文件正文), e.g. to remove a clause the fair competition
    review found; after publication the documents change only by an amendment."""
    require(actor, "trading.manage_tenders")
    text = str(documents_text or "").replace("\r\n", "\n").strip()
    if len(text) > 200_000:
        raise InvalidInput("招标文件正文不能超过 200000 个字符。", field="documents_text", code="too_long")
    with transaction.atomic():
        status = Tender.objects.select_for_update().filter(pk=tender.pk).values_list("status", flat=True).first()
        if status != TenderStatus.DRAFT:
            raise Conflict("招标已发布,只能通过澄清或修改变更招标文件。", code="not_draft")
        Tender.objects.filter(pk=tender.pk).update(documents_text=text)
        tender.documents_text = text
        audit.record(actor=actor, action="tender.documents_update", obj=tender,
                     payload={"length": len(text), "digest": sm3_hex(text.encode("utf-8"))})
    return tender


def tender_transition(*, actor: Any, tender: Tender | int, action: str, reason: str = "",
                      payload: dict[str, Any] | None = None, now: dt.datetime | None = None,
                      expected_version: int | None = None) -> Tender:
    """Run one transition of the tender table (the API calls this, nothing else)."""
    return TENDER_WORKFLOW.run(tender, action, actor=actor, reason=reason, payload=payload, now=now,
                               expected_version=expected_version)


def tender_publish(*, actor: Any, tender: Tender | int, now: dt.datetime | None = None,
                   expected_version: int | None = None) -> Tender:
    return tender_transition(actor=actor, tender=tender, action="publish", now=now, expected_version=expected_version)


def tender_amend(*, actor: Any, tender: Tender | int, title: str, content: str, affects_bids: bool = True,
                 new_bid_deadline: dt.datetime | None = None, now: dt.datetime | None = None,
                 expected_version: int | None = None) -> Tender:
    """Amend the documents. A change that affects bids less than change_notice_days before the deadline is
    refused unless it moves the deadline far enough (实施条例 §21)."""
    return tender_transition(actor=actor, tender=tender, action="amend", now=now, expected_version=expected_version,
                             payload={"title": title, "content": content, "affects_bids": affects_bids,
                                      "new_bid_deadline": aware(new_bid_deadline)})


def tender_clarify(*, actor: Any, tender: Tender, title: str, content: str,
                   now: dt.datetime | None = None) -> TenderChange:
    """A clarification that does not affect bids: an event row and an audit event, no change of state.

    A clarification that does affect the preparation of bids is an amendment (``tender_amend``)."""
    require(actor, "trading.clarify_tender")
    now = now or timezone.now()
    title = _text(title, field="title", label="澄清标题", max_length=200)
    content = _text(content, field="content", label="澄清内容")
    with transaction.atomic():
        tender = Tender.objects.select_for_update().get(pk=tender.pk)
        if tender.status not in OPEN_FOR_BIDS:
            raise Conflict(f"当前状态“{tender.get_status_display()}”不能发出澄清。", code="invalid_state",
                           details={"state": tender.status})
        if now >= tender.bid_deadline:
            raise Conflict("投标截止时间已过,不能再澄清招标文件。", code="deadline_passed")
        change = TenderChange.objects.create(
            tender=tender, sequence=tender.changes.count() + 1, kind=ChangeKind.CLARIFICATION, title=title,
            content=content, affects_bids=False, issued_at=now, previous_bid_deadline=tender.bid_deadline,
            issued_by=_user(actor))
        audit.record(actor=actor, action="tender.clarify", obj=tender,
                     payload={"sequence": change.sequence, "title": title})
    return change


def tenders_close_due(*, now: dt.datetime | None = None) -> int:
    """Close every tender whose bid deadline has come (the sweep runs this)."""
    now = now or timezone.now()
    done = 0
    for pk in tenders_due_to_close(now=now).values_list("pk", flat=True):
        try:
            TENDER_WORKFLOW.run(pk, "close", actor=None, now=now)
            done += 1
        except Conflict:
            continue  # moved meanwhile
    return done


# --- objections -----------------------------------------------------------------------------------

def objection_submit(*, actor: Any, tender: Tender, content: str, objector_name: str = "",
                     objector_credit_code: str = "", now: dt.datetime | None = None) -> Objection:
    """An objection to the documents, accepted up to objection_before_deadline_days before the deadline.

    Staff record it for anyone (``trading.record_objection``); an enterprise user raises it in its own name."""
    own = _acting_for(actor, any_permission="trading.record_objection", own_permission="trading.submit_objection")
    now = now or timezone.now()
    content = _text(content, field="content", label="异议内容")
    if own is not None:
        enterprise, name = own, own.name
    elif objector_credit_code:
        enterprise = org_services.enterprise_register(actor=actor, credit_code=objector_credit_code,
                                                      name=objector_name)
        name = enterprise.name
    else:
        enterprise, name = None, _text(objector_name, field="objector_name", label="异议人", max_length=128)
    if tender.status not in OPEN_FOR_BIDS:
        raise Conflict(f"当前状态“{tender.get_status_display()}”不能对招标文件提出异议。", code="invalid_state",
                       details={"state": tender.status})
    rules = _rules(tender.project)
    days = checks.check_objection_time(rules["objection_before_deadline_days"], submitted_at=now,
                                       bid_deadline=tender.bid_deadline)
    answer_entry = rules["objection_answer_days"]
    due = add_days(checks.local_date(now), answer_entry.as_int, answer_entry)
    return create_with_status(
        Objection, actor=actor, initial=ObjectionStatus.SUBMITTED, audit_action="objection.submit",
        audit_payload={"tender": tender.number, "objector": name, "days_before_deadline": days,
                       "answer_due_on": due.isoformat(),
                       "rules": {"objection_before_deadline_days": rules["objection_before_deadline_days"].snapshot(),
                                 "objection_answer_days": answer_entry.snapshot()}},
        tender=tender, objector_enterprise=enterprise, objector_name=name, content=content, submitted_at=now,
        answer_due_on=due, submitted_by=_user(actor),
    )


def objection_answer(*, actor: Any, objection: Objection | int, answer: str, now: dt.datetime | None = None,
                     expected_version: int | None = None) -> Objection:
    return OBJECTION_WORKFLOW.run(objection, "answer", actor=actor, reason=answer, now=now,
                                  expected_version=expected_version)


# --- bidder registration ------------------------------------------------------------------------------

def bidder_register(*, actor: Any, tender: Tender, section: Section, credit_code: str = "", name: str = "",
                    now: dt.datetime | None = None) -> BidderRegistration:
    """Register a bidder (by its unified social credit code) for one section while the documents are on sale.

    Staff register anyone (``trading.register_any_bidder``); an enterprise user registers its own enterprise."""
    own = _acting_for(actor, any_permission="trading.register_any_bidder", own_permission="trading.register_bidder")
    now = now or timezone.now()
    if own is not None and credit_code and validate_credit_code(credit_code) != own.credit_code:
        raise Forbidden("企业用户只能为本企业报名。", code="not_own_enterprise")
    if tender.status not in OPEN_FOR_BIDS:
        raise Conflict(f"当前状态“{tender.get_status_display()}”不能报名。", code="invalid_state",
                       details={"state": tender.status})
    today = checks.local_date(now)
    if not tender.on_sale_from <= today <= tender.on_sale_to or now >= tender.bid_deadline:
        raise InvalidInput(f"报名须在招标文件发售期内({tender.on_sale_from:%Y-%m-%d}至{tender.on_sale_to:%Y-%m-%d})。",
                           field="registered_at", code="outside_sale_period")
    offer = tender.tender_sections.filter(section=section).first()
    if offer is None:
        raise InvalidInput(f"本次招标不包含{section}。", field="section_id", code="section_not_in_tender")
    with transaction.atomic():
        enterprise = own or org_services.enterprise_register(actor=actor, credit_code=credit_code, name=name)
        project = tender.project
        if enterprise.credit_code == project.tendering_party_credit_code or enterprise.pk == project.agent_id:
            raise InvalidInput("招标人及其招标代理机构不得参加本项目投标(招标投标法实施条例第13条、第34条)。",
                               field="credit_code", code="conflict_of_interest")
        hooks.run_bidder_checks(enterprise, offer, now)  # e.g. a ban in the market-entity behaviour records
        try:
            with transaction.atomic():
                registration = BidderRegistration.objects.create(tender_section=offer, enterprise=enterprise,
                                                                  registered_at=now, registered_by=_user(actor))
        except IntegrityError:
            raise Conflict(f"{enterprise.name}已报名{section}。", field="credit_code", code="duplicate") from None
        audit.record(actor=actor, action="registration.create", obj=registration,
                     payload={"tender": tender.number, "section": section.number,
                              "credit_code": enterprise.credit_code})
    return registration
