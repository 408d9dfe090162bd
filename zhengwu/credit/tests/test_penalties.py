"""考核扣分: points lower the credit score through trading, the threshold suspends, revocation gives back."""

from __future__ import annotations


import pytest
from django.test import override_settings

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.credit import selectors, services
from zhengwu.credit.choices import PenaltyBasis, PenaltyStatus
from zhengwu.credit.tests.factories import members, people, rate, reported_section
from zhengwu.trading.choices import ExclusionReason, ExpertStatus
from zhengwu.trading.models import Expert, ExpertDrawExclusion
from zhengwu.trading.testing import at, draw, make_expert, published_tender

pytestmark = pytest.mark.django_db
NOW = at("2024-04-01 10:00")


def penalize(expert, points, *, actor="test", basis=PenaltyBasis.LATE, now=NOW, **extra):
    return services.penalty_record(actor=actor, expert=expert, points=points, basis=basis,
                                   reason="评标当日迟到四十分钟。", now=now, **extra)


def test_a_penalty_lowers_the_score_through_an_audited_trading_update():
    who = people()
    expert = make_expert(name="甲")
    penalty = penalize(expert, 3, actor=who["supervisor"])
    expert.refresh_from_db()
    assert expert.credit_score == 97 and expert.status == ExpertStatus.ACTIVE
    assert (penalty.score_before, penalty.score_after, penalty.deducted) == (100, 97, 3)
    event = AuditEvent.objects.get(action="expert.credit_adjust", object_id=str(expert.pk))
    assert event.payload["before"] == 100 and event.payload["after"] == 97 and event.actor_id == who["supervisor"].pk


def test_a_score_falling_below_80_suspends_the_expert_with_the_reason():
    expert = make_expert(name="乙", credit_score=85)
    penalty = penalize(expert, 6, basis=PenaltyBasis.NOT_BY_METHOD)
    expert.refresh_from_db()
    assert expert.credit_score == 79 and expert.status == ExpertStatus.SUSPENDED and penalty.suspended
    event = AuditEvent.objects.get(action="expert.suspend", object_id=str(expert.pk))
    assert event.actor_label == "credit" and "低于 80 分" in event.reason


def test_a_score_of_exactly_80_does_not_suspend():
    expert = make_expert(name="丙", credit_score=85)
    penalize(expert, 5)
    expert.refresh_from_db()
    assert expert.credit_score == 80 and expert.status == ExpertStatus.ACTIVE


def test_12_points_in_one_year_suspend_and_11_do_not():
    expert = make_expert(name="丁")
    penalize(expert, 6)
    penalize(expert, 5)
    assert Expert.objects.get(pk=expert.pk).status == ExpertStatus.ACTIVE
    penalize(expert, 1, now=at("2024-12-31 10:00"))
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.SUSPENDED and expert.credit_score == 88


def test_points_of_another_year_do_not_add_up():
    expert = make_expert(name="戊")
    penalize(expert, 6, now=at("2023-12-30 10:00"))
    penalize(expert, 6, now=at("2024-01-02 10:00"))
    assert Expert.objects.get(pk=expert.pk).status == ExpertStatus.ACTIVE


@override_settings(ZHENGWU_EXPERT_CREDIT={"suspend_below": 95})
def test_the_threshold_comes_from_settings():
    expert = make_expert(name="己")
    penalize(expert, 6)
    assert Expert.objects.get(pk=expert.pk).status == ExpertStatus.SUSPENDED


def test_a_suspended_expert_is_no_longer_drawn():
    tender = published_tender()
    experts = [make_expert(name=f"专家{n}") for n in range(5)]
    penalize(experts[0], 20, now=at("2024-03-10 10:00"))
    drawn = draw(tender, seed=3)
    assert experts[0].pk not in set(drawn.members.values_list("expert_id", flat=True))
    row = ExpertDrawExclusion.objects.get(round__draw=drawn, expert=experts[0])
    assert row.reasons == [ExclusionReason.SUSPENDED]


def test_revoking_gives_back_the_points_and_writes_one_event_each():
    who = people()
    expert = make_expert(name="庚")
    penalty = penalize(expert, 4, actor=who["staff"])
    revoked = services.penalty_revoke(actor=who["supervisor"], penalty=penalty, reason="复核认定迟到系交通管制所致。",
                                      now=at("2024-04-02 10:00"))
    expert.refresh_from_db()
    assert revoked.status == PenaltyStatus.REVOKED and expert.credit_score == 100
    assert revoked.decision_reason == "复核认定迟到系交通管制所致。"
    assert AuditEvent.objects.filter(action="expertpenalty.revoke", object_id=str(penalty.pk)).count() == 1
    assert AuditEvent.objects.filter(action="expert.credit_adjust", object_id=str(expert.pk)).count() == 2
    assert selectors.points_in_year(expert.pk, 2024) == 0


def test_revoking_needs_a_reason_and_changes_nothing_without_one():
    expert = make_expert(name="辛")
    penalty = penalize(expert, 4)
    with pytest.raises(InvalidInput) as caught:
        services.penalty_revoke(actor="test", penalty=penalty, reason=" ")
    assert caught.value.field == "reason"
    assert Expert.objects.get(pk=expert.pk).credit_score == 96


def test_a_revoked_penalty_cannot_be_revoked_again():
    expert = make_expert(name="壬")
    penalty = penalize(expert, 4)
    services.penalty_revoke(actor="test", penalty=penalty, reason="错录。")
    with pytest.raises(Conflict):
        services.penalty_revoke(actor="test", penalty=penalty, reason="错录。")
    assert Expert.objects.get(pk=expert.pk).credit_score == 100


def test_the_score_never_goes_below_0_and_revoking_gives_back_only_what_came_off():
    expert = make_expert(name="癸", credit_score=5)
    penalty = penalize(expert, 20, basis=PenaltyBasis.LEAKED)
    assert penalty.deducted == 5 and Expert.objects.get(pk=expert.pk).credit_score == 0
    services.penalty_revoke(actor="test", penalty=penalty, reason="错录。")
    assert Expert.objects.get(pk=expert.pk).credit_score == 5


@pytest.mark.parametrize(("points", "basis", "field"), [(0, PenaltyBasis.LATE, "points"), (21, PenaltyBasis.LATE, "points"),
                                                        ("3.5", PenaltyBasis.LATE, "points"), (3, "rude", "basis"),
                                                        (3, PenaltyBasis.LOW_RATING, "basis")])
def test_bad_points_or_basis_are_refused_naming_the_field(points, basis, field):
    expert = make_expert(name="子")
    with pytest.raises(InvalidInput) as caught:
        penalize(expert, points, basis=basis)
    assert caught.value.field == field
    assert Expert.objects.get(pk=expert.pk).credit_score == 100 and not AuditEvent.objects.filter(
        action="expert_penalty.record").exists()


def test_an_enterprise_user_and_a_leader_cannot_record_a_penalty():
    who = people()
    expert = make_expert(name="丑")
    for persona in ("party", "leader"):
        with pytest.raises(Forbidden):
            penalize(expert, 2, actor=who[persona])


def test_a_penalty_on_a_section_needs_the_expert_drawn_for_it():
    section = reported_section()
    stranger = make_expert(name="寅")
    with pytest.raises(InvalidInput) as caught:
        penalize(stranger, 2, tender_section=section)
    assert caught.value.field == "tender_section_id"
    member = members(section)[0]
    assert penalize(member.expert, 2, tender_section=section).tender_section == section


def test_a_confirmed_proposal_deducts_and_a_rejected_one_does_not():
    section = reported_section()
    first, second = members(section)[:2]
    proposal = rate(section, first.expert, marks=(1, 1, 2, 1)).penalty
    other = rate(section, second.expert, marks=(1, 1, 1, 1)).penalty
    services.penalty_confirm(actor="test", penalty=proposal, now=NOW)
    services.penalty_reject(actor="test", penalty=other, reason="专家当日因突发疾病,情有可原。", now=NOW)
    assert Expert.objects.get(pk=first.expert_id).credit_score == first.expert.credit_score - 2
    assert Expert.objects.get(pk=second.expert_id).credit_score == second.expert.credit_score
    history = selectors.expert_credit_history(Expert.objects.get(pk=first.expert_id))
    assert [p["score"] for p in history["series"]] == [first.expert.credit_score, first.expert.credit_score - 2]
    assert len(history["ratings"]) == 1 and len(history["penalties"]) == 1


def test_the_credit_list_counts_ratings_and_this_years_points():
    who = people()
    expert = make_expert(name="卯")
    penalize(expert, 3, now=at("2023-06-01 10:00"))
    penalize(expert, 2)
    row = selectors.expert_credit_list(user=who["supervisor"], year=2024).get(pk=expert.pk)
    assert (row.penalty_points, row.ratings_count, row.credit_score) == (2, 0, 95)
    assert not selectors.expert_credit_list(user=who["clerk"], year=2024).exists()
