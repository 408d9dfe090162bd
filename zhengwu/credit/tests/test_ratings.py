"""一标一评: the tendering party rates each expert who served, once, after the evaluation is reported."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.credit.choices import PenaltyStatus
from zhengwu.credit.models import ExpertPenalty, ExpertRating
from zhengwu.credit.tests.factories import evaluating_section, members, people, rate, reported_section
from zhengwu.trading.models import Expert, ExpertDrawMember
from zhengwu.trading.testing import make_expert

pytestmark = pytest.mark.django_db


def test_the_tendering_party_rates_a_served_expert_and_the_mean_is_kept():
    who = people()
    section = reported_section()
    expert = members(section)[0].expert
    rating = rate(section, expert, actor=who["party"], marks=(5, 4, 4, 3), comment="准时到场,评审认真。")
    assert rating.average == Decimal("4.00")
    assert rating.tendering_enterprise == who["party_enterprise"] and rating.on_behalf is False
    assert AuditEvent.objects.filter(action="expert_rating.submit", object_id=str(rating.pk)).count() == 1


def test_trading_staff_rate_on_behalf_of_the_tendering_party():
    who = people()
    section = reported_section()
    rating = rate(section, members(section)[1].expert, actor=who["staff"])
    assert rating.on_behalf is True and rating.rated_by == who["staff"]


def test_another_enterprise_cannot_see_the_section_to_rate():
    who = people()
    section = reported_section()
    with pytest.raises(Exception) as caught:
        rate(section, members(section)[0].expert, actor=who["outsider"])
    assert caught.value.__class__.__name__ == "NotFound"


def test_a_supervisor_does_not_rate():
    who = people()
    section = reported_section()
    with pytest.raises(Forbidden):
        rate(section, members(section)[0].expert, actor=who["supervisor"])


def test_an_expert_is_rated_only_once_per_section():
    section = reported_section()
    expert = members(section)[0].expert
    rate(section, expert)
    with pytest.raises(Conflict) as caught:
        rate(section, expert)
    assert caught.value.code == "duplicate" and ExpertRating.objects.count() == 1


def test_an_expert_who_did_not_serve_cannot_be_rated():
    section = reported_section()
    outsider = make_expert(name="局外专家")
    with pytest.raises(InvalidInput) as caught:
        rate(section, outsider)
    assert caught.value.field == "expert_id" and caught.value.code == "not_served"


def test_a_replaced_member_cannot_be_rated():
    section = reported_section()
    member = members(section)[0]
    ExpertDrawMember.objects.filter(pk=member.pk).update(replaced_at=member.round.drawn_at)
    with pytest.raises(InvalidInput) as caught:
        rate(section, member.expert)
    assert caught.value.code == "not_served"


def test_rating_is_refused_before_the_evaluation_is_reported():
    section = evaluating_section()
    with pytest.raises(Conflict) as caught:
        rate(section, members(section)[0].expert)
    assert caught.value.code == "evaluation_not_finished"


@pytest.mark.parametrize(("marks", "field"), [((0, 4, 4, 4), "punctuality"), ((4, 6, 4, 4), "diligence"),
                                              ((4, 4, "x", 4), "fairness"), ((4, 4, 4, 2.5), "professional")])
def test_a_mark_outside_1_to_5_is_refused_naming_the_field(marks, field):
    section = reported_section()
    with pytest.raises(InvalidInput) as caught:
        rate(section, members(section)[0].expert, marks=marks)
    assert caught.value.field == field and caught.value.code == "out_of_range"
    assert ExpertRating.objects.count() == 0


def test_a_low_rating_proposes_a_penalty_without_deducting():
    section = reported_section()
    expert = members(section)[0].expert
    before = expert.credit_score
    rating = rate(section, expert, marks=(1, 2, 2, 1))
    penalty = ExpertPenalty.objects.get(rating=rating)
    assert penalty.status == PenaltyStatus.PROPOSED and penalty.points == 2 and penalty.deducted == 0
    assert Expert.objects.get(pk=expert.pk).credit_score == before


def test_a_rating_of_exactly_2_proposes_nothing():
    section = reported_section()
    rate(section, members(section)[0].expert, marks=(2, 2, 2, 2))
    assert not ExpertPenalty.objects.exists()
