"""Every non-trivial read of the financial services supermarket, scoped to the user.

The catalog (institutions and products on the shelf) is open to every user holding ``finance.view_catalog``.
Applications: an enterprise user sees its own enterprise's; the center's staff, leaders and supervisors see
all. The figures (services provided, amounts approved, money freed) are computed here, never typed: the money
freed is the sum of the trading guarantee deposits linked to issued applications.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter
from zhengwu.finance.choices import SERVED, ApplicationStatus, ProductKind
from zhengwu.finance.models import Application, Institution, Product

APPLICATION_SCOPE = ScopePaths(enterprise="enterprise_id")
ZERO = Decimal("0.00")


def _may(user: Any, permission: str) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and user.has_perm(permission))


# --- the catalog ----------------------------------------------------------------------------------------------

def institutions_visible_to(user: Any) -> QuerySet[Institution]:
    if not _may(user, "finance.view_catalog"):
        return Institution.objects.none()
    qs = Institution.objects.all()
    return qs if user.has_perm("finance.manage_catalog") else qs.filter(active=True)


def products_visible_to(user: Any) -> QuerySet[Product]:
    if not _may(user, "finance.view_catalog"):
        return Product.objects.none()
    qs = Product.objects.select_related("institution")
    if not user.has_perm("finance.manage_catalog"):
        qs = qs.filter(active=True, institution__active=True)
    return qs


def product_list(*, user: Any, kind: str = "", institution: int | None = None, q: str = "") -> QuerySet[Product]:
    qs = products_visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if institution:
        qs = qs.filter(institution_id=institution)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(institution__name__icontains=q))
    return qs


def product_get(*, user: Any, pk: int) -> Product:
    return get_visible(products_visible_to(user), pk=pk)


def institution_get(*, user: Any, pk: int) -> Institution:
    return get_visible(institutions_visible_to(user), pk=pk)


# --- applications ---------------------------------------------------------------------------------------------

def applications_visible_to(user: Any) -> QuerySet[Application]:
    if not _may(user, "finance.view"):
        return Application.objects.none()
    return scope_filter(user, Application.objects.all(), APPLICATION_SCOPE)


def application_list(*, user: Any, status: str = "", kind: str = "", institution: int | None = None,
                     q: str = "") -> QuerySet[Application]:
    qs = applications_visible_to(user).select_related("enterprise", "product", "institution")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if institution:
        qs = qs.filter(institution_id=institution)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(enterprise__name__icontains=q) | Q(guarantee_number__icontains=q))
    return qs.order_by("-submitted_at", "-id")


def application_get(*, user: Any, pk: int) -> Application:
    return get_visible(applications_visible_to(user).select_related(
        "enterprise", "product", "institution", "deposit", "registration__tender_section__tender",
        "registration__tender_section__section"), pk=pk)


def applications_for(*, enterprise: Any) -> QuerySet[Application]:
    """The enterprise's applications with their product and institution, newest first (the enterprise portal)."""
    return (Application.objects.filter(enterprise=enterprise).select_related("product", "institution")
            .order_by("-submitted_at", "-id"))


# --- the figures ----------------------------------------------------------------------------------------------

def default_period(*, user: Any) -> tuple[dt.date, dt.date]:
    """The calendar year of the latest approval the user can see (this year when there is none)."""
    latest = applications_visible_to(user).aggregate(day=Max("approved_on"))["day"]
    year = latest.year if latest else dt.date.today().year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _money(value: Any) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


def finance_figures(*, user: Any, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Services provided (applications approved, issued or disbursed, by approval date), amounts approved by
    product kind, and the money freed (the guarantee deposits linked to issued applications, by issue date),
    in total, by institution and by month, for the period [date_from, date_to]."""
    visible = applications_visible_to(user)
    served = visible.filter(status__in=SERVED, approved_on__gte=date_from, approved_on__lte=date_to)
    freed = _guarantees_freed(visible, date_from=date_from, date_to=date_to)
    labels = dict(ProductKind.choices)
    by_kind_rows = {r["kind"]: r for r in served.values("kind").annotate(n=Count("id"), amount=Sum("amount_approved"))}
    by_kind = [{"kind": k, "label": str(labels[k]), "services": by_kind_rows.get(k, {}).get("n", 0),
                "amount_approved": _money(by_kind_rows.get(k, {}).get("amount"))} for k in ProductKind.values]

    institutions: dict[int, dict[str, Any]] = {}

    def inst(pk: int, name: str) -> dict[str, Any]:
        return institutions.setdefault(pk, {"institution_id": pk, "institution": name, "services": 0,
                                            "amount_approved": ZERO, "guarantees": 0, "money_freed": ZERO})

    for r in served.values("institution_id", "institution__name").annotate(n=Count("id"), amount=Sum("amount_approved")):
        row = inst(r["institution_id"], r["institution__name"])
        row.update(services=r["n"], amount_approved=_money(r["amount"]))
    for r in freed.values("institution_id", "institution__name").annotate(n=Count("id"), amount=Sum("deposit__amount")):
        row = inst(r["institution_id"], r["institution__name"])
        row.update(guarantees=r["n"], money_freed=_money(r["amount"]))
    by_institution = sorted(institutions.values(), key=lambda r: (-r["services"], r["institution"]))

    months: dict[dt.date, dict[str, Any]] = {}
    month = dt.date(date_from.year, date_from.month, 1)
    while month <= date_to:
        months[month] = {"month": month, "services": 0, "amount_approved": ZERO, "guarantees": 0, "money_freed": ZERO}
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    for r in served.annotate(m=TruncMonth("approved_on")).values("m").annotate(n=Count("id"),
                                                                              amount=Sum("amount_approved")):
        months[_day(r["m"])].update(services=r["n"], amount_approved=_money(r["amount"]))
    for r in freed.annotate(m=TruncMonth("issued_on")).values("m").annotate(n=Count("id"),
                                                                           amount=Sum("deposit__amount")):
        months[_day(r["m"])].update(guarantees=r["n"], money_freed=_money(r["amount"]))

    totals = {
        "applications": visible.filter(submitted_at__date__gte=date_from, submitted_at__date__lte=date_to).count(),
        "services": sum(r["services"] for r in by_kind),
        "amount_approved": sum((r["amount_approved"] for r in by_kind), ZERO),
        "guarantees": sum(r["guarantees"] for r in months.values()),
        "money_freed": sum((r["money_freed"] for r in months.values()), ZERO),
    }
    return {"date_from": date_from, "date_to": date_to, "totals": totals, "by_kind": by_kind,
            "by_institution": by_institution, "by_month": list(months.values())}


def _guarantees_freed(applications: QuerySet[Application], *, date_from: dt.date,
                      date_to: dt.date) -> QuerySet[Application]:
    """The guarantees issued in [date_from, date_to] that carry a trading deposit (the money they freed)."""
    return applications.filter(status=ApplicationStatus.ISSUED, deposit__isnull=False,
                               issued_on__gte=date_from, issued_on__lte=date_to)


def guarantee_figures_district(*, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """The totals ``guarantees`` and ``money_freed`` of :func:`finance_figures` over every application of the
    district, for the leadership dashboard and the work report (their views check the reader)."""
    sums = _guarantees_freed(Application.objects.all(), date_from=date_from, date_to=date_to).aggregate(
        n=Count("id"), amount=Sum("deposit__amount"))
    return {"guarantees": sums["n"], "money_freed": _money(sums["amount"])}


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def figures_for(*, user: Any, date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict[str, Any]:
    """:func:`finance_figures` for the period asked (default: the year of the latest approval), checked."""
    from zhengwu.core.errors import InvalidInput

    start, end = default_period(user=user)
    start, end = date_from or start, date_to or (dt.date(start.year, 12, 31) if date_from else end)
    if end < start:
        raise InvalidInput("截止日期不能早于起始日期。", field="date_to", code="bad_range")
    if (end - start).days > 366 * 5:
        raise InvalidInput("统计期间不能超过五年。", field="date_to", code="too_long")
    return finance_figures(user=user, date_from=start, date_to=end)
