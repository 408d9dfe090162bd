"""评定分离 (separated award, DOMAIN.md §10, part 5): the award mode fixed by the tender documents, the
committee's unranked candidates, and the tendering party's decision by each of the five methods (vote,
lottery, vote then lottery, collective deliberation, price competition), signed, replayable and audited,
ending in the same award, notice, contract and deposit refund as a ranked award."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.trading import services, services_award, services_bids, services_evaluation
from zhengwu.trading.choices import AwardMode, DecisionMethod, EvaluationMethod, ProjectType
from zhengwu.trading.models import Award, AwardDecision, Deposit, EvaluatedBid
from zhengwu.trading.selectors import rules_for
from zhengwu.trading.testing import (
    at,
    credit,
    day,
    draw,
    make_expert,
    make_project,
    make_tender,
    pay,
    publish,
    register,
)

pytestmark = pytest.mark.django_db

BEFORE = at("2024-03-15 10:00")
DECIDE = at("2024-04-01 10:00")
GROUP = [{"name": "张明", "role": "招标人法定代表人"}, {"name": "李华", "role": "分管负责人"},
         {"name": "王强", "role": "工程科科长"}, {"name": "赵敏", "role": "财务科科长"},
         {"name": "钱进", "role": "项目负责人"}]
NAMES = [m["name"] for m in GROUP]


def opened_separated(prices: list[str], method: str, *, control_price: str = "4000000"):
    """A separated tender (the documents fix ``method``) opened on 21 March with one paid bid per price, bidders
    A, B, C… in opening order, and a committee of 4 experts + 1 representative drawn on 20 March."""
    project = make_project(control_price=control_price)
    section = project.sections.get()
    tender = publish(make_tender(project=project, deposits={section.pk: "80000"}, award_mode=AwardMode.SEPARATED,
                                 decision_method=method))
    passphrases = {}
    for i, price in enumerate(prices):
        registration = register(tender, code=credit(600 + i), name=f"投标人{chr(65 + i)}")
        pay(registration)
        user = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
        bid, _ = services_bids.bid_upload(actor=user, tender=tender, section=section, file=b"%PDF bid", price=price,
                                          duration_days=365, quality="合格", file_name="bid.pdf",
                                          passphrase="open-sesame-1", now=BEFORE)
        passphrases[bid.pk] = "open-sesame-1"
    for n in range(4):
        make_expert(name=f"专家{n + 1}")
    draw(tender, seed=7)
    services_bids.tender_open(actor="test", tender=tender, passphrases=passphrases, now=tender.opening_at)
    tender.refresh_from_db()
    return tender, section


def reported_separated(prices: list[str], method: str, **kwargs):
    """The committee's report (lowest evaluated price) on 22 March."""
    tender, section = opened_separated(prices, method, **kwargs)
    evaluation = services_evaluation.evaluation_create(actor="test", tender=tender, section=section,
                                                       method=EvaluationMethod.LOWEST_PRICE,
                                                       now=at("2024-03-21 10:00"))
    return services_evaluation.evaluation_report(actor="test", evaluation=evaluation, now=at("2024-03-22 10:00"))


def publicity_closed(prices: list[str], method: str, **kwargs):
    evaluation = reported_separated(prices, method, **kwargs)
    p = services_evaluation.publicity_transition(actor="test", publicity=evaluation.publicity, action="publish",
                                                 now=at("2024-03-22 17:00"))
    services_evaluation.publicity_transition(actor="test", publicity=p, action="close", now=at("2024-03-25 17:00"))
    return evaluation


def ids(evaluation) -> dict[str, int]:
    """Candidate bidder name → Bid id (what votes, offers and the deliberation name)."""
    return {c.bidder_name: c.bid_id for c in services_evaluation.candidates(evaluation)}


def ballots(*choices: int) -> dict[str, int]:
    return dict(zip(NAMES, choices, strict=True))


def decide(evaluation, **kwargs):
    kwargs.setdefault("group", GROUP)
    kwargs.setdefault("reasons", "按招标文件规定的定标方法确定")
    return services_award.award_decide_separated(actor="test", evaluation=evaluation, now=DECIDE, **kwargs)


THREE = ["3900000", "3800000", "3600000"]


# --- the award mode in the tender documents ---------------------------------------------------------------

def test_a_separated_tender_needs_a_decision_method_and_a_ranked_tender_refuses_one():
    project = make_project()
    with pytest.raises(InvalidInput) as missing:
        make_tender(project=project, award_mode=AwardMode.SEPARATED)
    assert (missing.value.field, missing.value.code) == ("decision_method", "required")
    with pytest.raises(InvalidInput) as extra:
        make_tender(project=project, decision_method=DecisionMethod.VOTE)
    assert (extra.value.field, extra.value.code) == ("decision_method", "not_for_ranked")
    with pytest.raises(InvalidInput) as unknown:
        make_tender(project=project, award_mode=AwardMode.SEPARATED, decision_method="dice")
    assert unknown.value.field == "decision_method"
    tender = make_tender(project=project, award_mode=AwardMode.SEPARATED, decision_method=DecisionMethod.LOTTERY)
    assert (tender.award_mode, tender.decision_method) == ("separated", "lottery")
    assert AuditEvent.objects.get(action="tender.create").payload["decision_method"] == "lottery"


def test_the_award_mode_of_a_draft_can_change_and_a_published_tender_keeps_its_own():
    project = make_project()
    tender = make_tender(project=project)
    assert (tender.award_mode, tender.decision_method) == ("ranked", "")
    tender = services.tender_update(actor="test", tender=tender, award_mode="separated",
                                    decision_method="price_competition")
    assert (tender.award_mode, tender.decision_method) == ("separated", "price_competition")
    tender = services.tender_update(actor="test", tender=tender, award_mode="ranked")
    assert (tender.award_mode, tender.decision_method) == ("ranked", "")
    publish(tender)
    with pytest.raises(Conflict) as refused:
        services.tender_update(actor="test", tender=tender, award_mode="separated", decision_method="vote")
    assert refused.value.code == "not_draft"


def test_separated_award_is_for_construction_projects_only():
    project = make_project(project_type=ProjectType.PROCUREMENT, sections=[("goods", "4000000")])
    with pytest.raises(InvalidInput) as refused:
        make_tender(project=project, award_mode=AwardMode.SEPARATED, decision_method=DecisionMethod.VOTE)
    assert (refused.value.field, refused.value.code) == ("award_mode", "separated_construction_only")


# --- the committee's unranked candidates -------------------------------------------------------------------

def test_the_report_recommends_at_most_3_unranked_candidates_listed_in_opening_order():
    evaluation = reported_separated(["3900000", "3300000", "3800000", "3600000"], DecisionMethod.VOTE)
    bids = {b.bidder_name: b for b in EvaluatedBid.objects.filter(evaluation=evaluation)}
    # the three lowest prices are B, D and C; A (the highest) is not recommended; nobody has a rank
    assert {n for n, b in bids.items() if b.recommended} == {"投标人B", "投标人C", "投标人D"}
    assert all(b.rank is None for b in bids.values())
    assert [c.bidder_name for c in services_evaluation.candidates(evaluation)] == ["投标人B", "投标人C", "投标人D"]
    evaluation.refresh_from_db()
    assert [c["bidder"] for c in evaluation.report["candidates"]] == ["投标人B", "投标人C", "投标人D"]
    assert all("rank" not in c for c in evaluation.report["candidates"])
    assert evaluation.report["award_mode"] == "separated"
    assert evaluation.report["rules"] == {"separated_candidates_max": "3"}
    assert services_evaluation.report_verify(evaluation)


def test_the_number_of_candidates_is_the_rule_separated_candidates_max():
    services.rule_value_set(actor="test", code="separated_candidates_max", value="2")
    evaluation = reported_separated(["3900000", "3300000", "3800000"], DecisionMethod.VOTE)
    assert [c.bidder_name for c in services_evaluation.candidates(evaluation)] == ["投标人B", "投标人C"]


# --- which path awards ----------------------------------------------------------------------------------

def test_the_ranked_award_is_refused_for_a_separated_tender():
    evaluation = publicity_closed(THREE, DecisionMethod.LOTTERY)
    with pytest.raises(Conflict) as refused:
        services_evaluation.award_decide(actor="test", evaluation=evaluation, now=DECIDE)
    assert (refused.value.code, refused.value.details["decision_method"]) == ("award_mode_separated", "lottery")
    assert not Award.objects.exists()


def test_the_separated_decision_is_refused_for_a_ranked_tender():
    from zhengwu.trading.tests.test_evaluation import closed_publicity

    evaluation = closed_publicity()
    with pytest.raises(Conflict) as refused:
        decide(evaluation, seed=1)
    assert refused.value.code == "award_mode_ranked"


def test_no_decision_before_the_publicity_closes_nor_while_an_objection_is_unanswered():
    evaluation = reported_separated(THREE, DecisionMethod.LOTTERY)
    with pytest.raises(Conflict) as early:
        decide(evaluation, seed=1)
    assert early.value.code == "publicity_not_closed"
    p = services_evaluation.publicity_transition(actor="test", publicity=evaluation.publicity, action="publish",
                                                 now=at("2024-03-22 17:00"))
    services_evaluation.candidate_objection_submit(actor="test", publicity=p, objector_name="投标人A",
                                                   content="候选人业绩不实", now=at("2024-03-23 10:00"))
    services_evaluation.publicity_transition(actor="test", publicity=p, action="close", now=at("2024-03-25 17:00"))
    with pytest.raises(Conflict) as pending:
        decide(evaluation, seed=1)
    assert pending.value.code == "objection_pending"
    assert not AwardDecision.objects.exists()


# --- vote (票决) ----------------------------------------------------------------------------------------

def test_vote_the_candidate_with_the_most_votes_wins():
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE)
    c = ids(evaluation)
    award = decide(evaluation, votes=[ballots(c["投标人B"], c["投标人B"], c["投标人A"], c["投标人B"], c["投标人C"])])
    assert (award.winner.bidder_name, award.winner_rank, award.price) == ("投标人B", None, Decimal("3800000.00"))
    decision = AwardDecision.objects.get()
    assert decision.outcome["tallies"] == [{"round": 1, "candidates": [c["投标人A"], c["投标人B"], c["投标人C"]],
                                            "counts": {str(c["投标人A"]): 1, str(c["投标人B"]): 3,
                                                       str(c["投标人C"]): 1},
                                            "leaders": [c["投标人B"]]}]
    assert decision.seed == ""


def test_vote_a_tie_at_the_top_goes_to_a_further_round_among_the_tied_only():
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE)
    c = ids(evaluation)
    first = ballots(c["投标人A"], c["投标人A"], c["投标人C"], c["投标人C"], c["投标人B"])  # A 2, C 2, B 1
    with pytest.raises(InvalidInput) as tied:
        decide(evaluation, votes=[first])
    assert (tied.value.code, tied.value.details["tied"]) == ("vote_tie", [c["投标人A"], c["投标人C"]])
    assert not Award.objects.exists()
    with pytest.raises(InvalidInput) as not_tied:  # B is out of the second round
        decide(evaluation, votes=[first, ballots(c["投标人B"], c["投标人A"], c["投标人A"], c["投标人C"], c["投标人C"])])
    assert (not_tied.value.code, not_tied.value.field) == ("not_a_candidate", "votes[1]")
    award = decide(evaluation, votes=[first, ballots(c["投标人C"], c["投标人A"], c["投标人C"], c["投标人C"], c["投标人A"])])
    assert award.winner.bidder_name == "投标人C"
    assert [t["leaders"] for t in AwardDecision.objects.get().outcome["tallies"]] == [
        [c["投标人A"], c["投标人C"]], [c["投标人C"]]]


def test_vote_a_round_after_a_decisive_one_is_refused():
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE)
    c = ids(evaluation)
    decisive = ballots(c["投标人A"], c["投标人A"], c["投标人A"], c["投标人C"], c["投标人B"])
    with pytest.raises(InvalidInput) as refused:
        decide(evaluation, votes=[decisive, decisive])
    assert (refused.value.code, refused.value.field) == ("extra_round", "votes[1]")


@pytest.mark.parametrize(("change", "code"), [
    ({"drop": "钱进"}, "vote_missing"),
    ({"add": ("孙立", None)}, "unknown_member"),
    ({"for": 999999}, "not_a_candidate"),
])
def test_vote_every_member_votes_exactly_once_for_a_candidate(change, code):
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE)
    c = ids(evaluation)
    votes = ballots(*[c["投标人A"]] * 5)
    if "drop" in change:
        del votes[change["drop"]]
    if "add" in change:
        votes[change["add"][0]] = c["投标人A"]
    if "for" in change:
        votes["钱进"] = change["for"]
    with pytest.raises(InvalidInput) as refused:
        decide(evaluation, votes=[votes])
    assert (refused.value.code, refused.value.field) == (code, "votes[0]")
    assert not AwardDecision.objects.exists()


# --- lottery (抽签) ------------------------------------------------------------------------------------

def test_lottery_records_its_seed_and_the_candidates_it_drew_from_and_replays_to_the_same_winner():
    evaluation = publicity_closed(THREE, DecisionMethod.LOTTERY)
    pool = sorted(ids(evaluation).values())
    award = decide(evaluation, seed=20240401)
    decision = AwardDecision.objects.get()
    expected = pool[random.Random(20240401).randrange(3)]
    assert award.winner.bid_id == expected
    assert (decision.seed, decision.outcome["pool"]) == ("20240401", pool)
    assert services_award.decision_replay(decision)


def test_the_lottery_depends_on_the_seed_and_reaches_every_candidate():
    pool = [11, 12, 13]
    winners = {services_award.decide_lottery(seed, candidate_ids=pool)[0] for seed in range(30)}
    assert winners == set(pool)
    assert services_award.decide_lottery(5, candidate_ids=[13, 11, 12]) == services_award.decide_lottery(
        5, candidate_ids=pool)  # the order the candidates are given in does not matter


def test_a_lottery_without_a_seed_gets_a_random_one_and_still_replays():
    evaluation = publicity_closed(THREE, DecisionMethod.LOTTERY)
    decide(evaluation)
    decision = AwardDecision.objects.get()
    assert decision.seed.isdigit() and services_award.decision_replay(decision)


# --- vote then lottery (票决抽签) -------------------------------------------------------------------------

def test_vote_lottery_narrows_to_the_two_most_voted_then_draws_between_them():
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE_LOTTERY)
    c = ids(evaluation)
    award = decide(evaluation, seed=3, votes=[ballots(c["投标人C"], c["投标人C"], c["投标人B"], c["投标人B"], c["投标人B"])])
    decision = AwardDecision.objects.get()
    finalists = sorted([c["投标人B"], c["投标人C"]])
    assert decision.outcome["finalists"] == finalists  # A had no vote
    assert award.winner.bid_id == finalists[random.Random(3).randrange(2)]
    assert decision.outcome["rules"] == {"vote_lottery_finalists": "2"}
    assert services_award.decision_replay(decision)


def test_vote_lottery_lets_every_candidate_tied_at_the_cut_into_the_lottery():
    members = NAMES
    finalists = services_award.decide_vote_lottery(
        [dict(zip(members, [1, 1, 1, 2, 3], strict=True))], 9, members=members, candidate_ids=[1, 2, 3],
        entry=rules_for(project_type="", procedure="")["vote_lottery_finalists"])[1]["finalists"]
    assert finalists == [1, 2, 3]  # 3 votes, then 1 and 1 tied for the second place
    one = services_award.decide_vote_lottery(
        [dict(zip(members, [2] * 5, strict=True))], 9, members=members, candidate_ids=[1, 2, 3],
        entry=rules_for(project_type="", procedure="")["vote_lottery_finalists"])
    assert (one[0], one[1]["finalists"]) == (2, [2])  # nobody with no vote goes into the lottery


def test_vote_lottery_takes_one_round_of_votes():
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE_LOTTERY)
    c = ids(evaluation)
    one = ballots(*[c["投标人A"]] * 5)
    with pytest.raises(InvalidInput) as refused:
        decide(evaluation, seed=1, votes=[one, one])
    assert (refused.value.code, refused.value.field) == ("one_round", "votes")


# --- collective deliberation (集体议事) ------------------------------------------------------------------

def test_deliberation_needs_the_minutes_the_chosen_candidate_and_the_reasons():
    evaluation = publicity_closed(THREE, DecisionMethod.DELIBERATION)
    c = ids(evaluation)
    with pytest.raises(InvalidInput) as no_minutes:
        decide(evaluation, bid_id=c["投标人A"])
    assert (no_minutes.value.field, no_minutes.value.code) == ("minutes", "required")
    with pytest.raises(InvalidInput) as no_choice:
        decide(evaluation, minutes="2024年4月1日定标会议纪要:……")
    assert (no_choice.value.field, no_choice.value.code) == ("bid_id", "required")
    with pytest.raises(InvalidInput) as no_reasons:
        decide(evaluation, minutes="纪要", bid_id=c["投标人A"], reasons=" ")
    assert (no_reasons.value.field, no_reasons.value.code) == ("reasons", "required")
    award = decide(evaluation, minutes="2024年4月1日定标会议纪要:经集体议事,投标人A同类业绩最多。", bid_id=c["投标人A"],
                   reasons="投标人A近三年同类工程业绩最多、履约评价优良")
    decision = AwardDecision.objects.get()
    assert (award.winner.bidder_name, award.price) == ("投标人A", Decimal("3900000.00"))
    assert decision.minutes.startswith("2024年4月1日定标会议纪要") and decision.reasons.startswith("投标人A近三年")
    assert services_award.decision_replay(decision)


# --- price competition (价格竞争) -------------------------------------------------------------------------

def test_price_competition_the_lowest_final_offer_wins_at_its_offer():
    evaluation = publicity_closed(THREE, DecisionMethod.PRICE_COMPETITION)
    c = ids(evaluation)
    award = decide(evaluation, offers={str(c["投标人A"]): "3550000", str(c["投标人B"]): "3580000.50"})
    # C made no offer and stands at its bid price 3,600,000; A's 3,550,000 is the lowest
    assert (award.winner.bidder_name, award.price) == ("投标人A", Decimal("3550000.00"))
    decision = AwardDecision.objects.get()
    assert decision.outcome["offers"] == {str(c["投标人A"]): "3550000.00", str(c["投标人B"]): "3580000.50",
                                          str(c["投标人C"]): "3600000.00"}
    assert decision.outcome["kept_bid_price"] == [c["投标人C"]]
    assert decision.price == award.price == Decimal("3550000.00")


def test_price_competition_refuses_an_offer_above_the_bid_price_and_a_tie_at_the_lowest():
    evaluation = publicity_closed(THREE, DecisionMethod.PRICE_COMPETITION)
    c = ids(evaluation)
    with pytest.raises(InvalidInput) as above:
        decide(evaluation, offers={str(c["投标人C"]): "3600000.01"})
    assert (above.value.code, above.value.field) == ("offer_above_bid", f"offers.{c['投标人C']}")
    with pytest.raises(InvalidInput) as tie:
        decide(evaluation, offers={str(c["投标人A"]): "3500000", str(c["投标人B"]): "3500000"})
    assert (tie.value.code, tie.value.details["tied"]) == ("offer_tie", sorted([c["投标人A"], c["投标人B"]]))
    equal = decide(evaluation, offers={str(c["投标人C"]): "3600000"})  # equal to its bid price is accepted
    assert equal.winner.bidder_name == "投标人C"


# --- the group, the inputs, the record ---------------------------------------------------------------------

@pytest.mark.parametrize("size", [4, 6])
def test_the_decision_group_is_an_odd_number_of_at_least_5(size):
    evaluation = publicity_closed(THREE, DecisionMethod.LOTTERY)
    group = (GROUP + [{"name": "孙立", "role": "纪检人员"}])[:size]
    with pytest.raises(InvalidInput) as refused:
        decide(evaluation, group=group, seed=1)
    assert (refused.value.code, refused.value.field, refused.value.details["actual"]) == (
        "rule.decision_group_min", "group", size)


def test_a_group_member_needs_a_name_and_a_role_and_appears_once():
    evaluation = publicity_closed(THREE, DecisionMethod.LOTTERY)
    with pytest.raises(InvalidInput) as no_role:
        decide(evaluation, group=[*GROUP[:4], {"name": "孙立", "role": ""}], seed=1)
    assert no_role.value.field == "group[4].role"
    with pytest.raises(InvalidInput) as twice:
        decide(evaluation, group=[*GROUP[:4], GROUP[0]], seed=1)
    assert (twice.value.field, twice.value.code) == ("group[4].name", "duplicate_member")


def test_inputs_another_method_uses_are_refused():
    evaluation = publicity_closed(THREE, DecisionMethod.LOTTERY)
    with pytest.raises(InvalidInput) as refused:
        decide(evaluation, seed=1, votes=[ballots(*[1] * 5)])
    assert (refused.value.field, refused.value.code) == ("votes", "not_for_method")


def test_the_decision_is_signed_and_an_edited_vote_fails_verification():
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE)
    c = ids(evaluation)
    decide(evaluation, votes=[ballots(c["投标人A"], c["投标人A"], c["投标人A"], c["投标人B"], c["投标人C"])])
    decision = AwardDecision.objects.get()
    assert len(decision.digest) == 64 and services_award.decision_verify(decision)
    tampered = {**decision.inputs, "votes": [ballots(c["投标人B"], c["投标人A"], c["投标人A"], c["投标人B"], c["投标人B"])]}
    AwardDecision.objects.filter(pk=decision.pk).update(inputs=tampered)  # behind the service's back
    assert not services_award.decision_verify(decision)
    assert not services_award.decision_replay(decision)  # the edited votes no longer give the recorded winner


def test_the_award_issues_the_notice_and_the_contract_makes_the_deposits_due():
    evaluation = publicity_closed(THREE, DecisionMethod.LOTTERY)
    award = decide(evaluation, seed=11)
    assert (award.notice_issued_at, award.contract_due_on) == (DECIDE, day("2024-05-01"))
    services_evaluation.award_contract_signed(actor="test", award=award, signed_on=day("2024-04-20"))
    deposits = Deposit.objects.filter(registration__tender_section=evaluation.tender_section)
    assert {d.refund_due_on for d in deposits} == {day("2024-04-25")}
    with pytest.raises(Conflict) as twice:
        decide(evaluation, seed=12)
    assert twice.value.code == "duplicate"


def test_the_decision_is_audited_with_everything():
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE_LOTTERY)
    c = ids(evaluation)
    votes = [ballots(c["投标人A"], c["投标人A"], c["投标人B"], c["投标人C"], c["投标人C"])]
    award = decide(evaluation, seed=77, votes=votes, reasons="票决后抽签确定")
    event = AuditEvent.objects.get(action="award.decide")
    decision = AwardDecision.objects.get()
    assert (event.object_id, event.reason) == (str(award.pk), "票决后抽签确定")
    p = event.payload
    assert (p["mode"], p["method"], p["seed"], p["digest"]) == ("separated", "vote_lottery", "77", decision.digest)
    assert p["group"] == GROUP and p["inputs"] == {"votes": votes}
    assert p["outcome"]["finalists"] == [c["投标人A"], c["投标人C"]]
    assert [x["bidder"] for x in p["candidates"]] == ["投标人A", "投标人B", "投标人C"]
    assert p["rules"] == {"contract_within_days": "30", "decision_group_min": "5"}
    assert p["contract_due_on"] == "2024-05-01"
