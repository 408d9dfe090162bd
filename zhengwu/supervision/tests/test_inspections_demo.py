"""The demo step ``supervision.inspections`` on tiny data: every clue of the year ends verified (100 %), every
other open flag is decided with a reason, and the number inspected is the scaled 314 bounded by the projects."""

from __future__ import annotations

import pytest

from zhengwu.core.demo import DemoContext
from zhengwu.supervision import selectors
from zhengwu.supervision.choices import ClueSource, ClueStatus, FlagStatus
from zhengwu.supervision.demo_supervision import CLUES, INSPECTED, make_supervision_year
from zhengwu.supervision.models import Clue, Flag, Inspection
from zhengwu.supervision.tests.factories_supervision import raise_flag, supervisor
from zhengwu.trading.testing import credit, make_project, make_tender, publish, register

pytestmark = pytest.mark.django_db


def tender_of_2023(n: int):
    project = make_project(name=f"2023年道路工程{n}")
    tender = publish(make_tender(project=project, issued="2023-03-01 09:00", deadline="2023-03-21 09:30",
                                 sale=("2023-03-01", "2023-03-05")), when="2023-03-01 09:00")
    regs = [register(tender, code=credit(800 + 10 * n + k), when="2023-03-02 10:00") for k in range(2)]
    return tender, regs


def test_the_demo_year_inspects_and_rectifies_every_clue():
    person = supervisor()
    tenders = [tender_of_2023(n) for n in range(4)]
    raise_flag(tender=tenders[0][0], registrations=tenders[0][1], rule="CN_SAME_MACHINE", when="2023-03-22 10:00")
    raise_flag(tender=tenders[1][0], registrations=tenders[1][1], rule="R018", family="international",
               when="2023-03-22 10:00")
    ctx = DemoContext(scale=0.1, log=lambda _line: None)
    make_supervision_year(ctx)

    assert Inspection.objects.count() == min(ctx.scaled(INSPECTED), 4)
    clues = list(Clue.objects.all())
    assert len(clues) == ctx.scaled(CLUES)
    assert {c.status for c in clues} == {ClueStatus.VERIFIED}
    assert {c.source for c in clues} == {ClueSource.INSPECTION, ClueSource.RED_FLAG, ClueSource.DEPARTMENT}
    assert all(c.registered_at.year == 2023 and c.verified_at.year == 2023 for c in clues)
    assert selectors.clue_statistics(user=person)["rectification_rate"] == 1.0
    assert not Flag.objects.filter(status=FlagStatus.OPEN).exists()
    assert all(f.decision_reason for f in Flag.objects.all())
    assert ctx.made["supervision.inspections"]["verified"] == len(clues)
