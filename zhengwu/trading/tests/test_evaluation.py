"""Evaluation, publicity and award (DOMAIN.md §10, part 4): the price formula on a hand-computed example,
the lowest price method, every mandatory rejection, signed score sheets, the report of at most 3
candidates, the publicity's day boundaries, objections, the award to the first, and the contract."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.trading import selectors, services_bids, services_evaluation
from zhengwu.trading.choices import EvaluationMethod, FundingSource, PublicityStatus, RejectionCode
from zhengwu.trading.models import Deposit, EvaluatedBid, ScoreSheet
from zhengwu.trading.testing import at, credit, day, draw, make_expert, make_project, make_tender, pay, publish, register

pytestmark = pytest.mark.django_db

BEFORE = at("2024-03-15 10:00")
EVALUATE = at("2024-03-21 10:00")
REPORT = at("2024-03-22 10:00")
FIVE = ["3900000", "3800000", "3600000", "3400000", "3300000"]


def opened(prices: list[str], *, control_price: str = "4000000", unpaid: tuple[int, ...] = (),
           other_payer: tuple[int, ...] = (), revoked: tuple[int, ...] = (),
           funding_source: str = FundingSource.GOVERNMENT_INVESTED):
    """A tender opened on 21 March with one bid per price (bidder i pays its deposit unless listed) and a
    committee of 4 experts (+ 1 representative) drawn on 20 March."""
    project = make_project(control_price=control_price, funding_source=funding_source)
    section = project.sections.get()
    tender = publish(make_tender(project=project, deposits={section.pk: "80000"}))
    passphrases = {}
    for i, price in enumerate(prices):
        registration = register(tender, code=credit(500 + i), name=f"投标人{chr(65 + i)}")
        if i not in unpaid:
            pay(registration, payer_name="别人的公司" if i in other_payer else None)
        user = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
        bid, _ = services_bids.bid_upload(actor=user, tender=tender, section=section, file=b"%PDF bid", price=price,
                                          duration_days=365, quality="合格", file_name="bid.pdf",
                                          passphrase="open-sesame-1", now=BEFORE)
        if i not in revoked:
            passphrases[bid.pk] = "open-sesame-1"
    for n in range(4):
        make_expert(name=f"专家{n + 1}")
    draw(tender, seed=7)
    services_bids.tender_open(actor="test", tender=tender, passphrases=passphrases, now=tender.opening_at)
    tender.refresh_from_db()
    return tender, section


def start(tender, section, method=EvaluationMethod.COMPREHENSIVE, **params):
    return services_evaluation.evaluation_create(actor="test", tender=tender, section=section, method=method,
                                                 params=params or None, now=EVALUATE)


def by_bidder(evaluation) -> dict[str, EvaluatedBid]:
    return {b.bidder_name: b for b in EvaluatedBid.objects.filter(evaluation=evaluation)}


def members(evaluation):
    return services_evaluation._serving_members(evaluation)


def score_all(evaluation, scores: dict[str, list[tuple[str, str]]]):
    """``scores[bidder]`` = one (technical, business) per member, in the draw's order."""
    bids = by_bidder(evaluation)
    for name, per_member in scores.items():
        for member, (tech, bus) in zip(members(evaluation), per_member, strict=True):
            services_evaluation.score_sheet_submit(actor="test", evaluation=evaluation, member=member,
                                                   evaluated_bid=bids[name], technical=tech, business=bus,
                                                   now=at("2024-03-21 15:00"))


def same(tech: str, bus: str) -> list[tuple[str, str]]:
    return [(tech, bus)] * 4


# --- the formula -------------------------------------------------------------------------------------

def test_the_base_price_drops_the_highest_and_lowest_of_five_and_applies_k():
    prices = [Decimal(p) for p in FIVE]
    params = {**services_evaluation.DEFAULT_PARAMS, "drop_extremes": True}
    # (3,800,000 + 3,600,000 + 3,400,000) / 3
    assert services_evaluation.base_price(prices, params) == Decimal("3600000.00")
    # all five: 18,000,000 / 5 = 3,600,000 × (1 − 0.02)
    assert services_evaluation.base_price(prices, {**params, "drop_extremes": False, "k": "0.02"}) == Decimal(
        "3528000.00")
    # four bids are too few to drop anything: (3.9 + 3.8 + 3.6 + 3.4) / 4 = 3.675 million
    assert services_evaluation.base_price(prices[:4], params) == Decimal("3675000.00")


def test_the_price_score_loses_one_point_per_percent_above_and_half_a_point_below():
    p = services_evaluation.DEFAULT_PARAMS
    base = Decimal("3600000")
    assert services_evaluation.price_score(Decimal("3900000"), base, p) == Decimal("21.67")  # 30 − 8.333
    assert services_evaluation.price_score(Decimal("3800000"), base, p) == Decimal("24.44")  # 30 − 5.556
    assert services_evaluation.price_score(Decimal("3600000"), base, p) == Decimal("30.00")
    assert services_evaluation.price_score(Decimal("3400000"), base, p) == Decimal("27.22")  # 30 − 5.556 × 0.5
    assert services_evaluation.price_score(Decimal("3300000"), base, p) == Decimal("25.83")  # 30 − 8.333 × 0.5
    assert services_evaluation.price_score(Decimal("9000000"), base, p) == Decimal("0.00")  # never negative


def test_comprehensive_scoring_ranks_the_hand_computed_example_and_breaks_the_tie_by_the_lower_price():
    tender, section = opened(FIVE)
    evaluation = start(tender, section, drop_extremes=True)
    assert evaluation.base_price == Decimal("3600000.00")
    score_all(evaluation, {
        "投标人A": [("44", "18"), ("46", "18"), ("45", "17"), ("45", "19")],  # 45 + 18 + 21.67 = 84.67
        "投标人B": same("40", "15"),                                          # 55 + 24.44 = 79.44
        "投标人C": same("35", "15"),                                          # 50 + 30.00 = 80.00
        "投标人D": same("38", "14.78"),                                       # 52.78 + 27.22 = 80.00
        "投标人E": same("30", "10"),                                          # 40 + 25.83 = 65.83
    })
    services_evaluation.evaluation_report(actor="test", evaluation=evaluation, now=REPORT)
    bids = by_bidder(evaluation)
    assert (bids["投标人A"].technical, bids["投标人A"].business, bids["投标人A"].total) == (
        Decimal("45.00"), Decimal("18.00"), Decimal("84.67"))
    assert bids["投标人C"].total == bids["投标人D"].total == Decimal("80.00")
    ranking = [b.bidder_name for b in EvaluatedBid.objects.filter(evaluation=evaluation).order_by("rank")]
    assert ranking == ["投标人A", "投标人D", "投标人C", "投标人B", "投标人E"]
    evaluation.refresh_from_db()
    assert [c["bidder"] for c in evaluation.report["candidates"]] == ["投标人A", "投标人D", "投标人C"]
    assert [b.rank for b in services_evaluation.candidates(evaluation)] == [1, 2, 3]
    assert services_evaluation.report_verify(evaluation)
    assert len(evaluation.report["sheets"]) == 20


def test_the_lowest_evaluated_price_method_ranks_valid_bids_by_price_without_scores():
    tender, section = opened(["3900000", "4100000", "3300000", "3600000"])
    evaluation = start(tender, section, method=EvaluationMethod.LOWEST_PRICE)
    services_evaluation.evaluation_report(actor="test", evaluation=evaluation, now=REPORT)
    evaluation.refresh_from_db()
    assert [c["bidder"] for c in evaluation.report["candidates"]] == ["投标人C", "投标人D", "投标人A"]
    assert by_bidder(evaluation)["投标人B"].rank is None  # above the control price
    assert evaluation.base_price is None


def test_the_report_is_refused_until_every_member_scored_every_valid_bid():
    tender, section = opened(FIVE[:3])
    evaluation = start(tender, section)
    score_all(evaluation, {"投标人A": same("40", "15"), "投标人B": same("40", "15")})
    with pytest.raises(Conflict) as refused:
        services_evaluation.evaluation_report(actor="test", evaluation=evaluation, now=REPORT)
    assert refused.value.code == "sheets_missing"
    assert len(refused.value.details["missing"]) == 4


# --- mandatory rejections ------------------------------------------------------------------------------

def test_each_mandatory_rejection_is_recorded_with_its_reason_and_the_control_price_itself_is_valid():
    tender, section = opened(["4000000", "4000000.01", "3500000", "3600000", "3700000"],
                             unpaid=(2,), other_payer=(3,), revoked=(4,))
    evaluation = start(tender, section)
    bids = by_bidder(evaluation)
    assert bids["投标人A"].valid and bids["投标人A"].rejection_code == ""
    assert (bids["投标人B"].valid, bids["投标人B"].rejection_code) == (False, RejectionCode.CONTROL_PRICE)
    assert "rule.control_price" == bids["投标人B"].rejection_code
    assert "最高投标限价" in bids["投标人B"].rejection_reason
    assert (bids["投标人C"].valid, bids["投标人C"].rejection_code) == (False, RejectionCode.NO_DEPOSIT)
    assert "未提交" in bids["投标人C"].rejection_reason
    assert (bids["投标人D"].valid, bids["投标人D"].rejection_code) == (False, RejectionCode.NO_DEPOSIT)
    assert "基本账户" in bids["投标人D"].rejection_reason
    assert (bids["投标人E"].valid, bids["投标人E"].rejection_code) == (False, RejectionCode.BID_REVOKED)
    # only the valid bid enters the base price
    assert evaluation.base_price == Decimal("4000000.00")


def test_a_rejected_bid_gets_no_score_sheet():
    tender, section = opened(["3500000", "4100000", "3600000"])
    evaluation = start(tender, section)
    with pytest.raises(InvalidInput) as refused:
        services_evaluation.score_sheet_submit(actor="test", evaluation=evaluation, member=members(evaluation)[0],
                                               evaluated_bid=by_bidder(evaluation)["投标人B"], technical="40",
                                               business="10")
    assert (refused.value.code, refused.value.field) == ("bid_rejected", "bid_id")


# --- score sheets ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("technical", "business", "field"), [("50.01", "10", "technical"), ("-1", "10", "technical"),
                                                             ("40", "20.5", "business"), ("40", "abc", "business")])
def test_a_score_outside_its_range_is_refused_naming_the_field(technical, business, field):
    tender, section = opened(FIVE[:3])
    evaluation = start(tender, section)
    with pytest.raises(InvalidInput) as refused:
        services_evaluation.score_sheet_submit(actor="test", evaluation=evaluation, member=members(evaluation)[0],
                                               evaluated_bid=by_bidder(evaluation)["投标人A"], technical=technical,
                                               business=business)
    assert refused.value.field == field
    assert not ScoreSheet.objects.exists()


def test_scores_at_the_bounds_are_accepted():
    tender, section = opened(FIVE[:3])
    evaluation = start(tender, section)
    sheet = services_evaluation.score_sheet_submit(actor="test", evaluation=evaluation, member=members(evaluation)[0],
                                                   evaluated_bid=by_bidder(evaluation)["投标人A"], technical="50",
                                                   business="0")
    assert (sheet.technical, sheet.business) == (Decimal("50.00"), Decimal("0.00"))


def test_maximum_scores_must_add_up_to_100_naming_the_parameter():
    tender, section = opened(FIVE[:3])
    with pytest.raises(InvalidInput) as refused:
        start(tender, section, technical_max="60")
    assert refused.value.field == "params.price_max"


def test_a_score_sheet_is_signed_and_a_changed_score_fails_verification():
    tender, section = opened(FIVE[:3])
    evaluation = start(tender, section)
    sheet = services_evaluation.score_sheet_submit(actor="test", evaluation=evaluation, member=members(evaluation)[0],
                                                   evaluated_bid=by_bidder(evaluation)["投标人A"], technical="40",
                                                   business="15", now=at("2024-03-21 15:00"))
    assert len(sheet.digest) == 64 and services_evaluation.sheet_verify(sheet)
    ScoreSheet.objects.filter(pk=sheet.pk).update(technical=Decimal("41"))  # tampering behind the service's back
    assert not services_evaluation.sheet_verify(sheet)
    corrected = services_evaluation.score_sheet_submit(
        actor="test", evaluation=evaluation, member=members(evaluation)[0],
        evaluated_bid=by_bidder(evaluation)["投标人A"], technical="41", business="15", now=at("2024-03-21 15:00"))
    assert corrected.digest != sheet.digest and services_evaluation.sheet_verify(corrected)
    submitted = AuditEvent.objects.filter(action="scoresheet.submit").order_by("id")
    assert [e.payload["before"] for e in submitted] == [None, {"technical": "41.00", "business": "15.00"}]


# --- publicity ---------------------------------------------------------------------------------------

def reported(prices=FIVE[:3], **kwargs):
    tender, section = opened(prices, **kwargs)
    evaluation = start(tender, section, method=EvaluationMethod.LOWEST_PRICE)
    services_evaluation.evaluation_report(actor="test", evaluation=evaluation, now=REPORT)
    return evaluation


def test_the_publicity_is_published_3_days_after_the_report_but_not_4():
    evaluation = reported()
    with pytest.raises(InvalidInput) as refused:
        services_evaluation.publicity_transition(actor="test", publicity=evaluation.publicity,
                                                 action="publish", now=at("2024-03-26 09:00"))
    assert refused.value.code == "rule.publicity_within_days"
    publicity = services_evaluation.publicity_transition(actor="test", publicity=evaluation.publicity,
                                                         action="publish", now=at("2024-03-25 17:00"))
    assert publicity.status == PublicityStatus.PUBLISHED


def test_the_publicity_closes_after_3_full_days_and_not_after_2():
    evaluation = reported()
    p = services_evaluation.publicity_transition(actor="test", publicity=evaluation.publicity, action="publish",
                                                 now=at("2024-03-22 17:00"))
    with pytest.raises(InvalidInput) as refused:
        services_evaluation.publicity_transition(actor="test", publicity=p, action="close", now=at("2024-03-24 23:00"))
    assert refused.value.code == "rule.publicity_min_days"
    p.refresh_from_db()
    closed = services_evaluation.publicity_transition(actor="test", publicity=p, action="close",
                                                      now=at("2024-03-25 09:00"))
    assert closed.status == PublicityStatus.CLOSED


def test_an_objection_is_due_in_3_days_and_listed_as_overdue_after():
    evaluation = reported()
    p = services_evaluation.publicity_transition(actor="test", publicity=evaluation.publicity, action="publish",
                                                 now=at("2024-03-22 17:00"))
    objection = services_evaluation.candidate_objection_submit(actor="test", publicity=p, objector_name="投标人B",
                                                               content="第一名业绩造假", now=at("2024-03-23 10:00"))
    assert objection.answer_due_on == day("2024-03-26")
    staff = make_user(role=Role.TRADING_STAFF)
    assert list(selectors.candidate_objections_overdue(user=staff, today=day("2024-03-26"))) == []
    assert list(selectors.candidate_objections_overdue(user=staff, today=day("2024-03-27"))) == [objection]
    answered = services_evaluation.candidate_objection_answer(actor="test", objection=objection, answer="经核实不成立",
                                                              now=at("2024-03-27 09:00"))
    assert answered.answered_late is True


# --- award and contract ------------------------------------------------------------------------------

def closed_publicity(**kwargs):
    evaluation = reported(**kwargs)
    p = services_evaluation.publicity_transition(actor="test", publicity=evaluation.publicity, action="publish",
                                                 now=at("2024-03-22 17:00"))
    services_evaluation.publicity_transition(actor="test", publicity=p, action="close", now=at("2024-03-25 17:00"))
    return evaluation


def test_a_state_funded_project_awards_the_first_candidate_and_another_only_with_a_reason():
    evaluation = closed_publicity()  # government invested; candidates A (3.9m) is third, C (3.6m) first
    second = services_evaluation.candidates(evaluation)[1]
    with pytest.raises(InvalidInput) as refused:
        services_evaluation.award_decide(actor="test", evaluation=evaluation, evaluated_bid=second,
                                         now=at("2024-04-01 10:00"))
    assert (refused.value.code, refused.value.field) == ("rule.award_first", "reason")
    award = services_evaluation.award_decide(actor="test", evaluation=evaluation, now=at("2024-04-01 10:00"))
    assert (award.winner_rank, award.winner.bidder_name, award.price) == (1, "投标人C", Decimal("3600000.00"))
    assert award.contract_due_on == day("2024-05-01")


def test_the_first_candidate_who_is_out_with_a_reason_gives_way_to_the_second():
    evaluation = closed_publicity()
    second = services_evaluation.candidates(evaluation)[1]
    award = services_evaluation.award_decide(actor="test", evaluation=evaluation, evaluated_bid=second,
                                             reason="排名第一的中标候选人书面放弃中标", now=at("2024-04-01 10:00"))
    assert award.winner_rank == 2


def test_no_award_while_an_objection_is_unanswered():
    evaluation = reported()
    p = services_evaluation.publicity_transition(actor="test", publicity=evaluation.publicity, action="publish",
                                                 now=at("2024-03-22 17:00"))
    services_evaluation.candidate_objection_submit(actor="test", publicity=p, objector_name="投标人B", content="异议",
                                                   now=at("2024-03-23 10:00"))
    services_evaluation.publicity_transition(actor="test", publicity=p, action="close", now=at("2024-03-25 17:00"))
    with pytest.raises(Conflict) as refused:
        services_evaluation.award_decide(actor="test", evaluation=evaluation, now=at("2024-04-01 10:00"))
    assert refused.value.code == "objection_pending"


def test_the_contract_is_overdue_after_31_days_not_30_and_signing_makes_the_deposits_due():
    evaluation = closed_publicity()
    award = services_evaluation.award_decide(actor="test", evaluation=evaluation, now=at("2024-04-01 10:00"))
    staff = make_user(role=Role.TRADING_STAFF)
    assert list(selectors.contracts_overdue(user=staff, today=day("2024-05-01"))) == []
    assert list(selectors.contracts_overdue(user=staff, today=day("2024-05-02"))) == [award]
    services_evaluation.award_contract_signed(actor="test", award=award, signed_on=day("2024-05-03"))
    assert list(selectors.contracts_overdue(user=staff, today=day("2024-05-04"))) == []
    deposits = Deposit.objects.filter(registration__tender_section=evaluation.tender_section)
    assert {d.refund_due_on for d in deposits} == {day("2024-05-08")}
    assert AuditEvent.objects.filter(action="award.contract_signed", payload__late=True).count() == 1


def test_every_step_is_audited():
    first = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    evaluation = closed_publicity()
    award = services_evaluation.award_decide(actor="test", evaluation=evaluation, now=at("2024-04-01 10:00"))
    services_evaluation.award_contract_signed(actor="test", award=award, signed_on=day("2024-04-20"))
    actions = list(AuditEvent.objects.filter(id__gt=first).values_list("action", flat=True))
    for action in ["evaluation.create", "evaluation.report", "candidatepublicity.create", "candidatepublicity.publish",
                   "candidatepublicity.close", "award.decide", "tender_section.contract_signed",
                   "award.contract_signed"]:
        assert action in actions
    report = AuditEvent.objects.get(action="evaluation.report")
    assert report.payload["digest"] == evaluation.__class__.objects.get(pk=evaluation.pk).report_digest
