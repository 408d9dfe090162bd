"""The collusion rules on plain rows: for each, a planted pattern is found and a near miss is not."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from zhengwu.supervision import collusion


def bid(id_: int, bidder: int, *, section: int = 1, tender: int = 1, opened: bool = True, **facts):
    return {"id": id_, "bidder_id": bidder, "section_id": section, "tender_id": tender, "opened": opened, **facts}


def text(seed: int, words: int = 400) -> str:
    rng = random.Random(seed)
    vocabulary = "施工组织设计项目管理机构质量保证措施安全文明施工进度计划劳动力安排机械设备材料供应"
    return "".join(rng.choice(vocabulary) for _ in range(words))


def altered(base: str, share: float, seed: int) -> str:
    """``base`` with a share of its characters replaced at random."""
    rng = random.Random(seed)
    chars = list(base)
    for i in rng.sample(range(len(chars)), int(len(chars) * share)):
        chars[i] = chr(0x4E00 + rng.randrange(20000))
    return "".join(chars)


# --- CN_SAME_MACHINE / CN_SAME_IP ----------------------------------------------------------------------

def test_same_machine_code_of_two_bidders_on_a_section_is_found_with_the_shared_value():
    rows = [bid(1, 10, machine_code="MC-AAAA"), bid(2, 11, machine_code="MC-AAAA"), bid(3, 12, machine_code="MC-B")]
    (finding,) = collusion.same_machine(rows)
    assert finding.rule == "CN_SAME_MACHINE"
    assert finding.bid_ids == [1, 2] and finding.bidder_ids == [10, 11] and finding.section_id == 1
    assert finding.evidence["field"] == "machine_code" and finding.evidence["value"] == "MC-AAAA"


def test_same_pricing_key_and_file_creator_are_found_per_field():
    rows = [bid(1, 10, pricing_key="K1", file_creator_id="U1"), bid(2, 11, pricing_key="K1", file_creator_id="U1")]
    assert sorted(f.evidence["field"] for f in collusion.same_machine(rows)) == ["file_creator_id", "pricing_key"]


def test_same_machine_code_in_two_versions_of_one_bidder_or_in_different_sections_is_not_a_finding():
    rows = [bid(1, 10, machine_code="MC-A"), bid(2, 10, machine_code="MC-A"),
            bid(3, 11, section=2, machine_code="MC-X"), bid(4, 12, section=3, machine_code="MC-X")]
    assert collusion.same_machine(rows) == []


def test_upload_facts_count_for_bids_not_opened():
    rows = [bid(1, 10, opened=False, upload_ip="10.1.2.3"), bid(2, 11, opened=False, upload_ip="10.1.2.3")]
    (finding,) = collusion.same_ip(rows)
    assert finding.bid_ids == [1, 2] and finding.evidence["value"] == "10.1.2.3"


def test_different_ips_and_empty_ips_are_not_a_finding():
    rows = [bid(1, 10, upload_ip="10.1.2.3"), bid(2, 11, upload_ip="10.1.2.4"), bid(3, 12), bid(4, 13)]
    assert collusion.same_ip(rows) == []


# --- CN_SAME_AGENT / CN_SAME_MANAGER ------------------------------------------------------------------

def test_same_agent_on_one_section_is_found_and_the_index_is_masked():
    rows = [bid(1, 10, agent_id_index="f" * 64, agent_name="张三"), bid(2, 11, agent_id_index="f" * 64),
            bid(3, 12, agent_id_index="e" * 64)]
    (finding,) = collusion.same_agent(rows)
    assert finding.bid_ids == [1, 2] and finding.section_id == 1
    assert "f" * 64 not in str(finding.evidence)


def test_same_manager_across_sections_of_one_tender_is_a_tender_finding():
    rows = [bid(1, 10, section=1, project_manager_certificate="浙133000000001"),
            bid(2, 11, section=2, project_manager_certificate="浙133000000001")]
    (finding,) = collusion.same_manager(rows)
    assert finding.section_id is None and finding.tender_id == 1 and finding.evidence["across_sections"]


def test_people_of_bids_not_opened_or_of_other_tenders_are_not_compared():
    rows = [bid(1, 10, opened=False, project_manager_certificate="C1"), bid(2, 11, project_manager_certificate="C1"),
            bid(3, 12, tender=2, section=5, project_manager_certificate="C2"),
            bid(4, 13, tender=3, section=6, project_manager_certificate="C2")]
    assert collusion.same_manager(rows) == []


# --- CN_SIMILAR_TEXT --------------------------------------------------------------------------------------

def test_minhash_estimates_the_jaccard_similarity_and_is_seeded():
    base = text(1)
    assert collusion.minhash_signature(base) == collusion.minhash_signature(base)
    assert collusion.similarity(collusion.minhash_signature(base), collusion.minhash_signature(base)) == 1.0
    assert collusion.minhash_signature("四个字") is None


def test_similar_texts_at_085_are_found_and_at_06_are_not():
    base = text(7, 3000)
    sig = {name: collusion.minhash_signature(value, permutations=128) for name, value in
           {"base": base, "close": altered(base, 0.007, 1), "far": altered(base, 0.05, 2)}.items()}
    close = collusion.similarity(sig["base"], sig["close"])
    far = collusion.similarity(sig["base"], sig["far"])
    assert close >= 0.8 and far < 0.8
    rows = [bid(1, 10, text_signature=sig["base"]), bid(2, 11, text_signature=sig["close"])]
    (finding,) = collusion.similar_text(rows, threshold=0.8)
    assert finding.bid_ids == [1, 2] and finding.evidence["pairs"][0]["similarity"] == round(close, 4)
    assert collusion.similar_text([bid(1, 10, text_signature=sig["base"]), bid(2, 11, text_signature=sig["far"])],
                                  threshold=0.8) == []


def test_similarity_of_a_planted_pair_at_085_and_06_against_the_threshold():
    # signatures built value by value: 85 % and 60 % of the 100 values equal
    a = {"scheme": "s", "values": list(range(100))}
    b = {"scheme": "s", "values": list(range(85)) + [1000 + i for i in range(15)]}
    c = {"scheme": "s", "values": list(range(60)) + [1000 + i for i in range(40)]}
    (finding,) = collusion.similar_text([bid(1, 10, text_signature=a), bid(2, 11, text_signature=b)], threshold=0.8)
    assert finding.value == 0.85
    assert collusion.similar_text([bid(1, 10, text_signature=a), bid(2, 11, text_signature=c)], threshold=0.8) == []


def test_signatures_of_different_schemes_are_not_compared():
    a = {"scheme": "s1", "values": [1, 2, 3, 4]}
    b = {"scheme": "s2", "values": [1, 2, 3, 4]}
    assert collusion.similarity(a, b) is None
    assert collusion.similar_text([bid(1, 10, text_signature=a), bid(2, 11, text_signature=b)]) == []


# --- CN_REGULAR_PRICES ------------------------------------------------------------------------------------

def priced(*prices: str, section: int = 1):
    return [bid(i + 1, 10 + i, section=section, price=Decimal(p)) for i, p in enumerate(prices)]


def test_prices_in_arithmetic_progression_are_found():
    (finding,) = collusion.regular_prices(priced("100", "110", "120"))
    (progression,) = finding.evidence["progressions"]
    assert progression["kind"] == "arithmetic" and progression["prices"] == ["100", "110", "120"]
    assert progression["differences"] == ["10", "10"]


def test_prices_just_outside_the_tolerance_are_not_found():
    assert collusion.regular_prices(priced("100", "110", "121.5")) == []


def test_an_arithmetic_progression_among_other_prices_is_found_with_its_members_only():
    (finding,) = collusion.regular_prices(priced("3200000.00", "3150000.00", "3612345.67", "3250000.00"))
    assert finding.bid_ids == [1, 2, 4]


def test_prices_in_geometric_progression_and_identical_prices_are_found():
    (geometric,) = collusion.regular_prices(priced("1000000", "1100000", "1210000"))
    assert [p["kind"] for p in geometric.evidence["progressions"]] == ["geometric"]
    (identical,) = collusion.regular_prices(priced("500", "500", "500"))
    assert identical.evidence["progressions"][0]["kind"] == "identical"


def test_the_tolerances_are_configurable():
    assert collusion.regular_prices(priced("100", "110", "121.5"), abs_tolerance="2") != []
    assert collusion.regular_prices(priced("100", "110", "120"), min_count=4) == []


def test_random_prices_of_a_section_are_not_found():
    rng = random.Random(5)
    prices = [f"{rng.randrange(300000000, 400000000) / 100:.2f}" for _ in range(6)]
    assert collusion.regular_prices(priced(*prices)) == []


# --- CN_SAME_PAYER ----------------------------------------------------------------------------------------

def test_deposits_of_two_bidders_from_one_account_are_found_with_the_account_masked():
    deposits = [{"section_id": 1, "bidder_id": 10, "account": "6222 0200 1234 5678"},
                {"section_id": 1, "bidder_id": 11, "account": "6222020012345678"},
                {"section_id": 1, "bidder_id": 12, "account": "6222020099999999"}]
    (finding,) = collusion.same_payer(deposits, [bid(1, 10), bid(2, 11), bid(3, 12)])
    assert finding.bidder_ids == [10, 11] and finding.bid_ids == [1, 2]
    assert finding.evidence["account"] == "****5678"


def test_one_account_on_different_sections_is_not_found():
    deposits = [{"section_id": 1, "bidder_id": 10, "account": "6222"}, {"section_id": 2, "bidder_id": 11,
                                                                         "account": "6222"}]
    assert collusion.same_payer(deposits) == []


# --- CN_RELATED_BIDDERS -----------------------------------------------------------------------------------

def test_bidders_with_the_same_legal_representative_on_one_section_are_found():
    relations = [{"enterprise_id": 10, "role": "legal_representative", "person_id": 7},
                 {"enterprise_id": 11, "role": "legal_representative", "person_id": 7}]
    (finding,) = collusion.related_bidders([bid(1, 10), bid(2, 11), bid(3, 12)], relations)
    assert finding.bidder_ids == [10, 11] and finding.evidence["links"][0]["kind"] == "legal_representative"


def test_a_parent_and_its_subsidiary_on_one_section_are_found():
    relations = [{"enterprise_id": 11, "role": "parent", "related_enterprise_id": 10}]
    (finding,) = collusion.related_bidders([bid(1, 10), bid(2, 11)], relations)
    assert finding.evidence["links"] == [{"kind": "controls", "label": "控股或管理关系", "controller": 10,
                                          "controlled": 11}]


def test_related_bidders_on_different_sections_or_different_people_are_not_found():
    relations = [{"enterprise_id": 10, "role": "legal_representative", "person_id": 7},
                 {"enterprise_id": 11, "role": "legal_representative", "person_id": 8},
                 {"enterprise_id": 12, "role": "shareholder", "person_id": 9},
                 {"enterprise_id": 13, "role": "shareholder", "person_id": 9}]
    assert collusion.related_bidders([bid(1, 10), bid(2, 11), bid(3, 12, section=2), bid(4, 13, section=3)],
                                     relations) == []


# --- CN_ROTATING_WINNERS ----------------------------------------------------------------------------------

def awards(plan: list[tuple[int, list[int]]]) -> list[dict]:
    return [{"section_id": 100 + i, "winner_id": winner, "bidders": bidders} for i, (winner, bidders) in
            enumerate(plan)]


def test_a_group_of_three_winning_in_turn_in_four_sections_is_found():
    group = [1, 2, 3]
    rows = awards([(1, group + [9]), (2, group), (3, group + [8]), (1, group)])
    (finding,) = collusion.rotating_winners(rows)
    assert finding.bidder_ids == [1, 2, 3] and finding.value == 4.0
    assert finding.evidence["wins"] == {"1": 2, "2": 1, "3": 1}


def test_a_group_where_one_member_never_wins_or_an_outsider_wins_is_not_found():
    group = [1, 2, 3]
    never = awards([(1, group), (2, group), (1, group), (2, group)])
    outsider = awards([(1, group + [9]), (2, group + [9]), (3, group + [9]), (9, group + [9])])
    assert collusion.rotating_winners(never) == []
    # 9 won one of the four: the group of four has every member winning, so it is the finding, not 1-2-3
    assert [f.bidder_ids for f in collusion.rotating_winners(outsider)] == [[1, 2, 3, 9]]
    assert collusion.rotating_winners(awards([(1, group), (2, group), (3, group)])) == []


def test_a_group_of_four_is_found_as_one_group_among_random_sections():
    rng = random.Random(3)
    group = [1, 2, 3, 4]
    plan = [(group[i % 4], group + rng.sample(range(20, 60), 2)) for i in range(6)]
    plan += [(rng.randrange(20, 60), rng.sample(range(1, 60), 6)) for _ in range(40)]
    found = collusion.rotating_winners(awards(plan))
    assert [f.bidder_ids for f in found] == [[1, 2, 3, 4]]


def test_run_all_reports_every_rule():
    found = collusion.run_all(bids=[bid(1, 10, upload_ip="1.1.1.1"), bid(2, 11, upload_ip="1.1.1.1")])
    assert set(found) == set(collusion.RULES)
    assert len(found["CN_SAME_IP"]) == 1


@pytest.mark.parametrize("key", sorted(collusion.DEFAULTS))
def test_every_threshold_can_be_set_in_the_django_setting(settings, key):
    settings.ZHENGWU_COLLUSION = {key: "sentinel"}
    assert collusion.settings_for()[key] == "sentinel"


def test_a_large_section_goes_through_the_banding_and_still_finds_the_similar_pair():
    rng = random.Random(11)
    rows = [bid(i, 100 + i, text_signature={"scheme": "s", "values": [rng.getrandbits(61) for _ in range(64)]})
            for i in range(1, collusion.PAIRWISE_UP_TO + 8)]
    twin = list(rows[0]["text_signature"]["values"])
    twin[::8] = [rng.getrandbits(61) for _ in twin[::8]]  # 8 of 64 values differ: 0.875
    rows.append(bid(99, 999, text_signature={"scheme": "s", "values": twin}))
    (finding,) = collusion.similar_text(rows, threshold=0.8)
    assert finding.bid_ids == [1, 99] and finding.value == 0.875
