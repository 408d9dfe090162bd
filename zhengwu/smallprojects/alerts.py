"""The alerts over small projects: pure functions over rows, and :func:`alerts_run` that raises them as
supervision flags (family ``small_project``).

Rules (thresholds from the Django setting ``ZHENGWU_SMALL_PROJECTS``, defaults in :data:`DEFAULTS`):

* ``SP_SPLIT`` — a project split to stay under the must-tender limit: projects of the same owner (the owner's
  township or village) and a similar scope (the same road or scope keyword; when either has no keyword, names
  at least ``NAME_SIMILARITY`` alike), contracted within ``SPLIT_WINDOW_DAYS`` of each other, each below the
  limit and together at or above it.
* ``SP_OVERPAID`` — payments above the contract amount plus the approved change orders.
* ``SP_CHANGE_OVER`` — change orders whose net sum exceeds ``CHANGE_RATIO`` (10 %) of the contract amount.
* ``SP_NO_ACCEPTANCE`` — a final payment (or a settled project) without a passed acceptance on or before it.
* ``SP_CONTRACTOR_CONCENTRATION`` — one contractor with at least ``CONCENTRATION_MIN_PROJECTS`` contracts in
  one village within ``CONCENTRATION_WINDOW_DAYS``.

Each finding carries its evidence (the projects, amounts, dates, road). A flag's identity is the rule, its
subject (the first project of the finding) and the ids the finding names, so running twice raises nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhengwu.core.permissions import require
from zhengwu.smallprojects.choices import AcceptanceResult, AlertRule, PaymentKind, ProjectStatus

DEFAULTS: dict[str, Any] = {
    "SPLIT_WINDOW_DAYS": 180,
    "NAME_SIMILARITY": 0.8,
    "CHANGE_RATIO": "0.10",
    "CONCENTRATION_MIN_PROJECTS": 3,
    "CONCENTRATION_WINDOW_DAYS": 365,
}


@dataclass(frozen=True)
class Thresholds:
    split_window_days: int
    name_similarity: float
    change_ratio: Decimal
    concentration_min_projects: int
    concentration_window_days: int


def thresholds() -> Thresholds:
    conf = {**DEFAULTS, **getattr(settings, "ZHENGWU_SMALL_PROJECTS", {})}
    return Thresholds(split_window_days=int(conf["SPLIT_WINDOW_DAYS"]),
                      name_similarity=float(conf["NAME_SIMILARITY"]),
                      change_ratio=Decimal(str(conf["CHANGE_RATIO"])),
                      concentration_min_projects=int(conf["CONCENTRATION_MIN_PROJECTS"]),
                      concentration_window_days=int(conf["CONCENTRATION_WINDOW_DAYS"]))


# --- rows -------------------------------------------------------------------------------------------------

@dataclass
class Row:
    """One project as the rules read it (built from the database by :func:`rows_from_db`, or by hand in tests)."""

    id: int
    number: str
    name: str
    owner_region_id: int
    owner_region: str = ""
    village_id: int | None = None
    village: str = ""
    scope_keyword: str = ""
    status: str = ProjectStatus.CONTRACTED
    contractor_id: int | None = None
    contractor: str = ""
    contract_amount: Decimal | None = None
    contract_date: dt.date | None = None
    changes: list[tuple[dt.date, Decimal]] = field(default_factory=list)
    payments: list[tuple[dt.date, Decimal, str]] = field(default_factory=list)
    acceptances: list[tuple[dt.date, str]] = field(default_factory=list)

    def brief(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "name": self.name,
                "contract_amount": str(self.contract_amount) if self.contract_amount is not None else None,
                "contract_date": str(self.contract_date) if self.contract_date else None,
                "scope_keyword": self.scope_keyword, "contractor": self.contractor}


@dataclass(frozen=True)
class Finding:
    rule: str
    projects: tuple[int, ...]  # the first is the flag's subject
    title: str
    evidence: dict[str, Any]
    value: float | None = None
    key: Any = None
    enterprises: tuple[int, ...] = ()
    group_key: str = ""


def _money(d: Decimal) -> str:
    return f"{d:.2f}"


def _contracted(rows: Iterable[Row]) -> list[Row]:
    return [r for r in rows if r.contract_date is not None and r.contract_amount is not None]


def _norm(text: str) -> str:
    return "".join(str(text or "").split()).lower()


def similar_scope(a: Row, b: Row, *, name_similarity: float) -> bool:
    """Same road/keyword; if either has none, names at least ``name_similarity`` alike."""
    ka, kb = _norm(a.scope_keyword), _norm(b.scope_keyword)
    if ka and kb:
        return ka == kb
    return SequenceMatcher(None, _norm(a.name), _norm(b.name)).ratio() >= name_similarity


def _windows(items: list[Any], *, date_of, days: int) -> list[list[Any]]:
    """The maximal runs of ``items`` (sorted by date) whose dates lie within ``days`` of the run's first."""
    items = sorted(items, key=lambda r: (date_of(r), getattr(r, "id", 0)))
    result, last_end = [], -1
    j = 0
    for i in range(len(items)):
        j = max(j, i)
        while j + 1 < len(items) and (date_of(items[j + 1]) - date_of(items[i])).days <= days:
            j += 1
        if j > last_end:
            result.append(items[i:j + 1])
            last_end = j
    return result


def _clusters(rows: list[Row], *, name_similarity: float) -> list[list[Row]]:
    """Connected groups of rows of similar scope (union-find over the pairs)."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if similar_scope(rows[i], rows[j], name_similarity=name_similarity):
                parent[find(i)] = find(j)
    groups: dict[int, list[Row]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(find(i), []).append(row)
    return list(groups.values())


# --- the rules --------------------------------------------------------------------------------------------

def find_splits(rows: Iterable[Row], *, limit: Decimal, window_days: int, name_similarity: float) -> list[Finding]:
    by_owner: dict[int, list[Row]] = {}
    for r in _contracted(rows):
        if r.contract_amount < limit:
            by_owner.setdefault(r.owner_region_id, []).append(r)
    findings = []
    for owner_id, owned in sorted(by_owner.items()):
        for cluster in _clusters(owned, name_similarity=name_similarity):
            if len(cluster) < 2:
                continue
            for run in _windows(cluster, date_of=lambda r: r.contract_date, days=window_days):
                total = sum((r.contract_amount for r in run), Decimal(0))
                if len(run) < 2 or total < limit:
                    continue
                keyword = next((r.scope_keyword for r in run if r.scope_keyword), "")
                ids = tuple(r.id for r in run)
                findings.append(Finding(
                    rule=AlertRule.SPLIT, projects=ids, key=sorted(ids), value=float(total),
                    title=f"{run[0].owner_region}{keyword or run[0].name}:{len(run)} 个项目合计 {_money(total)} 元,"
                          f"单个均低于限额 {limit:.0f} 元",
                    evidence={"owner_region": run[0].owner_region, "scope_keyword": keyword, "limit": _money(limit),
                              "total": _money(total), "window_days": window_days,
                              "first_date": str(run[0].contract_date), "last_date": str(run[-1].contract_date),
                              "projects": [r.brief() for r in run]},
                    enterprises=tuple(sorted({r.contractor_id for r in run if r.contractor_id})),
                    group_key=f"smallprojects.owner:{owner_id}"))
    return findings


def find_overpaid(rows: Iterable[Row]) -> list[Finding]:
    findings = []
    for r in _contracted(rows):
        changes = sum((a for _, a in r.changes), Decimal(0))
        paid = sum((a for _, a, _ in r.payments), Decimal(0))
        ceiling = r.contract_amount + changes
        if paid > ceiling:
            findings.append(Finding(
                rule=AlertRule.OVERPAID, projects=(r.id,), value=float(paid - ceiling),
                title=f"{r.number} 已付 {_money(paid)} 元,超过合同加变更 {_money(ceiling)} 元",
                evidence={"project": r.brief(), "contract_amount": _money(r.contract_amount),
                          "changes_total": _money(changes), "ceiling": _money(ceiling), "paid_total": _money(paid),
                          "excess": _money(paid - ceiling),
                          "payments": [{"paid_on": str(d), "amount": _money(a), "kind": k} for d, a, k in r.payments]},
                enterprises=(r.contractor_id,) if r.contractor_id else (),
                group_key=f"smallprojects.project:{r.id}"))
    return findings


def find_change_over(rows: Iterable[Row], *, ratio: Decimal) -> list[Finding]:
    findings = []
    for r in _contracted(rows):
        if not r.changes:
            continue
        total = sum((a for _, a in r.changes), Decimal(0))
        share = total / r.contract_amount
        if share > ratio:
            findings.append(Finding(
                rule=AlertRule.CHANGE_OVER, projects=(r.id,), value=float(share),
                title=f"{r.number} 变更合计 {_money(total)} 元,占合同额 {share:.1%}",
                evidence={"project": r.brief(), "contract_amount": _money(r.contract_amount),
                          "changes_total": _money(total), "share": f"{share:.4f}", "threshold": str(ratio),
                          "changes": [{"approved_on": str(d), "amount": _money(a)} for d, a in r.changes]},
                enterprises=(r.contractor_id,) if r.contractor_id else (),
                group_key=f"smallprojects.project:{r.id}"))
    return findings


def find_no_acceptance(rows: Iterable[Row]) -> list[Finding]:
    findings = []
    for r in _contracted(rows):
        finals = [(d, a) for d, a, k in r.payments if k == PaymentKind.FINAL]
        if not finals and r.status != ProjectStatus.SETTLED:
            continue
        when = finals[0][0] if finals else None
        passed = [d for d, result in r.acceptances if result == AcceptanceResult.PASS
                  and (when is None or d <= when)]
        if passed:
            continue
        findings.append(Finding(
            rule=AlertRule.NO_ACCEPTANCE, projects=(r.id,), value=float(finals[0][1]) if finals else None,
            title=f"{r.number} 未经验收合格即支付结算款" + (f"({when})" if when else ""),
            evidence={"project": r.brief(), "final_payment": {"paid_on": str(when), "amount": _money(finals[0][1])}
                      if finals else None, "status": r.status,
                      "acceptances": [{"accepted_on": str(d), "result": res} for d, res in r.acceptances]},
            enterprises=(r.contractor_id,) if r.contractor_id else (),
            group_key=f"smallprojects.project:{r.id}"))
    return findings


def find_concentration(rows: Iterable[Row], *, min_projects: int, window_days: int) -> list[Finding]:
    groups: dict[tuple[int, int], list[Row]] = {}
    for r in _contracted(rows):
        if r.contractor_id and r.village_id:
            groups.setdefault((r.contractor_id, r.village_id), []).append(r)
    findings = []
    for (contractor_id, village_id), group in sorted(groups.items()):
        for run in _windows(group, date_of=lambda r: r.contract_date, days=window_days):
            if len(run) < min_projects:
                continue
            total = sum((r.contract_amount for r in run), Decimal(0))
            ids = tuple(r.id for r in run)
            findings.append(Finding(
                rule=AlertRule.CONTRACTOR_CONCENTRATION, projects=ids, key=sorted(ids), value=float(len(run)),
                title=f"{run[0].contractor} 在{run[0].village}一年内承接 {len(run)} 个项目,合计 {_money(total)} 元",
                evidence={"contractor": run[0].contractor, "contractor_id": contractor_id, "village": run[0].village,
                          "count": len(run), "total": _money(total), "window_days": window_days,
                          "min_projects": min_projects, "projects": [r.brief() for r in run]},
                enterprises=(contractor_id,), group_key=f"smallprojects.contractor:{contractor_id}"))
    return findings


def find_all(rows: list[Row], *, limit: Decimal, conf: Thresholds | None = None) -> list[Finding]:
    conf = conf or thresholds()
    return [*find_splits(rows, limit=limit, window_days=conf.split_window_days,
                         name_similarity=conf.name_similarity),
            *find_overpaid(rows), *find_change_over(rows, ratio=conf.change_ratio), *find_no_acceptance(rows),
            *find_concentration(rows, min_projects=conf.concentration_min_projects,
                                window_days=conf.concentration_window_days)]


# --- from the database, to supervision ---------------------------------------------------------------------

def rows_from_db() -> list[Row]:
    """Every contracted project with its changes, payments and acceptances (four queries)."""
    from zhengwu.smallprojects.models import Acceptance, ChangeOrder, Payment, SmallProject

    rows: dict[int, Row] = {}
    qs = (SmallProject.objects.filter(contract_date__isnull=False)
          .select_related("owner_region", "village", "contractor").order_by("id"))
    for p in qs:
        rows[p.pk] = Row(id=p.pk, number=p.number, name=p.name, owner_region_id=p.owner_region_id,
                         owner_region=p.owner_region.name, village_id=p.village_id,
                         village=p.village.name if p.village else "", scope_keyword=p.scope_keyword,
                         status=p.status, contractor_id=p.contractor_id,
                         contractor=p.contractor.name if p.contractor else "", contract_amount=p.contract_amount,
                         contract_date=p.contract_date)
    for c in ChangeOrder.objects.filter(project_id__in=rows).order_by("approved_on", "id"):
        rows[c.project_id].changes.append((c.approved_on, c.amount))
    for pay in Payment.objects.filter(project_id__in=rows).order_by("paid_on", "id"):
        rows[pay.project_id].payments.append((pay.paid_on, pay.amount, pay.kind))
    for a in Acceptance.objects.filter(project_id__in=rows).order_by("accepted_on", "id"):
        rows[a.project_id].acceptances.append((a.accepted_on, a.result))
    return list(rows.values())


def alerts_run(*, actor: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every rule over the registry and raise each finding through ``supervision.services.flag_raise``;
    return how many new flags each rule raised (a second run raises none)."""
    from zhengwu.smallprojects.models import ProjectAlert, SmallProject
    from zhengwu.smallprojects.services import mandatory_limit
    from zhengwu.supervision.choices import FlagFamily
    from zhengwu.supervision.services import flag_raise

    require(actor, "smallprojects.run_alerts")
    now = now or timezone.now()
    findings = find_all(rows_from_db(), limit=mandatory_limit())
    created = {r.value: 0 for r in AlertRule}
    subjects = SmallProject.objects.in_bulk({f.projects[0] for f in findings})
    for f in findings:
        subject = subjects[f.projects[0]]
        with transaction.atomic():
            flag, new = flag_raise(actor=actor, rule=f.rule, family=FlagFamily.SMALL_PROJECT, subject=subject,
                                   title=f.title, evidence={"rule_label": str(AlertRule(f.rule).label), **f.evidence},
                                   key=f.key, value=f.value, enterprises=f.enterprises, group_key=f.group_key,
                                   group_title=f"限额以下工程 {subject.owner_name}", now=now)
            if new:
                created[f.rule] += 1
                ProjectAlert.objects.bulk_create(
                    [ProjectAlert(project_id=pk, flag=flag, rule=f.rule) for pk in f.projects],
                    ignore_conflicts=True)
    return created
