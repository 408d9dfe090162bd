"""The supervisor's screens: each renders, shows the evidence and the decisions, writes through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from zhengwu.supervision import services
from zhengwu.supervision.choices import ClueSource, ClueStatus, FlagStatus, InspectionResult
from zhengwu.supervision.models import Clue
from zhengwu.supervision.tests.factories_supervision import (
    enterprise_user,
    raise_flag,
    supervisor,
    tender_with_bidders,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    tender, regs = tender_with_bidders()
    person = supervisor(username="jianguan")
    flag = raise_flag(tender=tender, registrations=regs)
    campaign = services.campaign_create(actor=person, name="2024年专项排查", period_start=dt.date(2024, 4, 1),
                                        period_end=dt.date(2024, 6, 30))
    inspection = services.inspection_record(actor=person, campaign=campaign, project=tender.project,
                                            inspected_on=dt.date(2024, 4, 2), result=InspectionResult.PROBLEMS_FOUND,
                                            findings="开标记录不完整。")
    clue = services.clue_register(actor=person, source=ClueSource.COMPLAINT, source_reference="TS-1",
                                  description="举报围标。", project=tender.project)
    return {"tender": tender, "regs": regs, "supervisor": person, "flag": flag, "campaign": campaign,
            "inspection": inspection, "clue": clue}


def test_every_supervision_page_renders_for_a_supervisor(world):
    client = client_for(world["supervisor"])
    urls = [reverse("supervision:workspace"), reverse("supervision:flags"),
            reverse("supervision:flags") + "?family=collusion&status=open&rule=CN_SAME_MACHINE",
            reverse("supervision:flag", args=[world["flag"].pk]), reverse("supervision:case", args=[world["flag"].case_id]),
            reverse("supervision:clues"), reverse("supervision:clues") + "?overdue=on", reverse("supervision:clue_new"),
            reverse("supervision:clue", args=[world["clue"].pk]), reverse("supervision:campaigns"),
            reverse("supervision:campaign", args=[world["campaign"].pk]), reverse("supervision:statistics"),
            reverse("supervision:statistics") + "?date_from=2024-01-01&date_to=2024-12-31"]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_flag_page_shows_the_evidence_as_a_table_and_the_decision_buttons(world):
    html = client_for(world["supervisor"]).get(reverse("supervision:flag", args=[world["flag"].pk])).content.decode()
    assert "MC-7F3A-19B2" in html and "机器码" in html and "甲建设有限公司" in html
    assert 'data-action="confirm"' in html and 'data-action="dismiss"' in html and 'data-action="to_clue"' in html
    assert '{"bidders"' not in html


def test_a_leader_reads_the_flag_without_decision_buttons(world):
    from zhengwu.core.testing import make_user
    from zhengwu.org.roles import Role

    html = client_for(make_user(role=Role.LEADER)).get(reverse("supervision:flag", args=[world["flag"].pk]))
    assert html.status_code == 200
    assert 'data-action="confirm"' not in html.content.decode()


def test_dismissing_without_a_reason_shows_the_error_at_the_reason(world):
    response = client_for(world["supervisor"]).post(reverse("supervision:flag_decide", args=[world["flag"].pk]),
                                                    {"action": "dismiss", "reason": ""})
    assert response.status_code == 422
    assert 'data-testid="field-error-reason"' in response.content.decode()
    world["flag"].refresh_from_db()
    assert world["flag"].status == FlagStatus.OPEN


def test_turning_a_flag_into_a_clue_through_the_screen_leads_to_the_clue(world):
    response = client_for(world["supervisor"]).post(reverse("supervision:flag_clue", args=[world["flag"].pk]),
                                                    {"clue-reason": "机器码相同,需调查。"})
    clue = Clue.objects.get(flag=world["flag"])
    assert response.status_code == 302 and response.url == reverse("supervision:clue", args=[clue.pk])


def test_a_clue_stage_posted_through_the_screen_moves_the_clue(world):
    client = client_for(world["supervisor"])
    url = reverse("supervision:clue_transition", args=[world["clue"].pk, "investigate"])
    assert client.post(url, {"investigate-reason": "已调查"}).status_code == 302
    world["clue"].refresh_from_db()
    assert world["clue"].status == ClueStatus.INVESTIGATED
    page = client.get(reverse("supervision:clue", args=[world["clue"].pk])).content.decode()
    assert 'data-action="conclude"' in page and 'data-action="close"' in page and "完成调查" in page


def test_an_enterprise_user_gets_403_on_the_screens(world):
    client = client_for(enterprise_user(world["regs"][0].enterprise))
    assert client.get(reverse("supervision:workspace")).status_code == 403
    assert client.get(reverse("supervision:flag", args=[world["flag"].pk])).status_code == 403


def test_the_flag_list_stays_within_its_query_budget(world, django_assert_max_num_queries):
    for n in range(5):
        raise_flag(tender=world["tender"], registrations=world["regs"], rule=f"R0{n}")
    client = client_for(world["supervisor"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("supervision:flags")).status_code == 200


def test_an_inspection_finding_becomes_a_clue_from_the_campaign_page(world):
    response = client_for(world["supervisor"]).post(reverse("supervision:inspection_clue",
                                                            args=[world["inspection"].pk]))
    assert response.status_code == 302
    assert Clue.objects.filter(inspection=world["inspection"], source=ClueSource.INSPECTION).count() == 1
