"""The demo's planted collusion patterns (``trading.demo_plan.plant_collusion``) on a tiny stand-in plan: they
leave the winners and their prices alone, and the rules find each of them."""

from __future__ import annotations

import random
from decimal import Decimal
from types import SimpleNamespace

from zhengwu.supervision import collusion
from zhengwu.trading.demo_plan import Bidder, Reg, SectionPlan, plant_collusion


def tiny_plan(seed: int = 1):
    rng = random.Random(seed)
    builders = [Bidder(enterprise=SimpleNamespace(pk=i, credit_code=f"C{i}"), user=None, account=f"A{i}", bank="")
                for i in range(1, 41)]
    runs = []
    for n in range(12):
        category = "below" if n % 2 else "above"
        section = SectionPlan(number=1, kind="works", name=f"第{n}标段", specialty="building",
                              award=Decimal("1000000"), control=Decimal("1100000"))
        regs = [Reg(bidder=b, bids=True, price=Decimal("1000000") + 1000 * rng.randrange(1, 90))
                for b in rng.sample(builders, 4)]
        regs[0].winner, regs[0].price = True, Decimal("1000000")
        runs.append(SimpleNamespace(fails=False, project=SimpleNamespace(category=category, sections=[section]),
                                    regs=[regs]))
    return runs, builders


def rows(runs):
    bids, awards, k = [], [], 0
    for s, run in enumerate(runs):
        regs = run.regs[0]
        for reg in regs:
            k += 1
            bids.append({"id": k, "section_id": s, "tender_id": s, "bidder_id": reg.bidder.enterprise.pk,
                         "opened": True, "price": reg.price, **reg.evidence,
                         "text_signature": collusion.minhash_signature(reg.evidence.get("document_text")
                                                                       or f"投标文件 {reg.bidder.enterprise.pk}")})
        awards.append({"section_id": s, "winner_id": next(r.bidder.enterprise.pk for r in regs if r.winner),
                       "bidders": [r.bidder.enterprise.pk for r in regs]})
    return bids, awards


def test_the_planted_patterns_keep_the_winners_and_are_found_by_the_rules():
    runs, builders = tiny_plan()
    winners_before = [(r.regs[0][0].price, r.regs[0][0].winner) for r in runs]
    planted = plant_collusion(runs, builders, random.Random(7))
    assert [len(planted[k]) for k in ("rotation", "machine", "prices", "related")] == [1, 3, 1, 1]
    assert [(r.regs[0][0].price, r.regs[0][0].winner) for r in runs] == winners_before
    for run in runs:  # each bidder at most once per section, every losing price above the winner's
        regs = run.regs[0]
        assert len({r.bidder.enterprise.pk for r in regs}) == len(regs)
        assert all(r.price > regs[0].price for r in regs[1:])
    bids, awards = rows(runs)
    group = sorted(b.enterprise.pk for b in planted["rotation"][0]["group"])
    assert [f.bidder_ids for f in collusion.rotating_winners(awards)] == [group]
    assert len(collusion.same_machine(bids)) == 3
    assert len(collusion.same_ip(bids)) == 1
    assert len(collusion.regular_prices(bids)) >= 1
    (similar,) = collusion.similar_text(bids)
    assert similar.value >= 0.8
