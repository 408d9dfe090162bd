"""The demo years of cases: calibrated to DOMAIN.md §13, consistent with the live rules,
and the same for the same seed."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Count

from zhengwu.cases import deadlines
from zhengwu.cases.choices import OPEN_STATUSES, CaseStatus, DeadlineState
from zhengwu.cases.demo import demo_now
from zhengwu.cases.models import Case, ServiceItem
from zhengwu.core.crypto import sm3_hex
from zhengwu.core.demo import DemoContext, generate
from zhengwu.core.models import AuditEvent
from zhengwu.org.models import Region, RegionLevel, User
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


def run(*, seed: int, scale: float) -> DemoContext:
    return generate(DemoContext(seed=seed, scale=scale, log=lambda msg: None), only=("org.", "cases."))


def rate(part: int, whole: int) -> float:
    return 100.0 * part / whole


def year_figures(year: int) -> dict[str, float]:
    cases = Case.objects.filter(received_at__year=year)
    accepted = cases.filter(accepted_on__isnull=False)
    completed = cases.filter(status=CaseStatus.COMPLETED)
    return {
        "jan_nov": cases.filter(received_at__month__lte=11).count(),
        "december": cases.filter(received_at__month=12).count(),
        "online": rate(cases.filter(channel__in=["pc", "mobile"]).count(), cases.count()),
        "overdue_acceptance": rate(accepted.filter(acceptance_overdue=True).count(), accepted.count()),
        "overdue_completion": rate(completed.filter(outcome="overdue").count(), completed.count()),
        "agent_jan_nov": cases.filter(received_at__month__lte=11, agent__isnull=False).count(),
    }


def replayed(case: Case) -> deadlines.DerivedCase:
    """What deadlines.derive makes of the case's stored events."""
    periods = tuple((s.started_at, s.ended_at) for s in case.suspensions.order_by("started_at"))
    events = deadlines.CaseEvents(
        received_at=case.received_at, supplement_requested_at=case.supplement_requested_at,
        supplement_received_at=case.supplement_received_at,
        accepted_at=case.decided_at if case.accepted_on else None,
        refused_at=case.decided_at if case.status == CaseStatus.NOT_ACCEPTED else None, suspensions=periods,
        completed_at=case.completed_at,
        withdrawn_at=case.status_changed_at if case.status == CaseStatus.WITHDRAWN else None)
    return deadlines.derive(events, acceptance_limit=case.item.acceptance_limit,
                            promised_limit=case.item.promised_limit, now=max(demo_now(), case.status_changed_at))


def test_the_demo_years_come_out_at_the_figures_of_the_seed_document():
    ctx = run(seed=2023, scale=0.005)  # the rates are met by error diffusion, so they hold at this scale too

    items = ServiceItem.objects.all()
    assert items.count() == 300
    assert 90 <= items.filter(village_assisted=True).count() <= 110
    assert 0.33 <= items.filter(promised_limit=0).count() / 300 <= 0.37
    agents = User.objects.filter(role=Role.VILLAGE_AGENT)
    assert agents.count() == 329
    assert agents.values("region").distinct().count() == Region.objects.filter(level=RegionLevel.VILLAGE).count()

    y2022, y2023 = year_figures(2022), year_figures(2023)
    assert (y2023["jan_nov"], y2023["december"]) == (round(562_000 * 0.005), round(51_100 * 0.005))
    assert 99.3 <= y2023["online"] <= 99.5 and 98.8 <= y2022["online"] <= 99.0
    assert 0.15 <= y2023["overdue_acceptance"] <= 0.45 < 0.9 <= y2022["overdue_acceptance"] <= 1.25
    assert y2023["overdue_completion"] <= 0.08 < 0.1 <= y2022["overdue_completion"] <= 0.25
    assert y2023["agent_jan_nov"] >= 60_000 * 0.005

    open_cases = list(Case.objects.filter(status__in=OPEN_STATUSES).select_related("item"))
    assert len(open_cases) == 20
    assert all(c.received_at <= demo_now() for c in open_cases)
    states = {deadlines.deadline_state(c, now=demo_now()) for c in open_cases}
    assert DeadlineState.OVERDUE in states and DeadlineState.NORMAL in states

    completed_2023 = ctx.made["cases_2023_completed_ids"]
    assert len(completed_2023) == ctx.made["cases_demo_counts"][2023]["completed"]
    assert Case.objects.filter(pk__in=completed_2023[:50], status=CaseStatus.COMPLETED).count() == 50
    assert AuditEvent.objects.filter(action="case.import").count() == 2  # one per year, none per case

    sample = Case.objects.select_related("item").order_by("pk")[::53]
    suspended = Case.objects.filter(suspensions__isnull=False).select_related("item")[:5]
    for case in [*sample, *suspended]:
        derived = replayed(case)
        assert (derived.status, derived.acceptance_deadline, derived.acceptance_overdue, derived.accepted_on,
                derived.completion_deadline, derived.warning_at, derived.outcome,
                derived.suspended_working_days) == (
            case.status, case.acceptance_deadline, case.acceptance_overdue, case.accepted_on,
            case.completion_deadline, case.warning_at, case.outcome, case.suspended_working_days), case.number


def fingerprint() -> dict:
    rows = Case.objects.order_by("number").values_list("number", "item__code", "status", "received_at", "outcome",
                                                       "applicant_name")
    return {
        "by_status": dict(Case.objects.values_list("status").annotate(n=Count("id"))),
        "digest": sm3_hex("\n".join(f"{n}|{i}|{s}|{r.isoformat()}|{o}|{a}" for n, i, s, r, o, a in rows).encode()),
    }


def generated(seed: int) -> dict:
    with transaction.atomic():
        run(seed=seed, scale=0.002)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_cases_and_another_seed_other_cases():
    first = generated(7)
    assert generated(7) == first
    assert generated(8)["digest"] != first["digest"]
