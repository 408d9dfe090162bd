"""Inspection campaigns: projects checked, findings, clues raised from findings, the campaign's figures."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.supervision import selectors, services
from zhengwu.supervision.choices import ClueSource, InspectionResult
from zhengwu.supervision.tests.factories_supervision import supervisor, tender_with_bidders
from zhengwu.trading.testing import make_project

pytestmark = pytest.mark.django_db


def campaign(person):
    return services.campaign_create(actor=person, name="2024年工程建设项目招投标专项排查",
                                    period_start=dt.date(2024, 4, 1), period_end=dt.date(2024, 6, 30),
                                    scope="2023年以来的房建市政项目")


def test_a_campaign_period_must_be_in_order():
    with pytest.raises(InvalidInput) as refused:
        services.campaign_create(actor=supervisor(), name="排查", period_start=dt.date(2024, 6, 1),
                                 period_end=dt.date(2024, 5, 1))
    assert refused.value.field == "period_end"


def test_problems_found_need_findings():
    person = supervisor()
    project = tender_with_bidders()[0].project
    with pytest.raises(InvalidInput) as refused:
        services.inspection_record(actor=person, campaign=campaign(person), project=project,
                                   inspected_on=dt.date(2024, 4, 10), result=InspectionResult.PROBLEMS_FOUND)
    assert refused.value.field == "findings"


def test_an_inspection_date_outside_the_campaign_is_refused():
    person = supervisor()
    project = tender_with_bidders()[0].project
    with pytest.raises(InvalidInput) as refused:
        services.inspection_record(actor=person, campaign=campaign(person), project=project,
                                   inspected_on=dt.date(2024, 7, 10), result=InspectionResult.NO_PROBLEM)
    assert refused.value.field == "inspected_on"


def test_a_project_without_a_published_tender_cannot_be_inspected():
    person = supervisor()
    with pytest.raises(InvalidInput) as refused:
        services.inspection_record(actor=person, campaign=campaign(person), project=make_project(),
                                   inspected_on=dt.date(2024, 4, 10), result=InspectionResult.NO_PROBLEM)
    assert refused.value.field == "project"


def test_a_project_is_inspected_once_per_campaign():
    person = supervisor()
    project = tender_with_bidders()[0].project
    c = campaign(person)
    services.inspection_record(actor=person, campaign=c, project=project, inspected_on=dt.date(2024, 4, 10),
                               result=InspectionResult.NO_PROBLEM)
    with pytest.raises(Conflict):
        services.inspection_record(actor=person, campaign=c, project=project, inspected_on=dt.date(2024, 4, 11),
                                   result=InspectionResult.NO_PROBLEM)


def test_a_finding_becomes_an_inspection_clue_and_the_campaign_counts_it():
    person = supervisor()
    c = campaign(person)
    first = tender_with_bidders(offset=700)[0].project
    second = tender_with_bidders(offset=710)[0].project
    services.inspection_record(actor=person, campaign=c, project=first, inspected_on=dt.date(2024, 4, 10),
                               result=InspectionResult.NO_PROBLEM)
    found = services.inspection_record(actor=person, campaign=c, project=second, inspected_on=dt.date(2024, 4, 11),
                                       result=InspectionResult.PROBLEMS_FOUND, findings="评标委员会未按评分标准打分。")
    clue = services.inspection_to_clue(actor=person, inspection=found)
    assert (clue.source, clue.inspection, clue.project) == (ClueSource.INSPECTION, found, second)
    assert clue.description == "评标委员会未按评分标准打分。"
    row = selectors.campaigns_with_figures(user=person).get(pk=c.pk)
    assert (row.inspected, row.with_problems, row.clues_raised) == (2, 1, 1)


def test_an_inspection_without_problems_cannot_become_a_clue():
    person = supervisor()
    project = tender_with_bidders()[0].project
    ok = services.inspection_record(actor=person, campaign=campaign(person), project=project,
                                    inspected_on=dt.date(2024, 4, 10), result=InspectionResult.NO_PROBLEM)
    with pytest.raises(Conflict):
        services.inspection_to_clue(actor=person, inspection=ok)
