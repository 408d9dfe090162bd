"""Every non-trivial read of the intermediary supermarket, scoped to the user.

Agencies and the service list are public market information: every reader sees them. Purchases: a project
owner sees its own; agencies see the whole market (to answer); staff with the view permission see all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from zhengwu.core.permissions import get_visible
from zhengwu.intermediary.choices import AgencyStatus, PurchaseStatus
from zhengwu.intermediary.models import Agency, Purchase, RemovalProposal, ServiceListItem
from zhengwu.org.roles import Role, ScopeKind

GOAL_DEALS_PER_YEAR = 300
DEAL_STATES = (PurchaseStatus.SELECTED, PurchaseStatus.CONTRACTED, PurchaseStatus.COMPLETED, PurchaseStatus.RATED)


def _reader(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and user.has_perm("intermediary.view"))


def agencies_visible_to(user: Any) -> QuerySet[Agency]:
    if not _reader(user):
        return Agency.objects.none()
    return Agency.objects.all()


def agency_get(*, user: Any, pk: int) -> Agency:
    return get_visible(agencies_visible_to(user).select_related("department", "enterprise"), pk=pk)


def agency_list(*, user: Any, status: str = "", service_type: int | None = None, department: int | None = None,
                q: str = "") -> QuerySet[Agency]:
    qs = agencies_visible_to(user).select_related("department").prefetch_related("service_types")
    if status:
        qs = qs.filter(status=status)
    if service_type:
        qs = qs.filter(service_types=service_type)
    if department:
        qs = qs.filter(department_id=department)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("id")


def agency_of(user: Any) -> Agency | None:
    """The agency an intermediary user acts for (through the user's enterprise)."""
    if user is None or isinstance(user, str) or not getattr(user, "enterprise_id", None):
        return None
    return Agency.objects.filter(enterprise_id=user.enterprise_id).first()


def purchases_visible_to(user: Any) -> QuerySet[Purchase]:
    if not _reader(user):
        return Purchase.objects.none()
    if user.role == Role.INTERMEDIARY or user.scope != ScopeKind.ENTERPRISE:
        return Purchase.objects.all()
    return Purchase.objects.filter(owner_id=user.enterprise_id) if user.enterprise_id else Purchase.objects.none()


def purchase_get(*, user: Any, pk: int) -> Purchase:
    return get_visible(purchases_visible_to(user).select_related(
        "owner", "service_type", "selected_answer__agency"), pk=pk)


def purchase_list(*, user: Any, status: str = "", service_type: int | None = None, method: str = "",
                  q: str = "", year: int | None = None) -> QuerySet[Purchase]:
    qs = purchases_visible_to(user).select_related("owner", "service_type", "selected_answer__agency")
    if status:
        qs = qs.filter(status=status)
    if service_type:
        qs = qs.filter(service_type_id=service_type)
    if method:
        qs = qs.filter(selection_method=method)
    if q:
        qs = qs.filter(project_name__icontains=q)
    if year:
        qs = qs.filter(posted_at__year=year)
    return qs


def deals_published() -> QuerySet[Purchase]:
    """The published deals (成交公告): public, newest first."""
    return (Purchase.objects.filter(status__in=DEAL_STATES, deal_at__isnull=False)
            .select_related("owner", "service_type", "selected_answer__agency").order_by("-deal_at", "-id"))


def service_list() -> QuerySet[ServiceListItem]:
    """The public service list (清单)."""
    return ServiceListItem.objects.select_related("service_type", "department").order_by("service_type__sort", "id")


def proposals_visible_to(user: Any) -> QuerySet[RemovalProposal]:
    if not _reader(user) or not user.has_perm("intermediary.manage"):
        return RemovalProposal.objects.none()
    return RemovalProposal.objects.select_related("agency", "agency__department")


def expired_qualifications(agency: Agency, *, today: dt.date) -> list[Any]:
    return [q for q in agency.qualifications.all() if q.valid_until < today]


def government_projects_outside(*, user: Any) -> list[dict[str, Any]]:
    """Government-invested projects (approvals) with no purchase in the supermarket: they bought outside.

    The approvals app is optional here: without it the list is empty."""
    if not _reader(user):
        return []
    try:
        from zhengwu.approvals.choices import ProjectType
        from zhengwu.approvals.models import InvestmentProject
    except (ImportError, LookupError):
        return []
    bought = Purchase.objects.exclude(investment_project_code="").values("investment_project_code")
    rows = (InvestmentProject.objects.filter(project_type=ProjectType.GOVERNMENT).exclude(code__in=bought)
            .select_related("investor").order_by("-registered_at"))
    return [{"code": p.code, "name": p.name, "investor": p.investor.name, "total_investment": p.total_investment,
             "registered_at": p.registered_at} for p in rows]


def figures(*, user: Any, year: int | None = None) -> dict[str, Any]:
    """Deals per year against the goal, agencies by state, average deal price against budget, and the days
    from posting to deal."""
    deals = purchases_visible_to(user).filter(status__in=DEAL_STATES, deal_at__isnull=False)
    per_year: dict[int, int] = {}
    for deal_at in deals.values_list("deal_at", flat=True):
        y = timezone.localtime(deal_at).year
        per_year[y] = per_year.get(y, 0) + 1
    years = [{"year": y, "deals": n, "goal": GOAL_DEALS_PER_YEAR, "met": n >= GOAL_DEALS_PER_YEAR}
             for y, n in sorted(per_year.items())]
    chosen = deals
    if year:
        chosen = deals.filter(deal_at__year=year)
    rows = list(chosen.values_list("budget", "selected_answer__price", "posted_at", "deal_at"))
    prices = [price for _, price, _, _ in rows if price is not None]
    budgets = [budget for budget, price, _, _ in rows if price is not None]
    avg_price = (sum(prices, Decimal(0)) / len(prices)).quantize(Decimal("0.01")) if prices else None
    avg_budget = (sum(budgets, Decimal(0)) / len(budgets)).quantize(Decimal("0.01")) if budgets else None
    days = [(deal_at - posted_at).total_seconds() / 86400 for _, _, posted_at, deal_at in rows]
    states = dict(agencies_visible_to(user).values_list("status").annotate(n=Count("id")).order_by())
    by_state = [{"status": s.value, "label": str(s.label), "count": states.get(s.value, 0)} for s in AgencyStatus]
    by_method = list(chosen.values("selection_method").annotate(n=Count("id"), avg=Avg("selected_answer__price"))
                     .order_by("selection_method"))
    return {
        "year": year, "goal": GOAL_DEALS_PER_YEAR, "deals_per_year": years, "deals": len(rows),
        "agencies_by_state": by_state,
        "average_price": avg_price, "average_budget": avg_budget,
        "price_to_budget": (avg_price / avg_budget).quantize(Decimal("0.0001")) if avg_price and avg_budget else None,
        "average_days_to_deal": round(sum(days) / len(days), 1) if days else None,
        "by_method": [{"method": r["selection_method"], "deals": r["n"]} for r in by_method],
    }


# --- district-wide reads for the leadership dashboard and the work report (issue 11) ----------------------------

def deals_between(*, start: dt.date, end: dt.date) -> int:
    """Deals (成交) made in [start, end]: purchases in a deal state whose deal time falls in the period (local
    date), counted as :func:`figures` counts a year's deals."""
    return Purchase.objects.filter(status__in=DEAL_STATES, deal_at__date__gte=start, deal_at__date__lte=end).count()


def agencies_listed(*, start: dt.date, end: dt.date) -> int:
    """Agencies in the supermarket during the period: registered on or before ``end`` and not removed before
    ``start`` (an agency removed within the period still counts: it was listed)."""
    removed_before = Q(status=AgencyStatus.REMOVED, status_changed_at__date__lt=start)
    return Agency.objects.filter(registered_on__lte=end).exclude(removed_before).count()


def agencies_removed(*, start: dt.date, end: dt.date) -> int:
    """Agencies removed (清理) in the period: state removed, reached within [start, end] (local date)."""
    return Agency.objects.filter(status=AgencyStatus.REMOVED, status_changed_at__date__gte=start,
                                 status_changed_at__date__lte=end).count()
