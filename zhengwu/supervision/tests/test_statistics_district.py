"""The district-wide statistics (for the leadership dashboard and the work report) are the scoped statistics of a
reader, over every row, whoever asks: the same definition, one code path."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.supervision import selectors, services
from zhengwu.supervision.choices import ClueSource, InspectionResult
from zhengwu.supervision.tests.factories_supervision import supervisor, tender_with_bidders
from zhengwu.trading.testing import at

pytestmark = pytest.mark.django_db


def test_the_district_statistics_equal_a_readers_for_the_same_period():
    person = supervisor()
    project = tender_with_bidders()[0].project
    campaign = services.campaign_create(actor=person, name="专项排查", period_start=dt.date(2024, 4, 1),
                                        period_end=dt.date(2024, 6, 30))
    services.inspection_record(actor=person, campaign=campaign, project=project, inspected_on=dt.date(2024, 4, 10),
                               result=InspectionResult.PROBLEMS_FOUND, findings="项目经理未到岗。")
    services.clue_register(actor=person, source=ClueSource.COMPLAINT, source_reference="TS-1", description="举报",
                           project=project, now=at("2024-04-11 09:00"))
    services.clue_register(actor=person, source=ClueSource.COMPLAINT, source_reference="TS-2", description="举报",
                           project=project, now=at("2023-04-11 09:00"))
    period = {"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)}
    now = at("2024-05-01 09:00")
    district = selectors.clue_statistics_district(**period, now=now)
    assert district == selectors.clue_statistics(user=person, **period, now=now)
    assert (district["total"], district["substantiated"], district["rectification_rate"]) == (1, 0, None)
    inspections = selectors.inspection_statistics_district(**period)
    assert inspections == selectors.inspection_statistics(user=person, **period)
    assert (inspections["projects"], inspections["with_problems"]) == (1, 1)
    assert selectors.inspection_statistics_district(date_from=dt.date(2024, 4, 11))["inspections"] == 0
