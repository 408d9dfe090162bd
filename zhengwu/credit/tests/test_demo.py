"""The demo step credit.year2023 on tiny data: a section reported in 2023 (built with the real trading services)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.core.demo import DemoContext
from zhengwu.credit.choices import PenaltyStatus, RecordKind
from zhengwu.credit.demo import make_credit_year
from zhengwu.credit.models import BehaviourRecord, ExpertPenalty, ExpertRating
from zhengwu.credit.tests.factories import members, reported_section
from zhengwu.trading.models import Evaluation

pytestmark = pytest.mark.django_db


def test_the_demo_step_rates_the_served_experts_penalizes_two_and_records_a_ban():
    section = reported_section()
    Evaluation.objects.filter(tender_section=section).update(
        reported_at=dt.datetime(2023, 3, 22, 2, tzinfo=dt.UTC))
    ctx = DemoContext(seed=2023, scale=1.0, log=lambda _m: None)
    make_credit_year(ctx)
    assert ExpertRating.objects.filter(tender_section=section).count() == len(members(section)) == 4
    penalized = ExpertPenalty.objects.filter(status=PenaltyStatus.EFFECTIVE, occurred_on__year=2023)
    assert penalized.values("expert").distinct().count() == 2
    assert BehaviourRecord.objects.filter(kind=RecordKind.BAN, enterprise__isnull=False).count() == 1
    assert ctx.made["credit"]["ratings"] == 4
