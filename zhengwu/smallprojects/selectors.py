"""Every non-trivial read of small projects, scoped to the user.

Township staff see the projects of their township (and its villages); supervisors, the center's leaders and
administrators see the district. Alerts are supervision flags: only users who read supervision
(``supervision.view``, through ``supervision.selectors.flags_visible_to``) see them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter
from zhengwu.smallprojects.choices import (
    AcceptanceResult,
    AlertRule,
    CheckpointState,
    PaymentKind,
)
from zhengwu.smallprojects.models import ProjectAlert, SmallProject
from zhengwu.supervision.choices import FlagStatus
from zhengwu.supervision.selectors import flags_visible_to

PROJECT_SCOPE = ScopePaths(township="township_id", village="village_id")
FILTERS = ("township", "village", "category", "status", "q", "rule")


def _reader(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and user.has_perm("smallprojects.view"))


def small_projects_visible_to(user: Any) -> QuerySet[SmallProject]:
    if not _reader(user):
        return SmallProject.objects.none()
    return scope_filter(user, SmallProject.objects.all(), PROJECT_SCOPE)


def small_project_get(*, user: Any, pk: int) -> SmallProject:
    return get_visible(small_projects_visible_to(user).select_related(
        "township", "village", "owner_region", "contractor"), pk=pk)


def small_project_list(*, user: Any, township: int | None = None, village: int | None = None,
                       category: str = "", status: str = "", q: str = "", rule: str = "") -> QuerySet[SmallProject]:
    qs = small_projects_visible_to(user).select_related("township", "village", "contractor")
    if township:
        qs = qs.filter(township_id=township)
    if village:
        qs = qs.filter(village_id=village)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__startswith=q) | Q(name__icontains=q) | Q(scope_keyword=q))
    if rule:
        qs = qs.filter(alerts__rule=rule, alerts__flag__in=flags_visible_to(user)).distinct()
    return qs


# --- checkpoints --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    key: str
    label: Any
    state: str
    detail: str

    @property
    def state_label(self) -> Any:
        return CheckpointState(self.state).label


def checkpoints(project: SmallProject) -> list[Checkpoint]:
    """Which of approval, contracting way, contract, changes, acceptance and payments are recorded."""
    changes = list(project.changes.all())
    payments = list(project.payments.all())
    acceptances = list(project.acceptances.all())
    done, missing, none = CheckpointState.DONE, CheckpointState.MISSING, CheckpointState.NONE
    result = [
        Checkpoint("approval", _("立项批复"), done if project.approval_date and project.approval_number else missing,
                   f"{project.approval_date or ''} {project.approval_number}".strip()),
        Checkpoint("contracting_way", _("发包方式"), done if project.contracting_way else missing,
                   project.get_contracting_way_display() if project.contracting_way else ""),
        Checkpoint("contract", _("施工合同"),
                   done if project.contract_date and project.contract_amount and project.contractor_id else missing,
                   f"{project.contract_date} {project.contract_amount} 元" if project.contract_date else ""),
    ]
    change_total = sum((c.amount for c in changes), Decimal(0))
    result.append(Checkpoint("changes", _("工程变更"), done if changes else none,
                             f"{len(changes)} 项,合计 {change_total} 元" if changes else ""))
    passed = [a for a in acceptances if a.result == AcceptanceResult.PASS]
    result.append(Checkpoint(
        "acceptance", _("竣工验收"), done if passed else missing,
        f"{passed[-1].accepted_on} 合格" if passed else (f"{acceptances[-1].accepted_on} 不合格" if acceptances else "")))
    paid = sum((p.amount for p in payments), Decimal(0))
    final = any(p.kind == PaymentKind.FINAL for p in payments)
    result.append(Checkpoint("payments", _("工程款支付"), done if payments else missing,
                             f"{len(payments)} 笔,合计 {paid} 元{',含结算款' if final else ''}" if payments else ""))
    return result


# --- alerts ---------------------------------------------------------------------------------------------------

def alerts_visible_to(user: Any) -> QuerySet[ProjectAlert]:
    """The links of flags to projects that this user may see on both sides."""
    return (ProjectAlert.objects.filter(project__in=small_projects_visible_to(user), flag__in=flags_visible_to(user))
            .select_related("flag", "project"))


def project_alerts(*, user: Any, project: SmallProject) -> list[ProjectAlert]:
    return list(alerts_visible_to(user).filter(project=project))


def alert_badges(*, user: Any, project_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """project id -> [{rule, status, flag_id}] for a page of the registry (one query)."""
    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = alerts_visible_to(user).filter(project_id__in=list(project_ids)).values_list(
        "project_id", "rule", "flag__status", "flag_id")
    for project_id, rule, status, flag_id in rows:
        result[project_id].append({"rule": rule, "status": status, "flag_id": flag_id})
    return dict(result)


# --- figures --------------------------------------------------------------------------------------------------

def figures(*, user: Any, year: int | None = None) -> dict[str, Any]:
    """Projects and amounts by township; alerts by rule and outcome (of the projects this user sees)."""
    qs = small_projects_visible_to(user)
    if year:
        qs = qs.filter(Q(contract_date__year=year) | Q(contract_date__isnull=True, created_at__year=year))
    by_township = list(qs.values("township_id", "township__name").order_by("township__sort", "township__code")
                       .annotate(projects=Count("id"), estimate=Sum("estimate"), contracted=Count("contract_date"),
                                 contract_amount=Sum("contract_amount")))
    rows = [{"township_id": r["township_id"], "township": r["township__name"], "projects": r["projects"],
             "contracted": r["contracted"], "estimate": r["estimate"] or Decimal(0),
             "contract_amount": r["contract_amount"] or Decimal(0)} for r in by_township]
    flags = flags_visible_to(user).filter(small_projects__project__in=qs).distinct()
    counts = flags.values_list("rule", "status").annotate(n=Count("id", distinct=True))
    by_rule: dict[str, dict[str, int]] = {r.value: {s.value: 0 for s in FlagStatus} for r in AlertRule}
    for rule, status, n in counts:
        if rule in by_rule:
            by_rule[rule][status] = n
    alerts = [{"rule": rule, "label": str(AlertRule(rule).label), **statuses, "total": sum(statuses.values())}
              for rule, statuses in by_rule.items()]
    return {"year": year, "by_township": rows,
            "totals": {"projects": sum(r["projects"] for r in rows),
                       "estimate": sum((r["estimate"] for r in rows), Decimal(0)),
                       "contract_amount": sum((r["contract_amount"] for r in rows), Decimal(0))},
            "alerts": alerts}

