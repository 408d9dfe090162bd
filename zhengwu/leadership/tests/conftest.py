"""The leadership tests' own figures, registered in a clean registry for each test (the real figure modules of
``zhengwu/reports/figures/`` are not loaded), and named personas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from zhengwu.core.testing import make_department, make_user
from zhengwu.org.models import User
from zhengwu.org.roles import Role
from zhengwu.reports import registry
from zhengwu.reports.registry import Area, Better, Figure, Period, Unit


def by_year(table: dict[int, object]):
    """A figure whose value is fixed per year of the period's end (None for other years)."""
    return lambda period: table.get(period.end.year)


def share_of_year(total_by_year: dict[int, int]):
    """A yearly total spread over the days of the period (so a month is about a twelfth)."""
    def compute(period: Period) -> int | None:
        total = total_by_year.get(period.end.year)
        if total is None:
            return None
        return total * ((period.end - period.start).days + 1) // 365
    return compute


def users_joined(period: Period) -> int:
    """The one figure read from the database: accounts opened in the period (the cache test counts its query)."""
    first, after = period.bounds()
    return User.objects.filter(date_joined__gte=first, date_joined__lt=after).count()


def cases_link(period: Period) -> str:
    return f"{reverse('cases:list')}?{period.querystring()}"


TEST_FIGURES = (
    Figure(key="cases.received", area=Area.SERVICES, label="受理政务服务事项", unit=Unit.CASES,
           definition="期间内开立的测试账号数。", compute=users_joined, link=cases_link, order=10, headline=True,
           better=Better.UP),
    Figure(key="cases.overdue_completion_rate", area=Area.SERVICES, label="超期办结率", unit=Unit.PERCENT,
           definition="测试:按年固定。", compute=by_year({2023: Decimal("0.03"), 2022: Decimal("0.17")}),
           link=cases_link, order=30, decimals=2, better=Better.DOWN),
    Figure(key="reviews.bad", area=Area.EVALUATION, label="差评", unit=Unit.CASES, definition="测试:按年固定。",
           compute=share_of_year({2023: 7_000, 2022: 8_800}), link=lambda p: f"/reviews/?{p.querystring()}",
           order=10, better=Better.DOWN),
    Figure(key="retrieval.requests", area=Area.RETRIEVAL, label="信息调取申请", unit=Unit.CASES,
           definition="测试:按年固定。", compute=share_of_year({2023: 1_000, 2022: 1_200}),
           link=lambda p: f"/retrieval/?{p.querystring()}", order=10, better=Better.UP),
    Figure(key="trading.amount", area=Area.TRADING, label="交易金额", unit=Unit.YUAN, definition="测试:按年固定。",
           compute=share_of_year({2023: 37_230_000_000, 2022: 30_000_000_000}),
           link=lambda p: f"/trading/?{p.querystring()}", order=20, headline=True, better=Better.UP),
    Figure(key="intermediary.deals", area=Area.INTERMEDIARY, label="中介超市成交", unit=Unit.ENTRIES,
           definition="测试:按年固定。", compute=by_year({2024: 320, 2023: 198, 2026: 150}),
           link=lambda p: f"/intermediary/?{p.querystring()}", order=30, better=Better.UP),
    Figure(key="intermediary.agencies", area=Area.INTERMEDIARY, label="入驻中介机构", unit=Unit.UNITS,
           definition="测试:存量。", compute=lambda p: 40, order=10, compare=False),
    Figure(key="trading.separation_share", area=Area.TRADING, label="评定分离占比", unit=Unit.PERCENT,
           definition="测试:按年固定。", compute=by_year({2024: Decimal("25.0"), 2023: Decimal("9.5")}),
           order=50, decimals=1, better=Better.UP),
    Figure(key="cases.overdue_acceptance_rate", area=Area.SERVICES, label="超期受理率", unit=Unit.PERCENT,
           definition="测试:按年固定。", compute=by_year({2024: Decimal("0.20"), 2023: Decimal("0.28")}),
           order=40, decimals=2, better=Better.DOWN),
)


@pytest.fixture
def test_figures(monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(registry, "_FIGURES", {})
    monkeypatch.setattr(registry, "_LOADED", True)
    for figure in TEST_FIGURES:
        registry.register(figure)
    cache.clear()
    yield {f.key: f for f in TEST_FIGURES}
    cache.clear()


@pytest.fixture
def people(db):  # noqa: ANN001, ANN201
    """钱局长 the center's leader, 周主任 the center administrator, 吴监管 a supervisor, 郑科员 a window clerk."""
    dept = make_department(name="区市场监管局")
    return {
        "leader": make_user(role=Role.LEADER, username="qianjuzhang"),
        "admin": make_user(role=Role.CENTER_ADMIN, username="zhouzhuren"),
        "supervisor": make_user(role=Role.SUPERVISOR, username="wujianguan"),
        "clerk": make_user(role=Role.WINDOW_CLERK, username="zhengkeyuan", department=dept),
    }


def joined(n: int, on: dt.date) -> None:
    """``n`` accounts opened at noon on ``on`` (the users_joined figure counts them)."""
    from django.utils import timezone

    moment = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    for _ in range(n):
        user = make_user(role=Role.CITIZEN)
        User.objects.filter(pk=user.pk).update(date_joined=moment)
