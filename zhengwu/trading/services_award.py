"""评定分离 (separated award): the tendering party's decision among the committee's unranked candidates.

The tender documents fix the method (``Tender.decision_method``); after the publicity closes (the same
publicity and objection rules as a ranked award), ``award_decide_separated`` records the decision group,
the method's inputs and outcome and the reasons in one ``AwardDecision``, signs it with SM3, and writes
the ``Award`` exactly as a ranked award does (notice, contract due date, service fee). The methods:

* **vote (票决)**: every member of the group votes for one candidate (no abstention); the candidate with
  the most votes wins. A tie at the top is decided by a further round among the tied candidates only,
  and so on; the service gets every round, and refuses (``vote_tie``) when the last round is still tied.
* **lottery (抽签)**: ``random.Random(seed).randrange`` over the candidates sorted by bid id (the opening
  order); the seed is recorded, so ``decision_replay`` draws the same winner.
* **vote then lottery (票决抽签)**: one round of votes; the ``vote_lottery_finalists`` candidates with the
  most votes (all those tied at the cut, never one with no vote) go into the lottery.
* **collective deliberation (集体议事)**: the minutes, the chosen candidate and the reasons are required.
* **price competition (价格竞争)**: each candidate's final offer (a candidate that makes none stands at its
  bid price); an offer above the candidate's bid price is refused; the lowest wins and its offer is the
  award price; a tie at the lowest is refused (``offer_tie``: the tied candidates offer again).

The decision group has at least ``decision_group_min`` members, an odd number, each with a name and a role.
"""

from __future__ import annotations

import datetime as dt
import hmac
import random
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.crypto import sm3_hex
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.trading.choices import AwardMode, DecisionMethod
from zhengwu.trading.models import Award, AwardDecision, EvaluatedBid, Evaluation
from zhengwu.trading.rules import RuleEntry, violation
from zhengwu.trading.services import money
from zhengwu.trading.services_evaluation import (
    _canonical,
    lock_for_award,
    _rules_of,
    _user,
    _utc,
    award_issue,
    award_preconditions,
    candidates,
)

#: which inputs each method takes (anything else given is refused, so nothing is recorded that did not count)
METHOD_INPUTS = {
    DecisionMethod.VOTE: {"votes"},
    DecisionMethod.LOTTERY: set(),
    DecisionMethod.VOTE_LOTTERY: {"votes"},
    DecisionMethod.DELIBERATION: {"minutes", "bid_id"},
    DecisionMethod.PRICE_COMPETITION: {"offers"},
}


# --- the decision group ----------------------------------------------------------------------------------

def group_clean(group: Any, entry: RuleEntry) -> list[dict[str, str]]:
    """The tendering party's decision group: names and roles, names unique, at least ``decision_group_min``
    members and an odd number (a vote between two candidates cannot tie)."""
    if not isinstance(group, list) or not group:
        raise InvalidInput("请填写定标委员会成员。", field="group", code="required")
    members: list[dict[str, str]] = []
    for i, member in enumerate(group):
        member = member if isinstance(member, dict) else {}
        name, role = str(member.get("name") or "").strip(), str(member.get("role") or "").strip()
        if not name:
            raise InvalidInput("请填写成员姓名。", field=f"group[{i}].name", code="required")
        if not role:
            raise InvalidInput(f"请填写{name}的身份(职务)。", field=f"group[{i}].role", code="required")
        if any(m["name"] == name for m in members):
            raise InvalidInput(f"成员“{name}”重复。", field=f"group[{i}].name", code="duplicate_member")
        members.append({"name": name, "role": role})
    n = len(members)
    if n < entry.as_int or n % 2 == 0:
        raise violation(entry, field="group", message=f"定标委员会 {n} 人,应为不少于 {entry.text} 人的单数",
                        actual=n)
    return members


# --- the methods (pure: candidates are bid ids in opening order) -------------------------------------------

def _as_bid_id(value: Any, *, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"“{value}”不是投标文件编号。", field=field, code="invalid") from None


def tally(ballots: Any, *, members: list[str], allowed: list[int], field: str) -> dict[int, int]:
    """Count one round: every member votes exactly once, for one of ``allowed``."""
    if not isinstance(ballots, dict):
        raise InvalidInput("每一轮票决应为“成员姓名 → 投标文件编号”。", field=field, code="invalid")
    unknown = sorted(set(ballots) - set(members))
    if unknown:
        raise InvalidInput(f"“{unknown[0]}”不是定标委员会成员。", field=field, code="unknown_member")
    missing = [m for m in members if m not in ballots]
    if missing:
        raise InvalidInput(f"{'、'.join(missing)}未投票:定标委员会成员每轮均须投票,不得弃权。", field=field,
                           code="vote_missing", details={"missing": missing})
    counts = {bid: 0 for bid in allowed}
    for member in members:
        bid = _as_bid_id(ballots[member], field=field)
        if bid not in counts:
            raise InvalidInput(f"{member}投给了 {bid},不是本轮的候选人。", field=field, code="not_a_candidate",
                               details={"member": member, "bid": bid, "allowed": allowed})
        counts[bid] += 1
    return counts


def decide_vote(rounds: Any, *, members: list[str], candidate_ids: list[int]) -> tuple[int, dict[str, Any]]:
    """The most votes wins; a tie at the top goes to a further round among the tied only."""
    if not isinstance(rounds, list) or not rounds:
        raise InvalidInput("请填写票决结果(至少一轮)。", field="votes", code="required")
    allowed = list(candidate_ids)
    tallies: list[dict[str, Any]] = []
    leaders: list[int] = []
    for i, ballots in enumerate(rounds):
        counts = tally(ballots, members=members, allowed=allowed, field=f"votes[{i}]")
        top = max(counts.values())
        leaders = [b for b in allowed if counts[b] == top]
        tallies.append({"round": i + 1, "candidates": allowed, "counts": {str(b): counts[b] for b in allowed},
                        "leaders": leaders})
        if len(leaders) == 1:
            if i != len(rounds) - 1:
                raise InvalidInput(f"第 {i + 1} 轮已决出得票最多者,不应再有后续轮次。", field=f"votes[{i + 1}]",
                                   code="extra_round")
            return leaders[0], {"tallies": tallies}
        allowed = leaders
    raise InvalidInput(f"得票最多的候选人票数相同({'、'.join(str(b) for b in leaders)}):应在这几名候选人中再次票决,"
                       "并提交包括新一轮在内的全部轮次。", field="votes", code="vote_tie",
                       details={"tied": leaders, "tallies": tallies})


def draw_lot(seed: int, pool: list[int]) -> int:
    """The index drawn from ``pool`` (sorted ascending) with ``random.Random(seed)``."""
    return random.Random(seed).randrange(len(pool))


def decide_lottery(seed: int, *, candidate_ids: list[int]) -> tuple[int, dict[str, Any]]:
    pool = sorted(candidate_ids)
    index = draw_lot(seed, pool)
    return pool[index], {"pool": pool, "index": index}


def decide_vote_lottery(rounds: Any, seed: int, *, members: list[str], candidate_ids: list[int],
                        entry: RuleEntry) -> tuple[int, dict[str, Any]]:
    """One round of votes narrows to the ``vote_lottery_finalists`` with the most votes (ties at the cut all go
    through; a candidate with no vote never does), then the lottery among them."""
    if not isinstance(rounds, list) or len(rounds) != 1:
        raise InvalidInput("票决抽签只进行一轮票决。", field="votes", code="one_round")
    counts = tally(rounds[0], members=members, allowed=list(candidate_ids), field="votes[0]")
    voted = sorted((b for b in candidate_ids if counts[b] > 0), key=lambda b: (-counts[b], b))
    finalists = voted
    if len(voted) > entry.as_int:
        cut = counts[voted[entry.as_int - 1]]
        finalists = [b for b in voted if counts[b] >= cut]
    winner, lot = decide_lottery(seed, candidate_ids=finalists)
    return winner, {"tallies": [{"round": 1, "candidates": list(candidate_ids),
                                 "counts": {str(b): counts[b] for b in candidate_ids}}],
                    "finalists": sorted(finalists), **lot, "rules": {entry.code: entry.snapshot()}}


def decide_deliberation(minutes: str, chosen: Any, *, candidate_ids: list[int]) -> tuple[int, dict[str, Any]]:
    if not str(minutes or "").strip():
        raise InvalidInput("集体议事须记录议事纪要。", field="minutes", code="required")
    if chosen in (None, ""):
        raise InvalidInput("请填写集体议事确定的中标人。", field="bid_id", code="required")
    bid = _as_bid_id(chosen, field="bid_id")
    if bid not in candidate_ids:
        raise InvalidInput(f"投标文件 {bid} 不是中标候选人。", field="bid_id", code="not_a_candidate")
    return bid, {"chosen": bid}


def decide_price_competition(offers: Any, *, prices: dict[int, Decimal]) -> tuple[int, dict[str, Any]]:
    """``offers``: bid id → final offer. The lowest wins; above the bid price refused; a tie refused."""
    if not isinstance(offers, dict) or not offers:
        raise InvalidInput("请填写各中标候选人的最终报价。", field="offers", code="required")
    final: dict[int, Decimal] = dict(prices)
    offered: set[int] = set()
    for key, value in offers.items():
        bid = _as_bid_id(key, field="offers")
        offered.add(bid)
        if bid not in prices:
            raise InvalidInput(f"投标文件 {bid} 不是中标候选人。", field="offers", code="not_a_candidate")
        offer = money(value, field=f"offers.{bid}")
        if offer > prices[bid]:
            raise InvalidInput(f"投标文件 {bid} 的最终报价 {offer} 元高于其投标报价 {prices[bid]} 元。",
                               field=f"offers.{bid}", code="offer_above_bid",
                               details={"offer": str(offer), "bid_price": str(prices[bid])})
        final[bid] = offer
    lowest = min(final.values())
    tied = sorted(b for b, p in final.items() if p == lowest)
    if len(tied) > 1:
        raise InvalidInput(f"最低报价 {lowest} 元相同({'、'.join(str(b) for b in tied)}):应由这几名候选人再次报价。",
                           field="offers", code="offer_tie", details={"tied": tied, "price": str(lowest)})
    return tied[0], {"offers": {str(b): str(final[b]) for b in sorted(final)},
                     "kept_bid_price": sorted(set(prices) - offered)}


# --- the digest and the replay ----------------------------------------------------------------------------

def decision_content(decision: AwardDecision) -> dict[str, Any]:
    return {"evaluation": decision.evaluation_id, "award": decision.award_id, "method": decision.method,
            "group": decision.group, "candidates": decision.candidates, "inputs": decision.inputs,
            "outcome": decision.outcome, "seed": decision.seed, "minutes": decision.minutes,
            "reasons": decision.reasons, "winner_bid": decision.winner.bid_id, "price": str(decision.price),
            "decided_at": _utc(decision.decided_at)}


def decision_digest(decision: AwardDecision) -> str:
    """SM3 over the canonical JSON (sorted keys, no spaces) of everything the decision records."""
    return sm3_hex(_canonical(decision_content(decision)))


def decision_verify(decision: AwardDecision) -> bool:
    """Whether the stored decision still matches its digest (an edited vote, reason or time breaks it)."""
    fresh = AwardDecision.objects.select_related("winner").get(pk=decision.pk)
    return hmac.compare_digest(decision_digest(fresh), fresh.digest)


def _decide(method: str, *, inputs: dict[str, Any], seed: int | None, members: list[str],
            cands: list[EvaluatedBid], rules: dict[str, RuleEntry]) -> tuple[int, dict[str, Any]]:
    ids = [c.bid_id for c in cands]
    if method == DecisionMethod.VOTE:
        return decide_vote(inputs.get("votes"), members=members, candidate_ids=ids)
    if method == DecisionMethod.LOTTERY:
        return decide_lottery(seed, candidate_ids=ids)
    if method == DecisionMethod.VOTE_LOTTERY:
        return decide_vote_lottery(inputs.get("votes"), seed, members=members, candidate_ids=ids,
                                   entry=rules["vote_lottery_finalists"])
    if method == DecisionMethod.DELIBERATION:
        return decide_deliberation(inputs.get("minutes", ""), inputs.get("bid_id"), candidate_ids=ids)
    return decide_price_competition(inputs.get("offers"), prices={c.bid_id: c.price for c in cands})


def decision_replay(decision: AwardDecision) -> bool:
    """Recompute the winner from the recorded inputs, seed and candidates: True when it is the recorded one."""
    fresh = AwardDecision.objects.select_related("winner", "evaluation").get(pk=decision.pk)
    by_bid = {b.bid_id: b for b in fresh.evaluation.bids.all()}
    cands = [by_bid[c["bid"]] for c in fresh.candidates]
    members = [m["name"] for m in fresh.group]
    inputs = {**fresh.inputs, "minutes": fresh.minutes} if fresh.method == DecisionMethod.DELIBERATION \
        else fresh.inputs
    winner, _ = _decide(fresh.method, inputs=inputs, seed=int(fresh.seed) if fresh.seed else None,
                        members=members, cands=cands, rules=_rules_of(fresh.evaluation))
    return winner == fresh.winner.bid_id


# --- the service ------------------------------------------------------------------------------------------

def award_decide_separated(*, actor: Any, evaluation: Evaluation, group: Any, reasons: str,
                           votes: Any = None, offers: Any = None, minutes: str = "", bid_id: Any = None,
                           now: dt.datetime | None = None, seed: int | None = None) -> Award:
    """Record the tendering party's decision by the documents' method and award the chosen candidate.

    ``votes``: a list of rounds, each {member name: Bid id} (vote, vote_lottery); ``offers``: {Bid id: final
    offer} (price_competition); ``minutes`` and ``bid_id`` (deliberation). ``seed`` only for tests: the
    lottery's seed is otherwise ``secrets.randbits(64)``.
    """
    require(actor, "trading.award")
    now = now or timezone.now()
    reasons = str(reasons or "").strip()
    given = {"votes": votes, "offers": offers, "minutes": str(minutes or "").strip() or None, "bid_id": bid_id}
    with transaction.atomic():
        evaluation = lock_for_award(evaluation)
        tender = evaluation.tender_section.tender
        if tender.award_mode != AwardMode.SEPARATED:
            raise Conflict("本招标按排序定标,不适用评定分离的定标程序。", code="award_mode_ranked")
        award_preconditions(evaluation)
        method = tender.decision_method
        extra = sorted(k for k, v in given.items() if v not in (None, "", [], {}) and k not in METHOD_INPUTS[method])
        if extra:
            raise InvalidInput(f"{DecisionMethod(method).label}不使用 {extra[0]}。", field=extra[0],
                               code="not_for_method", details={"method": method})
        rules = _rules_of(evaluation)
        members = group_clean(group, rules["decision_group_min"])
        if not reasons:
            raise InvalidInput("请填写定标理由。", field="reasons", code="required")
        cands = candidates(evaluation)
        if method not in (DecisionMethod.LOTTERY, DecisionMethod.VOTE_LOTTERY):
            seed = None
        elif seed is None:
            seed = secrets.randbits(64)
        inputs = {k: v for k, v in given.items() if k in METHOD_INPUTS[method] and v is not None}
        winner_bid, outcome = _decide(method, inputs=inputs, seed=seed, members=[m["name"] for m in members],
                                      cands=cands, rules=rules)
        winner = next(c for c in cands if c.bid_id == winner_bid)
        price = Decimal(outcome["offers"][str(winner_bid)]) if method == DecisionMethod.PRICE_COMPETITION \
            else winner.price
        award, issued = award_issue(actor=actor, evaluation=evaluation, chosen=winner, price=price, reason="",
                                    now=now)
        recorded_inputs = {k: v for k, v in inputs.items() if k != "minutes"}
        if "offers" in recorded_inputs:
            recorded_inputs["offers"] = {str(k): str(v) for k, v in recorded_inputs["offers"].items()}
        decision = AwardDecision(
            evaluation=evaluation, award=award, method=method, group=members,
            candidates=[{"bid": c.bid_id, "bidder": c.bidder_name, "price": str(c.price)} for c in cands],
            inputs=recorded_inputs, outcome=outcome, seed=str(seed) if seed is not None else "",
            minutes=inputs.get("minutes") or "", reasons=reasons, winner=winner, price=price, decided_at=now,
            decided_by=_user(actor))
        decision.digest = decision_digest(decision)
        decision.save()
        audit.record(actor=actor, action="award.decide", obj=award, reason=reasons,
                     payload={"mode": AwardMode.SEPARATED, "method": method, "evaluation": evaluation.pk,
                              "decision": decision.pk, "bid": winner.bid_id, "price": price, "group": members,
                              "candidates": decision.candidates, "inputs": recorded_inputs, "outcome": outcome,
                              "seed": decision.seed, "minutes": decision.minutes, "digest": decision.digest,
                              "state_funded": tender.project.state_funded, **issued,
                              "rules": {**issued["rules"], "decision_group_min":
                                        rules["decision_group_min"].snapshot()}})
    return award
